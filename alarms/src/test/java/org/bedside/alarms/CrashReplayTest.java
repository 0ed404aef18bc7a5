package org.bedside.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bedside.alarms.Frames.MONITOR;
import static org.bedside.alarms.Frames.OXIMETER;
import static org.bedside.alarms.Frames.alarm;
import static org.bedside.alarms.Frames.at;
import static org.bedside.alarms.Frames.invalid;
import static org.bedside.alarms.Frames.status;
import static org.bedside.alarms.Frames.value;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Alert ids and update counts come from the inputs only, and a crash at any record loses and doubles nothing: an
 * engine resumed from the rebuild point the runtime kept, replaying the buffer from the position that point names,
 * gives again exactly the notifications that were already buffered (dropped by their id) and then exactly those the
 * crashed engine would have given.
 */
class CrashReplayTest {

    /** Two devices, ten minutes, one record a second each: desaturations, dropouts, a sensor off, alarms, a lost link. */
    private static List<List<Reading>> scenario(long seed) {
        Random random = new Random(seed);
        List<List<Reading>> records = new ArrayList<>();
        boolean monitorLinked = true;
        for (int s = 0; s < 600; s++) {
            // the oximeter: a desaturation every ~90 s with dropouts inside, a sensor off now and then
            int phase = s % 90;
            List<Reading> ox = new ArrayList<>();
            if (s > 300 && s < 340) {
                ox.add(invalid(OXIMETER, Metrics.SPO2, s, "80"));
                ox.add(status(OXIMETER, DeviceStatus.Code.SENSOR_OFF, s));
            } else if (phase > 20 && phase < 60 && random.nextInt(6) == 0) {
                ox.add(value(OXIMETER, Metrics.SPO2, s, "NaN"));
            } else {
                ox.add(value(OXIMETER, Metrics.SPO2, s, phase > 20 && phase < 60 ? "8" + random.nextInt(10) : "97"));
            }
            ox.add(value(OXIMETER, Metrics.PULSE_RATE_OXIMETRY, s, Integer.toString(110 + random.nextInt(20))));
            records.add(ox);
            // the monitor: alarms that come and go, a link lost for a while
            if (s == 400) {
                records.add(List.of(status(MONITOR, DeviceStatus.Code.DISCONNECTED, s)));
                monitorLinked = false;
            }
            if (s == 470) {
                records.add(List.of(status(MONITOR, DeviceStatus.Code.CONNECTED, s)));
                monitorLinked = true;
            }
            if (monitorLinked) {
                List<Reading> mon = new ArrayList<>();
                mon.add(value(MONITOR, Metrics.HEART_RATE_ECG, s, s % 200 < 60 ? "135" : "80"));
                if (s % 150 < 50) {
                    mon.add(alarm(
                            MONITOR,
                            "p-4182-0052",
                            s % 150 < 30 ? "**HR HIGH" : "**HR 135 > 120",
                            AlarmEvent.Kind.PHYSIOLOGICAL,
                            s % 150 < 40 ? AlarmEvent.Priority.MEDIUM : AlarmEvent.Priority.HIGH,
                            s % 150 > 45 ? AlarmEvent.State.SILENCED : AlarmEvent.State.ACTIVE,
                            Metrics.HEART_RATE_ECG,
                            s));
                }
                // the monitor's desaturation alarm, latched once its condition has gone, then reset at the monitor;
                // another latched just before the link is lost, and reset only after the link is back
                if (s % 200 >= 80 && s % 200 < 140) {
                    mon.add(latchable("p-4bb8-0c10", s % 200 >= 90, s));
                }
                if (s >= 385 && s < 400) {
                    mon.add(latchable("p-4bb8-0c11", s >= 395, s));
                }
                if (s % 170 == 5 || s % 170 == 6) {
                    mon.add(alarm(
                            MONITOR,
                            "p-4182-0c98",
                            "***VTACH",
                            AlarmEvent.Kind.PHYSIOLOGICAL,
                            AlarmEvent.Priority.HIGH,
                            AlarmEvent.State.ACTIVE,
                            Metrics.HEART_RATE_ECG,
                            s));
                }
                records.add(mon);
            }
        }
        return records;
    }

