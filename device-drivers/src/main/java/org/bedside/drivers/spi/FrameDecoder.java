package org.bedside.drivers.spi;

import java.nio.ByteBuffer;

/**
 * Turns a byte stream, fed in arbitrary chunks, into frames. One instance per link; not thread-safe.
 *
 * <p>The contract every implementation is tested against:
 *
 * <ul>
 *   <li><b>Chunking-invariant</b>: any split of the same stream yields the same frames and failures.
 *   <li><b>Resynchronising</b>: after garbage, the next well-formed frame is found; at most the damaged frame is lost.
 *   <li><b>Bounded</b>: a stream without delimiters never grows the decoder's memory past its maximum frame length.
 *   <li><b>Total</b>: no input makes it throw.
 * </ul>
 */
public interface FrameDecoder {

    /** Consumes all of {@code chunk}, delivering every frame it completes to {@code out}. */
    void feed(ByteBuffer chunk, FrameSink out);

    /** Drops any partial frame, as after the link was lost: the next bytes start a new stream. */
    void reset();
}
