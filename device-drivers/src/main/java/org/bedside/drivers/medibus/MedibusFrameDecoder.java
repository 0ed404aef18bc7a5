package org.bedside.drivers.medibus;

import java.nio.ByteBuffer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * Splits the slow-data stream into messages: from ESC (a command) or SOH (a response) to CR, delivered without the CR.
 *
 * <ul>
 *   <li>Bytes with bit 7 set belong to the realtime stream (not supported, never requested) and DC1/DC3 are flow
 *       control: both are skipped wherever they appear, as OpenICE's reader separates them.
 *   <li>A command may arrive inside a response (the device asks while it answers; OpenICE's reader allows it): it is
 *       delivered at its CR and the response continues.
 *   <li>A new ESC or SOH where only a CR may follow cuts the message short ({@link DecodeFailure.Reason#TRUNCATED}).
 *   <li>Bytes outside a message are {@link DecodeFailure.Reason#GARBAGE}; a message longer than the maximum is dropped
 *       up to its CR ({@link DecodeFailure.Reason#FRAME_TOO_LONG}).
 * </ul>
 */
final class MedibusFrameDecoder implements FrameDecoder {
    static final int MAX_COMMAND = 256;

    private final int maxMessage;
    private final byte[] message;
    private final byte[] nested = new byte[MAX_COMMAND];
    private final byte[] garbageExcerpt = new byte[DecodeFailure.MAX_EXCERPT];
    private int length = -1; // -1: outside a message
    private int nestedLength = -1; // -1: no command nested in the response
    private boolean discarding;
    private int garbage;

    MedibusFrameDecoder(int maxMessage) {
        this.maxMessage = maxMessage;
        this.message = new byte[maxMessage];
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        while (chunk.hasRemaining()) {
            accept(chunk.get(), out);
        }
    }

    private void accept(byte b, FrameSink out) {
        if ((b & 0x80) != 0 || b == MedibusCodes.DC1 || b == MedibusCodes.DC3) {
            return;
        }
        if (length < 0) {
            if (b == MedibusCodes.ESC || b == MedibusCodes.SOH) {
                endGarbage(out);
                start(b);
            } else {
                addGarbage(b, out);
            }
            return;
        }
        if (nestedLength >= 0) {
            nestedByte(b, out);
            return;
        }
        if (b == MedibusCodes.CR) {
            if (!discarding) {
                out.frame(ByteBuffer.wrap(message, 0, length));
            }
            length = -1;
            discarding = false;
            return;
        }
        if (b == MedibusCodes.ESC && message[0] == MedibusCodes.SOH && !discarding) {
            nested[0] = b;
            nestedLength = 1;
            return;
        }
        if (b == MedibusCodes.ESC || b == MedibusCodes.SOH) {
            if (!discarding) {
                truncated(out, message, length);
            }
            start(b);
            return;
        }
        if (discarding) {
            return;
        }
        if (length == maxMessage) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "message longer than " + maxMessage + " bytes; dropped up to its CR",
                    message,
                    maxMessage + 1));
            discarding = true;
            return;
        }
        message[length++] = b;
    }

    private void nestedByte(byte b, FrameSink out) {
        if (b == MedibusCodes.CR) {
            out.frame(ByteBuffer.wrap(nested, 0, nestedLength));
            nestedLength = -1;
        } else if (b == MedibusCodes.ESC) {
            truncated(out, nested, nestedLength);
            nestedLength = 1;
        } else if (b == MedibusCodes.SOH) {
            truncated(out, nested, nestedLength);
            truncated(out, message, length);
            nestedLength = -1;
            start(b);
        } else if (nestedLength == MAX_COMMAND) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "command inside a response longer than " + MAX_COMMAND + " bytes; both dropped",
                    nested,
                    MAX_COMMAND + 1));
            nestedLength = -1;
            discarding = true;
        } else {
            nested[nestedLength++] = b;
        }
    }

    private void start(byte b) {
        message[0] = b;
        length = 1;
        discarding = false;
        nestedLength = -1;
    }

    private static void truncated(FrameSink out, byte[] bytes, int n) {
        out.failure(DecodeFailure.of(
                DecodeFailure.Reason.TRUNCATED,
                "message of " + n + " bytes cut short by the start of another",
                java.util.Arrays.copyOf(bytes, Math.min(n, DecodeFailure.MAX_EXCERPT)),
                n));
    }

    private void addGarbage(byte b, FrameSink out) {
        if (garbage < garbageExcerpt.length) {
            garbageExcerpt[garbage] = b;
        }
        garbage++;
        if (garbage == maxMessage) {
            endGarbage(out);
        }
    }

    private void endGarbage(FrameSink out) {
        if (garbage > 0) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.GARBAGE,
                    garbage + " bytes outside any message skipped",
                    java.util.Arrays.copyOf(garbageExcerpt, Math.min(garbage, garbageExcerpt.length)),
                    garbage));
            garbage = 0;
        }
    }

    @Override
    public void reset() {
        length = -1;
        nestedLength = -1;
        discarding = false;
        garbage = 0;
    }
}
