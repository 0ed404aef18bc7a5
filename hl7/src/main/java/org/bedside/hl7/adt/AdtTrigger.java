package org.bedside.hl7.adt;

import java.util.Optional;

/** The ADT trigger events the patient association reads (HL7 v2.6 chapter 3), MSH-9.2 or, in old feeds, EVN-1. */
public enum AdtTrigger {
    A01("admit/visit notification"),
    A02("transfer a patient"),
    A03("discharge/end visit"),
    A04("register a patient"),
    A06("change an outpatient to an inpatient"),
    A07("change an inpatient to an outpatient"),
    A08("update patient information"),
    A11("cancel admit/visit notification"),
    A12("cancel transfer"),
    A13("cancel discharge/end visit"),
    A15("pending transfer"),
    A17("swap patients"),
    A21("patient goes on a leave of absence"),
    A22("patient returns from a leave of absence"),
    A26("cancel pending transfer"),
    A40("merge patient, patient identifier list");

    private final String meaning;

    AdtTrigger(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public static Optional<AdtTrigger> parse(String code) {
        for (AdtTrigger t : values()) {
            if (t.name().equals(code.strip())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
