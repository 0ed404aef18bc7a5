package org.bedside.model;

import java.math.BigDecimal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A number a device measured, such as SpO2 97 %. The value keeps the precision the device sent ({@code 03.60} stays
 * 3.60). When the device sent no usable value, {@code value} is null or the quality is invalid, and the quality says
 * why; a value is never replaced by zero or by the previous one.
 */
public record NumericReading(
        DeviceId device,
        MetricCode metric,
        @Nullable BigDecimal value,
        UcumUnit unit,
        Quality quality,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    public NumericReading {
        if (value == null && quality.isValid()) {
            throw new IllegalArgumentException("a missing " + metric.label() + " value needs an invalidating quality");
        }
    }

    /** True when there is a value and the device did not mark it unusable. */
    public boolean isValid() {
        return value != null && quality.isValid();
    }

    @Override
    public NumericReading withReceivedAt(Instant t) {
        return new NumericReading(device, metric, value, unit, quality, deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return metric.identityPart();
    }
}
