package org.bedside.buffer;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;

/** One of every kind of reading, with the awkward cases: no value, no device time, a huge decimal, non-ASCII text. */
public final class SampleReadings {
    public static final DeviceId DEVICE = DeviceId.of("bed12-spo2");

    private SampleReadings() {}

    public static List<Reading> frame(Instant receivedAt) {
        Instant deviceTime = receivedAt.minusMillis(400);
        return List.of(
                new NumericReading(
                        DEVICE,
                        Metrics.SPO2,
                        new BigDecimal("97"),
                        UcumUnit.PERCENT,
                        Quality.VALID,
                        deviceTime,
                        receivedAt),
                new NumericReading(
                        DEVICE,
                        Metrics.PERFUSION_INDEX,
                        new BigDecimal("3.60"),
                        UcumUnit.PERCENT,
                        Quality.of(QualityFlag.QUESTIONABLE, "low perfusion (EXC 0x000004)"),
                        deviceTime,
                        receivedAt),
                new NumericReading(
                        DEVICE,
                        Metrics.PULSE_RATE_OXIMETRY,
                        null,
                        UcumUnit.PER_MINUTE,
                        Quality.notAvailable("no value ('---')"),
                        null,
                        receivedAt),
                new NumericReading(
                        DEVICE,
                        MetricCode.vendor("X_TEST_BIG", "Big"),
                        new BigDecimal("-123456789012345678901234567890.5"),
                        UcumUnit.DIMENSIONLESS,
                        Quality.VALID,
                        deviceTime,
                        receivedAt),
                new CompoundReading(
                        DEVICE,
                        Metrics.NIBP,
                        List.of(
                                new CompoundReading.Component(
                                        Metrics.NIBP_SYSTOLIC, new BigDecimal("120"), UcumUnit.MM_HG, Quality.VALID),
                                new CompoundReading.Component(
                                        Metrics.NIBP_DIASTOLIC, new BigDecimal("80"), UcumUnit.MM_HG, Quality.VALID),
                                new CompoundReading.Component(
                                        Metrics.NIBP_MEAN, null, UcumUnit.MM_HG, Quality.notAvailable("not measured"))),
                        deviceTime,
                        receivedAt),
                new WaveformSegment(
                        DEVICE,
                        MetricCode.mdc(150452, "MDC_PULS_OXIM_PLETH", null, "Pleth"),
                        UcumUnit.DIMENSIONLESS,
                        Duration.ofMillis(8),
                        new double[] {0.5, -1.25, 3e9, Double.NaN},
                        Quality.VALID,
                        deviceTime,
                        receivedAt),
                new AlarmEvent(
                        DEVICE,
                        "spo2-low",
                        Metrics.SPO2,
                        AlarmEvent.Kind.PHYSIOLOGICAL,
                        AlarmEvent.Priority.UNKNOWN,
                        AlarmEvent.State.ACTIVE,
                        "SpO2 low",
                        deviceTime,
                        receivedAt),
                new AlarmEvent(
                        DEVICE,
                        "low-battery",
                        null,
                        AlarmEvent.Kind.TECHNICAL,
                        AlarmEvent.Priority.LOW,
                        AlarmEvent.State.SILENCED,
                        "Batterie schwach – ÄÖÜ",
                        null,
                        receivedAt),
                new DeviceStatus(
                        DEVICE, DeviceStatus.Code.SENSOR_OFF, "sensor off (EXC 0x000020)", deviceTime, receivedAt));
    }
}
