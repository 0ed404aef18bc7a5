package org.bedside.buffer.format;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * The record format's static table of common metric-and-unit pairs, in the manner of HPACK's static table: a numeric
 * reading whose metric and unit equal an entry is stored as the entry's number (one byte) instead of five strings.
 * Anything else is stored in full, so the table only ever saves space; it never changes a reading.
 *
 * <p><b>Append only.</b> An entry's number is on disk in every buffer written since it was added: never renumber,
 * remove or alter an entry (CodeBookTest pins them). Add new entries at the end.
 */
final class CodeBook {
    record Entry(MetricCode metric, UcumUnit unit) {}

    /** Index 0 means "not in the table"; entry n is ENTRIES.get(n - 1). */
    static final List<Entry> ENTRIES = List.of(
            new Entry(Metrics.SPO2, UcumUnit.PERCENT),
            new Entry(Metrics.PULSE_RATE_OXIMETRY, UcumUnit.PER_MINUTE),
            new Entry(Metrics.PERFUSION_INDEX, UcumUnit.PERCENT),
            new Entry(Metrics.HEART_RATE_ECG, UcumUnit.PER_MINUTE),
            new Entry(MetricCode.vendor("X_MASIMO_SPCO", "SpCO"), UcumUnit.PERCENT),
            new Entry(MetricCode.vendor("X_MASIMO_SPMET", "SpMet"), UcumUnit.PERCENT),
            new Entry(MetricCode.vendor("X_MASIMO_DESAT_INDEX", "Desat index"), UcumUnit.DIMENSIONLESS),
            new Entry(MetricCode.vendor("X_MASIMO_PI_DELTA", "PI delta"), UcumUnit.PERCENT),
            new Entry(MetricCode.vendor("X_MASIMO_PVI", "PVI"), UcumUnit.PERCENT),
            new Entry(Metrics.NIBP_SYSTOLIC, UcumUnit.MM_HG),
            new Entry(Metrics.NIBP_DIASTOLIC, UcumUnit.MM_HG),
            new Entry(Metrics.NIBP_MEAN, UcumUnit.MM_HG),
            new Entry(Metrics.RESPIRATION_RATE, UcumUnit.PER_MINUTE),
            new Entry(Metrics.TEMPERATURE, UcumUnit.CELSIUS),
            new Entry(Metrics.PULSE_RATE, UcumUnit.PER_MINUTE));

    private static final Map<Entry, Integer> INDEX = new HashMap<>();
    /** The shared constants (Metrics.SPO2...) are found by identity first: no hashing of strings per reading. */
    private static final Map<MetricCode, Integer> BY_IDENTITY = new IdentityHashMap<>();

    static {
        for (int i = 0; i < ENTRIES.size(); i++) {
            INDEX.put(ENTRIES.get(i), i + 1);
            BY_IDENTITY.put(ENTRIES.get(i).metric(), i + 1);
        }
    }

    private CodeBook() {}

    /** The entry number of this pair, or 0. */
    static int indexOf(MetricCode metric, UcumUnit unit) {
        Integer byIdentity = BY_IDENTITY.get(metric);
        if (byIdentity != null) {
            UcumUnit expected = ENTRIES.get(byIdentity - 1).unit();
            if (expected == unit || expected.equals(unit)) {
                return byIdentity;
            }
        }
        Integer i = INDEX.get(new Entry(metric, unit));
        return i == null ? 0 : i;
    }

    static @Nullable Entry entry(int index) {
        return index >= 1 && index <= ENTRIES.size() ? ENTRIES.get(index - 1) : null;
    }
}
