package org.bedside.alarms;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;

/**
 * A vital sign a care unit can put limits on, and the metrics (MDC codes) it covers. The key names it in the policy's
 * settings ({@code spo2.low}, {@code heart-rate.high}).
 */
public enum Parameter {
    /** SpO2 by pulse oximetry (MDC_PULS_OXIM_SAT_O2). */
    SPO2("spo2", "SpO2", List.of(Metrics.SPO2)),
    /** Heart rate from the ECG (MDC_ECG_HEART_RATE). */
    HEART_RATE("heart-rate", "Heart rate", List.of(Metrics.HEART_RATE_ECG)),
    /** Pulse rate: from the oximeter's plethysmogram (MDC_PULS_OXIM_PULS_RATE) or unspecified (MDC_PULS_RATE). */
    PULSE_RATE("pulse-rate", "Pulse rate", List.of(Metrics.PULSE_RATE_OXIMETRY, Metrics.PULSE_RATE)),
    /** Respiration rate by thoracic impedance (MDC_RESP_RATE); the airway rate of a ventilator is not covered. */
    RESPIRATION_RATE("respiration-rate", "Respiration rate", List.of(Metrics.RESPIRATION_RATE));

    private final String key;
    private final String label;
    private final List<MetricCode> metrics;

    Parameter(String key, String label, List<MetricCode> metrics) {
        this.key = key;
        this.label = label;
        this.metrics = metrics;
    }

    /** The name in the policy's settings: {@code spo2}, {@code heart-rate}. */
    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    public List<MetricCode> metrics() {
        return metrics;
    }

    /** The parameter that covers this metric (by MDC code), if any. */
    public static Optional<Parameter> of(MetricCode metric) {
        if (!metric.isStandard()) {
            return Optional.empty();
        }
        for (Parameter p : values()) {
            for (MetricCode m : p.metrics) {
                if (m.mdc() == metric.mdc()) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Parameter> ofKey(String key) {
        for (Parameter p : values()) {
            if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
