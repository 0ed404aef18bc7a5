package org.bedside.uplink;

import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;

/**
 * An audit entry as a FHIR R4 {@code AuditEvent} (pure). What an auditor needs and nothing more: what happened (type
 * DICOM 110110 "Patient Record" for an entry about a patient, else 110100 "Application Activity"; the gateway's
 * action as subtype {@code urn:bedside:audit|<action>}), when, the outcome, who (the gateway; the ADT sender or the
 * operator as the requestor), and the patient as a logical reference by identifier — never a name or a birth date
 * (the audit log holds none).
 */
final class AuditEventMapper {
    static final String ACTION_SYSTEM = "urn:bedside:audit";
    static final String GATEWAY_SYSTEM = "urn:bedside:gateway";
    /** The tag that names the audit entry an AuditEvent was made of: its conditional create's match. */
    static final String ENTRY_TAG_SYSTEM = "urn:bedside:audit-entry";

    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    /** Fields shown as the patient's identifier, not as details. */
    private static final Set<String> PATIENT_FIELDS = Set.of("mrn", "authority");

    private AuditEventMapper() {}

    static AuditEvent auditEvent(AuditTrail.Entry e, String gatewayId) {
        String mrn = e.fields().get("mrn");
        boolean patient = mrn != null && !mrn.isBlank();
        AuditEvent a = new AuditEvent();
        a.getMeta().addTag(ENTRY_TAG_SYSTEM, e.id(), null);
        a.setType(
                patient
                        ? new Coding(DCM, "110110", "Patient Record")
                        : new Coding(DCM, "110100", "Application Activity"));
        a.addSubtype(new Coding(ACTION_SYSTEM, e.action(), null));
        a.setAction(patient ? AuditEvent.AuditEventAction.U : AuditEvent.AuditEventAction.E);
        a.setRecorded(Date.from(e.at()));
        a.setOutcome(refused(e) ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._0);
        if (refused(e)) {
            a.setOutcomeDesc(firstOf(e.fields(), "outcome", "reason", "ack"));
        }
        Identifier gateway = new Identifier().setSystem(GATEWAY_SYSTEM).setValue(gatewayId);
        a.addAgent()
                .setWho(new Reference().setIdentifier(gateway).setDisplay("Bedside Gateway " + gatewayId))
                .setRequestor(false);
        String requestor = firstOf(e.fields(), "sender", "user");
        if (requestor != null) {
            a.addAgent().setWho(new Reference().setDisplay(requestor)).setRequestor(true);
        }
        a.getSource()
                .setSite(gatewayId)
                .setObserver(new Reference().setIdentifier(gateway.copy()))
                .addType(new Coding(
                        "http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
        AuditEvent.AuditEventEntityComponent entity = a.addEntity();
        if (patient) {
            String system = e.patientSystem() != null
                    ? e.patientSystem()
                    : "urn:bedside:assigning-authority:" + e.fields().getOrDefault("authority", "unknown");
            entity.setWhat(new Reference()
                            .setIdentifier(new Identifier().setSystem(system).setValue(mrn)))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        } else {
            entity.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
        }
        new TreeMap<>(e.fields()).forEach((k, v) -> {
            if (!(patient && PATIENT_FIELDS.contains(k)) && v != null && !v.isEmpty()) {
                entity.addDetail().setType(k).setValue(new org.hl7.fhir.r4.model.StringType(v));
            }
        });
        return a;
    }

    private static boolean refused(AuditTrail.Entry e) {
        return e.action().endsWith("-refused");
    }

    private static @Nullable String firstOf(Map<String, String> fields, String... names) {
        for (String n : names) {
            String v = fields.get(n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
