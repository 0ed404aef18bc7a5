package org.bedside.drivers.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Turns a monitor's identifying demographics (patient id, names, birth date) into a fingerprint that says only whether
 * they are the same as before: HMAC-SHA-256 with a key of this installation, cut to 128 bits. The values go in, are
 * hashed, and are dropped; nothing else of them is kept (docs/patients.md, "Signs from the devices").
 *
 * <p><b>Why keyed.</b> A plain hash of a name and a birth date is reversed by trying the names and dates of a ward;
 * without the key that cannot be done, and the key never leaves the box ({@code <data-dir>/patients/demographics.key},
 * owner-only), so a fingerprint means nothing anywhere else. It is stable across restarts, because the key is.
 */
public final class DemographicsFingerprint {
    private static final int KEY_BYTES = 32;
    private static final int FINGERPRINT_BYTES = 16;

    private final SecretKeySpec key;

    private DemographicsFingerprint(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a demographics key is " + KEY_BYTES + " bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** With a key given (tests, the simulator). */
    public static DemographicsFingerprint withKey(byte[] key) {
        return new DemographicsFingerprint(key);
    }

    /**
     * The installation's key from {@code file}, made (32 random bytes, owner-only, forced to the disk) when there is
     * none yet.
     *
     * @throws IOException when the file cannot be read or written, or does not hold a key
     */
    public static DemographicsFingerprint openOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the directory's permissions protect it
                }
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(fresh));
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IOException(file + " holds " + key.length + " bytes, not a " + KEY_BYTES + "-byte key");
        }
        return new DemographicsFingerprint(key);
    }

    /**
     * The fingerprint of the identifying fields, in the order given (a value's place counts: the same text as the
     * patient id or as the family name differ); null when every field is absent or empty, so that "nothing entered" is
     * never taken for a patient.
     *
     * @param fields each one already put into a canonical form by the driver (trimmed text, the date's bytes), or null
     */
    public @Nullable String of(List<@Nullable String> fields) {
        if (fields.stream().allMatch(f -> f == null || f.isEmpty())) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (String f : fields) {
                if (f == null) {
                    mac.update((byte) 0);
                    continue;
                }
                byte[] b = f.getBytes(StandardCharsets.UTF_8);
                mac.update((byte) 1);
                mac.update(ByteBuffer.allocate(4).putInt(b.length).array());
                mac.update(b);
            }
            return HexFormat.of().formatHex(mac.doFinal(), 0, FINGERPRINT_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
