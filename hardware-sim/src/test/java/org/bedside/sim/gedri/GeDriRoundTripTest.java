package org.bedside.sim.gedri;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.gedri.GeDriDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.scenario.SensorCondition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The simulator's encoder through the gateway's framer and decoder: what the driver reads is what the simulator meant.
 * Expectations follow protocols.md section 2 (scale factors, EtCO2 = et x ambient x 1e-5 mmHg), not the driver's tables.
 */
class GeDriRoundTripTest {
    static final GeDriDriver DRIVER = new GeDriDriver();
    static final DriverOptions UTC = DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC"));
    private static final LocalDateTime START = LocalDateTime.of(2026, 11, 22, 8, 0, 0);

    static Output decode(byte[]... frames) {
        return DecoderHarness.run(
                DRIVER.newFrameDecoder(UTC),
                DRIVER.newMessageDecoder(DeviceId.of("sim-monitor"), UTC),
                List.of(frames));
    }

    static NumericReading numeric(List<Reading> readings, MetricCode metric) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().equals(metric))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric.label()));
    }

    /** The readings of one record are what the simulator's vitals say. */
    static void assertDecodedAs(List<Reading> r, MonitorVitals v, LocalDateTime deviceTime) {
        Instant time = deviceTime.toInstant(ZoneOffset.UTC);
        assertThat(r).allMatch(x -> time.equals(x.deviceTime()));
        assertValue(numeric(r, Metrics.HEART_RATE_ECG), v.heartRate() == null ? null : new BigDecimal(v.heartRate()));
        assertValue(numeric(r, Metrics.RESPIRATION_RATE), new BigDecimal(v.respirationRate()));
        assertValue(numeric(r, Metrics.AIRWAY_RESPIRATION_RATE), new BigDecimal(v.respirationRate()));
        assertValue(numeric(r, Metrics.TEMPERATURE), v.temperature());
        assertValue(
                numeric(r, Metrics.END_TIDAL_CO2),
                v.etco2Percent()
                        .multiply(v.ambientPressure())
                        .movePointLeft(2)
                        .setScale(1, java.math.RoundingMode.HALF_UP));
        CompoundReading nibp = r.stream()
                .filter(CompoundReading.class::isInstance)
                .map(CompoundReading.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(nibp.components())
                .extracting(c -> c.value().intValueExact())
                .containsExactly(v.nibpSystolic(), v.nibpDiastolic(), v.nibpMean());
        NumericReading spo2 = numeric(r, Metrics.SPO2);
        NumericReading pulse = numeric(r, Metrics.PULSE_RATE_OXIMETRY);
        if (v.has(SensorCondition.SENSOR_CALIBRATING)) {
            assertThat(spo2.quality().flags()).containsExactly(QualityFlag.CALIBRATING);
            assertThat(pulse.quality().flags()).containsExactly(QualityFlag.CALIBRATING);
        } else {
            assertValue(spo2, v.spo2() == null ? null : new BigDecimal(v.spo2()));
            assertValue(pulse, v.pulseRate() == null ? null : new BigDecimal(v.pulseRate()));
        }
        // Groups the simulated monitor does not have are never a value.
        assertThat(r)
                .filteredOn(
                        x -> x instanceof NumericReading n && n.metric().refId().matches("X_GE_(P\\d|T[2-6]|FIO2).*"))
                .allMatch(x -> ((NumericReading) x).value() == null);
    }

    private static void assertValue(NumericReading n, @Nullable BigDecimal expected) {
        if (expected == null) {
            assertThat(n.value()).as(n.metric().label()).isNull();
            assertThat(n.quality().flags()).as(n.metric().label()).containsExactly(QualityFlag.INVALID);
        } else {
            assertThat(n.isValid()).as(n.metric().label() + " " + n.quality()).isTrue();
            assertThat(n.value()).as(n.metric().label()).isEqualByComparingTo(expected);
        }
    }

    @Test
    void everyScenarioSecondDecodesToTheVitalsSentAtBothLevels() {
        for (int level : new int[] {GeDriRecordEncoder.LEVEL_2009, GeDriRecordEncoder.LEVEL_2015}) {
            GeDriRecordEncoder encoder = new GeDriRecordEncoder(level);
            for (String name : List.of("steady", "desaturation", "sensor-off", "bidmc:01")) {
                var scenario = Scenarios.parse(name);
                for (int second = 0; second < 900; second += 7) {
                    MonitorVitals v = MonitorVitals.at(scenario, second);
                    LocalDateTime time = START.plusSeconds(second);
                    Output out = decode(GeDriRecordEncoder.frame(encoder.displayedValues(v, time, second, 0x6)));
                    assertThat(out.failures()).as("%s second %d", name, second).isEmpty();
                    assertDecodedAs(out.readings(), v, time);
                }
            }
        }
    }

    @Test
    void aCalibratingOximeterSendsTheDiscontinuityCode() {
        MonitorVitals v = new MonitorVitals(
                70,
                97,
                70,
                120,
                80,
                93,
                14,
                new BigDecimal("36.6"),
                new BigDecimal("5.1"),
                new BigDecimal("760"),
                java.util.Set.of(SensorCondition.SENSOR_CALIBRATING));
        Output out = decode(GeDriRecordEncoder.frame(
                new GeDriRecordEncoder(GeDriRecordEncoder.LEVEL_2015).displayedValues(v, START, 0, 0)));
        assertDecodedAs(out.readings(), v, START);
        assertThat(numeric(out.readings(), Metrics.SPO2).quality().reason())
                .isEqualTo("data discontinuity (calibration) (DRI -32765)");
    }

    @Test
    void includesExactlyTheClassesRequested() {
        MonitorVitals v = MonitorVitals.at(Scenarios.parse("steady"), 0);
        GeDriRecordEncoder encoder = new GeDriRecordEncoder(GeDriRecordEncoder.LEVEL_2015);
        assertThat(encoder.displayedValues(v, START, 0, 0)).hasSize(40 + 278);
        assertThat(encoder.displayedValues(v, START, 0, 0xE)).hasSize(40 + 4 * 278);
        Output basic = decode(GeDriRecordEncoder.frame(encoder.displayedValues(v, START, 0, 0)));
        Output all = decode(GeDriRecordEncoder.frame(encoder.displayedValues(v, START, 0, 0xE)));
        assertThat(basic.readings()).hasSize(55);
        assertThat(all.readings()).hasSize(55 + 12 + 3);
    }

    @Test
    void aPlethRecordDecodesToAHundredSamplesAtAHundredPerSecond() {
        short[] samples = new short[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = (short) (i * 10 - 300);
        }
        Output out = decode(GeDriRecordEncoder.frame(new GeDriRecordEncoder(GeDriRecordEncoder.LEVEL_2009)
                .waveform(GeDriRecordEncoder.WAVE_PLETH, samples, START, 3)));
        assertThat(out.readings()).singleElement().isInstanceOfSatisfying(WaveformSegment.class, w -> {
            assertThat(w.sampleCount()).isEqualTo(100);
            assertThat(w.samplePeriod()).isEqualTo(java.time.Duration.ofMillis(10));
            assertThat(w.samples()[0]).isEqualTo(-300);
            assertThat(w.samples()[99]).isEqualTo(690);
        });
    }
}
