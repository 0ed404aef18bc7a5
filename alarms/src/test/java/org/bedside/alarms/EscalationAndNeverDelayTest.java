package org.bedside.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.alarms.Frames.MONITOR;
import static org.bedside.alarms.Frames.OXIMETER;
import static org.bedside.alarms.Frames.alarm;
import static org.bedside.alarms.Frames.at;
import static org.bedside.alarms.Frames.feed;
import static org.bedside.alarms.Frames.invalid;
import static org.bedside.alarms.Frames.phases;
import static org.bedside.alarms.Frames.repeat;
import static org.bedside.alarms.Frames.series;
import static org.bedside.alarms.Frames.status;
import static org.bedside.alarms.Frames.value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

/** Escalation (the default: once, one priority higher, after 2 min) and the alarms that are never delayed. */
class EscalationAndNeverDelayTest {
    private final AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());

    private static List<Reading> report(String code, String text, AlarmEvent.Priority p, MetricCode source, int s) {
        return List.of(
                alarm(MONITOR, code, text, AlarmEvent.Kind.PHYSIOLOGICAL, p, AlarmEvent.State.ACTIVE, source, s));
    }

    @Test
    void anAlertStillActiveAfterTwoMinutesIsNotifiedAgainOnePriorityHigher() {
        List<AlertReport> out = feed(engine, series(OXIMETER, Metrics.SPO2, 0, repeat("86", 400)));
        assertThat(phases(out)).isEqualTo("150456-low start @15, 150456-low escalate @135");
        AlertReport start = out.get(0);
        AlertReport escalation = out.get(1);
        assertThat(escalation.alertId()).isEqualTo(start.alertId());
        assertThat(escalation.updateCount()).isEqualTo(1);
        assertThat(escalation.escalationLevel()).isEqualTo(1);
        assertThat(start.priority()).isEqualTo(AlertReport.Priority.MEDIUM);
        assertThat(escalation.priority()).isEqualTo(AlertReport.Priority.HIGH);
        assertThat(escalation.detail()).contains("priority medium to high (escalation 1 of 1)");
    }

    @Test
    void escalationLevelsAndTheirIntervalAreThePolicys() {
        AlarmPolicy p = AlarmPolicy.parse(
                        Map.of("escalation.after", "60s", "escalation.levels", "3", "priority.physiological", "low"),
                        "")
                .policy();
        List<AlertReport> out = feed(new AlarmEngine(p), series(OXIMETER, Metrics.SPO2, 0, repeat("86", 400)));
        assertThat(phases(out))
                .isEqualTo("150456-low start @15, 150456-low escalate @75, 150456-low escalate @135,"
                        + " 150456-low escalate @195");
        assertThat(out)
                .extracting(AlertReport::priority)
                .containsExactly(
                        AlertReport.Priority.LOW,
                        AlertReport.Priority.MEDIUM,
                        AlertReport.Priority.HIGH,
                        AlertReport.Priority.HIGH);
        assertThat(out).extracting(AlertReport::escalationLevel).containsExactly(0, 1, 2, 3);
    }

    @Test
    void escalationIsOffWhenThePolicySaysSo() {
        AlarmPolicy p = AlarmPolicy.parse(Map.of("escalation.after", "0s"), "").policy();
        List<AlertReport> out = feed(new AlarmEngine(p), series(OXIMETER, Metrics.SPO2, 0, repeat("86", 400)));
        assertThat(phases(out)).isEqualTo("150456-low start @15");
    }

    @Test
    void aSilentDevicesAlertEscalatesOnTheReceiveClockAlone() {
        List<AlertReport> out = new ArrayList<>(engine.accept(status(OXIMETER, DeviceStatus.Code.DISCONNECTED, 0)));
        for (int s = 1; s < 300; s += 7) {
            out.addAll(engine.advanceTo(at(s)));
        }
        assertThat(phases(out)).isEqualTo("status:link start @10, status:link escalate @130");
    }

    @Test
    void aHighPriorityDeviceAlarmIsNotifiedOnItsFirstReport() {
        List<AlertReport> out = new ArrayList<>(
                engine.accept(report("p-4bb8-0cae", "***Desat 78", AlarmEvent.Priority.HIGH, Metrics.SPO2, 3)));
        assertThat(phases(out)).isEqualTo("device:p-4bb8-0cae start @3");
        assertThat(out.get(0).priority()).isEqualTo(AlertReport.Priority.HIGH);
        assertThat(out.get(0).detail()).isEqualTo("reported by the device; not delayed (high priority on the device)");
    }

    @Test
    void asystoleIsNotDelayedEvenWhenTheDeviceGivesItAnotherPriority() {
        // IntelliVue code 0x0C04 is NOM_EVT_ECG_ASYSTOLE; the text says nothing (a text id the driver cannot resolve)
        List<AlertReport> out = engine.accept(report(
                "p-4182-0c04", "Philips alert 0x00010203", AlarmEvent.Priority.MEDIUM, Metrics.HEART_RATE_ECG, 0));
        assertThat(phases(out)).isEqualTo("device:p-4182-0c04 start @0");
        assertThat(out.get(0).detail()).endsWith("not delayed (asystole)");
    }

    @Test
    void vfVtAndApnoeaAreRecognisedByTheirTextFromAnyDevice() {
        List<AlertReport> out = new ArrayList<>();
        out.addAll(engine.accept(List.of(alarm(
                MONITOR,
                "cp1-23",
                "Apnea",
                AlarmEvent.Kind.UNKNOWN,
                AlarmEvent.Priority.UNKNOWN,
                AlarmEvent.State.UNKNOWN,
                null,
                0))));
        out.addAll(engine.accept(List.of(alarm(
                OXIMETER,
                "x-1",
                "***VTACH",
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlarmEvent.Priority.MEDIUM,
                AlarmEvent.State.ACTIVE,
                Metrics.HEART_RATE_ECG,
                0))));
        assertThat(phases(out)).isEqualTo("device:cp1-23 start @0, device:x-1 start @0");
        assertThat(out.get(0).detail()).endsWith("(apnoea)");
        assertThat(out.get(1).detail()).endsWith("(VF/VT)");
    }

    @Test
    void aMediumPriorityLimitAlarmOfTheDeviceIsDelayedLikeTheLimitOnItsMetric() {
        List<AlertReport> out = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            out.addAll(engine.accept(report("p-4bb8-003e", "**SpO2 LOW", AlarmEvent.Priority.MEDIUM, Metrics.SPO2, s)));
        }
        assertThat(phases(out)).isEqualTo("device:p-4bb8-003e start @15");
    }

    @Test
    void neverDelayedAlarmsAreNeverHeldBackNorReplacedByASensorOff() {
        List<AlertReport> out = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            List<Reading> f = new ArrayList<>();
            f.add(invalid(MONITOR, Metrics.SPO2, s, "85"));
            f.add(status(MONITOR, DeviceStatus.Code.SENSOR_OFF, s));
            if (s >= 20) { // reported while the sensor-off alert is out
                f.add(alarm(
                        MONITOR,
                        "p-4182-0c04",
                        "***ASYSTOLE",
                        AlarmEvent.Kind.PHYSIOLOGICAL,
                        AlarmEvent.Priority.HIGH,
                        AlarmEvent.State.ACTIVE,
                        Metrics.HEART_RATE_ECG,
                        s));
                f.add(value(MONITOR, Metrics.RESPIRATION_RATE, s, "0"));
            }
            out.addAll(engine.accept(f));
        }
        assertThat(phases(out))
                .isEqualTo("status:sensor_off start @10, device:p-4182-0c04 start @20, 151562-low start @20");
    }

    @Test
    void aTechnicalAlertDoesNotReplaceADesaturationOfAnotherDevice() {
        List<AlertReport> out = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            out.addAll(engine.accept(List.of(value(OXIMETER, Metrics.SPO2, s, "86"))));
            out.addAll(engine.accept(status(MONITOR, DeviceStatus.Code.SENSOR_OFF, s)));
        }
        assertThat(phases(out)).isEqualTo("status:sensor_off start @10, 150456-low start @15");
        assertThat(out.get(0).device()).isEqualTo(MONITOR);
        assertThat(out.get(1).device()).isEqualTo(OXIMETER);
    }
}
