package org.bedside.drivers.transport;

import java.io.IOException;

/** Opens links to one configured device endpoint (a serial port, a socket...). */
public interface Transport {

    /**
     * Opens a new link.
     *
     * @throws IOException with a message that names the port or address and, where it can, the likely cause ("no such
     *     port: is the cable plugged in?")
     */
    Link open() throws IOException;

    /** The endpoint, as shown on the status page and in logs: {@code serial:/dev/serial/by-id/... 9600 8N1}. */
    String describe();
}
