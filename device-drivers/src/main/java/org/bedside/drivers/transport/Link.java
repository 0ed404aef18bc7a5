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

    /** Closes the link; idempotent, never throws. */
    @Override
    void close();
}
