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

    @Test
    void aCancelledAdmissionIsOwedToEveryDestinationUntilItDidItAlsoAcrossARestart() throws Exception {
        AssociationEvent admit = events.event(AdtTrigger.A01, AssociationsTest.ANNA, 0, AssociationsTest.BED);
        try (PatientAssociations a = open()) {
            a.record(admit);
            assertThat(a.withdrawals()).isEmpty();
            a.record(events.event(AdtTrigger.A03, AssociationsTest.ANNA, 20, AssociationsTest.BED));
            a.record(events.event(AdtTrigger.A11, AssociationsTest.ANNA, 30, AssociationsTest.BED));
            assertThat(a.withdrawals()).singleElement().satisfies(w -> {
                assertThat(w.bed()).isEqualTo(AssociationsTest.BED);
                assertThat(w.patient()).isEqualTo(AssociationsTest.ANNA);
                assertThat(w.since()).isEqualTo(AssociationsTest.T0);
                assertThat(w.ended())
                        .as("the discharge ended it: what came after was not hers")
                        .isEqualTo(AssociationsTest.T0.plusSeconds(60L * 20));
                assertThat(w.trigger()).isEqualTo("A11");
                assertThat(w.association())
                        .isEqualTo(Withdrawal.associationKey(AssociationsTest.BED, AssociationsTest.ANNA, w.since()));
            });
            assertThat(a.owed("uplink")).hasSize(1);
            a.withdrawn("uplink", a.withdrawals().get(0), AssociationsTest.T0, 12, "12 marked");
            assertThat(a.owed("uplink")).isEmpty();
            assertThat(a.owed("pcd01"))
                    .as("the other destination still owes it")
                    .hasSize(1);
        }
        try (PatientAssociations again = open()) {
            assertThat(again.owed("uplink")).as("done before the restart").isEmpty();
            assertThat(again.owed("pcd01")).hasSize(1);
            assertThat(again.owed("mqtt")).hasSize(1);
        }
        assertThat(new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.system()).entries())
                .filteredOn(e -> e.get("action").asText().equals("withdrawal-done"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.get("destination").asText()).isEqualTo("uplink");
                    assertThat(e.get("items").asInt()).isEqualTo(12);
                });
    }

    @Test
    void aStillOpenCancelledAdmissionHasNoEnd() throws Exception {
        try (PatientAssociations a = open()) {
            a.record(events.event(AdtTrigger.A01, AssociationsTest.ANNA, 0, AssociationsTest.BED));
            a.record(events.event(AdtTrigger.A11, AssociationsTest.ANNA, 3, AssociationsTest.BED));
            assertThat(a.withdrawals())
                    .singleElement()
                    .satisfies(w -> assertThat(w.ended()).isNull());
        }
    }
}
