package org.newsletter.config;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Files only their owner can read: the data directory holds the subscriber list and the
 * secret that signs unsubscribe links. Java cannot set the process's umask, so what the
 * program creates itself is created with its permissions ({@code 0700}, {@code 0600}: a umask
 * can only take bits away); what HSQLDB and logback create (with the umask's permissions) lives
 * in the owner-only data directory, and is tightened when a command starts and ends.
 * Nothing here applies on a file system without POSIX permissions, whose own rules apply.
 */
public final class PrivateFiles {

	private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
			PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

	private static final Set<PosixFilePermission> READ_OR_WRITE_BY_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

	private PrivateFiles() {
	}

	/** Creates {@code dir} and its missing parents as {@code 0700}. */
	public static Path createDirectories(Path dir) throws IOException {
		if (Files.isDirectory(dir)) {
			return dir;
		}
		if (!posix(dir)) {
			return Files.createDirectories(dir);
		}
		return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
	}

	/** Creates {@code file} as {@code 0600} when it does not exist (a file that exists is left alone). */
	public static void createFile(Path file) throws IOException {
		if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try {
			Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly(file)).close();
		}
		catch (java.nio.file.FileAlreadyExistsException ex) {
			// made meanwhile by someone else: left alone, as above
		}
	}

	/** Writes a new file, {@code 0600} from the moment it exists; fails when it exists. */
	public static void writeNew(Path file, byte[] content) throws IOException {
		try (var channel = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
				ownerOnly(file))) {
			channel.write(java.nio.ByteBuffer.wrap(content));
		}
	}

	/**
	 * Replaces {@code file} with {@code content} at once, {@code 0600} from the moment it exists:
	 * written beside it ({@code <file>.partial}), then moved over it, so a reader or a crash never
	 * sees half of it.
	 */
	public static void replace(Path file, byte[] content) throws IOException {
		Path partial = file.resolveSibling(file.getFileName() + ".partial");
		Files.deleteIfExists(partial);
		writeNew(partial, content);
		Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
	}

	/** The file's permissions as {@code ls -l} shows them when group or others may read or write it, else null. */
	public static String readableOrWritableByOthers(Path file) throws IOException {
		if (!posix(file)) {
			return null;
		}
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
		return permissions.stream().anyMatch(READ_OR_WRITE_BY_OTHERS::contains) ? PosixFilePermissions.toString(permissions)
				: null;
	}

	/** The permissions as {@code ls -l} shows them when group or others have any, else null. */
	public static String openToOthers(Path path) throws IOException {
		if (!posix(path)) {
			return null;
		}
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
		return permissions.stream().anyMatch(OTHERS::contains) ? PosixFilePermissions.toString(permissions) : null;
	}

	/**
	 * Takes every permission of group and others from {@code root} and everything under it,
	 * except the subtrees {@code skip} accepts (left as they are); symbolic links are not
	 * followed. Returns how many files and directories were changed.
	 */
	public static int tighten(Path root, Predicate<Path> skip) throws IOException {
		if (!Files.isDirectory(root) || !posix(root)) {
			return 0;
		}
		int[] changed = { 0 };
		Files.walkFileTree(root, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
				if (skip.test(dir)) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				changed[0] += tightenOne(dir) ? 1 : 0;
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				if (attributes.isRegularFile() && !skip.test(file)) {
					changed[0] += tightenOne(file) ? 1 : 0;
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				if (ex instanceof NoSuchFileException) {
					return FileVisitResult.CONTINUE; // a temporary file of the database, gone meanwhile
				}
				throw ex;
			}
		});
		return changed[0];
	}

	private static boolean tightenOne(Path path) throws IOException {
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
			if (permissions.removeAll(OTHERS)) {
				Files.setPosixFilePermissions(path, permissions);
				return true;
			}
			return false;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
	}

	private static FileAttribute<?>[] ownerOnly(Path file) {
		return posix(file.toAbsolutePath().getParent())
				? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) }
				: new FileAttribute<?>[0];
	}

	/** Whether the file system of {@code path} (or of the nearest existing parent) has POSIX permissions. */
	private static boolean posix(Path path) {
		Path existing = path.toAbsolutePath();
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		return existing != null
				&& existing.getFileSystem().supportedFileAttributeViews().contains("posix")
				&& Files.getFileAttributeView(existing, java.nio.file.attribute.PosixFileAttributeView.class) != null;
	}
}
