package org.bedside.drivers.spi;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Turns one frame into readings. Pure: no I/O, no clock reads, no logging, no state between calls; the receive time
 * comes in with the frame. Thread-safe. Never throws on device input: anything it cannot read becomes a {@link
 * DecodeFailure}.
 */
@FunctionalInterface
public interface MessageDecoder {

    /**
     * @param frame the frame's bytes between position and limit (the decoder must not keep the buffer)
     * @param receivedAt when the gateway received the frame; every reading of the frame carries it
     */
    DecodeResult decode(ByteBuffer frame, Instant receivedAt);
}
