package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.PatientDemographics;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signs kept and applied: the journal, a restart, the audit, a confirmation at the bedside, the gap. */
class BedSignsTest {
    private static final BedLocation BED = AssociationsTest.BED;
    private static final DeviceId MONITOR = DeviceId.of("bed12-monitor");
    private static final DeviceId OXIMETER = DeviceId.of("bed12-spo2");
    private static final String FP_ANNA = "0123456789abcdef0123456789abcdef";
    private static final String FP_OTHER = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    private final AssociationsTest events = new AssociationsTest();

    private static Instant at(int minute) {
        return AssociationsTest.T0.plusSeconds(60L * minute);
    }

    private AuditLog audit() throws Exception {
        return new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.system());
    }

    private PatientAssociations associations(AuditLog audit) throws Exception {
        return PatientAssociations.open(dir.resolve("patients/adt-events.jsonl"), Set.of(BED), audit);
    }

    private BedSigns signs(PatientAssociations a, AuditLog audit) throws Exception {
        return BedSigns.open(
                dir.resolve("patients/device-signs.jsonl"),
                Map.of(MONITOR, BED, OXIMETER, BED),
                Duration.ofMinutes(30),
                a,
                audit);
    }

    private static List<Reading> demographics(int minute, PatientDemographics.State state, String fingerprint) {
        return List.of(new PatientDemographics(MONITOR, state, fingerprint, null, at(minute)));
    }

    private static List<Reading> spo2(int minute, boolean valid) {
        return List.of(new NumericReading(
                OXIMETER,
                Metrics.SPO2,
                valid ? new BigDecimal("97") : null,
                UcumUnit.PERCENT,
                valid ? Quality.VALID : Quality.notAvailable("sensor off"),
                null,
                at(minute)));
    }

    private static BedTimeline.Subject subject(PatientAssociations a, BedSigns s, int minute) {
        return s.subjectAt(BED, at(minute), a.subjectAt(BED, at(minute)));
    }

    private List<String> actions() throws Exception {
        try (AuditLog read = audit()) {
            return read.entries().stream().map(e -> e.path("action").asText()).toList();
        }
    }

    @Test
    void anotherPatientsDemographicsHoldTheBedsReadingsAcrossARestartUntilAClinicianConfirms() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                BedSigns s = signs(a, audit)) {
            a.record(events.event(AdtTrigger.A01, AssociationsTest.ANNA, 10, BED));
            s.observe(demographics(11, PatientDemographics.State.ADMITTED, FP_ANNA));
            s.observe(demographics(12, PatientDemographics.State.ADMITTED, FP_ANNA)); // the same: no line
            long before = s.version();
            s.observe(demographics(20, PatientDemographics.State.ADMITTED, FP_OTHER));
            assertThat(s.version())
                    .as("a reader that held readings looks again")
                    .isGreaterThan(before);
            assertThat(subject(a, s, 15)).isInstanceOf(BedTimeline.Subject.Patient.class);
            assertThat(subject(a, s, 21)).isInstanceOf(BedTimeline.Subject.Uncertain.class);
        }
        // Only changes are lines: the bed, the device, the state and the fingerprint; no MRN, no name.
        assertThat(Files.readAllLines(dir.resolve("patients/device-signs.jsonl")))
                .hasSize(2)
                .allSatisfy(line -> assertThat(JsonLines.JSON.readTree(line).fieldNames())
                        .toIterable()
                        .containsExactly("at", "bed", "device", "kind", "state", "fingerprint"))
                .anySatisfy(line -> assertThat(line).contains(FP_OTHER));
        assertThat(actions()).containsOnlyOnce("device-sign-uncertain");

        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                BedSigns s = signs(a, audit)) {
            assertThat(subject(a, s, 21)).as("after a restart").isInstanceOf(BedTimeline.Subject.Uncertain.class);
            a.record(AssociationEvent.bedside(
                    "nurse.kim", "bedside-1", AdtTrigger.A01, at(30), AssociationsTest.ANNA, BED));
            assertThat(subject(a, s, 25)).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(subject(a, s, 31)).isInstanceOf(BedTimeline.Subject.Patient.class);
        }
        assertThat(actions())
                .as("audited once, not again at the restart; then resolved")
                .containsOnlyOnce("device-sign-uncertain")
                .containsOnlyOnce("device-sign-resolved");
    }

    @Test
    void valuesAfterALongGapWithTheSensorOffMakeItUncertain() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                BedSigns s = signs(a, audit)) {
            a.record(events.event(AdtTrigger.A01, AssociationsTest.ANNA, 10, BED));
            s.observe(spo2(11, true));
            s.observe(spo2(20, false));
            s.observe(spo2(40, true));
            assertThat(subject(a, s, 40)).isInstanceOf(BedTimeline.Subject.Patient.class);
            s.observe(spo2(60, false));
            s.observe(spo2(90, true));
            assertThat(subject(a, s, 89)).isInstanceOf(BedTimeline.Subject.Patient.class);
            assertThat(subject(a, s, 90))
                    .isInstanceOfSatisfying(
                            BedTimeline.Subject.Uncertain.class,
                            u -> assertThat(u.reason()).contains("values from bed12-spo2 resumed after 50 min"));
        }
    }

    @Test
    void aDeviceAtNoBedIsNotWatched() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = associations(audit);
                BedSigns s = signs(a, audit)) {
            s.observe(List.of(new PatientDemographics(
                    DeviceId.of("lab-monitor"), PatientDemographics.State.DISCHARGED, FP_ANNA, null, at(1))));
            assertThat(s.version()).isZero();
        }
    }
}
