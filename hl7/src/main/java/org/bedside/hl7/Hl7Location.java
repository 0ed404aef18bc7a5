package org.bedside.hl7;

import org.jspecify.annotations.Nullable;

/**
 * Where in a message something was wrong, as an error acknowledgement's ERR-2 says it: a segment, its repetition (1 for
 * the first), and optionally a field and component. Printed the way people read HL7: {@code OBX[4]-5}, {@code PID-3.4}.
 */
public record Hl7Location(String segment, int segmentRepetition, int field, int component) {

    public Hl7Location {
        if (segment.isBlank()) {
            throw new IllegalArgumentException("a location names a segment");
        }
    }

    public static Hl7Location segment(String segment) {
        return new Hl7Location(segment, 1, 0, 0);
    }

    public static Hl7Location field(String segment, int field) {
        return new Hl7Location(segment, 1, field, 0);
    }

    public static Hl7Location field(String segment, int repetition, int field) {
        return new Hl7Location(segment, repetition, field, 0);
    }

    public static Hl7Location component(String segment, int repetition, int field, int component) {
        return new Hl7Location(segment, repetition, field, component);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(segment);
        if (segmentRepetition > 1) {
            b.append('[').append(segmentRepetition).append(']');
        }
        if (field > 0) {
            b.append('-').append(field);
            if (component > 0) {
                b.append('.').append(component);
            }
        }
        return b.toString();
    }

    /** A location or null, for messages. */
    public static String describe(@Nullable Hl7Location location) {
        return location == null ? "" : " (" + location + ")";
    }
}
