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
 * Alarms the device latches (IntelliVue AL_LATCHED): the condition has gone, but the monitor holds the alarm until a
 * clinician resets it there. Scripted second by second on the receive clock, as the IntelliVue sends them: a numeric
 * frame and, while the monitor lists the alert, the alert in the same frame.
 */
class LatchedAlarmTest {
    private static final String CODE = "p-4bb8-0c10";
    private static final String KEY = "device:" + CODE;

    private final AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());
    private final List<AlertReport> out = new ArrayList<>();

    private static AlarmEvent desat(AlarmEvent.Priority priority, AlarmEvent.State state, int s) {
        return alarm(MONITOR, CODE, "Desat", AlarmEvent.Kind.PHYSIOLOGICAL, priority, state, Metrics.SPO2, s);
    }

    /** One frame a second from {@code first} to {@code last}: SpO2, and the alert when {@code state} is not null. */
    private void frames(int first, int last, String spo2, AlarmEvent.Priority priority, AlarmEvent.State state) {
        for (int s = first; s <= last; s++) {
            List<Reading> frame = new ArrayList<>();
            frame.add(value(MONITOR, Metrics.SPO2, s, spo2));
            if (state != null) {
                frame.add(desat(priority, state, s));
            }
            out.addAll(engine.accept(frame));
        }
    }

    private void noAlert(int first, int last) {
        frames(first, last, "97", AlarmEvent.Priority.HIGH, null);
    }

    @Test
    void activeThenLatchedStaysOpenUntilTheMonitorNoLongerListsItThenIsReset() {
        frames(0, 9, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(10, 60, "97", AlarmEvent.Priority.HIGH, AlarmEvent.State.LATCHED);

        assertThat(phases(out)).isEqualTo(KEY + " start @0, " + KEY + " update @10");
        AlertReport latched = out.get(1);
        assertThat(latched.alarmState()).isEqualTo(AlertReport.AlarmState.LATCHED);
        assertThat(latched.inactivationState()).isEqualTo(AlertReport.InactivationState.ENABLED);
        assertThat(latched.priority()).isEqualTo(AlertReport.Priority.HIGH);
        assertThat(latched.updateCount()).isEqualTo(1);
        assertThat(latched.detail())
                .isEqualTo("the condition is gone at the device; the alarm stays latched there until it is reset");
        // latched for 50 s, far longer than device-alarm-end-after (15 s): still open, still latched
        assertThat(engine.openAlerts()).containsExactly(latched);
        // and the clock alone does not end it
        assertThat(engine.advanceTo(at(61))).isEmpty();
        assertThat(engine.openAlerts()).containsExactly(latched);

        // reset at the monitor: the alert list no longer carries it while the monitor keeps sending
        noAlert(61, 76);
        assertThat(phases(out.subList(2, out.size()))).isEqualTo(KEY + " reset @76");
        AlertReport reset = out.get(2);
        assertThat(reset.alertId()).isEqualTo(latched.alertId());
        assertThat(reset.updateCount()).isEqualTo(2);
        assertThat(reset.alarmState()).isEqualTo(AlertReport.AlarmState.INACTIVE);
        assertThat(reset.conditionEnd())
                .as("last reported present, not latched")
                .isEqualTo(at(9));
        assertThat(reset.onset()).isEqualTo(at(0));
        assertThat(reset.detail()).startsWith("reset at the device: ");
        assertThat(engine.openAlerts()).isEmpty();
        // the SpO2 of 80 while the monitor's own alarm was active raised nothing of the gateway's: one event, one alert
        assertThat(out).extracting(AlertReport::condition).containsOnly(KEY);
    }

    @Test
    void aLatchedAlarmIsNotResetWhileTheDeviceIsSilentAndStillEscalates() {
        frames(0, 4, "80", AlarmEvent.Priority.MEDIUM, AlarmEvent.State.ACTIVE);
        frames(5, 20, "97", AlarmEvent.Priority.MEDIUM, AlarmEvent.State.LATCHED);
        assertThat(phases(out))
                .as("latched before its 15 s delay: notified at once")
                .isEqualTo(KEY + " start @5");
        assertThat(out.get(0).alarmState()).isEqualTo(AlertReport.AlarmState.LATCHED);
        assertThat(out.get(0).conditionEnd()).isNull();

        // the monitor goes silent (a cable pulled): nothing says the alarm was reset
        out.addAll(engine.advanceTo(at(300)));
        assertThat(phases(out)).isEqualTo(KEY + " start @5, " + KEY + " escalate @125");
        AlertReport escalated = out.get(1);
        assertThat(escalated.alarmState()).isEqualTo(AlertReport.AlarmState.LATCHED);
        assertThat(escalated.priority()).isEqualTo(AlertReport.Priority.HIGH);
        assertThat(escalated.detail()).startsWith("still latched after ");
        assertThat(engine.openAlerts()).containsExactly(escalated);

        // back at 301 without the alert: reset only once it has talked for more than 15 s without it
        noAlert(301, 316);
        assertThat(out).hasSize(2);
        noAlert(317, 317);
        assertThat(phases(out.subList(2, out.size()))).isEqualTo(KEY + " reset @317");
        assertThat(out.get(2).escalationLevel()).isEqualTo(1);
        assertThat(out.get(2).conditionEnd()).isEqualTo(at(4));
        assertThat(engine.openAlerts()).isEmpty();
    }

    @Test
    void latchedThenPresentAgainIsAnUpdateAndEndsLikeAnyAlarmWhenNotLatched() {
        frames(0, 4, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(5, 9, "97", AlarmEvent.Priority.HIGH, AlarmEvent.State.LATCHED);
        frames(10, 14, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.SILENCED_RESET);
        noAlert(15, 40);

        assertThat(phases(out))
                .isEqualTo(KEY + " start @0, " + KEY + " update @5, " + KEY + " update @10, " + KEY + " end @29");
        AlertReport again = out.get(2);
        assertThat(again.alarmState()).isEqualTo(AlertReport.AlarmState.ACTIVE);
        assertThat(again.inactivationState()).isEqualTo(AlertReport.InactivationState.AUDIO_PAUSED);
        assertThat(again.detail()).isEqualTo("present again at the device (no longer latched)");
        assertThat(out.get(3).alarmState()).isEqualTo(AlertReport.AlarmState.INACTIVE);
        assertThat(out.get(3).conditionEnd()).isEqualTo(at(14));
    }

    @Test
    void aPriorityChangeThatComesWithTheLatchSaysBoth() {
        frames(0, 4, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(5, 6, "97", AlarmEvent.Priority.MEDIUM, AlarmEvent.State.LATCHED);
        assertThat(phases(out)).isEqualTo(KEY + " start @0, " + KEY + " deescalate @5");
        assertThat(out.get(1).alarmState()).isEqualTo(AlertReport.AlarmState.LATCHED);
        assertThat(out.get(1).detail())
                .isEqualTo("the device lowered the priority to medium; the condition is gone at the device, the alarm"
                        + " stays latched there until it is reset");
        assertThat(engine.openAlerts()).containsExactly(out.get(1));
    }

    @Test
    void silencedResetIsASilencedAlarmStillActive() {
        frames(0, 4, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(5, 6, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.SILENCED_RESET);
        assertThat(phases(out)).isEqualTo(KEY + " start @0, " + KEY + " inactivate @5");
        assertThat(out.get(1).alarmState()).isEqualTo(AlertReport.AlarmState.ACTIVE);
        assertThat(out.get(1).inactivationState())
                .as("silenced at the bedside, not acknowledged by a person")
                .isEqualTo(AlertReport.InactivationState.AUDIO_PAUSED);
        assertThat(out.get(1).detail()).isEqualTo("the alarm signal was silenced at the device (silence/reset)");
    }

    @Test
    void theLatchedUpdateAndTheResetEncodeAsPcd04WithTheirAcmStates() throws Exception {
        frames(0, 9, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(10, 20, "97", AlarmEvent.Priority.HIGH, AlarmEvent.State.LATCHED);
        noAlert(21, 36);
        assertThat(phases(out)).isEqualTo(KEY + " start @0, " + KEY + " update @10, " + KEY + " reset @36");

        Pcd04Encoder encoder = Frames.pcd04Encoder();
        List<String> latched = facets(encoder.encode(out.get(1), at(10), null));
        assertThat(latched).contains("68481 update", "68482 latched", "68483 enabled", "68484 PH", "68485 SP");
        List<String> reset = facets(encoder.encode(out.get(2), at(36), null));
        assertThat(reset).contains("68481 reset", "68482 inactive", "68483 enabled", "68484 PH", "68485 SP");
    }

    @Test
    void theSameNotificationsWithAndWithoutTicks() {
        frames(0, 9, "80", AlarmEvent.Priority.HIGH, AlarmEvent.State.ACTIVE);
        frames(10, 200, "97", AlarmEvent.Priority.HIGH, AlarmEvent.State.LATCHED);
        noAlert(201, 230);
        List<AlertReport> untimed = List.copyOf(out);

        AlarmEngine ticked = new AlarmEngine(AlarmPolicy.defaults());
        List<AlertReport> timed = new ArrayList<>();
        for (int s = 0; s <= 230; s++) {
            List<Reading> frame = new ArrayList<>();
            frame.add(value(MONITOR, Metrics.SPO2, s, s < 10 ? "80" : "97"));
            if (s <= 200) {
                frame.add(desat(
                        AlarmEvent.Priority.HIGH, s < 10 ? AlarmEvent.State.ACTIVE : AlarmEvent.State.LATCHED, s));
            }
            timed.addAll(ticked.accept(frame));
            timed.addAll(ticked.advanceTo(at(s).plusMillis(500)));
        }
        assertThat(phases(untimed))
                .isEqualTo(
                        KEY + " start @0, " + KEY + " update @10, " + KEY + " escalate @120, " + KEY + " reset @216");
        assertThat(timed).isEqualTo(untimed);
    }
}
