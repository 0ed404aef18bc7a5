package org.bedside.buffer.format;

/** A stored record that cannot be read back: truncated, of an unknown version, or with a field out of range. */
public final class MalformedRecordException extends Exception {
    public MalformedRecordException(String message) {
        super(message, null, false, false);
    }
}
