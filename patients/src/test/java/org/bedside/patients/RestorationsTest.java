package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What a cancel gives back to an association: the stretch that was nobody's and is the patient's again. */
class RestorationsTest {
    static final BedLocation BED = BedLocation.parse("ICU^12^1");
    static final BedLocation OTHER_BED = BedLocation.parse("ICU^14^1");
    static final Set<BedLocation> BEDS = Set.of(BED, OTHER_BED);
    static final PatientKey ANNA = new PatientKey("HOSP", "1001");
    static final PatientKey BEN = new PatientKey("HOSP", "1002");
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final List<AssociationEvent> events = new ArrayList<>();
    private int sequence;

    /** An event that happened at {@code minute} and was received at {@code receivedMinute}. */
    private AssociationEvent add(
            AdtTrigger trigger,
            PatientKey patient,
            int minute,
            int receivedMinute,
            @Nullable BedLocation location,
            @Nullable BedLocation prior) {
        AssociationEvent e = new AssociationEvent(
                "ADT^HOSP",
                "C" + (++sequence),
                trigger,
                at(minute),
                at(receivedMinute),
                patient,
                location,
                prior,
                null,
                null);
        events.add(e);
        return e;
    }

    private static Instant at(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    @Test
    void aCancelledDischargeGivesThePatientTheTimeSinceTheDischargeUpToTheCancel() {
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A03, ANNA, 60, 60, BED, null);
        AssociationEvent cancel = add(AdtTrigger.A13, ANNA, 90, 95, BED, null);

        List<Restoration> r = Associations.restorations(events, BEDS);

        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.bed()).isEqualTo(BED);
            assertThat(x.patient()).isEqualTo(ANNA);
            assertThat(x.from()).isEqualTo(at(60));
            assertThat(x.until()).as("up to the cancel's receipt").isEqualTo(at(95));
            assertThat(x.trigger()).isEqualTo("A13");
            assertThat(x.controlId()).isEqualTo(cancel.controlId());
            assertThat(x.id()).startsWith("c").hasSize(13);
        });
        // The release it is replayed as covers exactly that stretch of that bed.
        Releases.Release asRelease = r.get(0).asRelease();
        assertThat(asRelease.covers(BED, at(60))).isTrue();
        assertThat(asRelease.covers(BED, at(95))).isFalse();
        assertThat(asRelease.covers(BED, at(59))).isFalse();
        assertThat(asRelease.covers(OTHER_BED, at(70))).isFalse();
        assertThat(asRelease.user()).isEqualTo("adt A13 " + cancel.controlId());
    }

    @Test
    void theIdIsTheSameAfterARestartAndWhateverOrderTheEventsCameIn() {
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A03, ANNA, 60, 60, BED, null);
        add(AdtTrigger.A13, ANNA, 90, 95, BED, null);
        List<AssociationEvent> reversed = new ArrayList<>(events);
        java.util.Collections.reverse(reversed);

        assertThat(Associations.restorations(reversed, BEDS)).isEqualTo(Associations.restorations(events, BEDS));
    }

    @Test
    void aNextPatientInTheBedEndsWhatIsGivenBack() {
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A03, ANNA, 60, 60, BED, null);
        add(AdtTrigger.A01, BEN, 75, 75, BED, null);
        add(AdtTrigger.A13, ANNA, 90, 95, BED, null);

        // From minute 75 the bed holds both (a conflict): nobody's either way, so nothing of it is given back.
        assertThat(Associations.restorations(events, BEDS)).singleElement().satisfies(x -> {
            assertThat(x.from()).isEqualTo(at(60));
            assertThat(x.until()).isEqualTo(at(75));
        });
    }

    @Test
    void aCancelledTransferGivesBackTheTimeInTheBedLeft() {
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A02, ANNA, 30, 30, OTHER_BED, BED);
        add(AdtTrigger.A12, ANNA, 50, 52, OTHER_BED, BED);

        // Her time in the other bed is withdrawn (Withdrawal); her own bed gets the time back.
        assertThat(Associations.restorations(events, BEDS)).singleElement().satisfies(x -> {
            assertThat(x.bed()).isEqualTo(BED);
            assertThat(x.patient()).isEqualTo(ANNA);
            assertThat(x.from()).isEqualTo(at(30));
            assertThat(x.until()).isEqualTo(at(52));
        });
        assertThat(Associations.withdrawals(events, BEDS))
                .singleElement()
                .satisfies(w -> assertThat(w.bed()).isEqualTo(OTHER_BED));
    }

    @Test
    void aCancelledAdmissionThatMadeAConflictGivesTheFirstPatientHerTimeBack() {
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A01, BEN, 20, 20, BED, null);
        add(AdtTrigger.A11, BEN, 40, 41, BED, null);

        assertThat(Associations.restorations(events, BEDS)).singleElement().satisfies(x -> {
            assertThat(x.patient()).isEqualTo(ANNA);
            assertThat(x.from()).isEqualTo(at(20));
            assertThat(x.until()).isEqualTo(at(41));
        });
    }

    @Test
    void aCancelWithNothingToGiveBackGivesNothing() {
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A11, ANNA, 40, 41, BED, null); // the admission never was: time taken, none given

        assertThat(Associations.restorations(events, BEDS)).isEmpty();

        events.clear();
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A13, ANNA, 40, 41, BED, null); // no discharge to cancel

        assertThat(Associations.restorations(events, BEDS)).isEmpty();
    }

    @Test
    void aLateCancelOfAnOldDischargeGivesBackOnlyUpToTheNextChange() {
        add(AdtTrigger.A01, ANNA, 0, 0, BED, null);
        add(AdtTrigger.A03, ANNA, 60, 60, BED, null);
        add(AdtTrigger.A01, ANNA, 120, 120, OTHER_BED, null); // readmitted elsewhere
        add(AdtTrigger.A13, ANNA, 130, 131, BED, null);

        assertThat(Associations.restorations(events, BEDS)).singleElement().satisfies(x -> {
            assertThat(x.bed()).isEqualTo(BED);
            assertThat(x.from()).isEqualTo(at(60));
            assertThat(x.until()).as("until she was admitted to the other bed").isEqualTo(at(120));
        });
    }
}
