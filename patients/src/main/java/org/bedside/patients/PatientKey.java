package org.bedside.patients;

/**
 * A patient as the ADT feed identifies one: the medical record number (PID-3 of type MR) and its assigning authority
 * (PID-3.4). Never the bare number: two authorities may give the same number to two people.
 *
 * <p>This is patient data: it goes to the journal, the audit log and the status page, never into the ordinary logs.
 */
public record PatientKey(String authority, String mrn) {
    public PatientKey {
        if (authority.isBlank() || mrn.isBlank()) {
            throw new IllegalArgumentException("a patient key needs an assigning authority and an MRN");
        }
    }

    /** {@code 12345^^^HOSP^MR}, as PID-3 carries it. */
    public String cx() {
        return mrn + "^^^" + authority + "^MR";
    }
}
