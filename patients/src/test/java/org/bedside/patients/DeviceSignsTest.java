package org.bedside.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.model.PatientDemographics.State;
import org.junit.jupiter.api.Test;

/** The rule of the signs from the devices, with scripted times (minutes after T0). */
class DeviceSignsTest {
    private static final BedLocation BED = AssociationsTest.BED;
    private static final PatientKey ANNA = AssociationsTest.ANNA;
    private static final PatientKey BEN = AssociationsTest.BEN;
    private static final String MONITOR = "bed12-monitor";
    private static final String FP_ANNA = "0123456789abcdef0123456789abcdef";
    private static final String FP_OTHER = "fedcba9876543210fedcba9876543210";

    private int sequence;

    private static Instant at(int minute) {
        return AssociationsTest.T0.plusSeconds(60L * minute);
    }

    private AssociationEvent adt(AdtTrigger trigger, PatientKey patient, int minute) {
        return new AssociationEvent(
                "ADT^HOSP",
                "C" + (++sequence),
                trigger,
                at(minute),
                at(minute).plusSeconds(5),
                patient,
                BED,
                null,
                null,
                null);
    }

    private static BedTimeline timeline(AssociationEvent... events) {
        return Associations.replay(List.of(events), Set.of(BED)).get(BED);
    }

    private static DeviceSigns.Sign demographics(int minute, State state, String fingerprint) {
        return new DeviceSigns.Demographics(at(minute), MONITOR, state, fingerprint);
    }

    private static BedTimeline.Subject subject(
            BedTimeline t, int minute, List<DeviceSigns.Sign> signs, Map<PatientKey, List<Instant>> confirmed) {
        List<DeviceSigns.Uncertainty> u = DeviceSigns.uncertainties(t, signs, confirmed);
        return DeviceSigns.apply(t.subjectAt(at(minute)), at(minute), u);
    }

    @Test
    void theFirstDemographicsOfAnAssociationAreItsReferenceNotAChange() {
        BedTimeline t = timeline(adt(AdtTrigger.A01, ANNA, 10));
        List<DeviceSigns.Sign> signs = List.of(
                demographics(5, State.ADMITTED, FP_OTHER), // before the association: the previous patient's
                demographics(11, State.ADMITTED, FP_ANNA),
                demographics(12, State.ADMITTED, FP_ANNA));
        assertThat(DeviceSigns.uncertainties(t, signs, Map.of())).isEmpty();
        assertThat(subject(t, 30, signs, Map.of())).isInstanceOf(BedTimeline.Subject.Patient.class);
    }

