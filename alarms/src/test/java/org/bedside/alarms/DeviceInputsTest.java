package org.bedside.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.alarms.Frames.MONITOR;
import static org.bedside.alarms.Frames.OXIMETER;
import static org.bedside.alarms.Frames.alarm;
import static org.bedside.alarms.Frames.at;
import static org.bedside.alarms.Frames.feed;
import static org.bedside.alarms.Frames.invalid;
import static org.bedside.alarms.Frames.phases;
import static org.bedside.alarms.Frames.status;
import static org.bedside.alarms.Frames.value;

import java.util.ArrayList;
import java.util.List;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

/**
 * Device status (sensor off, artefact, link lost) and the alarms devices report, as the drivers emit them today:
 * Masimo's ALARM bits (priority unknown, one event per line while present) and EXC bits (device status), Nonin's
 * sensor alarm (status with invalid values), IntelliVue's alerts (kind and priority from the monitor, code {@code
 * p-<source>-<code>}), Medibus alarms (kind and priority unknown, the device's phrase).
 */
class DeviceInputsTest {
    private final AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());

    /** A Nonin packet with the sensor alarm: SpO2 and pulse invalid (digits kept), and the status. */
    private static List<Reading> sensorOff(int s) {
        return List.of(
                invalid(OXIMETER, Metrics.SPO2, s, "85"),
                invalid(OXIMETER, Metrics.PULSE_RATE_OXIMETRY, s, "40"),
                status(OXIMETER, DeviceStatus.Code.SENSOR_OFF, s));
    }

    private static List<Reading> oximetry(int s, String spo2, String pulse) {
        return List.of(value(OXIMETER, Metrics.SPO2, s, spo2), value(OXIMETER, Metrics.PULSE_RATE_OXIMETRY, s, pulse));
    }

    @Test
    void aSensorOffIsOneTechnicalAlarmAndNothingElse() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            frames.add(oximetry(s, "97", "70"));
        }
        for (int s = 5; s < 65; s++) {
            frames.add(sensorOff(s));
        }
        for (int s = 65; s < 70; s++) {
            frames.add(oximetry(s, "97", "70"));
        }
        List<AlertReport> out = feed(engine, frames);
        // no "no value" alarm for SpO2 or pulse while the device says why, and no physiological alarm from the
        // invalid digits (85 %, 40 /min)
        assertThat(phases(out)).isEqualTo("status:sensor_off start @15, status:sensor_off end @65");
        AlertReport start = out.get(0);
        assertThat(start.kind()).isEqualTo(AlarmEvent.Kind.TECHNICAL);
        assertThat(start.origin()).isEqualTo(AlertReport.Origin.DEVICE);
        assertThat(start.text()).isEqualTo("Sensor off");
        assertThat(start.onset()).isEqualTo(at(5));
        assertThat(out.get(1).detail()).isEqualTo("ended: sensor off no longer reported");
    }

    @Test
    void aSensorOffShorterThanTheTechnicalDelayIsNotNotified() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 10; s++) {
            frames.add(sensorOff(s));
        }
        for (int s = 10; s < 40; s++) {
            frames.add(oximetry(s, "97", "70"));
        }
        assertThat(feed(engine, frames)).isEmpty();
    }

    @Test
    void aRunOfNoValueAfterTheSensorIsBackIsNotifiedAtOnce() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            frames.add(sensorOff(s));
        }
        // sensor on again, but still no value (pulse search): the run of no value began at 0
        frames.add(oximetry(20, "NaN", "NaN"));
        frames.add(oximetry(21, "NaN", "NaN"));
        frames.add(oximetry(22, "97", "70"));
        List<AlertReport> out = feed(engine, frames);
        assertThat(phases(out))
                .isEqualTo("status:sensor_off start @10, status:sensor_off end @20, 149530-no-value start @20,"
                        + " 150456-no-value start @20, 150456-no-value end @22, 149530-no-value end @22");
    }

    @Test
    void artefactHoldsBackThePhysiologicalAlarmsOfTheDeviceAndReplacesANotifiedOne() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            frames.add(oximetry(s, "86", "70")); // notified at 15
        }
        for (int s = 20; s < 40; s++) { // interference: values still valid (questionable), still low
            List<Reading> f = new ArrayList<>(oximetry(s, "86", "70"));
            f.add(status(OXIMETER, DeviceStatus.Code.INTERFERENCE, s));
            frames.add(f);
        }
        for (int s = 40; s < 60; s++) {
            frames.add(oximetry(s, "86", "70"));
        }
        List<AlertReport> out = feed(engine, frames);
        assertThat(phases(out))
                .isEqualTo("150456-low start @15, status:interference start @30, 150456-low end @30,"
                        + " status:interference end @40, 150456-low start @55");
        assertThat(out.get(2).detail()).startsWith("ended: replaced by the alert bed1-spo2/status:interference/");
        // after the artefact, the desaturation is a new condition: its delay starts again
        assertThat(out.get(4).onset()).isEqualTo(at(40));
    }

    @Test
    void whileArtefactIsReportedAPendingDesaturationIsNotNotifiedEvenPastItsDelay() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 9; s++) { // artefact shorter than the technical delay: held, never replaced
            List<Reading> f = new ArrayList<>(oximetry(s, "86", "70"));
            f.add(status(OXIMETER, DeviceStatus.Code.INTERFERENCE, s));
            frames.add(f);
        }
        for (int s = 9; s < 30; s++) { // the desaturation goes on after the artefact
            frames.add(oximetry(s, "86", "70"));
        }
        List<AlertReport> out = feed(engine, frames);
        // held until 8; at 15 its delay has passed, so it goes out at once, with the onset of its first value
        assertThat(phases(out)).isEqualTo("150456-low start @15");
        assertThat(out.get(0).onset()).isEqualTo(at(0));
    }

    @Test
    void theMonitorsOwnTechnicalAlarmHoldsBackItsSensorsPhysiologicalAlarmsOnly() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            frames.add(List.of(
                    alarm(
                            MONITOR,
                            "t-4bb8-0202",
                            "SpO2 ERRATIC",
                            AlarmEvent.Kind.TECHNICAL,
                            AlarmEvent.Priority.LOW,
                            AlarmEvent.State.ACTIVE,
                            Metrics.SPO2,
                            s),
                    value(MONITOR, Metrics.SPO2, s, "84"),
                    value(MONITOR, Metrics.PULSE_RATE_OXIMETRY, s, "130"),
                    value(MONITOR, Metrics.HEART_RATE_ECG, s, "130")));
        }
        List<AlertReport> out = feed(engine, frames);
        // the ECG heart rate is another sensor: its alarm goes out; SpO2 and the pleth pulse rate are held
        assertThat(phases(out)).isEqualTo("device:t-4bb8-0202 start @10, 147842-high start @15");
        assertThat(out.get(0).priority()).isEqualTo(AlertReport.Priority.LOW);
        assertThat(out.get(0).devicePriority()).isEqualTo(AlarmEvent.Priority.LOW);
    }

    @Test
    void aDeviceRepeatingAnAlarmEverySecondIsOneAlertNotAStream() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 60; s++) { // Masimo: the SpO2-low bit on every line, priority not given
            frames.add(List.of(
                    value(OXIMETER, Metrics.SPO2, s, "86"),
                    alarm(
                            OXIMETER,
                            "spo2-low",
                            "SpO2 low",
                            AlarmEvent.Kind.PHYSIOLOGICAL,
                            AlarmEvent.Priority.UNKNOWN,
                            AlarmEvent.State.ACTIVE,
                            Metrics.SPO2,
                            s)));
        }
        for (int s = 60; s < 80; s++) {
            frames.add(List.of(value(OXIMETER, Metrics.SPO2, s, "97")));
        }
        List<AlertReport> out = feed(engine, frames);
        // the device's own alarm counts; the gateway's limit on the same metric adds no second alert
        assertThat(phases(out)).isEqualTo("device:spo2-low start @15, device:spo2-low end @74");
        AlertReport start = out.get(0);
        assertThat(start.origin()).isEqualTo(AlertReport.Origin.DEVICE);
        assertThat(start.devicePriority()).isEqualTo(AlarmEvent.Priority.UNKNOWN);
        assertThat(start.priority())
                .as("the care unit's priority for a device that gives none")
                .isEqualTo(AlertReport.Priority.MEDIUM);
        assertThat(out.get(1).conditionEnd()).isEqualTo(at(59));
    }

    @Test
    void aDeviceAlarmReportedForLessThanItsDelayIsNotNotified() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 12; s++) { // Medibus: priority and kind not given, no parameter: the device-alarm delay
            frames.add(List.of(alarm(
                    MONITOR,
                    "cp1-41",
                    "Paw high",
                    AlarmEvent.Kind.UNKNOWN,
                    AlarmEvent.Priority.UNKNOWN,
                    AlarmEvent.State.UNKNOWN,
                    null,
                    s)));
        }
        for (int s = 12; s < 60; s++) {
            frames.add(List.of(value(MONITOR, Metrics.HEART_RATE_ECG, s, "80")));
        }
        assertThat(feed(engine, frames)).isEmpty();
        assertThat(engine.rebuildPoint().devices().get(MONITOR).busySince())
                .as("the pending alarm was dropped once not reported for more than 15 s")
                .isNull();
    }

    @Test
    void changesInARepeatedAlarmAreUpdatesOfTheSameAlert() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
            AlarmEvent.Priority p = s < 30 ? AlarmEvent.Priority.MEDIUM : AlarmEvent.Priority.HIGH;
            AlarmEvent.State state = s >= 40 && s < 50 ? AlarmEvent.State.SILENCED : AlarmEvent.State.ACTIVE;
            String text = s < 20 ? "**SpO2 LOW" : "**SpO2 84 < 90";
            frames.add(List.of(
                    alarm(MONITOR, "p-4bb8-003e", text, AlarmEvent.Kind.PHYSIOLOGICAL, p, state, Metrics.SPO2, s)));
        }
        List<AlertReport> out = feed(engine, frames);
        assertThat(phases(out))
                .isEqualTo("device:p-4bb8-003e start @15, device:p-4bb8-003e update @20,"
                        + " device:p-4bb8-003e escalate @30, device:p-4bb8-003e inactivate @40,"
                        + " device:p-4bb8-003e update @50");
        assertThat(out).extracting(AlertReport::updateCount).containsExactly(0, 1, 2, 3, 4);
        assertThat(out).extracting(AlertReport::alertId).containsOnly(out.get(0).alertId());
        assertThat(out.get(2).priority()).isEqualTo(AlertReport.Priority.HIGH);
        assertThat(out.get(3).inactivationState()).isEqualTo(AlertReport.InactivationState.AUDIO_PAUSED);
        assertThat(out.get(4).inactivationState()).isEqualTo(AlertReport.InactivationState.ENABLED);
    }

    @Test
    void aLostLinkIsATechnicalAlarmThatEndsWhenDataFlowsAgain() {
        List<AlertReport> out = new ArrayList<>();
        out.addAll(engine.accept(oximetry(0, "97", "70")));
        out.addAll(engine.accept(status(OXIMETER, DeviceStatus.Code.DISCONNECTED, 1)));
        // the device is silent: only the receive clock moves
        out.addAll(engine.advanceTo(at(5)));
        out.addAll(engine.advanceTo(at(12)));
        out.addAll(engine.accept(status(OXIMETER, DeviceStatus.Code.CONNECTED, 20)));
        assertThat(phases(out)).isEqualTo("status:link start @11, status:link end @20");
        assertThat(out.get(0).origin()).isEqualTo(AlertReport.Origin.GATEWAY);
        assertThat(out.get(0).text()).isEqualTo("Device link lost");
    }

    @Test
    void aLinkThatTurnsFromSilentToLostStaysOneAlert() {
        List<AlertReport> out = new ArrayList<>();
        out.addAll(engine.accept(status(OXIMETER, DeviceStatus.Code.NO_DATA, 0)));
        out.addAll(engine.advanceTo(at(11)));
        out.addAll(engine.accept(status(OXIMETER, DeviceStatus.Code.DISCONNECTED, 30)));
        out.addAll(engine.accept(oximetry(40, "97", "70")));
        assertThat(phases(out)).isEqualTo("status:link start @10, status:link update @30, status:link end @40");
        assertThat(out.get(1).text()).isEqualTo("Device link lost");
    }

    @Test
    void aLowBatteryIsALowPriorityTechnicalAlarmThatHoldsNothingBack() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            List<Reading> f = new ArrayList<>(oximetry(s, "86", "70"));
            f.add(status(OXIMETER, DeviceStatus.Code.LOW_BATTERY, s));
            frames.add(f);
        }
        List<AlertReport> out = feed(engine, frames);
        assertThat(phases(out)).isEqualTo("status:low_battery start @10, 150456-low start @15");
        assertThat(out.get(0).priority()).isEqualTo(AlertReport.Priority.LOW);
    }

    @Test
    void statusesThatOnlyQualifyValuesAreNoAlarm() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            List<Reading> f = new ArrayList<>(oximetry(s, "97", "70"));
            f.add(status(OXIMETER, DeviceStatus.Code.LOW_PERFUSION, s));
            f.add(status(OXIMETER, DeviceStatus.Code.PULSE_SEARCH, s));
            frames.add(f);
        }
        assertThat(feed(engine, frames)).isEmpty();
    }
}
