package org.bedside.buffer;

import java.io.IOException;

/** The store could not do what was asked: the disk is full or failing, or the store was closed. */
public class StoreException extends IOException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
