package org.bedside.drivers.spi;

import java.io.IOException;

/** How a {@link DeviceSession} writes to its device: one whole message, already framed for the wire. */
@FunctionalInterface
public interface SessionLink {
    void send(byte[] message) throws IOException;
}
