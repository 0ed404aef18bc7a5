package org.bedside.uplink;

import java.time.Instant;
import org.bedside.model.CompoundReading;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;

/**
 * A reading the charting policy chose to chart, with the time it is charted at and the identifier its Observation
 * carries.
 *
 * @param reading a {@link NumericReading} or a {@link CompoundReading}
 * @param position the store position of the record the reading came from
 * @param subject the Observation's subject; null for the device's configured patient
 * @param preliminary why the Observation is charted as {@code preliminary}, not {@code final}; null for final
 */
record Chartable(
        Reading reading,
        ChartedMetric metric,
        Instant effective,
        String identifier,
        long position,
        @org.jspecify.annotations.Nullable String subject,
        @org.jspecify.annotations.Nullable String preliminary) {

    /** Charted to the device's configured patient. */
    Chartable(Reading reading, ChartedMetric metric, Instant effective, String identifier, long position) {
        this(reading, metric, effective, identifier, position, null, null);
    }

    MetricCode metricCode() {
        return reading instanceof CompoundReading c ? c.metric() : ((NumericReading) reading).metric();
    }

    /** The value for people: {@code 97}, or {@code 120/80 (93)} for a blood pressure; null when there is none. */
    @org.jspecify.annotations.Nullable
    String displayValue() {
        if (reading instanceof NumericReading n) {
            return n.value() == null ? null : n.value().toPlainString();
        }
        StringBuilder b = new StringBuilder();
        for (CompoundReading.Component part : ((CompoundReading) reading).components()) {
            String v = part.value() == null ? "-" : part.value().toPlainString();
            b.append(b.length() == 0 ? v : part.metric().refId().endsWith("_MEAN") ? " (" + v + ")" : "/" + v);
        }
        return b.toString();
    }

    String unitCode() {
        return reading instanceof CompoundReading c
                ? c.components().get(0).unit().code()
                : ((NumericReading) reading).unit().code();
    }
}
