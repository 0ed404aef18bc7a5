package org.bedside.common.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a secret (a private key, a password, a client secret, a token) from a file named in the configuration, after
 * checking that only its owner can read it. A key file that the whole ward's accounts can read is no secret: it is
 * refused with a message that names the file and the fix, never read.
 *
 * <p>The contents never appear in an exception message; callers must not log them either.
 */
public final class SecretFile {
    private static final Set<PosixFilePermission> OPEN_TO_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE);

    private SecretFile() {}

    /**
     * The file's bytes, if its owner alone may read and write it.
     *
     * @param what what the file holds, for the message ("the private key", "the client secret")
     * @throws IOException naming the file and what is wrong: missing, not a regular file, readable by others (with the
     *     {@code chmod} that fixes it), unreadable
     */
    public static byte[] read(Path file, String what) throws IOException {
        checkOwnerOnly(file, what);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(
                    "cannot read " + what + " " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** {@link #read} as text with surrounding white space (a trailing newline) removed. */
    public static String readText(Path file, String what) throws IOException {
        String text = new String(read(file, what), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new IOException(what + " " + file + " is empty");
        }
        return text;
    }

    /** Throws unless {@code file} is a regular file that neither its group nor other users can read or write. */
    public static void checkOwnerOnly(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(what + " " + file + " is not a regular file");
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system (the box's is): nothing to check
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(permissions);
        open.retainAll(OPEN_TO_OTHERS);
        if (!open.isEmpty()) {
            throw new IOException(what + " " + file + " is readable or writable by other users ("
                    + PosixFilePermissions.toString(permissions)
                    + "); a secret must be readable by its owner only: chmod 600 " + file);
        }
        if (!Files.isReadable(file)) {
            throw new IOException(what + " " + file + " is not readable by this process (user "
                    + System.getProperty("user.name") + ")");
        }
    }
}
