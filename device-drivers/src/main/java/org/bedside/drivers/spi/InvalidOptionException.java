package org.bedside.drivers.spi;

/**
 * A driver option that is unknown or has a value the driver cannot use. The message names the key and says what is
 * allowed, so that the configuration error can be shown as it is.
 */
public final class InvalidOptionException extends IllegalArgumentException {
    private final String key;

    public InvalidOptionException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The option's key, relative to the device's {@code options}. */
    public String key() {
        return key;
    }
}
