package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.model.DeviceId;
import org.bedside.model.PatientDemographics;
import org.bedside.patients.AssociationEvent;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.BedSigns;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.bedside.runtime.config.BedSettings;
import org.bedside.uplink.Pcd01Patients;
import org.bedside.uplink.Subjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wired path of the signs from the devices: a monitor's frame observed before it is stored makes the bed uncertain
 * for the uplink, PCD-01 out and the status, until a clinician confirms the patient at the bedside.
 */
class BedAssociationsSignsTest {
    private static final BedLocation ICU12 = BedLocation.parse("ICU^12^1");
    private static final DeviceId MONITOR = DeviceId.of("bed12-monitor");
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final PatientKey ANNA = new PatientKey("HOSP", "4711");

    @TempDir
    Path dir;

    private static List<org.bedside.model.Reading> shows(int minute, String fingerprint) {
        return List.of(new PatientDemographics(
                MONITOR, PatientDemographics.State.ADMITTED, fingerprint, null, T0.plusSeconds(60L * minute)));
    }

    @Test
    void anotherPatientAtTheMonitorHoldsTheBedForEveryDestinationUntilAClinicianConfirms() throws Exception {
        BedSettings.Bed bed = new BedSettings.Bed("bed12", ICU12, List.of(MONITOR), null);
        BedSettings beds = new BedSettings(
                List.of(bed),
                new BedSettings.Adt(
                        new InetSocketAddress("127.0.0.1", 0),
                        SourceAllowList.any(),
                        Map.of("HOSP", "urn:hosp:mrn"),
                        ZoneOffset.UTC));
        AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
        PatientAssociations associations = PatientAssociations.open(dir.resolve("adt.jsonl"), Set.of(ICU12), audit);
        associations.record(new AssociationEvent(
                "ADT^HOSP", "C1", AdtTrigger.A01, T0, T0.plusSeconds(5), ANNA, ICU12, null, null, null));
        try (BedAssociations b = new BedAssociations(beds, associations, audit)) {
            b.watchSigns(BedSigns.open(
                    dir.resolve("device-signs.jsonl"),
                    Map.of(MONITOR, ICU12),
                    Duration.ofMinutes(30),
                    associations,
                    audit));
            Pcd01Patients p = b.pcd01Patients(Map.of());
            b.observeSigns(shows(1, "0123456789abcdef0123456789abcdef"));
            assertThat(b.subjectAt(MONITOR, T0.plusSeconds(300), null)).isInstanceOf(Subjects.Subject.Charted.class);

            long before = b.version();
            b.observeSigns(shows(10, "fedcba9876543210fedcba9876543210"));
            assertThat(b.version()).as("the held readings are read again").isGreaterThan(before);
            Instant after = T0.plusSeconds(60L * 11);
            assertThat(b.subjectAt(MONITOR, after, null))
                    .isInstanceOfSatisfying(
                            Subjects.Subject.Held.class,
                            h -> assertThat(h.reason()).contains("shows another patient's demographics"));
            assertThat(p.patientAt(MONITOR, after)).isInstanceOf(Pcd01Patients.Answer.Held.class);
            assertThat(b.status(after)).singleElement().satisfies(s -> {
                assertThat(s.state()).isEqualTo("UNCERTAIN");
                assertThat(s.held()).contains("bed12-monitor").contains("until a clinician confirms");
            });

            Instant confirmed = T0.plusSeconds(60L * 20);
            assertThat(b.confirm("nurse.kim", bed, ANNA, confirmed)).isEqualTo(BedAssociations.Confirmed.CONFIRMED);
            assertThat(b.subjectAt(MONITOR, after, null))
                    .as("the uncertain time is charted to nobody")
                    .isInstanceOf(Subjects.Subject.NotCharted.class);
            assertThat(b.subjectAt(MONITOR, confirmed.plusSeconds(1), null))
                    .isInstanceOf(Subjects.Subject.Charted.class);
            assertThat(b.status(confirmed.plusSeconds(1)))
                    .singleElement()
                    .satisfies(s -> assertThat(s.state()).isEqualTo("ASSOCIATED"));
        }
        try (AuditLog read = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system())) {
            assertThat(read.entries())
                    .extracting(e -> e.path("action").asText())
                    .containsSubsequence("device-sign-uncertain", "bedside-confirmed")
                    .contains("device-sign-resolved");
        }
    }
}
