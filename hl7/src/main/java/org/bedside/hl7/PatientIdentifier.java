package org.bedside.hl7;

import ca.uhn.hl7v2.model.v26.datatype.CX;
import ca.uhn.hl7v2.model.v26.datatype.HD;
import org.jspecify.annotations.Nullable;

/**
 * One repetition of PID-3 (or MRG-1, PID-2...): an identifier and who assigned it. A bare value means nothing across
 * systems: a patient is resolved by the identifier of type MR <b>with</b> its assigning authority ({@code
 * 12345^^^HOSP^MR}: value 12345, authority HOSP, type MR), never by the value alone.
 *
 * @param value CX-1
 * @param assigningAuthority CX-4.1, the namespace id (empty when the sender did not give one)
 * @param assigningAuthorityId CX-4.2, the universal id (an OID), or empty
 * @param type CX-5, the identifier type code (HL7 table 0203: MR, PI, AN, VN, SS...), or empty
 */
public record PatientIdentifier(String value, String assigningAuthority, String assigningAuthorityId, String type) {

    public PatientIdentifier {
        if (value.isBlank()) {
            throw new IllegalArgumentException("an identifier needs a value");
        }
    }

    /** Reads a CX; empty when its value (CX-1) is empty. */
    public static @Nullable PatientIdentifier of(CX cx) {
        String value = text(cx.getIDNumber().getValue());
        if (value.isEmpty()) {
            return null;
        }
        HD authority = cx.getAssigningAuthority();
        return new PatientIdentifier(
                value,
                text(authority.getNamespaceID().getValue()),
                text(authority.getUniversalID().getValue()),
                text(cx.getIdentifierTypeCode().getValue()));
    }

    public boolean isMedicalRecordNumber() {
        return type.equals("MR");
    }

    static String text(@Nullable String v) {
        return v == null ? "" : v.strip();
    }

    /** The identifier without its value, for logs: {@code MR@HOSP}. */
    public String kind() {
        return (type.isEmpty() ? "?" : type) + "@"
                + (assigningAuthority.isEmpty() ? assigningAuthorityId : assigningAuthority);
    }
}
