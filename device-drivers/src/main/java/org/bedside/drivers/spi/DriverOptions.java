package org.bedside.drivers.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A device's driver options, checked against what the driver declares: an unknown key is an error that names it and
 * lists the known ones; a missing key takes the declared default. Immutable.
 */
public final class DriverOptions {
    private final Map<String, String> values;

    private DriverOptions(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @throws InvalidOptionException for a key the driver does not declare
     */
    public static DriverOptions parse(DriverInfo info, Map<String, String> configured) {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec spec : info.options()) {
            values.put(spec.key(), spec.defaultValue());
        }
        for (Map.Entry<String, String> e : new TreeMap<>(configured).entrySet()) {
            if (info.option(e.getKey()).isEmpty()) {
                String known = info.options().isEmpty()
                        ? "the driver " + info.code() + " has no options"
                        : "known options of " + info.code() + ": "
                                + info.options().stream().map(OptionSpec::key).collect(Collectors.joining(", "));
                throw new InvalidOptionException(e.getKey(), "unknown option; " + known);
            }
            values.put(e.getKey(), e.getValue().trim());
        }
        return new DriverOptions(Map.copyOf(values));
    }

    public static DriverOptions defaults(DriverInfo info) {
        return parse(info, Map.of());
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("option " + key + " is not declared by the driver");
        }
        return v;
    }

    /**
     * Parses an option with {@code parser}; a value it rejects becomes an {@link InvalidOptionException} naming the key,
     * the value and what was expected.
     */
    public <T> T get(String key, Function<String, T> parser, String expected) {
        String v = get(key);
        try {
            return parser.apply(v);
        } catch (RuntimeException e) {
            throw new InvalidOptionException(key, "'" + v + "' is not " + expected);
        }
    }

    /**
     * A duration option in the one syntax of {@link OptionDuration}, between {@code min} and {@code max} inclusive.
     *
     * @throws InvalidOptionException naming the key, the value and the range allowed
     */
    public java.time.Duration duration(String key, java.time.Duration min, java.time.Duration max) {
        String v = get(key);
        String expected = "a duration from " + OptionDuration.format(min) + " to " + OptionDuration.format(max)
                + " (such as 500ms, 30s, 5m or PT30S)";
        java.time.Duration d;
        try {
            d = OptionDuration.parse(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(key, "'" + v + "' is not " + expected);
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new InvalidOptionException(key, "'" + v + "' is not " + expected);
        }
        return d;
    }

    public Map<String, String> asMap() {
        return values;
    }

    public static List<String> keys(DriverInfo info) {
        return info.options().stream().map(OptionSpec::key).toList();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
