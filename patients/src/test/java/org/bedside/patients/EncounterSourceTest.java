package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FHIR Encounter source's rules: each poll's Encounters at a bed in, association events out, through the journal
 * and the same rules as ADT and the bedside. The sandbox's searches are run by EncounterAssociationIT (uplink).
 */
class EncounterSourceTest {
    static final BedLocation BED = BedLocation.parse("ICU^12^1");
    static final BedLocation OTHER = BedLocation.parse("ICU^14^1");
    static final PatientKey ANNA = new PatientKey("HOSP", "1001");
    static final PatientKey BEN = new PatientKey("HOSP", "1002");
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    static Instant at(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    PatientAssociations open(AuditLog audit) throws Exception {
        return PatientAssociations.open(dir.resolve("patients/adt-events.jsonl"), Set.of(BED, OTHER), audit);
    }

    AuditLog audit() throws Exception {
        return new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.fixed(T0));
    }

    static EncounterSource.Seen active(String encounter, PatientKey patient, int startMinute) {
        return new EncounterSource.Seen(
                encounter, patient, List.of(new EncounterSource.Entry("active", at(startMinute), null)));
    }

    static AssociationEvent adt(AdtTrigger trigger, PatientKey patient, BedLocation bed, int minute, String id) {
        return new AssociationEvent("ADT^HOSP", id, trigger, at(minute), at(minute), patient, bed, null, null, null);
    }

