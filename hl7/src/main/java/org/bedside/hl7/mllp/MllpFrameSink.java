package org.bedside.hl7.mllp;

import java.nio.ByteBuffer;
import org.bedside.drivers.spi.FrameSink;

/**
 * A {@link FrameSink} that also hears when a message too long to keep has ended, so that the listener can still answer
 * it: the framer keeps the first segment (the MSH, where the control id is) of a message it discards, and hands it over
 * when the message's end block arrives. A plain {@code FrameSink} simply never hears of it.
 */
public interface MllpFrameSink extends FrameSink {

    /**
     * A message longer than the framer's limit has ended. Its bytes were dropped (a {@code FRAME_TOO_LONG} failure was
     * reported when the limit was crossed); only its first segment is left.
     *
     * @param firstSegment the bytes up to the first carriage return, at most {@link MllpFrameDecoder#MAX_HEADER_LENGTH};
     *     only valid during the call
     * @param length how long the whole message was, in bytes
     */
    void oversizedMessageEnded(ByteBuffer firstSegment, long length);
}
