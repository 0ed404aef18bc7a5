package org.bedside.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gateway.capture}, checked: where captures are written ({@code <data-dir>/captures}: under systemd's {@code
 * ProtectSystem=strict} the data directory is the one place the gateway may write), the size cap of one file and the
 * longest capture that may be asked for.
 */
public record CaptureSettings(Path directory, long maxBytes, Duration maxDuration) {
    static final String KEY = "gateway.capture";
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");
    /** Below this a capture holds hardly a frame; above it a capture would crowd the buffer's disk. */
    static final long MIN_BYTES = 1024;

    static final long MAX_BYTES = 4L << 30;

    /**
     * @throws ConfigProblems naming {@code gateway.capture.max-size} or {@code .max-duration}
     */
    public static CaptureSettings from(GatewayConfig config) {
        ConfigProblems.Collector problems = new ConfigProblems.Collector();
        GatewayConfig.CaptureConfig c = config.capture();
        long bytes = size(c.maxSize().trim());
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            problems.add(
                    KEY + ".max-size",
                    "'" + c.maxSize() + "' is not a size from 1KiB to 4GiB (bytes, or a number with KiB, MiB or GiB)");
        }
        if (c.maxDuration().compareTo(Duration.ofSeconds(1)) < 0
                || c.maxDuration().compareTo(Duration.ofDays(1)) > 0) {
            problems.add(KEY + ".max-duration", "must be from 1s to 24h");
        }
        problems.throwIfAny();
        return new CaptureSettings(Path.of(config.dataDir()).resolve("captures"), bytes, c.maxDuration());
    }

    /** The size in bytes; -1 when the text is not one. */
    static long size(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift = switch (unit) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        return n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
    }

    /** A size for people: {@code 64 MiB}, {@code 4 KiB}, {@code 900 bytes}. */
    public static String describe(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
        }
        if (bytes >= 1 << 10) {
            return bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " bytes";
    }
}
