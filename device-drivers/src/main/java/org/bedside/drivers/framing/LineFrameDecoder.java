package org.bedside.drivers.framing;

import java.nio.ByteBuffer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * Splits a stream into lines ended by LF, with an optional CR before it (CR LF, as Masimo and Nellcor send). Empty
 * lines are skipped silently.
 *
 * <pre>
 *   "12/01/05 11:56:29 SPO2=098% ...\r\n"  →  frame "12/01/05 11:56:29 SPO2=098% ..."
 * </pre>
 *
 * <p>A line longer than {@code maxLineLength} is reported once as {@link DecodeFailure.Reason#FRAME_TOO_LONG} at the
 * byte that crossed the limit, and everything up to the next LF is dropped: memory never grows past the limit, however
 * long the stream goes without a line end.
 */
public final class LineFrameDecoder implements FrameDecoder {
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final int maxLineLength;
    private final byte[] line;
    private int length;
    private boolean discarding;

    public LineFrameDecoder(int maxLineLength) {
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("max line length must be positive: " + maxLineLength);
        }
        this.maxLineLength = maxLineLength;
        this.line = new byte[maxLineLength];
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        if (chunk.hasArray()) {
            feedArray(chunk, out);
            return;
        }
        while (chunk.hasRemaining()) {
            accept(chunk.get(), out);
        }
    }

    /** The same as byte by byte, but scans the backing array and copies runs of bytes at once. */
    private void feedArray(ByteBuffer chunk, FrameSink out) {
        byte[] a = chunk.array();
        int i = chunk.arrayOffset() + chunk.position();
        int end = chunk.arrayOffset() + chunk.limit();
        chunk.position(chunk.limit());
        while (i < end) {
            int lf = i;
            while (lf < end && a[lf] != LF) {
                lf++;
            }
            if (!discarding) {
                int room = maxLineLength - length;
                int n = Math.min(lf - i, room);
                System.arraycopy(a, i, line, length, n);
                length += n;
                if (lf - i > room) {
                    accept(a[i + room], out); // the byte over the limit: reports and starts discarding
                }
            }
            if (lf < end) {
                endOfLine(out);
            }
            i = lf + 1;
        }
    }

    private void accept(byte b, FrameSink out) {
        if (b == LF) {
            endOfLine(out);
        } else if (discarding) {
            // dropping the rest of an over-long line
        } else if (length < maxLineLength) {
            line[length++] = b;
        } else {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "line longer than " + maxLineLength + " bytes; dropped up to the next line end",
                    line,
                    maxLineLength + 1));
            discarding = true;
            length = 0;
        }
    }

    private void endOfLine(FrameSink out) {
        if (discarding) {
            discarding = false;
            return;
        }
        int end = length;
        if (end > 0 && line[end - 1] == CR) {
            end--;
        }
        length = 0;
        if (end > 0) {
            // Not read-only, so that decoders can read the backing array without a copy; the contract says the
            // frame is only valid during the call.
            out.frame(ByteBuffer.wrap(line, 0, end));
        }
    }

    @Override
    public void reset() {
        length = 0;
        discarding = false;
    }
}
