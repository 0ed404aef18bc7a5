package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Associations set at the bedside (a clinician's scan) beside ADT, and releases of held readings: the rules, the
 * journal across a restart, the audit.
 */
class BedsideAssociationTest {
    static final BedLocation BED = BedLocation.parse("ICU^12^1");
    static final PatientKey ANNA = new PatientKey("HOSP", "1001");
    static final PatientKey BEN = new PatientKey("HOSP", "1002");
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private int sequence;

    PatientAssociations open(AuditLog audit) throws Exception {
        return PatientAssociations.open(dir.resolve("patients/adt-events.jsonl"), Set.of(BED), audit);
    }

    AuditLog audit() throws Exception {
        return new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.fixed(T0));
    }

    static Instant at(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    AssociationEvent adt(AdtTrigger trigger, PatientKey patient, int minute) {
        return new AssociationEvent(
                "ADT^HOSP", "C" + (++sequence), trigger, at(minute), at(minute), patient, BED, null, null, null);
    }

    AssociationEvent bedside(AdtTrigger trigger, PatientKey patient, int minute) {
        return AssociationEvent.bedside("nurse.kim", "bedside-" + (++sequence), trigger, at(minute), patient, BED);
    }

    @Test
    void aScanAtAnEmptyBedOpensTheAssociationFromThenOnAndSurvivesARestart() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            a.record(bedside(AdtTrigger.A01, ANNA, 10));
            assertThat(a.subjectAt(BED, at(9))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(a.subjectAt(BED, at(10))).isInstanceOf(BedTimeline.Subject.Patient.class);
            BedTimeline.Occupant o = a.timeline(BED).occupantsAt(at(10)).get(0);
            assertThat(a.sourceOf(o)).isEqualTo("bedside");
        }
        try (AuditLog audit = audit();
                PatientAssociations again = open(audit)) {
            BedTimeline.Occupant o = again.timeline(BED).occupantsAt(at(11)).get(0);
            assertThat(o.patient()).isEqualTo(ANNA);
            assertThat(again.sourceOf(o)).isEqualTo("bedside");
            assertThat(again.bedsideEvents(BED)).hasSize(1);
            assertThat(again.bedsideEvents(BED).get(0).bedsideUser()).isEqualTo("nurse.kim");
            assertThat(Files.readString(dir.resolve("audit/audit.jsonl")))
                    .contains("\"action\":\"association-opened\"")
                    .contains("\"source\":\"bedside\"")
                    .contains("\"user\":\"nurse.kim\"");
        }
    }

    @Test
    void aScanOfThePatientAdtAlreadyHasConfirmsAndChangesNothing() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 0));
            a.record(bedside(AdtTrigger.A01, ANNA, 5));
            assertThat(a.timeline(BED).occupantsAt(at(6)))
                    .singleElement()
                    .satisfies(o -> assertThat(o.since()).isEqualTo(at(0)));
            assertThat(a.sourceOf(a.timeline(BED).occupantsAt(at(6)).get(0))).isEqualTo("adt");
        }
    }

    @Test
    void aScanThatDisagreesWithAdtMakesTheBedUncertainUntilOneIsEnded() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 0));
            a.record(bedside(AdtTrigger.A01, BEN, 5));
            assertThat(a.subjectAt(BED, at(6))).isInstanceOf(BedTimeline.Subject.Uncertain.class);
            assertThat(a.subjectAt(BED, at(4))).isInstanceOf(BedTimeline.Subject.Patient.class);
            // The clinician ends the wrong (ADT) association at the bedside: Ben's from then on.
            a.record(bedside(AdtTrigger.A03, ANNA, 8));
            assertThat(a.subjectAt(BED, at(6))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(a.subjectAt(BED, at(8)))
                    .isEqualTo(new BedTimeline.Subject.Patient(
                            a.timeline(BED).occupantsAt(at(8)).get(0)));
            assertThat(a.timeline(BED).occupantsAt(at(8)).get(0).patient()).isEqualTo(BEN);
        }
    }

    @Test
    void anAdtCancelTakesBackTheAdtAdmissionNotTheConfirmationAtTheBedside() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 0));
            a.record(bedside(AdtTrigger.A01, ANNA, 5));
            a.record(adt(AdtTrigger.A11, ANNA, 20));
            // The admission never was; the clinician's scan at minute 5 still stands.
            assertThat(a.subjectAt(BED, at(1))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(a.timeline(BED).occupantsAt(at(21)))
                    .singleElement()
                    .satisfies(o -> assertThat(o.since()).isEqualTo(at(5)));
        }
    }

    @Test
    void aBedsideEventOnlyOpensOrEnds() {
        assertThatThrownBy(() -> AssociationEvent.bedside("nurse.kim", "x", AdtTrigger.A02, T0, ANNA, BED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReleaseGivesTheEmptyBedsReadingsToThePatientWhileTheAssociationStandsAndSurvivesARestart() throws Exception {
        Path file = dir.resolve("patients/releases.jsonl");
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit);
                Releases r = Releases.open(file, audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, 30));
            Releases.Release made = r.release(BED, ANNA, at(10), at(30), "nurse.kim", at(31));
            assertThat(made.id()).isEqualTo("r1");
            assertThat(r.patientAt(BED, at(9), a.timeline(BED))).isNull();
            assertThat(r.patientAt(BED, at(10), a.timeline(BED))).isEqualTo(made);
            assertThat(r.patientAt(BED, at(29), a.timeline(BED))).isEqualTo(made);
            assertThat(r.patientAt(BED, at(30), a.timeline(BED)))
                    .as("until is exclusive")
                    .isNull();
            assertThat(r.patientAt(BedLocation.parse("ICU^14^1"), at(20), a.timeline(BED)))
                    .isNull();
            r.replayed("r1", "fhir");
        }
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit);
                Releases again = Releases.open(file, audit)) {
            assertThat(again.all()).hasSize(1);
            assertThat(again.isReplayed("r1", "fhir")).isTrue();
            assertThat(again.isReplayed("r1", "pcd01")).isFalse();
            assertThat(again.patientAt(BED, at(20), a.timeline(BED))).isNotNull();
            // A cancelled admission withdraws the release with it.
            a.record(adt(AdtTrigger.A11, ANNA, 40));
            assertThat(again.patientAt(BED, at(20), a.timeline(BED))).isNull();
            assertThat(Files.readString(dir.resolve("audit/audit.jsonl")))
                    .contains("\"action\":\"readings-released\"")
                    .contains("\"user\":\"nurse.kim\"")
                    .contains("\"action\":\"release-charted\"");
        }
    }

    @Test
    void aReleaseNeedsFromBeforeUntil() throws Exception {
        try (AuditLog audit = audit();
                Releases r = Releases.open(dir.resolve("patients/releases.jsonl"), audit)) {
            assertThatThrownBy(() -> r.release(BED, ANNA, at(30), at(30), "nurse.kim", at(31)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(r.all()).isEmpty();
        }
    }
}
