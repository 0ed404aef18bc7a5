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
import org.bedside.mqtt.MqttSink;
import org.bedside.patients.AssociationEvent;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.bedside.patients.Releases;
import org.bedside.runtime.config.BedSettings;
import org.bedside.uplink.Subjects;
import org.bedside.uplink.Withdrawals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled admission, as each destination is told of it by the beds' associations: the association's name is the
 * one the uplink charted with, the bed's devices, the patient in FHIR and HL7 v2 terms; done by one destination, still
 * owed by the others, also after a restart.
 */
class BedAssociationsWithdrawalTest {
    private static final BedLocation ICU12 = BedLocation.parse("ICU^12^1");
    private static final DeviceId SPO2 = DeviceId.of("bed12-spo2");
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private final BedSettings beds = new BedSettings(
            List.of(new BedSettings.Bed("bed12", ICU12, List.of(SPO2), null)),
            new BedSettings.Adt(
                    new InetSocketAddress("127.0.0.1", 0),
                    SourceAllowList.any(),
                    Map.of("HOSP", "urn:hosp:mrn"),
                    ZoneOffset.UTC));

    private BedAssociations open() throws Exception {
        AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
        return new BedAssociations(
                beds, PatientAssociations.open(dir.resolve("patients/adt.jsonl"), Set.of(ICU12), audit), audit);
    }

    @Test
    void aCancelledAdmissionIsOwedToTheUplinkPcd01OutAndMqttWithTheAssociationItWasChartedTo() throws Exception {
        PatientKey anna = new PatientKey("HOSP", "4711");
        String charted;
        try (BedAssociations b = open()) {
            PatientAssociations a = b.associationsForTest();
            a.record(new AssociationEvent(
                    "ADT^HOSP", "C1", AdtTrigger.A01, T0, T0.plusSeconds(5), anna, ICU12, null, null, null));
            charted = ((Subjects.Subject.Charted) b.subjectAt(SPO2, T0.plusSeconds(60), null)).association();
            assertThat(b.withdrawals().owed("uplink")).isEmpty();
            a.record(new AssociationEvent(
                    "ADT^HOSP",
                    "C2",
                    AdtTrigger.A11,
                    T0.plusSeconds(600),
                    T0.plusSeconds(601),
                    anna,
                    ICU12,
                    null,
                    null,
                    null));
            assertThat(b.subjectAt(SPO2, T0.plusSeconds(60), null)).isInstanceOf(Subjects.Subject.NotCharted.class);

            Withdrawals.Owed w = b.withdrawals().owed("uplink").get(0);
            assertThat(w.association()).isEqualTo(charted);
            assertThat(w.devices()).containsExactly(SPO2);
            assertThat(w.patient()).isEqualTo(new PatientIdentifier("4711", "HOSP", "", "MR"));
            assertThat(w.fhirIdentifier()).isEqualTo("urn:hosp:mrn|4711");
            assertThat(w.location()).isEqualTo(new CareLocation("ICU", "12", "1", ""));
            assertThat(w.since()).isEqualTo(T0);
            assertThat(w.ended()).isNull();
            assertThat(w.until()).isEqualTo(T0.plusSeconds(601));
            assertThat(w.reason()).isEqualTo("admission cancelled (A11 C2)");
            assertThat(b.pcd01Patients(Map.of()).withdrawals().owed("pcd01")).hasSize(1);
            MqttSink.Notice n = b.mqttWithdrawals().owed().get(0);
            assertThat(n.devices()).containsExactly(SPO2);
            assertThat(n.bed()).isEqualTo("ICU^12^1");
            assertThat(n.association()).isEqualTo(charted);
            assertThat(MqttSink.notice(n, SPO2)).doesNotContain("4711");

            b.withdrawals().done("uplink", w, 3, "3 Observations marked entered-in-error");
            assertThat(b.withdrawals().owed("uplink")).isEmpty();
        }
        try (BedAssociations again = open()) {
            assertThat(again.withdrawals().owed("uplink")).isEmpty();
            assertThat(again.withdrawals().owed("pcd01")).hasSize(1);
            assertThat(again.mqttWithdrawals().owed()).hasSize(1);
        }
    }

    @Test
    void whatAReleaseChartedUnderTheCancelledAdmissionIsWithdrawnUnderTheReleasesOwnKeyAndRange() throws Exception {
        PatientKey anna = new PatientKey("HOSP", "4711");
        AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
        PatientAssociations a = PatientAssociations.open(dir.resolve("patients/adt.jsonl"), Set.of(ICU12), audit);
        Releases releases = Releases.open(dir.resolve("patients/releases.jsonl"), audit);
        try (BedAssociations b = new BedAssociations(beds, a, releases, audit)) {
            a.record(new AssociationEvent(
                    "ADT^HOSP", "C1", AdtTrigger.A01, T0, T0.plusSeconds(5), anna, ICU12, null, null, null));
            Releases.Release r = releases.release(ICU12, anna, T0.minusSeconds(600), T0, "nurse", T0.plusSeconds(30));
            String released = ((Subjects.Subject.Charted) b.subjectAt(SPO2, T0.minusSeconds(60), null)).association();
            String admitted = ((Subjects.Subject.Charted) b.subjectAt(SPO2, T0.plusSeconds(60), null)).association();
            assertThat(released).isEqualTo(r.key()).isNotEqualTo(admitted);

            a.record(new AssociationEvent(
                    "ADT^HOSP",
                    "C2",
                    AdtTrigger.A11,
                    T0.plusSeconds(600),
                    T0.plusSeconds(601),
                    anna,
                    ICU12,
                    null,
                    null,
                    null));
            assertThat(b.subjectAt(SPO2, T0.minusSeconds(60), null)).isInstanceOf(Subjects.Subject.NotCharted.class);

            List<Withdrawals.Owed> owed = b.withdrawals().owed("uplink");
            assertThat(owed).extracting(Withdrawals.Owed::association).containsExactly(admitted, released);
            Withdrawals.Owed w = owed.get(1);
            assertThat(w.since()).isEqualTo(T0.minusSeconds(600));
            assertThat(w.ended()).isEqualTo(T0);
            assertThat(w.until()).isEqualTo(T0.plusSeconds(601));
            assertThat(w.reason()).contains(r.id());
            assertThat(b.pcd01Patients(Map.of()).withdrawals().owed("pcd01")).hasSize(2);
            assertThat(b.mqttWithdrawals().owed())
                    .extracting(MqttSink.Notice::association)
                    .containsExactly(admitted, released);

            b.withdrawals().done("uplink", w, 2, "2 Observations marked entered-in-error");
            assertThat(b.withdrawals().owed("uplink"))
                    .extracting(Withdrawals.Owed::association)
                    .containsExactly(admitted);
        }
    }
}