    private static AlarmEvent latchable(String code, boolean latched, int s) {
        return alarm(
                MONITOR,
                code,
                "***Desat",
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlarmEvent.Priority.HIGH,
                latched ? AlarmEvent.State.LATCHED : AlarmEvent.State.ACTIVE,
                Metrics.SPO2,
                s);
    }

    private static List<AlertReport> run(AlarmEngine engine, List<List<Reading>> records, int from, int to) {
        List<AlertReport> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.addAll(engine.accept(records.get(i), i));
        }
        return out;
    }

    @Test
    void theSameReadingsGiveTheSameIdsAndCounts() {
        List<List<Reading>> records = scenario(1);
        List<AlertReport> a = run(new AlarmEngine(AlarmPolicy.defaults()), records, 0, records.size());
        List<AlertReport> b = run(new AlarmEngine(AlarmPolicy.defaults()), records, 0, records.size());
        assertThat(a).hasSizeGreaterThan(20);
        assertThat(b).containsExactlyElementsOf(a);
        Set<String> ids = new HashSet<>();
        for (AlertReport r : a) {
            assertThat(ids.add(r.notificationId()))
                    .as("unique: %s", r.notificationId())
                    .isTrue();
            assertThat(r.alertId()).startsWith(r.device().value() + "/" + r.condition() + "/");
            assertThat(r.alertId()).endsWith("/" + Reading.epochMicros(r.onset()));
        }
        assertThat(a)
                .extracting(AlertReport::phase)
                .contains(
                        AlertReport.Phase.START,
                        AlertReport.Phase.END,
                        AlertReport.Phase.ESCALATE,
                        AlertReport.Phase.UPDATE,
                        AlertReport.Phase.INACTIVATE,
                        AlertReport.Phase.RESET);
        assertThat(a)
                .filteredOn(r -> r.condition().equals("device:p-4bb8-0c11"))
                .extracting(r ->
                        r.phase().acmCode() + " " + r.alarmState().acmCode() + " @" + Frames.second(r.receivedAt()))
                .as("latched before the link was lost, reset once the monitor has talked 15 s without it")
                .containsExactly("start active @385", "update latched @395", "reset inactive @486");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aCrashAtAnyRecordLosesAndDoublesNothing(long seed) {
        List<List<Reading>> records = scenario(seed);
        // what an engine that never crashed gives, and at which record
        AlarmEngine never = new AlarmEngine(AlarmPolicy.defaults());
        List<List<AlertReport>> byRecord = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            byRecord.add(never.accept(records.get(i), i));
        }
        AlarmEngine before = new AlarmEngine(AlarmPolicy.defaults());
        Map<String, AlertReport> buffered = new LinkedHashMap<>();
        for (int crash = 0; crash < records.size(); crash++) {
            if (crash % 13 == 1) {
                // the engine's notifications so far are in the buffer, and the point was kept beside the cursor
                RebuildPoint kept = RebuildPoint.parse(before.rebuildPoint().encode());
                int from = (int) kept.earliestNeededPosition().orElse(crash);
                assertThat(from).isLessThanOrEqualTo(crash);
                AlarmEngine resumed = AlarmEngine.resuming(d -> AlarmPolicy.defaults(), kept);
                int until = Math.min(records.size(), crash + 150);
                List<AlertReport> expected = new ArrayList<>();
                List<AlertReport> sent = new ArrayList<>();
                for (int i = 0; i < until; i++) {
                    expected.addAll(byRecord.get(i));
                    if (i < crash) {
                        sent.addAll(byRecord.get(i));
                    }
                    if (i >= from) {
                        for (AlertReport r : resumed.accept(records.get(i), i)) {
                            AlertReport old = buffered.get(r.notificationId());
                            if (old == null) {
                                sent.add(r);
                            } else {
                                assertThat(r)
                                        .as("a replayed notification is the buffered one")
                                        .isEqualTo(old);
                            }
                        }
                    }
                }
                assertThat(sent).as("crash before record %d", crash).containsExactlyElementsOf(expected);
            }
            for (AlertReport r : before.accept(records.get(crash), crash)) {
                buffered.put(r.notificationId(), r);
            }
        }
    }

    @Test
    void withoutTheSkipMarksAReplayFromTheEarliestBusyPeriodWouldInventAlerts() {
        // why the rebuild point keeps per-device marks: replaying an idle device from the middle of an earlier busy
        // period starts a condition afresh
        List<List<Reading>> records = scenario(1);
        List<AlertReport> reference = run(new AlarmEngine(AlarmPolicy.defaults()), records, 0, records.size());
        Set<String> all = new HashSet<>();
        reference.forEach(r -> all.add(r.notificationId()));
        AlarmEngine before = new AlarmEngine(AlarmPolicy.defaults());
        int inventions = 0;
        for (int crash = 0; crash < records.size(); crash++) {
            if (crash % 13 == 1) {
                int from = (int) before.rebuildPoint().earliestNeededPosition().orElse(crash);
                int until = Math.min(records.size(), crash + 150);
                for (AlertReport r : run(new AlarmEngine(AlarmPolicy.defaults()), records, from, until)) {
                    if (!all.contains(r.notificationId())) {
                        inventions++;
                    }
                }
            }
            before.accept(records.get(crash), crash);
        }
        assertThat(inventions).isPositive();
    }

    @Test
    void aBusyDeviceNeedsItsRecordsFromTheStartOfItsBusyPeriod() {
        AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());
        engine.accept(List.of(value(OXIMETER, Metrics.SPO2, 0, "97")), 10);
        engine.accept(List.of(value(MONITOR, Metrics.HEART_RATE_ECG, 0, "80")), 11);
        assertThat(engine.rebuildPoint().earliestNeeded()).isEmpty();
        assertThat(engine.rebuildPoint().earliestNeededPosition()).isEmpty();
        engine.accept(List.of(value(OXIMETER, Metrics.SPO2, 1, "88")), 12);
        engine.accept(List.of(value(MONITOR, Metrics.HEART_RATE_ECG, 1, "80")), 13);
        engine.accept(List.of(value(OXIMETER, Metrics.SPO2, 2, "88")), 14);
        RebuildPoint p = engine.rebuildPoint();
        assertThat(p.earliestNeeded()).contains(at(1));
        assertThat(p.earliestNeededPosition()).hasValue(12);
        assertThat(p.devices().get(MONITOR).busySince()).isNull();
        assertThat(p.devices().get(MONITOR).lastProcessed()).isEqualTo(at(1));
        assertThat(p.devices().get(MONITOR).skips(at(1))).isTrue();
        assertThat(p.devices().get(MONITOR).skips(at(2))).isFalse();
        assertThat(p.devices().get(OXIMETER).skips(at(0))).isTrue();
        assertThat(p.devices().get(OXIMETER).skips(at(1))).isFalse();
        // the condition ends: the device is idle again and nothing before is needed
        for (int s = 3; s < 6; s++) {
            engine.accept(List.of(value(OXIMETER, Metrics.SPO2, s, "97")), 12 + s);
        }
        assertThat(engine.rebuildPoint().earliestNeededPosition()).isEmpty();
    }

    @Test
    void aRebuildPointWithoutPositionsSaysSo() {
        AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());
        engine.accept(value(OXIMETER, Metrics.SPO2, 0, "88"));
        RebuildPoint p = engine.rebuildPoint();
        assertThat(p.positionsKnown()).isFalse();
        assertThat(p.earliestNeededPosition()).isEmpty();
        assertThat(p.earliestNeeded()).contains(at(0));
    }

    @Test
    void theRebuildPointsTextFormReadsBackEqual() {
        AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());
        run(engine, scenario(2), 0, 333);
        RebuildPoint p = engine.rebuildPoint();
        assertThat(p.devices()).hasSize(2);
        assertThat(RebuildPoint.parse(p.encode())).isEqualTo(p);
    }

    @Test
    void aDamagedRebuildPointIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> RebuildPoint.parse("something else\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first line");
        assertThatThrownBy(() -> RebuildPoint.parse("bedside-alarm-rebuild 1\nbed1 busy 12x 3 4\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> RebuildPoint.parse("bedside-alarm-rebuild 1\nbed1 idle 1\nbed1 idle 2\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appears twice");
    }
}
