package org.bedside.drivers.pipeline;

import java.nio.ByteBuffer;

/**
 * Sees the bytes of a device's link as the pipeline moves them: what it read from the device and what it wrote to it,
 * in the order they happened, and when a link opened or closed. A tap is for capturing a conversation for developers
 * ({@code bedside capture}); it never changes what the pipeline does.
 *
 * <p>Called on the pipeline's thread (reads, link events) and on whichever thread a session writes from: an
 * implementation is thread-safe, quick (it must not hold up the device) and never throws; the pipeline drops a tap that
 * does.
 */
public interface ByteTap {

    /** A link to the device was opened ({@code endpoint} as the status page shows it). */
    void opened(String endpoint);

    /** Bytes read from the device, between the buffer's position and its limit; the tap must not keep the buffer. */
    void read(ByteBuffer bytes);

    /** Bytes written to the device, after the write succeeded; the tap must not keep the buffer. */
    void written(ByteBuffer bytes);

    /** The link was closed, and why ("link lost: ...", "stopped"). */
    void closed(String why);
}
