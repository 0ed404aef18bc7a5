package org.bedside.uplink;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.jspecify.annotations.Nullable;

/**
 * Checks before charting: a value outside the care unit's plausible range for its metric is not charted as final —
 * it is charted as {@code preliminary} with the reason, or not charted, as configured — and a unit whose nurses
 * validate in the EHR can have everything charted as {@code preliminary}. Nothing is changed: the value is the
 * device's; only its status and a note say it was not validated.
 *
 * <p>A frozen device is treated like an implausible value: a valid value that stays the same to the last digit for
 * longer than {@code frozenAfter} gives for its metric ({@link FrozenValues}).
 *
 * @param ranges plausible ranges by MDC code (numeric metrics only)
 * @param frozenAfter by MDC code (numeric metrics only): how long one value may repeat before it looks frozen
 */
public record ChartingValidation(
        Map<Integer, Range> ranges, OutOfRange outOfRange, boolean allPreliminary, Map<Integer, Duration> frozenAfter) {

    /** What becomes of a value outside its range. */
    public enum OutOfRange {
        /** Charted with status {@code preliminary} and a note naming the range. */
        PRELIMINARY,
        /** Not charted; counted as {@code implausible}. It stays in the buffer. */
        NOT_CHARTED
    }

    /** Inclusive bounds in the metric's charted unit. */
    public record Range(BigDecimal low, BigDecimal high) {
        public Range {
            if (low.compareTo(high) > 0) {
                throw new IllegalArgumentException("the range " + low + ".." + high + " is empty");
            }
        }

        /**
         * Reads {@code 50..100}.
         *
         * @throws IllegalArgumentException naming what is wrong
         */
        public static Range parse(String text) {
            String[] parts = text.strip().split("\\.\\.", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("'" + text + "' is not a range such as 50..100");
            }
            try {
                return new Range(new BigDecimal(parts[0].strip()), new BigDecimal(parts[1].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a range such as 50..100");
            }
        }

        @Override
        public String toString() {
            return low.toPlainString() + ".." + high.toPlainString();
        }
    }

    /** The numeric metrics a range can be set for, by their MDC reference id. */
    public static final List<MetricCode> RANGED = List.of(
            Metrics.SPO2,
            Metrics.PULSE_RATE_OXIMETRY,
            Metrics.HEART_RATE_ECG,
            Metrics.PULSE_RATE,
            Metrics.PERFUSION_INDEX,
            Metrics.RESPIRATION_RATE,
            Metrics.TEMPERATURE,
            Metrics.END_TIDAL_CO2);

    public ChartingValidation {
        ranges = Map.copyOf(ranges);
        frozenAfter = Map.copyOf(frozenAfter);
        frozenAfter.forEach((mdc, d) -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("a frozen-value time must be positive, not " + d);
            }
        });
    }

    /** Without frozen-value checks. */
    public ChartingValidation(Map<Integer, Range> ranges, OutOfRange outOfRange, boolean allPreliminary) {
        this(ranges, outOfRange, allPreliminary, Map.of());
    }

    public static ChartingValidation none() {
        return new ChartingValidation(Map.of(), OutOfRange.PRELIMINARY, false);
    }

    /** The metric of a reference id such as {@code MDC_PULS_OXIM_SAT_O2}, if a range can be set for it. */
    public static Optional<MetricCode> metric(String refId) {
        return RANGED.stream().filter(m -> m.refId().equals(refId.strip())).findFirst();
    }

    /** Why a valid value is not plausible, or null when it is (or no range is set). */
    @Nullable
    String implausible(MetricCode metric, @Nullable BigDecimal value) {
        Range r = ranges.get(metric.mdc());
        if (r == null || value == null) {
            return null;
        }
        if (value.compareTo(r.low()) < 0 || value.compareTo(r.high()) > 0) {
            return "outside the plausible range " + r + " configured for " + metric.label();
        }
        return null;
    }
}
