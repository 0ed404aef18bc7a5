package org.bedside.drivers.senml;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * Which SenML record names mean which measurement: the documented table (docs/mqtt.md, "Names"), plus the MDC
 * reference id of every metric in it ({@code MDC_PULS_OXIM_SAT_O2} is always accepted as a name), plus names a site
 * adds in the driver option {@code names} ({@code o2sat=MDC_PULS_OXIM_SAT_O2, bpm=MDC_PULS_OXIM_PULS_RATE}).
 *
 * <p>Each entry says which SenML units ({@code u}) it accepts and which UCUM unit the reading then carries. SenML's
 * units are not UCUM ({@code beat/min} is UCUM's {@code /min}); a record whose unit the entry does not accept is refused,
 * never converted or guessed. A record without {@code u} is accepted only when its {@code ucum} extension field names
 * the entry's UCUM unit. SenML's registry has no millimetre of mercury: blood pressures come with {@code u: "mmHg"}
 * (not a registered SenML unit, but what such sensors send) or with {@code ucum: "mm[Hg]"}.
 */
public final class SenmlNames {

    /**
     * One measurement the gateway knows by SenML name.
     *
     * @param name the name a sensor uses (after the base name), such as {@code spo2}
     * @param metric what it is
     * @param unit the UCUM unit of the readings
     * @param senmlUnits the SenML units accepted for it
     * @param compound for the components of a compound (NIBP systolic, diastolic, mean), the compound's metric; null
     *     otherwise
     * @param lowest the lowest plausible value; lower ones make the pack fail as out of spec
     * @param highest the highest plausible value
     */
    public record Entry(
            String name,
            MetricCode metric,
            UcumUnit unit,
            Set<String> senmlUnits,
            @Nullable MetricCode compound,
            BigDecimal lowest,
            BigDecimal highest) {
        public Entry {
            senmlUnits = Set.copyOf(senmlUnits);
        }

        Entry named(String other) {
            return new Entry(other, metric, unit, senmlUnits, compound, lowest, highest);
        }
    }

    private static final List<Entry> TABLE = List.of(
            entry("spo2", Metrics.SPO2, UcumUnit.PERCENT, Set.of("%"), null, 0, 100),
            entry(
                    "pulse",
                    Metrics.PULSE_RATE_OXIMETRY,
                    UcumUnit.BEATS_PER_MINUTE,
                    Set.of("beat/min", "1/min"),
                    null,
                    0,
                    400),
            entry("pi", Metrics.PERFUSION_INDEX, UcumUnit.PERCENT, Set.of("%"), null, 0, 100),
            entry("hr", Metrics.HEART_RATE_ECG, UcumUnit.BEATS_PER_MINUTE, Set.of("beat/min", "1/min"), null, 0, 400),
            entry("pr", Metrics.PULSE_RATE, UcumUnit.BEATS_PER_MINUTE, Set.of("beat/min", "1/min"), null, 0, 400),
            entry("rr", Metrics.RESPIRATION_RATE, UcumUnit.PER_MINUTE, Set.of("1/min"), null, 0, 200),
            entry("temp", Metrics.TEMPERATURE, UcumUnit.CELSIUS, Set.of("Cel"), null, 10, 50),
            entry("etco2", Metrics.END_TIDAL_CO2, UcumUnit.MM_HG, Set.of("mmHg"), null, 0, 200),
            entry("nibp-sys", Metrics.NIBP_SYSTOLIC, UcumUnit.MM_HG, Set.of("mmHg"), Metrics.NIBP, 0, 400),
            entry("nibp-dia", Metrics.NIBP_DIASTOLIC, UcumUnit.MM_HG, Set.of("mmHg"), Metrics.NIBP, 0, 400),
            entry("nibp-mean", Metrics.NIBP_MEAN, UcumUnit.MM_HG, Set.of("mmHg"), Metrics.NIBP, 0, 400));

    private static final SenmlNames DEFAULT = build(Map.of());

    private final Map<String, Entry> byName;

    private SenmlNames(Map<String, Entry> byName) {
        this.byName = byName;
    }

    /** The documented table and the MDC reference ids. */
    public static SenmlNames standard() {
        return DEFAULT;
    }

    /** The documented table, every entry's metric in it. */
    public static List<Entry> table() {
        return TABLE;
    }

    /**
     * The table plus a site's own names, from the option text {@code name=MDC_REF_ID, ...}.
     *
     * @throws IllegalArgumentException naming the pair that is wrong
     */
    public static SenmlNames withExtra(String option) {
        Map<String, String> extra = new LinkedHashMap<>();
        for (String pair : option.split(",")) {
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("'" + p + "' is not name=MDC_REFERENCE_ID");
            }
            extra.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return build(extra);
    }

    private static SenmlNames build(Map<String, String> extra) {
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry e : TABLE) {
            map.put(e.name(), e);
            map.put(e.metric().refId(), e.named(e.metric().refId()));
        }
        for (Map.Entry<String, String> x : extra.entrySet()) {
            Entry target = map.get(x.getValue());
            if (target == null || !target.name().equals(target.metric().refId())) {
                List<String> known = new ArrayList<>();
                TABLE.forEach(e -> known.add(e.metric().refId()));
                throw new IllegalArgumentException("'" + x.getValue() + "' (for name '" + x.getKey()
                        + "') is not an MDC reference id the gateway knows; known: " + String.join(", ", known));
            }
            checkName(x.getKey());
            map.put(x.getKey(), target.named(x.getKey()));
        }
        return new SenmlNames(Collections.unmodifiableMap(map));
    }

    private static void checkName(String name) {
        // RFC 8428 section 4.5.1: names are built of A-Z a-z 0-9 - : . / _
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9:./_-]*")) {
            throw new IllegalArgumentException("'" + name + "' is not a SenML name");
        }
    }

    /** The entry for a record's name (its part after the base name), exactly as written. */
    public Optional<Entry> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The table's own name of a metric, for the encoder: {@code spo2} for SpO2; empty for metrics not in the table. */
    public static Optional<Entry> forMetric(MetricCode metric) {
        for (Entry e : TABLE) {
            if (e.metric().equals(metric)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** All names accepted, for error messages. */
    public String knownNames() {
        return String.join(", ", byName.keySet());
    }

    private static Entry entry(
            String name,
            MetricCode metric,
            UcumUnit unit,
            Set<String> senmlUnits,
            @Nullable MetricCode compound,
            long lowest,
            long highest) {
        return new Entry(
                name.toLowerCase(Locale.ROOT),
                metric,
                unit,
                senmlUnits,
                compound,
                BigDecimal.valueOf(lowest),
                BigDecimal.valueOf(highest));
    }
}
