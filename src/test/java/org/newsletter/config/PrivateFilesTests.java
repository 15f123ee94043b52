package org.newsletter.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrivateFilesTests {

	@TempDir
	Path dir;

	@Test
	void whatItCreatesIsOwnerOnlyFromTheStart() throws Exception {
		Path nested = PrivateFiles.createDirectories(dir.resolve("a/b"));
		PrivateFiles.createFile(nested.resolve("lock"));
		PrivateFiles.writeNew(nested.resolve("secret"), "s3cret\n".getBytes());

		assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
		assertThat(mode(nested)).isEqualTo("rwx------");
		assertThat(mode(nested.resolve("lock"))).isEqualTo("rw-------");
		assertThat(mode(nested.resolve("secret"))).isEqualTo("rw-------");
		assertThat(Files.readString(nested.resolve("secret"))).isEqualTo("s3cret\n");
		assertThatThrownBy(() -> PrivateFiles.writeNew(nested.resolve("secret"), new byte[0]))
			.isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
	}

	@Test
	void createFileLeavesAnExistingFileAlone() throws Exception {
		Path log = Files.writeString(dir.resolve("newsletter.log"), "kept\n");
		Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));

		PrivateFiles.createFile(log);

		assertThat(Files.readString(log)).isEqualTo("kept\n");
		assertThat(mode(log)).isEqualTo("rw-r-----");
	}

	@Test
	void tightenTakesGroupAndOthersAwayExceptWhereToldAndKeepsTheOwnersBits() throws Exception {
		Path db = Files.createDirectories(dir.resolve("data/db"));
		Path script = Files.writeString(db.resolve("newsletter.script"), "x");
		Path readOnly = Files.writeString(db.resolve("read-only"), "x");
		Path archive = Files.createDirectories(dir.resolve("data/archive"));
		Path page = Files.writeString(archive.resolve("index.html"), "x");
		Files.setPosixFilePermissions(dir.resolve("data"), PosixFilePermissions.fromString("rwxrwxr-x"));
		Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-rw-r--"));
		Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
		Files.setPosixFilePermissions(page, PosixFilePermissions.fromString("rw-r--r--"));
		Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rwxr-xr-x"));

		int changed = PrivateFiles.tighten(dir.resolve("data"), archive::equals);

		assertThat(changed).isEqualTo(4);
		assertThat(mode(dir.resolve("data"))).isEqualTo("rwx------");
		assertThat(mode(db)).isEqualTo("rwx------");
		assertThat(mode(script)).isEqualTo("rw-------");
		assertThat(mode(readOnly)).isEqualTo("r--------");
		assertThat(mode(archive)).isEqualTo("rwxr-xr-x");
		assertThat(mode(page)).isEqualTo("rw-r--r--");
		assertThat(PrivateFiles.tighten(dir.resolve("data"), archive::equals)).isZero();
	}

	@Test
	void readableOrWritableByOthersNamesTheModeOnlyThen() throws Exception {
		Path key = Files.writeString(dir.resolve("key.pem"), "x");
		for (String open : new String[] { "rw-r-----", "rw----r--", "rw--w----", "rw-----w-" }) {
			Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(open));
			assertThat(PrivateFiles.readableOrWritableByOthers(key)).isEqualTo(open);
		}
		for (String closed : new String[] { "rw-------", "r--------", "rw---x--x" }) {
			Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(closed));
			assertThat(PrivateFiles.readableOrWritableByOthers(key)).isNull();
		}
	}

	private static String mode(Path path) throws Exception {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}
}
