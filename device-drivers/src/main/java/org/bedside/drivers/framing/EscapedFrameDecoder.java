package org.bedside.drivers.framing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * Frames delimited by a start and an end byte with byte stuffing (HDLC/PPP-style "transparency"), as Philips
 * IntelliVue's serial Data Export sends them:
 *
 * <pre>
 *   C0 11 01 00 24 ... 7D 5D ... 8E 95 C1   →   frame 11 01 00 24 ... 7D ... 8E 95
 *   (start)        (escaped 7D)      (end)       (delimiters dropped, escapes undone)
 * </pre>
 *
 * <p>Between start and end, each start, end or escape byte of the content is sent as the escape byte followed by the
 * byte XOR {@code 0x20}. The frame delivered is the content with the escapes undone and without the delimiters; checking
 * it (length fields, checksum) is the protocol's business.
 *
 * <ul>
 *   <li>Bytes outside a frame are garbage: one {@link DecodeFailure.Reason#GARBAGE} per run, reported when the next
 *       frame starts. A stream that starts mid-frame (a capture, a cable plugged in late) loses that frame's tail.
 *   <li>A start byte inside a frame starts a new frame; the unfinished one is reported as {@link
 *       DecodeFailure.Reason#TRUNCATED}. So is a frame the sender aborts with escape + end.
 *   <li>Content longer than {@code maxFrameLength} (after unescaping) is reported once as {@link
 *       DecodeFailure.Reason#FRAME_TOO_LONG} and dropped up to the next delimiter: memory never grows past the limit.
 * </ul>
 */
public final class EscapedFrameDecoder implements FrameDecoder {
    private enum State {
        OUTSIDE,
        INSIDE,
        ESCAPED,
        DISCARDING
    }

    private final byte start;
    private final byte end;
    private final byte escape;
    private final int xor;
    private final int maxFrameLength;
    private final byte[] frame;
    private final byte[] garbageExcerpt = new byte[DecodeFailure.MAX_EXCERPT];
    private int length;
    private int garbage;
    private State state = State.OUTSIDE;

    /**
     * @param xor what an escaped byte was XORed with (0x20 for PPP and IntelliVue)
     * @param maxFrameLength the largest content accepted, after unescaping
     */
    public EscapedFrameDecoder(byte start, byte end, byte escape, int xor, int maxFrameLength) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("max frame length must be positive: " + maxFrameLength);
        }
        if (start == end || start == escape || end == escape) {
            throw new IllegalArgumentException("start, end and escape bytes must differ");
        }
        this.start = start;
        this.end = end;
        this.escape = escape;
        this.xor = xor;
        this.maxFrameLength = maxFrameLength;
        this.frame = new byte[maxFrameLength];
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        if (chunk.hasArray()) {
            byte[] a = chunk.array();
            int from = chunk.arrayOffset() + chunk.position();
            int to = chunk.arrayOffset() + chunk.limit();
            chunk.position(chunk.limit());
            for (int i = from; i < to; i++) {
                accept(a[i], out);
            }
        } else {
            while (chunk.hasRemaining()) {
                accept(chunk.get(), out);
            }
        }
    }

    private void accept(byte b, FrameSink out) {
        switch (state) {
            case OUTSIDE -> {
                if (b == start) {
                    reportGarbage(out);
                    begin();
                } else {
                    if (garbage < garbageExcerpt.length) {
                        garbageExcerpt[garbage] = b;
                    }
                    garbage++;
                }
            }
            case INSIDE -> {
                if (b == end) {
                    state = State.OUTSIDE;
                    // Not read-only, so that decoders can read the backing array; valid only during the call.
                    out.frame(ByteBuffer.wrap(frame, 0, length));
                } else if (b == start) {
                    restart(out);
                } else if (b == escape) {
                    state = State.ESCAPED;
                } else {
                    append(b, out);
                }
            }
            case ESCAPED -> {
                if (b == end) {
                    out.failure(DecodeFailure.of(
                            DecodeFailure.Reason.TRUNCATED,
                            "frame aborted by the sender (escape followed by the end byte) after " + length + " bytes",
                            Arrays.copyOf(frame, Math.min(length, DecodeFailure.MAX_EXCERPT)),
                            length));
                    state = State.OUTSIDE;
                } else if (b == start) {
                    restart(out);
                } else {
                    state = State.INSIDE;
                    append((byte) (b ^ xor), out);
                }
            }
            case DISCARDING -> {
                if (b == end) {
                    state = State.OUTSIDE;
                } else if (b == start) {
                    begin();
                }
            }
        }
    }

    private void begin() {
        length = 0;
        state = State.INSIDE;
    }

    private void restart(FrameSink out) {
        out.failure(DecodeFailure.of(
                DecodeFailure.Reason.TRUNCATED,
                "frame cut short by a new start byte after " + length + " bytes",
                Arrays.copyOf(frame, Math.min(length, DecodeFailure.MAX_EXCERPT)),
                length));
        begin();
    }

    private void append(byte b, FrameSink out) {
        if (length < maxFrameLength) {
            frame[length++] = b;
            return;
        }
        out.failure(DecodeFailure.of(
                DecodeFailure.Reason.FRAME_TOO_LONG,
                "frame longer than " + maxFrameLength + " bytes; dropped up to the next delimiter",
                Arrays.copyOf(frame, DecodeFailure.MAX_EXCERPT),
                maxFrameLength + 1));
        length = 0;
        state = State.DISCARDING;
    }

    private void reportGarbage(FrameSink out) {
        if (garbage > 0) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.GARBAGE,
                    garbage + " bytes outside any frame",
                    Arrays.copyOf(garbageExcerpt, Math.min(garbage, garbageExcerpt.length)),
                    garbage));
            garbage = 0;
        }
    }

    @Override
    public void reset() {
        length = 0;
        garbage = 0;
        state = State.OUTSIDE;
    }
}
