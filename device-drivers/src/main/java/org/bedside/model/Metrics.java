package org.bedside.model;

/**
 * Standard metrics shared by several drivers. Codes are from IEEE 11073-10101 (checked against the numeric values in
 * the MDC nomenclature as used by the IHE PCD Technical Framework examples) and LOINC.
 */
public final class Metrics {
    /** SpO2 by pulse oximetry: MDC_PULS_OXIM_SAT_O2 (2::19384), LOINC 59408-5. */
    public static final MetricCode SPO2 = MetricCode.mdc(150456, "MDC_PULS_OXIM_SAT_O2", "59408-5", "SpO2");

    /** Pulse rate from the oximeter's plethysmogram: MDC_PULS_OXIM_PULS_RATE (2::18458), LOINC 8889-8. */
    public static final MetricCode PULSE_RATE_OXIMETRY =
            MetricCode.mdc(149530, "MDC_PULS_OXIM_PULS_RATE", "8889-8", "Pulse rate");

    /** Perfusion index: MDC_PULS_OXIM_PERF_REL (2::19376), LOINC 61006-3. */
    public static final MetricCode PERFUSION_INDEX =
            MetricCode.mdc(150448, "MDC_PULS_OXIM_PERF_REL", "61006-3", "Perfusion index");

    /** Heart rate from the ECG: MDC_ECG_HEART_RATE (2::16770), LOINC 8867-4. */
    public static final MetricCode HEART_RATE_ECG =
            MetricCode.mdc(147842, "MDC_ECG_HEART_RATE", "8867-4", "Heart rate");

    private Metrics() {}
}
