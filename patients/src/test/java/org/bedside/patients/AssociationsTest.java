package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class AssociationsTest {
    static final BedLocation BED = BedLocation.parse("ICU^12^1");
    static final BedLocation OTHER_BED = BedLocation.parse("ICU^14^1");
    static final PatientKey ANNA = new PatientKey("HOSP", "1001");
    static final PatientKey BEN = new PatientKey("HOSP", "1002");
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private int sequence;

    AssociationEvent event(AdtTrigger trigger, PatientKey patient, int minute, @Nullable BedLocation location) {
        return event(trigger, patient, minute, location, null);
    }

    AssociationEvent event(
            AdtTrigger trigger,
            PatientKey patient,
            int minute,
            @Nullable BedLocation location,
            @Nullable BedLocation prior) {
        Instant at = T0.plusSeconds(60L * minute);
        return new AssociationEvent(
                "ADT^HOSP", "C" + (++sequence), trigger, at, at.plusSeconds(5), patient, location, prior, null, null);
    }

    static BedTimeline timeline(List<AssociationEvent> events) {
        return Associations.replay(events, Set.of(BED, OTHER_BED)).get(BED);
    }

    static @Nullable PatientKey chartedTo(BedTimeline t, int minute) {
        return t.subjectAt(T0.plusSeconds(60L * minute)) instanceof BedTimeline.Subject.Patient p
                ? p.occupant().patient()
                : null;
    }

    @Test
    void anAdmissionChartsFromItsTimeAndNotBefore() {
        BedTimeline t = timeline(List.of(event(AdtTrigger.A01, ANNA, 10, BED)));
        assertThat(chartedTo(t, 9)).isNull();
        assertThat(t.subjectAt(T0.plusSeconds(599))).isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(chartedTo(t, 10)).isEqualTo(ANNA);
        assertThat(chartedTo(t, 500)).isEqualTo(ANNA);
    }

    @Test
    void aDischargeEndsTheAssociationAndTheNextPatientFollows() {
        BedTimeline t = timeline(List.of(
                event(AdtTrigger.A01, ANNA, 0, BED),
                event(AdtTrigger.A03, ANNA, 30, BED),
                event(AdtTrigger.A01, BEN, 40, BED)));
        assertThat(chartedTo(t, 29)).isEqualTo(ANNA);
        assertThat(chartedTo(t, 30)).isNull();
        assertThat(chartedTo(t, 39)).isNull();
        assertThat(chartedTo(t, 40)).isEqualTo(BEN);
    }

    @Test
    void aTransferMovesThePatientOutOfTheBedAndIntoTheOther() {
        List<AssociationEvent> events =
                List.of(event(AdtTrigger.A01, ANNA, 0, BED), event(AdtTrigger.A02, ANNA, 20, OTHER_BED, BED));
        Map<BedLocation, BedTimeline> beds = Associations.replay(events, Set.of(BED, OTHER_BED));
        assertThat(chartedTo(beds.get(BED), 19)).isEqualTo(ANNA);
        assertThat(chartedTo(beds.get(BED), 20)).isNull();
        assertThat(chartedTo(beds.get(OTHER_BED), 19)).isNull();
        assertThat(chartedTo(beds.get(OTHER_BED), 20)).isEqualTo(ANNA);
    }

    @Test
    void aCancelledAdmissionNeverWas() {
        BedTimeline t = timeline(List.of(event(AdtTrigger.A01, ANNA, 0, BED), event(AdtTrigger.A11, ANNA, 5, BED)));
        assertThat(chartedTo(t, 1)).as("readings of the cancelled admission").isNull();
        assertThat(chartedTo(t, 6)).isNull();
    }

    @Test
    void aCancelledTransferPutsThePatientBack() {
        BedTimeline t = timeline(List.of(
                event(AdtTrigger.A01, ANNA, 0, BED),
                event(AdtTrigger.A02, ANNA, 10, OTHER_BED, BED),
                event(AdtTrigger.A12, ANNA, 15, BED, OTHER_BED)));
        assertThat(chartedTo(t, 12)).isEqualTo(ANNA);
        assertThat(chartedTo(t, 20)).isEqualTo(ANNA);
    }

    @Test
    void aCancelledDischargeKeepsThePatient() {
        BedTimeline t = timeline(List.of(
                event(AdtTrigger.A01, ANNA, 0, BED),
                event(AdtTrigger.A03, ANNA, 10, BED),
                event(AdtTrigger.A13, ANNA, 12, BED)));
        assertThat(chartedTo(t, 11)).isEqualTo(ANNA);
        assertThat(chartedTo(t, 20)).isEqualTo(ANNA);
    }

    @Test
    void aSecondAdmissionWithoutADischargeIsAConflictThatHoldsUntilResolved() {
        List<AssociationEvent> events =
                new ArrayList<>(List.of(event(AdtTrigger.A01, ANNA, 0, BED), event(AdtTrigger.A01, BEN, 10, BED)));
        BedTimeline t = timeline(events);
        assertThat(chartedTo(t, 5)).isEqualTo(ANNA);
        assertThat(t.subjectAt(T0.plusSeconds(60L * 12))).isInstanceOf(BedTimeline.Subject.Uncertain.class);

        events.add(event(AdtTrigger.A03, ANNA, 20, BED));
        BedTimeline resolved = timeline(events);
        assertThat(resolved.subjectAt(T0.plusSeconds(60L * 12)))
                .as("two patients at once: charted to nobody, for good")
                .isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(chartedTo(resolved, 21)).isEqualTo(BEN);
    }

    @Test
    void messagesOutOfOrderGiveTheSameTimeline() {
        List<AssociationEvent> inOrder = List.of(
                event(AdtTrigger.A01, ANNA, 0, BED),
                event(AdtTrigger.A02, ANNA, 10, OTHER_BED, BED),
                event(AdtTrigger.A01, BEN, 15, BED),
                event(AdtTrigger.A03, BEN, 40, BED),
                event(AdtTrigger.A02, ANNA, 50, BED, OTHER_BED));
        BedTimeline expected = timeline(inOrder);
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            List<AssociationEvent> shuffled = new ArrayList<>(inOrder);
            Collections.shuffle(shuffled, random);
            assertThat(timeline(shuffled).changes()).isEqualTo(expected.changes());
        }
        assertThat(chartedTo(expected, 12)).isNull();
        assertThat(chartedTo(expected, 20)).isEqualTo(BEN);
        assertThat(chartedTo(expected, 45)).isNull();
        assertThat(chartedTo(expected, 55)).isEqualTo(ANNA);
    }

    @Test
    void aLeaveOfAbsenceChartsNobodyUntilTheReturn() {
        BedTimeline t = timeline(List.of(
                event(AdtTrigger.A01, ANNA, 0, BED),
                event(AdtTrigger.A21, ANNA, 10, BED),
                event(AdtTrigger.A22, ANNA, 30, null)));
        assertThat(chartedTo(t, 20)).isNull();
        assertThat(chartedTo(t, 31)).isEqualTo(ANNA);
    }

    @Test
    void aSwapExchangesTheBeds() {
        AssociationEvent swap = new AssociationEvent(
                "ADT^HOSP",
                "SWAP",
                AdtTrigger.A17,
                T0.plusSeconds(600),
                T0.plusSeconds(600),
                ANNA,
                OTHER_BED,
                null,
                BEN,
                BED);
        Map<BedLocation, BedTimeline> beds = Associations.replay(
                List.of(event(AdtTrigger.A01, ANNA, 0, BED), event(AdtTrigger.A01, BEN, 1, OTHER_BED), swap),
                Set.of(BED, OTHER_BED));
        assertThat(chartedTo(beds.get(BED), 5)).isEqualTo(ANNA);
        assertThat(chartedTo(beds.get(BED), 11)).isEqualTo(BEN);
        assertThat(chartedTo(beds.get(OTHER_BED), 11)).isEqualTo(ANNA);
    }

    @Test
    void anUpdateChangesNoBed() {
        BedTimeline t =
                timeline(List.of(event(AdtTrigger.A01, ANNA, 0, BED), event(AdtTrigger.A08, ANNA, 5, OTHER_BED)));
        assertThat(chartedTo(t, 10)).isEqualTo(ANNA);
    }
}
