package org.bedside.drivers.capture;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The capture format, version 1: a text header, then binary records in the order they happened.
 *
 * <pre>
 * BEDSIDE-CAPTURE 1\n                      the magic line
 * device=bed12-vent\n                      key=value lines (UTF-8, no newline in a value): device, driver,
 * driver=medibus\n                         option.KEY for each driver option, port, gateway, started
 * option.interval=1s\n
 * \n                                       an empty line ends the header
 * record: kind     1 byte, ASCII           R read from the device, W written to it, O link opened (payload: the
 *                                          endpoint), C link closed (payload: why)
 *         time     8 bytes, big-endian     the gateway's wall clock, microseconds since 1970-01-01T00:00:00Z
 *         length   4 bytes, big-endian     of the payload
 *         payload  length bytes            the bytes as they were on the wire (R, W), or UTF-8 text (O, C)
 * </pre>
 *
 * <p>A file cut short (the gateway killed mid-write) is read up to its last whole record.
 */
public final class CaptureFile {
    public static final String MAGIC = "BEDSIDE-CAPTURE 1";
    /** Every record's bytes before its payload: kind, time, length. */
    public static final int RECORD_OVERHEAD = 1 + 8 + 4;
    /** The longest payload a reader accepts: anything longer is a damaged file, not a read. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    private CaptureFile() {}

    /** What a record is. */
    public enum Kind {
        READ('R'),
        WRITTEN('W'),
        OPENED('O'),
        CLOSED('C');

        final byte code;

        Kind(char code) {
            this.code = (byte) code;
        }

        static @Nullable Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    /** One record: its kind, the gateway's time, and its bytes. */
    public record Record(Kind kind, Instant at, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Record r && r.kind == kind && r.at.equals(at) && Arrays.equals(r.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * kind.hashCode() + at.hashCode()) + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return kind + "@" + at + "[" + payload.length + "]";
        }
    }

    /** Receives a capture's records in order. */
    public interface Visitor {
        void record(Record r) throws IOException;
    }

    /** A capture's header: device, driver, option.KEY, port, gateway, started. */
    public record Header(Map<String, String> fields) {
        public @Nullable String get(String key) {
            return fields.get(key);
        }

        /** The driver options the device ran with ({@code option.KEY} lines). */
        public Map<String, String> options() {
            Map<String, String> options = new LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (k.startsWith("option.")) {
                    options.put(k.substring("option.".length()), v);
                }
            });
            return options;
        }
    }

    /** Whether the file starts with the capture format's magic line (otherwise it is a raw byte capture). */
    public static boolean isCapture(Path file) throws IOException {
        byte[] magic = (MAGIC + "\n").getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        }
    }

    /** How a reading of the file ended. */
    public record Ending(long records, @Nullable String damage) {}

    /**
     * Reads the header, then hands each record to {@code visitor}.
     *
     * @return how many records, and what was wrong with the end of the file if it was cut short or damaged
     * @throws IOException when the file cannot be read or is not a capture
     */
    public static Ending read(Path file, java.util.function.Consumer<Header> header, Visitor visitor)
            throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            header.accept(header(in, file));
            long records = 0;
            while (true) {
                int code = in.read();
                if (code < 0) {
                    return new Ending(records, null);
                }
                Kind kind = Kind.of(code);
                if (kind == null) {
                    return new Ending(records, "record " + (records + 1) + " has an unknown kind " + code);
                }
                long micros;
                int length;
                byte[] payload;
                try {
                    micros = in.readLong();
                    length = in.readInt();
                    if (length < 0 || length > MAX_PAYLOAD) {
                        return new Ending(records, "record " + (records + 1) + " claims " + length + " bytes");
                    }
                    payload = in.readNBytes(length);
                    if (payload.length < length) {
                        throw new EOFException();
                    }
                } catch (EOFException e) {
                    return new Ending(records, "the file ends inside record " + (records + 1) + " (cut short)");
                }
                visitor.record(new Record(kind, Instant.EPOCH.plus(micros, ChronoUnit.MICROS), payload));
                records++;
            }
        }
    }

    /** The header alone. */
    public static Header header(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return header(in, file);
        }
    }

    private static Header header(InputStream in, Path file) throws IOException {
        String first = line(in);
        if (!MAGIC.equals(first)) {
            throw new IOException(file + " is not a capture (its first line is not '" + MAGIC + "')");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                fields.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return new Header(java.util.Collections.unmodifiableMap(fields));
    }

    private static String line(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the capture's header is cut short");
            }
            if (bytes.size() > 4096) {
                throw new IOException("the capture's header has a line longer than 4096 bytes");
            }
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