    @Test
    void anEncounterInProgressAtTheBedOpensFromItsLocationStartAndARestartDoesNotOpenItAgain() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            EncounterSource source = new EncounterSource(a, audit, 2);
            source.polled(BED, at(10), List.of(active("enc-1", ANNA, 4)));
            assertThat(a.subjectAt(BED, at(3))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(a.subjectAt(BED, at(4)))
                    .as("from Encounter.location.period.start, not the poll's time")
                    .isInstanceOfSatisfying(
                            BedTimeline.Subject.Patient.class,
                            p -> assertThat(p.occupant().patient()).isEqualTo(ANNA));
            assertThat(a.sourceOf(a.timeline(BED).occupantsAt(at(10)).get(0))).isEqualTo("fhir-encounter");
            assertThat(audit.entries())
                    .anySatisfy(e -> {
                        assertThat(e.get("action").asText()).isEqualTo("encounter-matched");
                        assertThat(e.get("outcome").asText()).isEqualTo("opened");
                        assertThat(e.get("encounter").asText()).isEqualTo("enc-1");
                    })
                    .anySatisfy(e -> assertThat(e.get("action").asText()).isEqualTo("association-opened"));
        }
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            int events = a.events();
            new EncounterSource(a, audit, 2).polled(BED, at(11), List.of(active("enc-1", ANNA, 4)));
            assertThat(a.events()).as("held since the journal: nothing new").isEqualTo(events);
        }
    }

    @Test
    void aCompletedOrFutureOrEndedEntryDoesNotOpen() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            EncounterSource source = new EncounterSource(a, audit, 2);
            source.polled(
                    BED,
                    at(30),
                    List.of(
                            new EncounterSource.Seen(
                                    "moved-out", ANNA, List.of(new EncounterSource.Entry("completed", at(1), at(20)))),
                            new EncounterSource.Seen(
                                    "ended-no-status", BEN, List.of(new EncounterSource.Entry(null, at(1), at(25)))),
                            new EncounterSource.Seen(
                                    "planned", BEN, List.of(new EncounterSource.Entry("planned", at(40), null)))));
            assertThat(a.events()).isZero();
            assertThat(a.subjectAt(BED, at(10))).isInstanceOf(BedTimeline.Subject.Nobody.class);
        }
    }

    @Test
    void adtWithTheSamePatientIsConfirmedAndWithSomeoneElseTheBedIsUncertain() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, BED, 2, "C1"));
            EncounterSource source = new EncounterSource(a, audit, 2);
            source.polled(BED, at(10), List.of(active("enc-1", ANNA, 5)));
            assertThat(a.timeline(BED).occupantsAt(at(10)))
                    .singleElement()
                    .satisfies(
                            o -> assertThat(o.since()).as("keeps its ADT start").isEqualTo(at(2)));

            a.record(adt(AdtTrigger.A01, BEN, OTHER, 3, "C2"));
            source.polled(OTHER, at(10), List.of(active("enc-2", ANNA, 6)));
            assertThat(a.subjectAt(OTHER, at(10))).isInstanceOf(BedTimeline.Subject.Uncertain.class);
            assertThat(audit.entries().stream()
                            .filter(e -> e.get("action").asText().equals("encounter-matched"))
                            .map(e -> e.get("outcome").asText()))
                    .containsExactly("confirmed", "disagrees");
        }
    }

    @Test
    void twoEncountersOfTwoPatientsAtOneBedMakeItUncertain() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            new EncounterSource(a, audit, 2)
                    .polled(BED, at(10), List.of(active("enc-1", ANNA, 5), active("enc-2", BEN, 6)));
            assertThat(a.subjectAt(BED, at(10))).isInstanceOf(BedTimeline.Subject.Uncertain.class);
        }
    }

    @Test
    void aTransferEndsAtTheEntrysEndAndNeverTakesThePatientOutOfTheNextBed() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            EncounterSource source = new EncounterSource(a, audit, 2);
            source.polled(BED, at(10), List.of(active("enc-1", ANNA, 5)));
            // ADT moved her to the other bed at minute 20; the server completes the entry for this bed later.
            a.record(adt(AdtTrigger.A02, ANNA, OTHER, 20, "C3"));
            source.polled(
                    BED,
                    at(30),
                    List.of(new EncounterSource.Seen(
                            "enc-1",
                            ANNA,
                            List.of(
                                    new EncounterSource.Entry("completed", at(5), at(20)),
                                    new EncounterSource.Entry("active", at(20), null)))));
            assertThat(a.encounterEvents())
                    .as("a current entry for the bed keeps it")
                    .hasSize(1);
            source.polled(
                    BED,
                    at(31),
                    List.of(new EncounterSource.Seen(
                            "enc-1", ANNA, List.of(new EncounterSource.Entry("completed", at(5), at(20))))));
            assertThat(a.encounterEvents()).last().satisfies(e -> {
                assertThat(e.trigger()).isEqualTo(AdtTrigger.A03);
                assertThat(e.at()).as("Encounter.location.period.end").isEqualTo(at(20));
            });
            assertThat(a.subjectAt(BED, at(25))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(a.subjectAt(OTHER, at(31)))
                    .as("the end is out of this bed only")
                    .isInstanceOf(BedTimeline.Subject.Patient.class);
        }
    }

    @Test
    void anEncounterNoLongerFoundEndsAfterKPollsAsOfTheFirstMissAndAFailedPollChangesNothing() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            EncounterSource source = new EncounterSource(a, audit, 2);
            source.polled(BED, at(10), List.of(active("enc-1", ANNA, 5)));
            source.current(at(10));
            source.failed(at(11), "cannot reach http://fhir: ConnectException");
            source.failed(at(12), "cannot reach http://fhir: ConnectException");
            assertThat(source.staleSince()).isEqualTo(at(11));
            assertThat(a.subjectAt(BED, at(12)))
                    .as("the server away: the association keeps its state")
                    .isInstanceOf(BedTimeline.Subject.Patient.class);
            source.polled(BED, at(13), List.of());
            source.current(at(13));
            assertThat(source.staleSince()).isNull();
            assertThat(a.encounterEvents()).as("one miss of two").hasSize(1);
            source.polled(BED, at(14), List.of());
            assertThat(a.encounterEvents()).last().satisfies(e -> {
                assertThat(e.trigger()).isEqualTo(AdtTrigger.A03);
                assertThat(e.at()).as("as of the first poll that missed it").isEqualTo(at(13));
            });
            assertThat(a.subjectAt(BED, at(13))).isInstanceOf(BedTimeline.Subject.Nobody.class);
            assertThat(audit.entries().stream().map(e -> e.get("action").asText()))
                    .contains("encounter-source-stale", "encounter-source-current", "encounter-ended")
                    .filteredOn("encounter-source-stale"::equals)
                    .hasSize(1);
        }
    }

    @Test
    void aMissIsForgottenWhenTheEncounterIsFoundAgain() {
        EncounterSource.Holding held = new EncounterSource.Holding("enc-1", ANNA, at(5));
        EncounterSource.Decision first =
                EncounterSource.decide(BED, at(10), List.of(), List.of(held), List.of(ANNA), Map.of(), 2);
        assertThat(first.events()).isEmpty();
        assertThat(first.misses()).hasSize(1);
        EncounterSource.Decision again = EncounterSource.decide(
                BED, at(11), List.of(active("enc-1", ANNA, 5)), List.of(held), List.of(ANNA), first.misses(), 2);
        assertThat(again.misses()).isEmpty();
        EncounterSource.Decision later =
                EncounterSource.decide(BED, at(12), List.of(), List.of(held), List.of(ANNA), again.misses(), 2);
        assertThat(later.events()).as("one miss again, not two").isEmpty();
    }

    @Test
    void anEncounterWhosePatientHasNoConfiguredIdentifierOpensNothingAndIsNoted() {
        EncounterSource.Decision d = EncounterSource.decide(
                BED,
                at(10),
                List.of(new EncounterSource.Seen(
                        "enc-x", null, List.of(new EncounterSource.Entry("active", at(1), null)))),
                List.of(),
                List.of(),
                Map.of(),
                2);
        assertThat(d.events()).isEmpty();
        assertThat(d.notes())
                .singleElement()
                .satisfies(n -> assertThat(n.action()).isEqualTo("encounter-unidentified"));
    }

    @Test
    void anAdtCancelNeverTakesBackAnEncountersAssociation() throws Exception {
        try (AuditLog audit = audit();
                PatientAssociations a = open(audit)) {
            a.record(adt(AdtTrigger.A01, ANNA, BED, 2, "C1"));
            new EncounterSource(a, audit, 2).polled(BED, at(10), List.of(active("enc-1", ANNA, 1)));
            a.record(adt(AdtTrigger.A11, ANNA, BED, 12, "C9"));
            assertThat(a.subjectAt(BED, at(12)))
                    .as("the A11 removes the ADT admission; the Encounter still says she is there")
                    .isInstanceOfSatisfying(
                            BedTimeline.Subject.Patient.class,
                            p -> assertThat(p.occupant().since()).isEqualTo(at(1)));
        }
    }
}
