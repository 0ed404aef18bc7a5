package org.bedside.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.util.Terser;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a message's MSH segment that routing and acknowledging need, read through HAPI from a parsed message
 * (of any structure, including one HAPI only knows generically). Empty fields are empty strings.
 *
 * @param controlId MSH-10, echoed in the acknowledgement's MSA-2
 * @param messageCode MSH-9.1 ({@code ORU}, {@code ADT})
 * @param triggerEvent MSH-9.2 ({@code R01}, {@code A01})
 * @param structure MSH-9.3 ({@code ORU_R01}), often empty in older messages
 * @param processingId MSH-11.1 ({@code P} production, {@code D} debugging, {@code T} training)
 * @param version MSH-12.1 ({@code 2.6})
 * @param acceptAckType MSH-15: empty asks for original-mode acknowledgement; {@code AL}, {@code NE}, {@code ER},
 *     {@code SU} for enhanced mode
 * @param applicationAckType MSH-16
 * @param characterSet MSH-18 (first repetition)
 * @param dateTime MSH-7 as sent
 * @param profile MSH-21.1 (first repetition), e.g. {@code IHE_PCD_001}
 */
public record MessageHeader(
        String fieldSeparator,
        String encodingCharacters,
        String sendingApplication,
        String sendingFacility,
        String receivingApplication,
        String receivingFacility,
        String dateTime,
        String messageCode,
        String triggerEvent,
        String structure,
        String controlId,
        String processingId,
        String version,
        String acceptAckType,
        String applicationAckType,
        String characterSet,
        String profile) {

    /** Reads the header of a parsed message; the MSH is always there once HAPI parsed it. */
    public static MessageHeader of(Segment msh) throws HL7Exception {
        return new MessageHeader(
                get(msh, 1, 1),
                get(msh, 2, 1),
                get(msh, 3, 1),
                get(msh, 4, 1),
                get(msh, 5, 1),
                get(msh, 6, 1),
                get(msh, 7, 1),
                get(msh, 9, 1),
                get(msh, 9, 2),
                get(msh, 9, 3),
                get(msh, 10, 1),
                get(msh, 11, 1),
                get(msh, 12, 1),
                get(msh, 15, 1),
                get(msh, 16, 1),
                get(msh, 18, 1),
                get(msh, 21, 1));
    }

    private static String get(Segment msh, int field, int component) throws HL7Exception {
        @Nullable String v = Terser.get(msh, field, 0, component, 1);
        return v == null ? "" : v.strip();
    }

    /** {@code ORU^R01}, as logs and failures name a message type. */
    public String type() {
        return triggerEvent.isEmpty() ? messageCode : messageCode + '^' + triggerEvent;
    }
}
