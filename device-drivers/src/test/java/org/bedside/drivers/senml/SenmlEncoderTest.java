package org.bedside.drivers.senml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.junit.jupiter.api.Test;

class SenmlEncoderTest {
    private static final DeviceId DEVICE = DeviceId.of("bed12-spo2");
    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00.200001Z");
    private static final Instant MEASURED = Instant.parse("2026-11-22T10:00:00.123456Z");
    private final SenmlEncoder encoder = new SenmlEncoder("icu-gw-12");

    private String json(List<? extends org.bedside.model.Reading> readings) {
        return new String(encoder.encode(readings), StandardCharsets.UTF_8);
    }

    @Test
    void writesANumericWithSenmlAndUcumUnitsCodesTimesAndIdentity() {
        var spo2 = new NumericReading(
                DEVICE, Metrics.SPO2, new BigDecimal("97"), UcumUnit.PERCENT, Quality.VALID, MEASURED, RECEIVED);
        assertThat(json(List.of(spo2)))
                .isEqualTo("[{\"bn\":\"icu-gw-12/bed12-spo2/\",\"n\":\"spo2\",\"t\":1795341600.123456,"
                        + "\"rt\":1795341600.200001,\"id\":\"bed12-spo2/150456/1795341600200001\",\"u\":\"%\",\"v\":97,"
                        + "\"ucum\":\"%\",\"mdc\":150456,\"mdc_ref\":\"MDC_PULS_OXIM_SAT_O2\"}]");
    }

    @Test
    void leavesOutUWhereSenmlHasNoUnitAndWritesQualityWithoutInventingAValue() {
        var etco2 = new NumericReading(
                DEVICE,
                Metrics.END_TIDAL_CO2,
                null,
                UcumUnit.MM_HG,
                new Quality(Set.of(QualityFlag.NOT_AVAILABLE), "sampling line blocked"),
                null,
                RECEIVED);
        String json = json(List.of(etco2));
        assertThat(json)
                .doesNotContain("\"u\":")
                .doesNotContain("\"v\":")
                .contains("\"ucum\":\"mm[Hg]\"")
                .contains("\"t\":1795341600.200001") // no device clock: the receive time
                .contains("\"q\":[\"not_available\"],\"qr\":\"sampling line blocked\"");
    }

    @Test
    void namesAVendorMetricByItsReferenceIdWithoutAnMdcCode() {
        var pvi = new NumericReading(
                DEVICE,
                MetricCode.vendor("X_MASIMO_PVI", "PVI"),
                new BigDecimal("12"),
                UcumUnit.PERCENT,
                Quality.VALID,
                null,
                RECEIVED);
        assertThat(json(List.of(pvi)))
                .contains("\"n\":\"X_MASIMO_PVI\"")
                .contains("\"mdc_ref\":\"X_MASIMO_PVI\"")
                .doesNotContain("\"mdc\":");
    }

    @Test
    void writesAPumpChannelAsItsStateThenEachNumberWithTheChannelAndOneIdentity() {
        var pump = new org.bedside.model.InfusionStatus(
                DeviceId.of("bed12-pumps"),
                "1-2",
                org.bedside.model.InfusionStatus.State.INFUSING,
                "Propofol 1%",
                "36311",
                List.of(
                        new org.bedside.model.CompoundReading.Component(
                                org.bedside.model.InfusionMetrics.RATE,
                                new BigDecimal("12.00"),
                                org.bedside.model.InfusionMetrics.ML_PER_HOUR,
                                Quality.VALID),
                        new org.bedside.model.CompoundReading.Component(
                                org.bedside.model.InfusionMetrics.REMAINING_TIME,
                                null,
                                org.bedside.model.InfusionMetrics.SECONDS,
                                Quality.notAvailable("no remaining time (INRMT 65535)"))),
                null,
                RECEIVED);
        String id = "\"id\":\"bed12-pumps/infusion:1-2/1795341600200001\"";
        assertThat(json(List.of(pump)))
                .isEqualTo("[{\"bn\":\"icu-gw-12/bed12-pumps/\",\"n\":\"infusion\",\"t\":1795341600.200001,"
                        + "\"rt\":1795341600.200001," + id + ",\"vs\":\"infusing\",\"channel\":\"1-2\","
                        + "\"drug\":\"Propofol 1%\",\"serial\":\"36311\"},"
                        + "{\"n\":\"MDC_FLOW_FLUID_PUMP\",\"t\":1795341600.200001,\"rt\":1795341600.200001," + id
                        + ",\"v\":12.00,\"ucum\":\"mL/h\",\"mdc\":157784,\"mdc_ref\":\"MDC_FLOW_FLUID_PUMP\","
                        + "\"channel\":\"1-2\"},"
                        + "{\"n\":\"MDC_TIME_PD_REMAIN\",\"t\":1795341600.200001,\"rt\":1795341600.200001," + id
                        + ",\"u\":\"s\",\"ucum\":\"s\",\"mdc\":157916,\"mdc_ref\":\"MDC_TIME_PD_REMAIN\","
                        + "\"q\":[\"not_available\"],\"qr\":\"no remaining time (INRMT 65535)\",\"channel\":\"1-2\"}]");
    }

