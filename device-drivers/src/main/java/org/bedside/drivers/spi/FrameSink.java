package org.bedside.drivers.spi;

import java.nio.ByteBuffer;

/** Where a {@link FrameDecoder} delivers what it found. */
public interface FrameSink {

    /**
     * One complete frame, without its delimiters. The buffer is only valid during the call: copy what you keep.
     */
    void frame(ByteBuffer frame);

    /** Bytes that were skipped (garbage) or discarded (a frame too long). */
    void failure(DecodeFailure failure);
}
