-- Sign-up on the web page (issue 17), owned by the signup package. One row per address that
-- signed up: a new address is also a subscriber with status 'pending'; someone already on the
-- list (active, unsubscribed, bounced) keeps their row as it is until they confirm, so what
-- their sign-up asked for waits here. A confirmation link is valid only while expires_at is
-- the one it names and the subscriber row is unchanged since it was mailed (its updated_at is
-- in the link's HMAC): an unsubscribe, an import or a newer link all make it stale.
CREATE TABLE sign_up (
	subscriber_id BIGINT NOT NULL PRIMARY KEY,
	-- the name given on the form, applied at confirmation; NULL keeps the subscriber's
	name          VARCHAR(200),
	-- when the open sign-up's link expires (whole seconds); NULL when none is open
	expires_at    TIMESTAMP WITH TIME ZONE,
	-- the last confirmation mail to the address: at most one per newsletter.confirm.mail-interval,
	-- remembered across restarts and after a confirmation
	mailed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
	-- forgetting a person, or purging an expired pending sign-up, deletes their subscriber row and this with it
	CONSTRAINT sign_up_subscriber_fk FOREIGN KEY (subscriber_id) REFERENCES subscriber (id) ON DELETE CASCADE
);

-- the service's purge finds expired sign-ups without reading the subscriber table
CREATE INDEX sign_up_expires_ix ON sign_up (expires_at);
CREATE INDEX sign_up_mailed_ix ON sign_up (mailed_at);
