-- A command beside the service writes through HSQLDB's server in the service's JVM, which
-- reports a commit done even when its log could not be written (config.StorageFailures). The
-- command asks this after each write: the first such failure the service's JVM heard, or NULL.
CREATE FUNCTION storage_failure() RETURNS VARCHAR(4000)
	LANGUAGE JAVA NOT DETERMINISTIC NO SQL
	EXTERNAL NAME 'CLASSPATH:org.newsletter.config.StorageFailures.heard';
