package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatientAssociationsTest {
    @TempDir
    Path dir;

    private final AssociationsTest events = new AssociationsTest();

    PatientAssociations open() throws Exception {
        return PatientAssociations.open(
                dir.resolve("patients/adt-events.jsonl"),
                Set.of(AssociationsTest.BED),
                new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.system()));
    }

    @Test
    void aRestartKeepsTheAssociations() throws Exception {
        try (PatientAssociations a = open()) {
            assertThat(a.record(events.event(AdtTrigger.A01, AssociationsTest.ANNA, 0, AssociationsTest.BED)))
                    .isEqualTo(PatientAssociations.Outcome.RECORDED);
        }
        try (PatientAssociations again = open()) {
            assertThat(AssociationsTest.chartedTo(again.timeline(AssociationsTest.BED), 1))
                    .isEqualTo(AssociationsTest.ANNA);
        }
    }

    @Test
    void theSameMessageTwiceIsRecordedOnce() throws Exception {
        AssociationEvent admit = events.event(AdtTrigger.A01, AssociationsTest.ANNA, 0, AssociationsTest.BED);
        try (PatientAssociations a = open()) {
            a.record(admit);
            assertThat(a.record(admit)).isEqualTo(PatientAssociations.Outcome.DUPLICATE);
            assertThat(a.events()).isEqualTo(1);
        }
        try (PatientAssociations again = open()) {
            assertThat(again.record(admit)).isEqualTo(PatientAssociations.Outcome.DUPLICATE);
        }
    }

    @Test
    void eventsOfOtherBedsAndPatientsAreNotKept() throws Exception {
        try (PatientAssociations a = open()) {
            assertThat(a.record(events.event(AdtTrigger.A01, AssociationsTest.BEN, 0, BedLocation.parse("WARD^1^1"))))
                    .isEqualTo(PatientAssociations.Outcome.NOT_OURS);
            a.record(events.event(AdtTrigger.A01, AssociationsTest.ANNA, 0, AssociationsTest.BED));
            assertThat(a.record(events.event(
                            AdtTrigger.A02, AssociationsTest.ANNA, 5, BedLocation.parse("WARD^1^1"), null)))
                    .as("a patient of ours moved elsewhere")
                    .isEqualTo(PatientAssociations.Outcome.RECORDED);
            assertThat(AssociationsTest.chartedTo(a.timeline(AssociationsTest.BED), 6))
                    .isNull();
        }
    }

    @Test
    void aLineTornByAPowerCutIsSkippedAndCutOff() throws Exception {
        try (PatientAssociations a = open()) {
            a.record(events.event(AdtTrigger.A01, AssociationsTest.ANNA, 0, AssociationsTest.BED));
        }
        Path journal = dir.resolve("patients/adt-events.jsonl");
        Files.writeString(journal, "{\"v\":1,\"sender\":\"AD", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (PatientAssociations again = open()) {
            assertThat(again.events()).isEqualTo(1);
            again.record(events.event(AdtTrigger.A03, AssociationsTest.ANNA, 10, AssociationsTest.BED));
        }
        try (PatientAssociations third = open()) {
            assertThat(third.events()).isEqualTo(2);
            assertThat(AssociationsTest.chartedTo(third.timeline(AssociationsTest.BED), 11))
                    .isNull();
        }
    }

    @Test
    void everyChangeIsAudited() throws Exception {
        AuditLog audit = new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.system());
        try (PatientAssociations a =
                PatientAssociations.open(dir.resolve("j.jsonl"), Set.of(AssociationsTest.BED), audit)) {
            a.record(events.event(AdtTrigger.A01, AssociationsTest.ANNA, 0, AssociationsTest.BED));
            a.record(events.event(AdtTrigger.A11, AssociationsTest.ANNA, 3, AssociationsTest.BED));
        }
        assertThat(audit.entries())
                .extracting(e -> e.get("action").asText())
                .containsExactly("associations-loaded", "association-opened", "association-closed");
        assertThat(audit.entries().get(2).get("withdrawn").asText()).contains("in error");
    }
}
