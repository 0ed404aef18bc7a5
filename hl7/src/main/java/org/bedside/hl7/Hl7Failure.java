package org.bedside.hl7;

import org.jspecify.annotations.Nullable;

/**
 * An HL7 v2 message, or part of one, that could not be taken: a value, never an exception. The detail says what was
 * wrong in words, naming the field, and carries no patient data (it is logged and counted); it goes back to the sender
 * in an error acknowledgement's ERR segment.
 *
 * @param location the segment and field at fault, when there is one
 */
public record Hl7Failure(
        FailureReason reason, String detail, @Nullable Hl7Location location) {

    public Hl7Failure {
        if (detail.isBlank()) {
            throw new IllegalArgumentException("a failure says what was wrong");
        }
    }

    public static Hl7Failure of(FailureReason reason, String detail) {
        return new Hl7Failure(reason, detail, null);
    }

    public static Hl7Failure at(FailureReason reason, Hl7Location location, String detail) {
        return new Hl7Failure(reason, detail, location);
    }

    @Override
    public String toString() {
        return reason + ": " + detail + Hl7Location.describe(location);
    }
}
