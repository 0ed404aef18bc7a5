package org.bedside.model;

import org.jspecify.annotations.Nullable;

/**
 * What was measured: an IEEE 11073-10101 (MDC) term and, where one exists, the LOINC code of the same observation.
 *
 * <p>{@code mdc} is the context-free code, partition &times; 65536 + term code: SpO2 is {@code 150456} (partition 2,
 * term 19384, {@code MDC_PULS_OXIM_SAT_O2}). Metrics that a vendor reports but that have no standard MDC term (Masimo's
 * PVI, for example) carry {@code mdc = 0} and a {@code refId} that names the vendor; they are kept in the buffer but
 * nothing standard is claimed for them.
 *
 * @param mdc the MDC context-free code, or 0 for a vendor metric with no standard term
 * @param refId the MDC reference id ({@code MDC_PULS_OXIM_SAT_O2}) or, for vendor metrics, {@code X_<VENDOR>_<NAME>}
 * @param loinc the LOINC code of the measurement itself (SpO2 by pulse oximetry is {@code 59408-5}), or null
 * @param label a short human label for status pages and logs ({@code SpO2})
 */
public record MetricCode(int mdc, String refId, @Nullable String loinc, String label) {

    public MetricCode {
        if (mdc < 0) {
            throw new IllegalArgumentException("MDC code must not be negative: " + mdc);
        }
        if (refId.isBlank() || label.isBlank()) {
            throw new IllegalArgumentException("a metric needs a reference id and a label");
        }
        if (mdc == 0 && !refId.startsWith("X_")) {
            throw new IllegalArgumentException("a vendor metric's reference id starts with X_: " + refId);
        }
    }

    public static MetricCode mdc(int mdc, String refId, @Nullable String loinc, String label) {
        return new MetricCode(mdc, refId, loinc, label);
    }

    public static MetricCode vendor(String refId, String label) {
        return new MetricCode(0, refId, null, label);
    }

    /** True for a term of the IEEE 11073-10101 nomenclature; false for a vendor metric. */
    public boolean isStandard() {
        return mdc != 0;
    }

    /** The part of a reading's identity that names the metric: the MDC code, or the vendor reference id. */
    public String identityPart() {
        return isStandard() ? Integer.toString(mdc) : refId;
    }
}
