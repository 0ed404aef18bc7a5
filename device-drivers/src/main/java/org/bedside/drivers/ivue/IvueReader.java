package org.bedside.drivers.ivue;

import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;

/**
 * Reads big-endian fields from a byte range, checking every length against what is left: a field that runs past the
 * end of its message (or of the enclosing structure, see {@link #sub}) is a {@link DecodeFailure.Reason#TRUNCATED}
 * failure, never an exception from the JDK. Reads in place: no copy of the message.
 */
final class IvueReader {
    private final byte[] data;
    private int position;
    private final int limit;

    IvueReader(byte[] data, int offset, int length) {
        this.data = data;
        this.position = offset;
        this.limit = offset + length;
    }

    byte[] array() {
        return data;
    }

    int position() {
        return position;
    }

    int remaining() {
        return limit - position;
    }

    boolean hasRemaining() {
        return position < limit;
    }

    private void need(int n, String what) throws DecodeException {
        if (n < 0 || limit - position < n) {
            throw new DecodeException(
                    DecodeFailure.Reason.TRUNCATED,
                    what + " needs " + n + " bytes at offset " + position + " but " + (limit - position) + " are left");
        }
    }

    int u8(String what) throws DecodeException {
        need(1, what);
        return data[position++] & 0xFF;
    }

    int u16(String what) throws DecodeException {
        need(2, what);
        int v = ((data[position] & 0xFF) << 8) | (data[position + 1] & 0xFF);
        position += 2;
        return v;
    }

    int i32(String what) throws DecodeException {
        need(4, what);
        int v = ((data[position] & 0xFF) << 24)
                | ((data[position + 1] & 0xFF) << 16)
                | ((data[position + 2] & 0xFF) << 8)
                | (data[position + 3] & 0xFF);
        position += 4;
        return v;
    }

    long u32(String what) throws DecodeException {
        return i32(what) & 0xFFFF_FFFFL;
    }

    void skip(int n, String what) throws DecodeException {
        need(n, what);
        position += n;
    }

    byte[] bytes(int n, String what) throws DecodeException {
        need(n, what);
        byte[] b = java.util.Arrays.copyOfRange(data, position, position + n);
        position += n;
        return b;
    }

    /** A reader over the next {@code n} bytes, which this reader skips: a length-prefixed structure. */
    IvueReader sub(int n, String what) throws DecodeException {
        need(n, what);
        IvueReader r = new IvueReader(data, position, n);
        position += n;
        return r;
    }

    /**
     * A reader over the next {@code n} bytes or what is left, whichever is less: for the lists inside a poll result,
     * whose declared lengths a real MX800 overstates (its alert lists announce 3 bytes per entry more than they hold,
     * and every enclosing list inherits the excess) while the message's own length is right. Lists are then read by
     * their counts, each entry still bounds-checked.
     */
    IvueReader subAtMost(int n) {
        int take = Math.min(n, remaining());
        IvueReader r = new IvueReader(data, position, take);
        position += take;
        return r;
    }

    /** Checks a declared value against the actual one, as a malformed-message failure. */
    static void expect(boolean ok, String detail) throws DecodeException {
        if (!ok) {
            throw new DecodeException(DecodeFailure.Reason.MALFORMED, detail);
        }
    }
}
