package org.bedside.drivers.spi;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A frame, or a stretch of bytes, that could not be decoded. It is counted per device and reason, logged at a bounded
 * rate without its payload (some monitors send patient demographics), and never stops the link.
 *
 * @param detail what was wrong, in words, without patient data ("SPO2 value '9x8' is not a number")
 * @param excerpt at most {@link #MAX_EXCERPT} bytes of the offending input, for debug captures only
 * @param length how many bytes were lost
 */
public record DecodeFailure(Reason reason, String detail, byte[] excerpt, int length) implements DecodeResult {
    public static final int MAX_EXCERPT = 64;

    public enum Reason {
        /** Bytes outside any frame, skipped while looking for the next frame start. */
        GARBAGE,
        /** A frame grew past the driver's maximum length; its bytes were discarded up to the next delimiter. */
        FRAME_TOO_LONG,
        /** A frame ended before its fields did. */
        TRUNCATED,
        BAD_CHECKSUM,
        /** A frame that breaks the message grammar (a field that is not a number, a bad date...). */
        MALFORMED,
        UNKNOWN_MESSAGE_TYPE,
        UNSUPPORTED_VERSION,
        VALUE_OUT_OF_SPEC,
        /**
         * A message that says it comes from another device than this link's (a SenML name under another sensor's base
         * name): refused, and audited by the gateway, because it may be one sensor posing as another.
         */
        OTHER_DEVICE;

        /** The reason as a metric label value: {@code bad_checksum}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DecodeFailure {
        if (excerpt.length > MAX_EXCERPT) {
            throw new IllegalArgumentException("excerpt longer than " + MAX_EXCERPT + " bytes");
        }
        excerpt = excerpt.clone();
    }

    /** A failure for the given frame; the excerpt is its first {@link #MAX_EXCERPT} bytes. */
    public static DecodeFailure of(Reason reason, String detail, ByteBuffer frame) {
        ByteBuffer view = frame.duplicate();
        int length = view.remaining();
        byte[] excerpt = new byte[Math.min(length, MAX_EXCERPT)];
        view.get(excerpt);
        return new DecodeFailure(reason, detail, excerpt, length);
    }

    /** A failure for {@code length} bytes whose first bytes are in {@code excerpt} (truncated if longer). */
    public static DecodeFailure of(Reason reason, String detail, byte[] excerpt, int length) {
        byte[] cut = excerpt.length > MAX_EXCERPT ? java.util.Arrays.copyOf(excerpt, MAX_EXCERPT) : excerpt;
        return new DecodeFailure(reason, detail, cut, length);
    }

    @Override
    public byte[] excerpt() {
        return excerpt.clone();
    }

    public String excerptHex() {
        return HexFormat.ofDelimiter(" ").formatHex(excerpt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodeFailure f
                && reason == f.reason
                && detail.equals(f.detail)
                && length == f.length
                && java.util.Arrays.equals(excerpt, f.excerpt);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(reason, detail, length, java.util.Arrays.hashCode(excerpt));
    }

    @Override
    public String toString() {
        return "DecodeFailure[" + reason + ": " + detail + " (" + length + " bytes)]";
    }
}
