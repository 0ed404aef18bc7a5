package org.bedside.drivers.spi;

import java.io.IOException;

/**
 * The conversation with the device broke down (association refused or aborted, no answer within the device's timeout):
 * the pipeline closes the link, records why, and starts again with a fresh session after a back-off.
 */
public class SessionLostException extends IOException {
    public SessionLostException(String message) {
        super(message);
    }
}
