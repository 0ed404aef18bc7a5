package org.bedside.uplink;

import java.time.Instant;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;

/**
 * A reading the charting policy chose to chart, with the time it is charted at and the identifier its Observation
 * carries.
 *
 * @param reading a {@link NumericReading}, a {@link CompoundReading}, or an {@link InfusionStatus} of which {@code
 *     metric} names the number charted ({@link #pumpValue()})
 * @param position the store position of the record the reading came from
 * @param subject the Observation's subject; null for the device's configured patient
 * @param preliminary why the Observation is charted as {@code preliminary}, not {@code final}; null for final
 * @param unit the physical unit that took the reading: the {@link DeviceIdentity} in the reading's own record, or null
 *     when that record named none (the Observation then names the configured device alone)
 */
record Chartable(
        Reading reading,
        ChartedMetric metric,
        Instant effective,
        String identifier,
        long position,
        @org.jspecify.annotations.Nullable String subject,
        @org.jspecify.annotations.Nullable String preliminary,
        @org.jspecify.annotations.Nullable DeviceIdentity unit) {

    /** Charted to the device's configured patient. */
    Chartable(Reading reading, ChartedMetric metric, Instant effective, String identifier, long position) {
        this(reading, metric, effective, identifier, position, null, null, null);
    }

    /** Of a unit that did not name itself. */
    Chartable(
            Reading reading,
            ChartedMetric metric,
            Instant effective,
            String identifier,
            long position,
            @org.jspecify.annotations.Nullable String subject,
            @org.jspecify.annotations.Nullable String preliminary) {
        this(reading, metric, effective, identifier, position, subject, preliminary, null);
    }

    MetricCode metricCode() {
        if (reading instanceof InfusionStatus) {
            return pumpValue().metric();
        }
        return reading instanceof CompoundReading c ? c.metric() : ((NumericReading) reading).metric();
    }

    /** For a pump's reading, the number charted: the pump's value with the metric's MDC code. */
    CompoundReading.Component pumpValue() {
        InfusionStatus status = (InfusionStatus) reading;
        return status.values().stream()
                .filter(v -> v.metric().isStandard() && v.metric().mdc() == metric.mdc())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("pump reading without MDC " + metric.mdc()));
    }

    /** The value for people: {@code 97}, or {@code 120/80 (93)} for a blood pressure; null when there is none. */
    @org.jspecify.annotations.Nullable
    String displayValue() {
        if (reading instanceof NumericReading n) {
            return n.value() == null ? null : n.value().toPlainString();
        }
        if (reading instanceof InfusionStatus) {
            CompoundReading.Component v = pumpValue();
            return v.value() == null ? null : v.value().toPlainString();
        }
        StringBuilder b = new StringBuilder();
        for (CompoundReading.Component part : ((CompoundReading) reading).components()) {
            String v = part.value() == null ? "-" : part.value().toPlainString();
            b.append(b.length() == 0 ? v : part.metric().refId().endsWith("_MEAN") ? " (" + v + ")" : "/" + v);
        }
        return b.toString();
    }

    String unitCode() {
        if (reading instanceof InfusionStatus) {
            return pumpValue().unit().code();
        }
        return reading instanceof CompoundReading c
                ? c.components().get(0).unit().code()
                : ((NumericReading) reading).unit().code();
    }
}