    @Test
    void otherDemographicsMakeTheAssociationUncertainFromThenUntilAClinicianConfirms() {
        BedTimeline t = timeline(adt(AdtTrigger.A01, ANNA, 10));
        List<DeviceSigns.Sign> signs = List.of(
                demographics(11, State.ADMITTED, FP_ANNA),
                demographics(20, State.ADMITTED, FP_OTHER),
                demographics(25, State.ADMITTED, FP_ANNA)); // back again: still uncertain, nobody confirmed
        assertThat(subject(t, 19, signs, Map.of())).isInstanceOf(BedTimeline.Subject.Patient.class);
        assertThat(subject(t, 20, signs, Map.of()))
                .isInstanceOfSatisfying(
                        BedTimeline.Subject.Uncertain.class,
                        u -> assertThat(u.reason())
                                .contains("the monitor bed12-monitor shows another patient's demographics")
                                .contains("held until a clinician confirms"));
        assertThat(subject(t, 40, signs, Map.of())).isInstanceOf(BedTimeline.Subject.Uncertain.class);

        Map<PatientKey, List<Instant>> confirmed = Map.of(ANNA, List.of(at(30)));
        assertThat(DeviceSigns.uncertainties(t, signs, confirmed))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.from()).isEqualTo(at(20));
                    assertThat(u.until()).isEqualTo(at(30));
                    assertThat(u.patient()).isEqualTo(ANNA);
                });
        assertThat(subject(t, 25, signs, confirmed))
                .as("the uncertain time is charted to nobody: the confirmation says who is there from then on")
                .isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(subject(t, 30, signs, confirmed)).isInstanceOf(BedTimeline.Subject.Patient.class);
    }

    @Test
    void aConfirmationTakesTheMonitorsReferenceAnew() {
        BedTimeline t = timeline(adt(AdtTrigger.A01, ANNA, 10));
        List<DeviceSigns.Sign> signs = List.of(
                demographics(11, State.ADMITTED, FP_ANNA),
                demographics(20, State.ADMITTED, FP_OTHER), // corrected demographics of the same patient
                demographics(31, State.ADMITTED, FP_OTHER),
                demographics(40, State.ADMITTED, FP_OTHER));
        Map<PatientKey, List<Instant>> confirmed = Map.of(ANNA, List.of(at(30)));
        assertThat(DeviceSigns.uncertainties(t, signs, confirmed)).hasSize(1);
        assertThat(subject(t, 45, signs, confirmed)).isInstanceOf(BedTimeline.Subject.Patient.class);
    }

    @Test
    void aDischargeAtTheMonitorIsASignOnlyAfterTheMonitorShowedThePatient() {
        BedTimeline t = timeline(adt(AdtTrigger.A01, ANNA, 10));
        List<DeviceSigns.Sign> notYet = List.of(
                demographics(11, State.DISCHARGED, FP_OTHER), // the monitor not yet set up for her
                demographics(12, State.EMPTY, FP_OTHER),
                demographics(13, State.ADMITTED, FP_ANNA)); // the nurse admits her at the monitor: the reference
        assertThat(DeviceSigns.uncertainties(t, notYet, Map.of())).isEmpty();

        List<DeviceSigns.Sign> discharged =
                List.of(demographics(13, State.ADMITTED, FP_ANNA), demographics(50, State.DISCHARGED, FP_ANNA));
        assertThat(subject(t, 49, discharged, Map.of())).isInstanceOf(BedTimeline.Subject.Patient.class);
        assertThat(subject(t, 50, discharged, Map.of()))
                .isInstanceOfSatisfying(
                        BedTimeline.Subject.Uncertain.class,
                        u -> assertThat(u.reason()).contains("discharged at the monitor bed12-monitor"));
    }

    @Test
    void anAdtDischargeEndsItAndTheNextAdmissionIsANewAssociationWithItsOwnReference() {
        BedTimeline t =
                timeline(adt(AdtTrigger.A01, ANNA, 10), adt(AdtTrigger.A03, ANNA, 60), adt(AdtTrigger.A01, BEN, 70));
        List<DeviceSigns.Sign> signs = List.of(
                demographics(11, State.ADMITTED, FP_ANNA),
                demographics(55, State.DISCHARGED, FP_ANNA), // the monitor first: uncertain for her
                demographics(72, State.ADMITTED, FP_OTHER)); // his reference
        assertThat(subject(t, 58, signs, Map.of())).isInstanceOf(BedTimeline.Subject.Uncertain.class);
        assertThat(subject(t, 65, signs, Map.of())).isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(subject(t, 75, signs, Map.of()))
                .isInstanceOfSatisfying(
                        BedTimeline.Subject.Patient.class,
                        p -> assertThat(p.occupant().patient()).isEqualTo(BEN));
        assertThat(DeviceSigns.uncertainties(t, signs, Map.of()))
                .singleElement()
                .satisfies(u -> assertThat(u.patient()).isEqualTo(ANNA));
    }

    @Test
    void eachMonitorHasItsOwnReferenceAndAStateWithoutAFingerprintChangesNothing() {
        BedTimeline t = timeline(adt(AdtTrigger.A01, ANNA, 10));
        List<DeviceSigns.Sign> signs = List.of(
                demographics(11, State.ADMITTED, FP_ANNA),
                new DeviceSigns.Demographics(at(12), "bed12-transport", State.ADMITTED, FP_OTHER),
                new DeviceSigns.Demographics(at(13), MONITOR, State.ADMITTED, null),
                new DeviceSigns.Demographics(at(14), MONITOR, State.UNKNOWN, FP_OTHER));
        assertThat(DeviceSigns.uncertainties(t, signs, Map.of())).isEmpty();
    }

    @Test
    void valuesResumingAfterALongGapMakeItUncertainWhenTheyResume() {
        BedTimeline t = timeline(adt(AdtTrigger.A01, ANNA, 10));
        ValueGaps gaps = new ValueGaps(Duration.ofMinutes(30));
        assertThat(gaps.observe(at(11), "bed12-spo2", true)).isNull();
        assertThat(gaps.observe(at(20), "bed12-spo2", false))
                .as("sensor off: no value")
                .isNull();
        assertThat(gaps.observe(at(40), "bed12-spo2", true))
                .as("29 min: not longer than 30")
                .isNull();
        assertThat(gaps.observe(at(50), "bed12-monitor", false)).isNull();
        DeviceSigns.ValuesResumed resumed = gaps.observe(at(80), "bed12-monitor", true);
        assertThat(resumed).isNotNull();
        assertThat(resumed.gap()).isEqualTo(Duration.ofMinutes(40));
        assertThat(gaps.observe(at(81), "bed12-monitor", true)).as("once").isNull();

        List<DeviceSigns.Sign> signs = List.of(resumed);
        assertThat(subject(t, 79, signs, Map.of())).isInstanceOf(BedTimeline.Subject.Patient.class);
        assertThat(subject(t, 80, signs, Map.of()))
                .isInstanceOfSatisfying(
                        BedTimeline.Subject.Uncertain.class,
                        u -> assertThat(u.reason())
                                .contains("resumed after 40 min without a valid value from any device of the bed"));
    }

    @Test
    void aSignInAnEmptyBedOrOfAnotherBedsPatientChangesNothing() {
        BedTimeline t = timeline(adt(AdtTrigger.A01, ANNA, 10));
        List<DeviceSigns.Sign> signs = List.of(demographics(5, State.DISCHARGED, FP_ANNA));
        assertThat(subject(t, 5, signs, Map.of())).isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(DeviceSigns.uncertainties(t, signs, Map.of())).isEmpty();
    }
}
