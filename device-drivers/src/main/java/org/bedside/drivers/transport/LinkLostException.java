package org.bedside.drivers.transport;

import java.io.IOException;

/** The link to a device is gone: the cable was pulled, the USB adapter vanished or the peer closed. */
public class LinkLostException extends IOException {
    public LinkLostException(String message) {
        super(message);
    }

    public LinkLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
