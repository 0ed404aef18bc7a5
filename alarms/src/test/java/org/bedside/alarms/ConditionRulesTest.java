package org.bedside.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.alarms.Frames.OXIMETER;
import static org.bedside.alarms.Frames.at;
import static org.bedside.alarms.Frames.feed;
import static org.bedside.alarms.Frames.phases;
import static org.bedside.alarms.Frames.repeat;
import static org.bedside.alarms.Frames.series;

import java.util.ArrayList;
import java.util.List;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.Metrics;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

/**
 * The rules on values beyond a care unit's limits, scripted with the default policy (SpO2 below 90 %, hysteresis 1,
 * delay 15 s, dropouts of up to 10 s bridged, an alert ending 10 s after its value is clear). Values come once a second
 * from second 0; a condition's onset is its first value beyond the limit.
 */
class ConditionRulesTest {
    private final AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());

    private List<AlertReport> spo2(int first, String values) {
        return feed(engine, series(OXIMETER, Metrics.SPO2, first, values));
    }

    @Test
    void aConditionLastingTheDelayMinusOneSecondIsNotNotified() {
        // 88 from second 1 to 15: the last value beyond the limit comes 14 s after the onset
        List<AlertReport> out = spo2(0, "97 " + repeat("88", 15) + " 97 " + repeat("97", 30));
        assertThat(out).isEmpty();
    }

    @Test
    void aConditionLastingTheDelayIsNotifiedWhenItsValueSaysSo() {
        // 88 from second 1 to 16: the value at 16 is 15 s after the onset
        List<AlertReport> out = spo2(0, "97 " + repeat("88", 16) + " 97");
        assertThat(phases(out)).isEqualTo("150456-low start @16");
        AlertReport start = out.get(0);
        assertThat(start.onset()).isEqualTo(at(1));
        assertThat(start.alertId()).isEqualTo("bed1-spo2/150456-low/" + Reading.epochMicros(at(1)));
        assertThat(start.updateCount()).isZero();
        assertThat(start.kind()).isEqualTo(AlarmEvent.Kind.PHYSIOLOGICAL);
        assertThat(start.priority()).isEqualTo(AlertReport.Priority.MEDIUM);
        assertThat(start.origin()).isEqualTo(AlertReport.Origin.GATEWAY);
        assertThat(start.alarmState()).isEqualTo(AlertReport.AlarmState.ACTIVE);
        assertThat(start.value()).isEqualByComparingTo("88");
        assertThat(start.lowLimit()).isEqualByComparingTo("90");
        assertThat(start.text()).isEqualTo("SpO2 low (below 90 %)");
        assertThat(start.detail()).isEqualTo("SpO2 88 % below 90 % for 15s");
    }

    @Test
    void aConditionLastingTheDelayPlusOneSecondIsOneAlertThatEndsAfterTheHold() {
        // 88 from 1 to 17, then clear (97): the end comes once the value has been clear for more than 10 s
        List<AlertReport> out = spo2(0, "97 " + repeat("88", 17) + " " + repeat("97", 12));
        assertThat(phases(out)).isEqualTo("150456-low start @16, 150456-low end @28");
        AlertReport end = out.get(1);
        assertThat(end.alertId()).isEqualTo(out.get(0).alertId());
        assertThat(end.updateCount()).isEqualTo(1);
        assertThat(end.alarmState()).isEqualTo(AlertReport.AlarmState.INACTIVE);
        assertThat(end.conditionEnd()).isEqualTo(at(17));
        assertThat(end.detail()).contains("back inside the limit (at or above 91 %)");
    }

    @Test
    void theLimitItselfIsNotBeyondIt() {
        assertThat(spo2(0, repeat("90", 60))).isEmpty();
    }

    @Test
    void shortDropoutsInsideADesaturationDoNotRestartItsDelay() {
        // 88 from 1, no value for 10 s (6..15), 88 again from 16: notified at 16, with the onset of the first value
        List<AlertReport> out = spo2(0, "97 " + repeat("88", 5) + " " + repeat("NaN", 10) + " " + repeat("88", 5));
        assertThat(phases(out)).isEqualTo("150456-low start @16");
        assertThat(out.get(0).onset()).isEqualTo(at(1));
    }

    @Test
    void severalDropoutsInsideOneDesaturationStillGiveOneAlert() {
        String values = "88 88 88 NaN NaN NaN NaN NaN 88 88 88 " + repeat("NaN", 8) + " 88 88 " + repeat("NaN", 9) + " "
                + repeat("88", 30);
        List<AlertReport> out = spo2(0, values);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).phase()).isEqualTo(AlertReport.Phase.START);
        assertThat(out.get(0).onset()).isEqualTo(at(0));
        // the first value beyond the limit at least 15 s after the onset is at 19 (after the second dropout)
        assertThat(out.get(0).receivedAt()).isEqualTo(at(19));
    }

    @Test
    void aDropoutOfMoreThanTenSecondsIsATechnicalAlarmNeverAPhysiologicalOne() {
        // 88 from 1 to 5, no value for 11 s (6..16), 88 again from 17
        List<AlertReport> out = spo2(0, "97 " + repeat("88", 5) + " " + repeat("NaN", 11) + " " + repeat("88", 16));
        assertThat(phases(out)).isEqualTo("150456-no-value start @16, 150456-no-value end @17, 150456-low start @32");
        AlertReport technical = out.get(0);
        assertThat(technical.kind()).isEqualTo(AlarmEvent.Kind.TECHNICAL);
        assertThat(technical.onset()).isEqualTo(at(6));
        assertThat(technical.text()).isEqualTo("SpO2: no value");
        // the desaturation after the gap is a new condition, with its own onset and id
        assertThat(out.get(2).onset()).isEqualTo(at(17));
    }

    @Test
    void aDropoutEndsANotifiedAlertAndTheTechnicalAlarmTakesOver() {
        List<AlertReport> out = spo2(0, repeat("88", 20) + " " + repeat("NaN", 12) + " 97");
        assertThat(phases(out))
                .isEqualTo("150456-low start @15, 150456-low end @30, 150456-no-value start @30,"
                        + " 150456-no-value end @32");
        assertThat(out.get(1).detail()).contains("no SpO2 value for more than 10s");
        assertThat(out.get(1).conditionEnd()).isEqualTo(at(19));
    }

    @Test
    void aValueInsideTheHysteresisBandNeitherStartsNorEndsAnAlert() {
        // notified at 15; then 90 (the limit: inside the band) for 40 s: still active; clear (91) from 56
        List<AlertReport> out = spo2(0, repeat("88", 16) + " " + repeat("90", 40) + " " + repeat("91", 12));
        assertThat(phases(out)).isEqualTo("150456-low start @15, 150456-low end @66");
    }

    @Test
    void aValueBeyondTheLimitDuringTheHoldKeepsTheAlert() {
        // clear from 16 to 20, beyond at 21, clear again from 22: the hold restarts
        List<AlertReport> out = spo2(0, repeat("88", 16) + " " + repeat("95", 5) + " 89 " + repeat("95", 12));
        assertThat(phases(out)).isEqualTo("150456-low start @15, 150456-low end @32");
        assertThat(out.get(1).conditionEnd()).isEqualTo(at(21));
    }

    @Test
    void valuesOscillatingAtTheLimitAreOneAlertNotAStream() {
        // 89, 90, 89, 90... for two minutes: 90 is inside the band, so the condition never clears
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < 110; i++) {
            v.append(i % 2 == 0 ? "89 " : "90 ");
        }
        List<AlertReport> out = spo2(0, v.toString());
        assertThat(phases(out)).isEqualTo("150456-low start @16");
    }

    @Test
    void valuesOscillatingAcrossTheBandAreNotALastingCondition() {
        // 89, 91, 89, 91...: each clear value ends the pending condition, as a delay must (Görges 2009)
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < 110; i++) {
            v.append(i % 2 == 0 ? "89 " : "91 ");
        }
        assertThat(spo2(0, v.toString())).isEmpty();
    }

    @Test
    void onceNotifiedValuesOscillatingAcrossTheBandDoNotEndTheAlert() {
        StringBuilder v = new StringBuilder(repeat("88", 16)).append(' ');
        for (int i = 0; i < 90; i++) {
            v.append(i % 2 == 0 ? "91 " : "89 ");
        }
        List<AlertReport> out = spo2(0, v.toString());
        assertThat(phases(out)).isEqualTo("150456-low start @15");
    }

    @Test
    void aHighLimitWorksTheOtherWayRound() {
        List<List<Reading>> frames = series(
                OXIMETER, Metrics.PULSE_RATE_OXIMETRY, 0, "100 " + repeat("125", 16) + " 120 " + repeat("119", 12));
        List<AlertReport> out = feed(engine, frames);
        assertThat(phases(out)).isEqualTo("149530-high start @16, 149530-high end @28");
        assertThat(out.get(0).text()).isEqualTo("Pulse rate high (above 120 /min)");
        assertThat(out.get(0).highLimit()).isEqualByComparingTo("120");
        assertThat(out.get(0).lowLimit()).isEqualByComparingTo("50");
    }

    @Test
    void aRateOfZeroIsTheApnoeaClassAndIsNotDelayed() {
        List<List<Reading>> frames = series(OXIMETER, Metrics.RESPIRATION_RATE, 0, "14 7 6 4 0 0 0 " + repeat("0", 20));
        List<AlertReport> out = feed(engine, frames);
        assertThat(phases(out)).isEqualTo("151562-low start @4");
        assertThat(out.get(0).onset()).isEqualTo(at(1));
        assertThat(out.get(0).detail()).endsWith("not delayed (apnoea class)");
    }

    @Test
    void aZeroHeartRateIsTheAsystoleClass() {
        List<AlertReport> out = feed(engine, series(OXIMETER, Metrics.HEART_RATE_ECG, 0, "80 0 0"));
        assertThat(phases(out)).isEqualTo("147842-low start @1");
        assertThat(out.get(0).detail()).endsWith("not delayed (asystole class)");
    }

    @Test
    void aMetricWithoutALimitGivesNoAlarm() {
        List<AlertReport> out = feed(engine, series(OXIMETER, Metrics.PERFUSION_INDEX, 0, repeat("0.1", 40)));
        assertThat(out).isEmpty();
    }

    @Test
    void aPolicyWithoutDelayNotifiesTheFirstValue() {
        AlarmPolicy p =
                AlarmPolicy.parse(java.util.Map.of("spo2.low.delay", "0s"), "").policy();
        AlarmEngine e = new AlarmEngine(p);
        assertThat(phases(feed(e, series(OXIMETER, Metrics.SPO2, 0, "97 89 97"))))
                .isEqualTo("150456-low start @1");
    }

    @Test
    void theSameReadingsGiveTheSameAlertsWhetherOrNotTheClockIsAdvancedBetweenThem() {
        List<List<Reading>> frames = new ArrayList<>(series(
                OXIMETER,
                Metrics.SPO2,
                0,
                repeat("88", 20) + " " + repeat("97", 15) + " " + repeat("88", 5) + " " + repeat("NaN", 14) + " "
                        + repeat("88", 200)));
        List<AlertReport> plain = feed(new AlarmEngine(AlarmPolicy.defaults()), frames);
        AlarmEngine ticked = new AlarmEngine(AlarmPolicy.defaults());
        List<AlertReport> withTicks = new ArrayList<>();
        for (List<Reading> f : frames) {
            withTicks.addAll(ticked.accept(f));
            Reading r = f.get(0);
            withTicks.addAll(ticked.advanceTo(r.receivedAt().plusMillis(700)));
        }
        assertThat(plain).hasSizeGreaterThan(4);
        assertThat(withTicks).containsExactlyElementsOf(plain);
    }
}
