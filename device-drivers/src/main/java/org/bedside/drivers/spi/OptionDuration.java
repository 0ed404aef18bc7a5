package org.bedside.drivers.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one syntax of a duration in a driver option: a whole number and a unit, {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 12h}, {@code 7d}, or ISO-8601 ({@code PT30S}). The same as the configuration file's other durations, so that
 * {@code interval: 5s} means the same for every driver.
 */
public final class OptionDuration {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private OptionDuration() {}

    /**
     * @throws IllegalArgumentException for anything else (a bare number, a negative duration, a unit it does not know)
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (t.startsWith("p")) {
            try {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 5m, 12h, 7d or PT30S");
    }

    /** Shown by a range check: {@code 1s}, {@code 500ms}, {@code 60m}. */
    static String format(Duration d) {
        if (d.toMillisPart() != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        return d.getSeconds() + "s";
    }
}