    @Test
    void writesAlarmsAndDeviceStatus() {
        var alarm = new AlarmEvent(
                DEVICE,
                "spo2-low",
                Metrics.SPO2,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlarmEvent.Priority.HIGH,
                AlarmEvent.State.ACTIVE,
                "SpO2 low",
                null,
                RECEIVED);
        var status = new DeviceStatus(DEVICE, DeviceStatus.Code.SENSOR_OFF, "EXC 0x000020 sensor off", null, RECEIVED);
        String json = json(List.of(alarm, status));
        assertThat(json)
                .startsWith("[{\"bn\":\"icu-gw-12/bed12-spo2/\",\"n\":\"alarm\"")
                .contains("\"vs\":\"SpO2 low\",\"alarm\":\"spo2-low\",\"kind\":\"physiological\","
                        + "\"priority\":\"high\",\"state\":\"active\",\"src_mdc_ref\":\"MDC_PULS_OXIM_SAT_O2\"")
                .contains("{\"n\":\"status\",")
                .contains("\"vs\":\"sensor_off\",\"detail\":\"EXC 0x000020 sensor off\"")
                .contains("\"id\":\"bed12-spo2/status:sensor_off/1795341600200001\"");
    }

    @Test
    void refusesWaveformsAndMixedDevices() {
        var wave = new WaveformSegment(
                DEVICE,
                Metrics.SPO2,
                UcumUnit.DIMENSIONLESS,
                Duration.ofMillis(8),
                new double[] {1, 2},
                Quality.VALID,
                null,
                RECEIVED);
        assertThatThrownBy(() -> encoder.encode(List.of(wave))).hasMessageContaining("waveforms");
        var a = new DeviceStatus(DEVICE, DeviceStatus.Code.CONNECTED, "up", null, RECEIVED);
        var b = new DeviceStatus(DeviceId.of("other"), DeviceStatus.Code.CONNECTED, "up", null, RECEIVED);
        assertThatThrownBy(() -> encoder.encode(List.of(a, b))).hasMessageContaining("one device");
    }

    @Test
    void writesEveryPackWholeAndAloneAfterOthersAndAfterARefusedOne() {
        var spo2 = new NumericReading(
                DEVICE, Metrics.SPO2, new BigDecimal("97"), UcumUnit.PERCENT, Quality.VALID, MEASURED, RECEIVED);
        String alone = json(List.of(spo2));
        assertThat(json(List.of(spo2))).isEqualTo(alone); // no separator, nothing left of the pack before
        var a = new DeviceStatus(DEVICE, DeviceStatus.Code.CONNECTED, "up", null, RECEIVED);
        var b = new DeviceStatus(DeviceId.of("other"), DeviceStatus.Code.CONNECTED, "up", null, RECEIVED);
        assertThatThrownBy(() -> encoder.encode(List.of(spo2, a, b))).hasMessageContaining("one device");
        assertThat(json(List.of(spo2))).isEqualTo(alone);
    }

    @Test
    void threadsEncodingAtOnceEachGetTheirOwnPacks() throws Exception {
        List<NumericReading> readings = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            readings.add(new NumericReading(
                    DEVICE,
                    Metrics.SPO2,
                    BigDecimal.valueOf(80 + i % 20),
                    UcumUnit.PERCENT,
                    Quality.VALID,
                    MEASURED.plusMillis(i),
                    RECEIVED.plusMillis(i)));
        }
        List<String> expected = readings.stream().map(r -> json(List.of(r))).toList();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<List<String>>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> readings.stream()
                        .map(r -> new String(encoder.encode(List.of(r)), StandardCharsets.UTF_8))
                        .toList()));
            }
            for (var result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writesTimesInSecondsWithTheDigitsTheyHaveAndNoMore() {
        assertThat(SenmlEncoder.seconds(Instant.parse("2026-11-22T10:00:00Z"))).isEqualTo("1795341600");
        assertThat(SenmlEncoder.seconds(Instant.parse("2026-11-22T10:00:00.1Z")))
                .isEqualTo("1795341600.1");
        assertThat(SenmlEncoder.seconds(Instant.parse("2026-11-22T10:00:00.000001Z")))
                .isEqualTo("1795341600.000001");
        assertThat(SenmlEncoder.seconds(Instant.parse("2026-11-22T10:00:00.12345Z")))
                .isEqualTo("1795341600.12345");
        assertThat(SenmlEncoder.seconds(Instant.parse("2026-11-22T10:00:00.1234567Z")))
                .isEqualTo("1795341600.123456"); // microseconds, as rt and the identity
        assertThat(SenmlEncoder.seconds(Instant.EPOCH)).isEqualTo("0");
        assertThat(SenmlEncoder.seconds(Instant.parse("1969-12-31T23:59:59.5Z")))
                .isEqualTo("-0.5");
    }
}
