package org.bedside.drivers.ivue;

import org.bedside.drivers.spi.DecodeFailure;

/**
 * A message that breaks the Data Export grammar, thrown inside the decoders for an early exit and turned into a {@link
 * DecodeFailure} at their boundary. Stackless (HiveMQ's trick): bad input is expected, and a stack trace would cost more
 * than the decoding.
 */
final class IvueFormatException extends Exception {
    private final DecodeFailure.Reason reason;

    IvueFormatException(DecodeFailure.Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    DecodeFailure.Reason reason() {
        return reason;
    }
}
