package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.model.DeviceId;
import org.bedside.patients.AssociationEvent;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.bedside.runtime.config.BedSettings;
import org.bedside.uplink.DeviceContext;
import org.bedside.uplink.Pcd01Patients;
import org.bedside.uplink.Subjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PCD-01 out asks the beds' associations the same question as the uplink, and gets PID-3 and PV1-3 for an answer. */
class BedAssociationsPcd01Test {
    private static final BedLocation ICU12 = BedLocation.parse("ICU^12^1");
    private static final BedLocation ICU14 = BedLocation.parse("ICU^14^1");
    private static final DeviceId AT_ADT_BED = DeviceId.of("bed12-spo2");
    private static final DeviceId AT_FIXED_BED = DeviceId.of("bed14-spo2");
    private static final DeviceId CONFIGURED = DeviceId.of("bench-spo2");
    private static final DeviceId NOBODYS = DeviceId.of("spare-spo2");
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void anAdtPatientIsItsMrnAndBedAndEveryOtherAnswerIsNotSentOrHeldAsForTheUplink() throws Exception {
        BedSettings beds = new BedSettings(
                List.of(
                        new BedSettings.Bed("bed12", ICU12, List.of(AT_ADT_BED), null),
                        new BedSettings.Bed("bed14", ICU14, List.of(AT_FIXED_BED), "Patient/fixed")),
                new BedSettings.Adt(
                        new InetSocketAddress("127.0.0.1", 0),
                        SourceAllowList.any(),
                        Map.of("HOSP", "urn:hosp:mrn"),
                        ZoneOffset.UTC));
        AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
        PatientAssociations associations = PatientAssociations.open(dir.resolve("adt.jsonl"), Set.of(ICU12), audit);
        PatientKey anna = new PatientKey("HOSP", "4711");
        associations.record(new AssociationEvent(
                "ADT^HOSP", "C1", AdtTrigger.A01, T0, T0.plusSeconds(5), anna, ICU12, null, null, null));
        Map<DeviceId, DeviceContext> contexts = Map.of(
                CONFIGURED, new DeviceContext(CONFIGURED, "bench", "Masimo", "oximeter", "Patient/bench"),
                NOBODYS, new DeviceContext(NOBODYS, "spare", "Masimo", "oximeter", null));
        try (BedAssociations b = new BedAssociations(beds, associations, audit)) {
            Pcd01Patients p = b.pcd01Patients(contexts);
            Instant later = T0.plusSeconds(60);

            assertThat(p.patientAt(AT_ADT_BED, later))
                    .isEqualTo(new Pcd01Patients.Answer.Identified(
                            new PatientIdentifier("4711", "HOSP", "", "MR"), new CareLocation("ICU", "12", "1", "")));
            // The uplink charts the same reading to the same patient.
            assertThat(b.subjectAt(AT_ADT_BED, later, null)).isInstanceOf(Subjects.Subject.Charted.class);
            // Before the admission: nobody's, for both.
            assertThat(p.patientAt(AT_ADT_BED, T0.minusSeconds(1)))
                    .isEqualTo(new Pcd01Patients.Answer.NotSent("no-patient"));
            assertThat(b.subjectAt(AT_ADT_BED, T0.minusSeconds(1), null))
                    .isInstanceOf(Subjects.Subject.NotCharted.class);
            // Configured patients are FHIR references: no MRN for PID-3.
            assertThat(p.patientAt(AT_FIXED_BED, later))
                    .isEqualTo(new Pcd01Patients.Answer.NotSent("no-patient-identifier"));
            assertThat(p.patientAt(CONFIGURED, later))
                    .isEqualTo(new Pcd01Patients.Answer.NotSent("no-patient-identifier"));
            assertThat(p.patientAt(NOBODYS, later)).isEqualTo(new Pcd01Patients.Answer.NotSent("no-patient"));

            // A second admission to the same bed without a discharge: uncertain, held for both destinations.
            long before = p.version();
            associations.record(new AssociationEvent(
                    "ADT^HOSP",
                    "C2",
                    AdtTrigger.A01,
                    T0.plusSeconds(120),
                    T0.plusSeconds(125),
                    new PatientKey("HOSP", "4712"),
                    ICU12,
                    null,
                    null,
                    null));
            assertThat(p.version()).isGreaterThan(before);
            assertThat(p.patientAt(AT_ADT_BED, T0.plusSeconds(180))).isInstanceOf(Pcd01Patients.Answer.Held.class);
            assertThat(b.subjectAt(AT_ADT_BED, T0.plusSeconds(180), null)).isInstanceOf(Subjects.Subject.Held.class);
        }
    }
}
