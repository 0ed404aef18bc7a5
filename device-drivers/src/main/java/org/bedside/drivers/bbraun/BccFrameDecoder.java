package org.bedside.drivers.bbraun;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * Splits a SpaceCom's byte stream into frames, each delivered whole from SOH to EOT, so that the decoder can check its
 * length field and checksum (and the session answer NAK when they are wrong). An ACK or NAK byte between frames is
 * delivered as a frame of its own: the SpaceCom's answer to a request.
 *
 * <ul>
 *   <li>A SOH inside a frame cuts the frame short ({@link DecodeFailure.Reason#TRUNCATED}) and starts the next one.
 *   <li>A frame longer than the maximum (the length field has five digits) is dropped up to its EOT ({@link
 *       DecodeFailure.Reason#FRAME_TOO_LONG}).
 *   <li>Other bytes outside a frame are {@link DecodeFailure.Reason#GARBAGE}, reported when the next frame starts or
 *       every {@code maxFrame} bytes.
 * </ul>
 */
final class BccFrameDecoder implements FrameDecoder {
    private final int maxFrame;
    private final byte[] frame;
    private final byte[] garbageExcerpt = new byte[DecodeFailure.MAX_EXCERPT];
    private int length = -1; // -1: outside a frame
    private boolean discarding;
    private int garbage;

    BccFrameDecoder(int maxFrame) {
        this.maxFrame = maxFrame;
        this.frame = new byte[maxFrame];
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        while (chunk.hasRemaining()) {
            accept(chunk.get(), out);
        }
    }

    private void accept(byte b, FrameSink out) {
        if (b == BccCodes.SOH) {
            endGarbage(out);
            if (length > 0 && !discarding) {
                out.failure(DecodeFailure.of(
                        DecodeFailure.Reason.TRUNCATED,
                        "frame of " + length + " bytes cut short by the start of another (SOH before EOT)",
                        Arrays.copyOf(frame, Math.min(length, DecodeFailure.MAX_EXCERPT)),
                        length));
            }
            frame[0] = b;
            length = 1;
            discarding = false;
            return;
        }
        if (length < 0) {
            if (b == BccCodes.ACK || b == BccCodes.NAK) {
                endGarbage(out);
                frame[0] = b;
                out.frame(ByteBuffer.wrap(frame, 0, 1));
            } else {
                addGarbage(b, out);
            }
            return;
        }
        if (discarding) {
            if (b == BccCodes.EOT) {
                length = -1;
                discarding = false;
            }
            return;
        }
        if (length == maxFrame) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "frame longer than " + maxFrame + " bytes; dropped up to its EOT",
                    frame,
                    maxFrame + 1));
            discarding = true;
            if (b == BccCodes.EOT) {
                length = -1;
                discarding = false;
            }
            return;
        }
        frame[length++] = b;
        if (b == BccCodes.EOT) {
            out.frame(ByteBuffer.wrap(frame, 0, length));
            length = -1;
        }
    }

    private void addGarbage(byte b, FrameSink out) {
        if (garbage < garbageExcerpt.length) {
            garbageExcerpt[garbage] = b;
        }
        garbage++;
        if (garbage == maxFrame) {
            endGarbage(out);
        }
    }

    private void endGarbage(FrameSink out) {
        if (garbage > 0) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.GARBAGE,
                    garbage + " bytes outside any frame skipped",
                    Arrays.copyOf(garbageExcerpt, Math.min(garbage, garbageExcerpt.length)),
                    garbage));
            garbage = 0;
        }
    }

    @Override
    public void reset() {
        length = -1;
        discarding = false;
        garbage = 0;
    }
}
