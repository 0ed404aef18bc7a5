package org.bedside.drivers.framing;

import java.nio.ByteBuffer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * The identity framer of message-oriented links (UDP): each chunk the transport hands over is one datagram, and one
 * datagram is one frame. Only the length is checked: an empty datagram is skipped, one longer than {@code
 * maxFrameLength} is reported as {@link DecodeFailure.Reason#FRAME_TOO_LONG} and dropped.
 *
 * <p>It relies on the transport delivering whole datagrams in one {@link #feed} each ({@code UdpTransport} does); it
 * is not chunking-invariant and must not be used on a byte stream.
 */
public final class DatagramFrameDecoder implements FrameDecoder {
    private final int maxFrameLength;

    public DatagramFrameDecoder(int maxFrameLength) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("max frame length must be positive: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        int n = chunk.remaining();
        if (n == 0) {
            return;
        }
        if (n > maxFrameLength) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "datagram of " + n + " bytes is longer than " + maxFrameLength,
                    chunk.duplicate()));
            chunk.position(chunk.limit());
            return;
        }
        ByteBuffer frame = chunk.slice();
        chunk.position(chunk.limit());
        out.frame(frame);
    }

    @Override
    public void reset() {
        // nothing is kept between datagrams
    }
}
