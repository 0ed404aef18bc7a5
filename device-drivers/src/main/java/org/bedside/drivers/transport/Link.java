package org.bedside.drivers.transport;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** An open, duplex byte pipe to one device. Reads come from one thread; writes may come from another. */
public interface Link extends Closeable {

    /**
     * Reads what is available into {@code into}, waiting up to {@code timeout} for the first byte.
     *
     * @return the number of bytes read; 0 when nothing arrived in time
     * @throws LinkLostException when the link is gone (cable pulled, port vanished, peer closed)
     */
    int read(ByteBuffer into, Duration timeout) throws IOException;

    /** Writes all of {@code bytes}. */
    void write(ByteBuffer bytes) throws IOException;

    /**
     * Called by the device pipeline after the frames of one read were decoded and their readings handed to the sink,
     * on the reading thread, before the next read. A link whose peer waits for an acknowledgement (an MQTT broker, for
     * QoS 1) sends it here, and only when {@code stored} is true: the readings are then durably in the buffer. Byte
     * streams need nothing here.
     *
     * @param stored true when the sink accepted every reading of those frames, or there were none (frames that failed
     *     to decode are counted, not stored, and nothing is gained by having them sent again); false when an append
     *     failed
     * @throws IOException to end the link, for example because the message could not be acknowledged; the pipeline then
     *     records why and reconnects after its back-off
     */
    default void afterDelivery(boolean stored) throws IOException {}

    /** Closes the link; idempotent, never throws. */
    @Override
    void close();
}
