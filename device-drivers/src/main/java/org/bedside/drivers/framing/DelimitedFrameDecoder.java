package org.bedside.drivers.framing;

import java.nio.ByteBuffer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * Frames delimited by flag bytes, with byte stuffing: the HDLC-like shape of GE's DRI ({@code 7E ... 7E}, escape
 * {@code 7D}, XOR 0x20) and of IntelliVue's serial link ({@code C0 ... C1}, escape {@code 7D}, XOR 0x20). The frames
 * it delivers are unstuffed and without their flags; checksums are the message decoder's business.
 *
 * <pre>
 *   7E 31 00 7D 5E 4F 7E        →  frame 31 00 7E 4F
 *   └ start   └ escaped 7E   └ end (with one flag byte for both, it also starts the next frame)
 * </pre>
 *
 * <ul>
 *   <li>Bytes before the first start flag are garbage: reported as one {@link DecodeFailure.Reason#GARBAGE} per run (or
 *       per {@code maxFrameLength} bytes of a run that does not end), never kept.
 *   <li>An empty frame (two flags in a row) is skipped silently: senders put flags back to back.
 *   <li>An escape byte directly before a flag aborts the frame (HDLC's abort sequence): {@link
 *       DecodeFailure.Reason#MALFORMED}.
 *   <li>With distinct start and end flags, a start inside a frame cuts it: {@link DecodeFailure.Reason#TRUNCATED}, and
 *       the new frame begins.
 *   <li>A frame longer than {@code maxFrameLength} (after unstuffing) is reported once as {@link
 *       DecodeFailure.Reason#FRAME_TOO_LONG}, and everything up to the next end flag is dropped: memory never grows
 *       past the limit.
 * </ul>
 */
public final class DelimitedFrameDecoder implements FrameDecoder {
    private final byte start;
    private final byte end;
    private final byte escape;
    private final int escapeXor;
    private final int maxFrameLength;
    private final byte[] frame;
    private final byte[] garbageExcerpt = new byte[DecodeFailure.MAX_EXCERPT];

    private boolean inside;
    private int length;
    private boolean escaped;
    private boolean discarding;
    private int garbage;

    /**
     * @param start the byte that opens a frame
     * @param end the byte that closes a frame; may equal {@code start}, and then one flag between two frames both
     *     closes the first and opens the second
     * @param escape the byte that marks the next byte as stuffed
     * @param escapeXor what a stuffed byte was XORed with (0x20 for HDLC-like links)
     * @param maxFrameLength the longest frame accepted, after unstuffing
     */
    public DelimitedFrameDecoder(byte start, byte end, byte escape, int escapeXor, int maxFrameLength) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("max frame length must be positive: " + maxFrameLength);
        }
        if (escape == start || escape == end) {
            throw new IllegalArgumentException("the escape byte cannot be a flag");
        }
        this.start = start;
        this.end = end;
        this.escape = escape;
        this.escapeXor = escapeXor;
        this.maxFrameLength = maxFrameLength;
        this.frame = new byte[maxFrameLength];
    }

    /** One flag byte both opens and closes frames, as GE's DRI uses 0x7E. */
    public static DelimitedFrameDecoder sharedFlag(byte flag, byte escape, int escapeXor, int maxFrameLength) {
        return new DelimitedFrameDecoder(flag, flag, escape, escapeXor, maxFrameLength);
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        if (chunk.hasArray()) {
            byte[] a = chunk.array();
            int i = chunk.arrayOffset() + chunk.position();
            int limit = chunk.arrayOffset() + chunk.limit();
            chunk.position(chunk.limit());
            for (; i < limit; i++) {
                accept(a[i], out);
            }
            return;
        }
        while (chunk.hasRemaining()) {
            accept(chunk.get(), out);
        }
    }

    private void accept(byte b, FrameSink out) {
        if (!inside) {
            if (b == start) {
                endGarbage(out);
                open();
            } else {
                addGarbage(b, out);
            }
            return;
        }
        if (b == end) {
            close(out);
            if (start == end) {
                open();
            }
            return;
        }
        if (b == start) {
            // Only reached with distinct flags: the previous frame never ended.
            if (escaped) {
                abort(out);
            } else if (length > 0 && !discarding) {
                out.failure(DecodeFailure.of(
                        DecodeFailure.Reason.TRUNCATED,
                        "a frame start inside a frame: " + length + " bytes without their end flag dropped",
                        excerpt(frame, length),
                        length));
            }
            open();
            return;
        }
        if (discarding) {
            return;
        }
        if (b == escape) {
            escaped = true;
            return;
        }
        if (escaped) {
            b = (byte) (b ^ escapeXor);
            escaped = false;
        }
        if (length == maxFrameLength) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "frame longer than " + maxFrameLength + " bytes; dropped up to the next end flag",
                    frame,
                    maxFrameLength + 1));
            discarding = true;
            length = 0;
            return;
        }
        frame[length++] = b;
    }

    private void open() {
        inside = true;
        length = 0;
        escaped = false;
        discarding = false;
    }

    private void close(FrameSink out) {
        if (escaped && !discarding) {
            abort(out);
            inside = false;
            return;
        }
        if (!discarding && length > 0) {
            int n = length;
            length = 0;
            // Not read-only, so that decoders can read the backing array; the frame is only valid during the call.
            out.frame(ByteBuffer.wrap(frame, 0, n));
        }
        inside = false;
        discarding = false;
    }

    private void abort(FrameSink out) {
        out.failure(DecodeFailure.of(
                DecodeFailure.Reason.MALFORMED,
                "frame aborted: an escape byte directly before a flag (" + length + " bytes dropped)",
                excerpt(frame, length),
                length + 1));
        length = 0;
        escaped = false;
    }

    private void addGarbage(byte b, FrameSink out) {
        if (garbage < garbageExcerpt.length) {
            garbageExcerpt[garbage] = b;
        }
        garbage++;
        if (garbage == maxFrameLength) {
            endGarbage(out);
        }
    }

    private void endGarbage(FrameSink out) {
        if (garbage > 0) {
            byte[] excerpt = java.util.Arrays.copyOf(garbageExcerpt, Math.min(garbage, garbageExcerpt.length));
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.GARBAGE,
                    garbage + " bytes outside any frame skipped while looking for a frame start",
                    excerpt,
                    garbage));
            garbage = 0;
        }
    }

    /** The first bytes of what was received, never the stale bytes of an earlier frame behind them. */
    private static byte[] excerpt(byte[] bytes, int n) {
        return java.util.Arrays.copyOf(bytes, Math.min(n, DecodeFailure.MAX_EXCERPT));
    }

    @Override
    public void reset() {
        inside = false;
        length = 0;
        escaped = false;
        discarding = false;
        garbage = 0;
    }
}
