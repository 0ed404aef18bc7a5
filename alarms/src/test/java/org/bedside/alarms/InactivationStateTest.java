package org.bedside.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.alarms.Frames.MONITOR;
import static org.bedside.alarms.Frames.alarm;
import static org.bedside.alarms.Frames.at;
import static org.bedside.alarms.Frames.facets;
import static org.bedside.alarms.Frames.phases;
import static org.bedside.alarms.Frames.value;

import java.util.ArrayList;
import java.util.List;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.Metrics;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

/**
 * The device's alarm signal inactivation states, kept apart as IEC 60601-1-8 and IHE PCD ACM (TF-2 Table B.8.5-3) keep
 * them: its sound paused (audio-paused), the whole alarm paused for a while (alarm-paused: IntelliVue AL_SUSPENDED) or
 * switched off (alarm-off: AL_INHIBITED). Each change is an INACTIVATE of the same alert, which stays open: the
 * gateway is the secondary path and hides nothing because the bedside is quiet.
 */
class InactivationStateTest {
    private static final String CODE = "p-4bb8-0c10";
    private static final String KEY = "device:" + CODE;

    private final AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());
    private final List<AlertReport> out = new ArrayList<>();

    /** One frame a second from {@code first} to {@code last}: SpO2 80 % and the monitor's alert in {@code state}. */
    private void frames(int first, int last, AlarmEvent.Priority priority, AlarmEvent.State state) {
        for (int s = first; s <= last; s++) {
            List<Reading> frame = new ArrayList<>();
            frame.add(value(MONITOR, Metrics.SPO2, s, "80"));
            frame.add(alarm(MONITOR, CODE, "Desat", AlarmEvent.Kind.PHYSIOLOGICAL, priority, state, Metrics.SPO2, s));
            out.addAll(engine.accept(frame));
        }
    }

    @Test
    void eachStateOfTheDeviceIsItsOwnInactivationOfTheSameOpenAlert() {
        frames(0, 4, AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(5, 9, AlarmEvent.Priority.HIGH, AlarmEvent.State.SILENCED);
        frames(10, 14, AlarmEvent.Priority.HIGH, AlarmEvent.State.ALARM_PAUSED);
        frames(15, 19, AlarmEvent.Priority.HIGH, AlarmEvent.State.ALARM_OFF);
        frames(20, 24, AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);

        assertThat(phases(out))
                .isEqualTo(KEY + " start @0, " + KEY + " inactivate @5, " + KEY + " inactivate @10, " + KEY
                        + " inactivate @15, " + KEY + " update @20");
        assertThat(out)
                .extracting(AlertReport::inactivationState)
                .containsExactly(
                        AlertReport.InactivationState.ENABLED,
                        AlertReport.InactivationState.AUDIO_PAUSED,
                        AlertReport.InactivationState.ALARM_PAUSED,
                        AlertReport.InactivationState.ALARM_OFF,
                        AlertReport.InactivationState.ENABLED);
        assertThat(out).extracting(AlertReport::alertId).containsOnly(out.get(0).alertId());
        assertThat(out).extracting(AlertReport::alarmState).containsOnly(AlertReport.AlarmState.ACTIVE);
        assertThat(out.get(2).detail())
                .isEqualTo("the alarm was paused at the device: for a while it neither sounds nor shows there"
                        + " (alarm paused)");
        assertThat(out.get(3).detail())
                .isEqualTo("the alarm was switched off at the device: it neither sounds nor shows there until it is"
                        + " switched on again (alarm off)");
        assertThat(out.get(4).detail()).isEqualTo("the alarm signal is on again at the device");
    }

    @Test
    void anAlarmSwitchedOffAtTheDeviceIsStillNotifiedAndStaysOpen() {
        // Reported off from its first report: a high-priority alarm is notified at once, with its state.
        frames(0, 30, AlarmEvent.Priority.HIGH, AlarmEvent.State.ALARM_OFF);
        assertThat(phases(out)).isEqualTo(KEY + " start @0");
        assertThat(out.get(0).inactivationState()).isEqualTo(AlertReport.InactivationState.ALARM_OFF);
        assertThat(engine.openAlerts()).containsExactly(out.get(0));

        // A medium one paused at the device waits its delay like any other, and is notified after it.
        AlarmEngine medium = new AlarmEngine(AlarmPolicy.defaults());
        List<AlertReport> notified = new ArrayList<>();
        for (int s = 0; s <= 20; s++) {
            notified.addAll(medium.accept(List.of(alarm(
                    MONITOR,
                    "t-4bb8-0300",
                    "SpO2 ERRATIC",
                    AlarmEvent.Kind.TECHNICAL,
                    AlarmEvent.Priority.MEDIUM,
                    AlarmEvent.State.ALARM_PAUSED,
                    Metrics.SPO2,
                    s))));
        }
        assertThat(notified).hasSize(1);
        assertThat(notified.get(0).phase()).isEqualTo(AlertReport.Phase.START);
        assertThat(notified.get(0).inactivationState()).isEqualTo(AlertReport.InactivationState.ALARM_PAUSED);
    }

    @Test
    void thePcd04CarriesEachStateInTheInactivationFacet() throws Exception {
        frames(0, 4, AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(5, 9, AlarmEvent.Priority.HIGH, AlarmEvent.State.ALARM_PAUSED);
        frames(10, 14, AlarmEvent.Priority.HIGH, AlarmEvent.State.ALARM_OFF);
        frames(15, 19, AlarmEvent.Priority.HIGH, AlarmEvent.State.SILENCED);
        Pcd04Encoder encoder = Frames.pcd04Encoder();
        assertThat(facets(encoder.encode(out.get(1), at(5), null))).contains("68481 inactivate", "68483 alarm-paused");
        assertThat(facets(encoder.encode(out.get(2), at(10), null))).contains("68481 inactivate", "68483 alarm-off");
        assertThat(facets(encoder.encode(out.get(3), at(15), null))).contains("68481 inactivate", "68483 audio-paused");
    }
}
