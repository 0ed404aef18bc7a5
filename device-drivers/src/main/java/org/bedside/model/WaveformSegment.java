package org.bedside.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A run of evenly spaced samples of one waveform (ECG lead II, pleth, respiration), in the unit given. Waveforms feed
 * the live view and alarms; they are buffered but not charted. The first sample was taken at {@code deviceTime} (or,
 * without a device clock, shortly before {@code receivedAt}).
 */
public record WaveformSegment(
        DeviceId device,
        MetricCode metric,
        UcumUnit unit,
        Duration samplePeriod,
        double[] samples,
        Quality quality,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    public WaveformSegment {
        if (samplePeriod.isNegative() || samplePeriod.isZero()) {
            throw new IllegalArgumentException("sample period must be positive: " + samplePeriod);
        }
        samples = samples.clone();
    }

    @Override
    public double[] samples() {
        return samples.clone();
    }

    public int sampleCount() {
        return samples.length;
    }

    @Override
    public WaveformSegment withReceivedAt(Instant t) {
        return new WaveformSegment(device, metric, unit, samplePeriod, samples, quality, deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return "wave:" + metric.identityPart();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof WaveformSegment w
                && device.equals(w.device)
                && metric.equals(w.metric)
                && unit.equals(w.unit)
                && samplePeriod.equals(w.samplePeriod)
                && Arrays.equals(samples, w.samples)
                && quality.equals(w.quality)
                && java.util.Objects.equals(deviceTime, w.deviceTime)
                && receivedAt.equals(w.receivedAt);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(device, metric, samplePeriod, Arrays.hashCode(samples), receivedAt);
    }

    @Override
    public String toString() {
        return "WaveformSegment[" + device + ", " + metric.label() + ", " + samples.length + " samples every "
                + samplePeriod + ", received " + receivedAt + "]";
    }
}
