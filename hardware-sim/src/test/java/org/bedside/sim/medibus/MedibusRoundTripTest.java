package org.bedside.sim.medibus;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.bedside.drivers.medibus.MedibusDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenarios;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The simulator's answers through the gateway's Medibus framer and decoder. */
class MedibusRoundTripTest {
    static final MedibusDriver DRIVER = new MedibusDriver();

    static Output decode(byte[]... messages) {
        DriverOptions o = DriverOptions.defaults(DRIVER.info());
        return DecoderHarness.run(
                DRIVER.newFrameDecoder(o), DRIVER.newMessageDecoder(DeviceId.of("sim-vent"), o), List.of(messages));
    }

    static NumericReading numeric(List<Reading> r, MetricCode metric) {
        return r.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().equals(metric))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric.label()));
    }

    static NumericReading vendor(List<Reading> r, String refId) {
        return r.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().refId().equals(refId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + refId));
    }

    /** The measured data CP1 answer decodes to the values the simulator meant (protocols.md 3 record layout). */
    static void assertMeasuredAs(List<Reading> r, MedibusAnswers.Values x) {
        assertValue(numeric(r, Metrics.SPO2), x.vitals().spo2());
        assertValue(numeric(r, Metrics.PULSE_RATE_OXIMETRY), x.vitals().pulseRate());
        assertValue(numeric(r, Metrics.END_TIDAL_CO2), x.etco2MmHg());
        assertValue(numeric(r, Metrics.AIRWAY_RESPIRATION_RATE), x.vitals().respirationRate());
        assertValue(vendor(r, "X_DRAEGER_CP1_TIDAL_VOLUME"), x.tidalVolume());
        assertValue(vendor(r, "X_DRAEGER_CP1_PEAK_BREATHING_PRESSURE"), x.peakPressure());
        assertThat(vendor(r, "X_DRAEGER_CP1_RESPIRATORY_MINUTE_VOLUME_FRAC").value())
                .isEqualByComparingTo(x.minuteVolume());
    }

    private static void assertValue(NumericReading n, @Nullable Integer expected) {
        if (expected == null) {
            assertThat(n.value()).as(n.metric().label()).isNull();
            assertThat(n.quality().flags()).containsExactly(QualityFlag.NOT_AVAILABLE);
        } else {
            assertThat(n.isValid()).as(n.metric().label()).isTrue();
            assertThat(n.value()).as(n.metric().label()).isEqualByComparingTo(new BigDecimal(expected));
        }
    }

    @Test
    void everyScenarioSecondDecodesToWhatTheVentilatorMeant() {
        for (String name : List.of("steady", "desaturation", "sensor-off", "bidmc:02")) {
            var scenario = Scenarios.parse(name);
            for (int second = 0; second < 600; second += 5) {
                MedibusAnswers.Values x = MedibusAnswers.values(MonitorVitals.at(scenario, second), second);
                Output out = decode(
                        MedibusAnswers.message(1, 0x24, MedibusAnswers.measuredCp1(x)),
                        MedibusAnswers.message(1, 0x2B, MedibusAnswers.measuredCp2(x)),
                        MedibusAnswers.message(1, 0x27, MedibusAnswers.alarmsCp1(x)),
                        MedibusAnswers.message(1, 0x29, MedibusAnswers.settings(x)));
                assertThat(out.failures()).as("%s %d", name, second).isEmpty();
                assertMeasuredAs(out.readings(), x);
                assertThat(vendor(out.readings(), "X_DRAEGER_CP2_EXPIRATORY_TIDAL_VOLUME_VTE")
                                .value())
                        .isEqualByComparingTo(new BigDecimal(x.tidalVolume() - 5));
                assertThat(vendor(out.readings(), "X_DRAEGER_SET_PEEP").value()).isEqualByComparingTo("5.0");
                assertThat(out.readings())
                        .filteredOn(AlarmEvent.class::isInstance)
                        .extracting(a -> ((AlarmEvent) a).text())
                        .containsExactlyElementsOf(x.alarms().stream()
                                .map(a -> a.substring(3).strip())
                                .toList());
            }
        }
    }
}
