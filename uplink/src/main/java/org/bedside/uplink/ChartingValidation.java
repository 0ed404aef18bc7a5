package org.bedside.uplink;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.model.CompoundReading;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
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
 * @param ranges plausible ranges by MDC code (numeric metrics and blood pressure components)
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

    /**
     * The metrics a range can be set for, by their MDC reference id, with the unit (UCUM code) the range is given in: a
     * numeric metric, or a blood pressure's component (each component is checked against its own range).
     */
    public static final Map<MetricCode, String> RANGED = rangedUnits();

    private static Map<MetricCode, String> rangedUnits() {
        Map<MetricCode, String> m = new java.util.LinkedHashMap<>();
        m.put(Metrics.SPO2, "%");
        m.put(Metrics.PULSE_RATE_OXIMETRY, "/min");
        m.put(Metrics.HEART_RATE_ECG, "/min");
        m.put(Metrics.PULSE_RATE, "/min");
        m.put(Metrics.PERFUSION_INDEX, "%");
        m.put(Metrics.RESPIRATION_RATE, "/min");
        m.put(Metrics.TEMPERATURE, "Cel");
        m.put(Metrics.END_TIDAL_CO2, "mm[Hg]");
        m.put(Metrics.NIBP_SYSTOLIC, "mm[Hg]");
        m.put(Metrics.NIBP_DIASTOLIC, "mm[Hg]");
        m.put(Metrics.NIBP_MEAN, "mm[Hg]");
        return java.util.Collections.unmodifiableMap(m);
    }

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

    /**
     * The metrics a frozen-value time can be set for: the numeric ones. A blood pressure is measured now and then, and
     * two equal measurements are no sign of a frozen device.
     */
    public static final List<MetricCode> WATCHED_FOR_FROZEN = RANGED.keySet().stream()
            .filter(m -> m != Metrics.NIBP_SYSTOLIC && m != Metrics.NIBP_DIASTOLIC && m != Metrics.NIBP_MEAN)
            .toList();

    /** The metric of a reference id such as {@code MDC_ECG_HEART_RATE}, if a frozen-value time can be set for it. */
    public static Optional<MetricCode> frozenMetric(String refId) {
        return WATCHED_FOR_FROZEN.stream()
                .filter(m -> m.refId().equals(refId.strip()))
                .findFirst();
    }

    /** The metric of a reference id such as {@code MDC_PULS_OXIM_SAT_O2}, if a range can be set for it. */
    public static Optional<MetricCode> metric(String refId) {
        return RANGED.keySet().stream()
                .filter(m -> m.refId().equals(refId.strip()))
                .findFirst();
    }

    /**
     * Why a valid value is not plausible, or null when it is (or no range is set). A value in another unit than its
     * range is given in cannot be checked against it, so it is not plausible either: it is never converted here, and
     * never charted as validated when it was not.
     */
    @Nullable
    String implausible(MetricCode metric, @Nullable BigDecimal value, UcumUnit unit) {
        Range r = ranges.get(metric.mdc());
        if (r == null || value == null) {
            return null;
        }
        String rangeUnit = RANGED.get(metric);
        if (rangeUnit != null && !rangeUnit.equals(unit.code())) {
            return "in " + unit.code() + ", not the " + rangeUnit + " of the plausible range " + r + " configured for "
                    + metric.label() + ": not checked";
        }
        if (value.compareTo(r.low()) < 0 || value.compareTo(r.high()) > 0) {
            return "outside the plausible range " + r + " configured for " + metric.label();
        }
        return null;
    }

    /**
     * Why a blood pressure is not plausible: each valid component outside its own range, in one sentence; null when
     * none is.
     */
    @Nullable
    String implausible(CompoundReading compound) {
        List<String> reasons = new java.util.ArrayList<>();
        for (CompoundReading.Component c : compound.components()) {
            if (c.isValid()) {
                String why = implausible(c.metric(), c.value(), c.unit());
                if (why != null) {
                    reasons.add(c.metric().label() + " " + c.value().toPlainString() + " " + why);
                }
            }
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }
}
