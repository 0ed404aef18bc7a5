package org.bedside.sim.nonin;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.bedside.drivers.nonin.NoninDf13Driver;
import org.bedside.drivers.nonin.NoninDf2Driver;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.scenario.SensorCondition;
import org.bedside.sim.scenario.VitalSigns;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The simulator's packets through the gateway's Nonin framer and decoder: what is read is what was meant. */
class NoninRoundTripTest {

    static DeviceDriver driver(NoninPacketEncoder.Format format) {
        return format == NoninPacketEncoder.Format.DF13 ? new NoninDf13Driver() : new NoninDf2Driver();
    }

    static Output decode(NoninPacketEncoder.Format format, List<byte[]> chunks) {
        DeviceDriver d = driver(format);
        DriverOptions o = DriverOptions.defaults(d.info());
        return DecoderHarness.run(d.newFrameDecoder(o), d.newMessageDecoder(DeviceId.of("sim-spo2"), o), chunks);
    }

    static NumericReading numeric(List<Reading> readings, MetricCode metric) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().equals(metric))
                .findFirst()
                .orElseThrow();
    }

    /** One packet's readings against the vitals it was made from (protocols.md 4.2 semantics). */
    static void assertDecodedAs(List<Reading> r, VitalSigns v) {
        boolean sensorAlarm = v.has(SensorCondition.SENSOR_OFF)
                || v.has(SensorCondition.NO_SENSOR)
                || v.has(SensorCondition.NO_CABLE)
                || v.has(SensorCondition.DEFECTIVE_SENSOR)
                || v.has(SensorCondition.UNRECOGNIZED_SENSOR);
        assertValue(numeric(r, Metrics.SPO2), v.spo2(), sensorAlarm);
        assertValue(numeric(r, Metrics.PULSE_RATE_OXIMETRY), v.pulseRate(), sensorAlarm);
        List<DeviceStatus.Code> statuses = r.stream()
                .filter(DeviceStatus.class::isInstance)
                .map(x -> ((DeviceStatus) x).code())
                .toList();
        assertThat(statuses.contains(DeviceStatus.Code.SENSOR_OFF)).isEqualTo(sensorAlarm);
        assertThat(statuses.contains(DeviceStatus.Code.INTERFERENCE))
                .isEqualTo(v.has(SensorCondition.INTERFERENCE) || v.has(SensorCondition.AMBIENT_LIGHT));
    }

    private static void assertValue(NumericReading n, @Nullable Integer expected, boolean sensorAlarm) {
        if (expected == null) {
            assertThat(n.value()).isNull();
            assertThat(n.quality().flags()).contains(QualityFlag.NOT_AVAILABLE);
        } else {
            assertThat(n.value()).isEqualByComparingTo(new BigDecimal(expected));
            assertThat(n.isValid()).isEqualTo(!sensorAlarm);
        }
    }

    @ParameterizedTest
    @EnumSource(NoninPacketEncoder.Format.class)
    void everyScenarioSecondDecodesToTheVitalsSent(NoninPacketEncoder.Format format) {
        NoninPacketEncoder encoder = new NoninPacketEncoder(format);
        for (String name : List.of("steady", "desaturation", "sensor-off", "bidmc:01")) {
            var scenario = Scenarios.parse(name);
            for (int second = 0; second < 600; second += 3) {
                VitalSigns v = scenario.at(second);
                Output out = decode(format, List.of(encoder.packet(v, second % 2 == 0)));
                assertThat(out.failures()).as("%s %d", name, second).isEmpty();
                assertDecodedAs(out.readings(), v);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(NoninPacketEncoder.Format.class)
    void everySensorConditionBecomesTheStatusTheDeviceWouldSend(NoninPacketEncoder.Format format) {
        NoninPacketEncoder encoder = new NoninPacketEncoder(format);
        for (SensorCondition c : SensorCondition.values()) {
            VitalSigns v =
                    VitalSigns.builder().spo2(93).pulseRate(131).condition(c).build();
            Output out = decode(format, List.of(encoder.packet(v, true)));
            assertThat(out.failures()).isEmpty();
            assertDecodedAs(out.readings(), v);
        }
    }
}
