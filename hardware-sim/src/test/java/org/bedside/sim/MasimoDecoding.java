package org.bedside.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.bedside.drivers.masimo.MasimoDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.sim.scenario.SensorCondition;
import org.bedside.sim.scenario.VitalSigns;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's Masimo driver as the tests use it (device clock in UTC), and the check that what it decoded from a
 * line is what the simulator meant to send. The expectations are written from protocols.md §4.1, independently of the
 * driver's tables.
 */
final class MasimoDecoding {
    static final MasimoDriver DRIVER = new MasimoDriver();
    static final DriverOptions UTC = DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC"));
    static final DeviceId DEVICE = DeviceId.of("sim-spo2");

    /** EXC conditions that leave no valid value on the line (the recommendation of protocols.md §4.1, plus cables). */
    static final Set<SensorCondition> INVALIDATING = EnumSet.of(
            SensorCondition.NO_SENSOR,
            SensorCondition.SENSOR_OFF,
            SensorCondition.DEFECTIVE_SENSOR,
            SensorCondition.UNRECOGNIZED_SENSOR,
            SensorCondition.NO_CABLE,
            SensorCondition.SENSOR_CALIBRATING);

    private MasimoDecoding() {}

    static FrameDecoder framer() {
        return DRIVER.newFrameDecoder(UTC);
    }

    static MessageDecoder decoder() {
        return DRIVER.newMessageDecoder(DEVICE, UTC);
    }

    static Instant utc(LocalDateTime deviceTime) {
        return deviceTime.toInstant(ZoneOffset.UTC);
    }

    /** The numeric readings of one line by the metric's reference id, in line order. */
    static Map<String, NumericReading> numerics(List<Reading> line) {
        Map<String, NumericReading> out = new LinkedHashMap<>();
        for (Reading r : line) {
            if (r instanceof NumericReading n) {
                out.put(n.metric().refId(), n);
            }
        }
        return out;
    }

    static Set<String> alarmCodes(List<Reading> line) {
        return line.stream()
                .filter(AlarmEvent.class::isInstance)
                .map(r -> ((AlarmEvent) r).code())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<DeviceStatus.Code> statusCodes(List<Reading> line) {
        return line.stream()
                .filter(DeviceStatus.class::isInstance)
                .map(r -> ((DeviceStatus) r).code())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(DeviceStatus.Code.class)));
    }

    /** Splits a stream's readings into lines: readings of one line share a device time and come together. */
    static List<List<Reading>> byLine(List<Reading> readings) {
        Map<Instant, List<Reading>> lines = new LinkedHashMap<>();
        for (Reading r : readings) {
            lines.computeIfAbsent(r.deviceTime(), t -> new ArrayList<>()).add(r);
        }
        return List.copyOf(lines.values());
    }

    /** Asserts that {@code decoded}, the readings of one line, say what {@code vitals} and the limits meant. */
    static void assertDecodedAs(
            List<Reading> decoded,
            VitalSigns vitals,
            LocalDateTime deviceTime,
            MasimoModel model,
            AlarmLimits limits,
            String context) {
        Instant time = utc(deviceTime);
        assertThat(decoded)
                .as(context)
                .allSatisfy(r -> assertThat(r.deviceTime()).as(context).isEqualTo(time));

        Map<String, @Nullable BigDecimal> expected = new LinkedHashMap<>();
        expected.put("MDC_PULS_OXIM_SAT_O2", decimal(vitals.spo2()));
        expected.put("MDC_PULS_OXIM_PULS_RATE", decimal(vitals.pulseRate()));
        expected.put("MDC_PULS_OXIM_PERF_REL", decimal(vitals.perfusionIndex()));
        if (model == MasimoModel.RADICAL_7) {
            expected.put("X_MASIMO_SPCO", decimal(vitals.spco()));
            expected.put("X_MASIMO_SPMET", decimal(vitals.spmet()));
            expected.put("X_MASIMO_DESAT_INDEX", decimal(vitals.desatIndex()));
            expected.put("X_MASIMO_PI_DELTA", decimal(vitals.perfusionIndexDelta()));
            expected.put("X_MASIMO_PVI", decimal(vitals.plethVariabilityIndex()));
        }
        Map<String, NumericReading> numerics = numerics(decoded);
        assertThat(numerics.keySet()).as(context).containsExactlyElementsOf(expected.keySet());
        boolean invalidated = vitals.conditions().stream().anyMatch(INVALIDATING::contains);
        expected.forEach((metric, value) -> {
            NumericReading n = numerics.get(metric);
            String what = context + " " + metric;
            if (value == null) {
                assertThat(n.value()).as(what).isNull();
                assertThat(n.quality().has(QualityFlag.NOT_AVAILABLE)).as(what).isTrue();
            } else {
                assertThat(n.value()).as(what).isNotNull().isEqualByComparingTo(value);
            }
            assertThat(n.isValid()).as(what).isEqualTo(value != null && !invalidated);
            if (vitals.has(SensorCondition.SENSOR_OFF)) {
                assertThat(n.quality().reason()).as(what).contains("sensor off");
            }
        });

        Set<String> alarms = new TreeSet<>();
        Integer spo2 = vitals.spo2();
        Integer pulse = vitals.pulseRate();
        if (spo2 != null && spo2 < limits.spo2Low()) {
            alarms.add("spo2-low");
        }
        if (spo2 != null && spo2 > limits.spo2High()) {
            alarms.add("spo2-high");
        }
        if (pulse != null && pulse < limits.pulseRateLow()) {
            alarms.add("pulse-rate-low");
        }
        if (pulse != null && pulse > limits.pulseRateHigh()) {
            alarms.add("pulse-rate-high");
        }
        assertThat(alarmCodes(decoded)).as(context + " alarms").isEqualTo(alarms);
        assertThat(decoded.stream().filter(AlarmEvent.class::isInstance).map(r -> ((AlarmEvent) r).state()))
                .as(context + " alarm state")
                .allMatch(s -> s == AlarmEvent.State.ACTIVE);

        Set<DeviceStatus.Code> statuses = EnumSet.noneOf(DeviceStatus.Code.class);
        for (SensorCondition c : vitals.conditions()) {
            statuses.add(statusOf(c));
        }
        assertThat(statusCodes(decoded)).as(context + " statuses").isEqualTo(statuses);
    }

    static DeviceStatus.Code statusOf(SensorCondition c) {
        return switch (c) {
            case NO_SENSOR -> DeviceStatus.Code.NO_SENSOR;
            case SENSOR_OFF -> DeviceStatus.Code.SENSOR_OFF;
            case DEFECTIVE_SENSOR, UNRECOGNIZED_SENSOR -> DeviceStatus.Code.SENSOR_FAULT;
            case NO_CABLE -> DeviceStatus.Code.CABLE_FAULT;
            case LOW_PERFUSION -> DeviceStatus.Code.LOW_PERFUSION;
            case PULSE_SEARCH -> DeviceStatus.Code.PULSE_SEARCH;
            case INTERFERENCE -> DeviceStatus.Code.INTERFERENCE;
            case AMBIENT_LIGHT -> DeviceStatus.Code.AMBIENT_LIGHT;
            case LOW_SIGNAL_IQ -> DeviceStatus.Code.LOW_SIGNAL_QUALITY;
            case SENSOR_CALIBRATING -> DeviceStatus.Code.CALIBRATING;
        };
    }

    private static @Nullable BigDecimal decimal(@Nullable Number n) {
        if (n == null) {
            return null;
        }
        return n instanceof Double d ? BigDecimal.valueOf(d) : BigDecimal.valueOf(n.longValue());
    }
}
