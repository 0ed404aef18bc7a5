package org.bedside.drivers.spi;

/**
 * An early exit from inside a decoder: the input breaks the protocol's grammar. Every decoder that uses an exception
 * for this uses this one, and turns it into a {@link DecodeFailure} at its boundary ({@link #reason}, {@link
 * #getMessage} as the detail): nothing reaches the pipeline as an exception. Stackless (HiveMQ's trick): bad input is
 * expected, and a stack trace would cost more than the decoding. Checked, so that a decoder cannot forget to catch it.
 */
public final class DecodeException extends Exception {
    private final DecodeFailure.Reason reason;

    public DecodeException(DecodeFailure.Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DecodeFailure.Reason reason() {
        return reason;
    }
}
