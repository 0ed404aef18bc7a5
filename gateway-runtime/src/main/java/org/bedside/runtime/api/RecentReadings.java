package org.bedside.runtime.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * The status page's short memory: for each numeric of each device its latest value and a trend of the last
 * {@link Settings#window()} (30 minutes), and the alarms, device statuses and alerts the readings carried lately. It is
 * for people to look at, never for charting or alarming, and it is bounded whatever the devices send:
 *
 * <ul>
 *   <li>a trend keeps at most {@link Settings#pointsPerSeries()} points, at least {@code window / pointsPerSeries}
 *       apart (a value that comes sooner still becomes the latest, but is not added to the trend): a device that sends
 *       ten times a second fills the same memory as one that sends every two seconds;
 *   <li>at most {@link Settings#maxSeries()} series and {@link Settings#maxReports()} reports: a new one beyond that
 *       replaces the one heard from longest ago, so that a device inventing metric codes cannot grow it;
 *   <li>points, series and reports older than the window are dropped as time passes.
 * </ul>
 *
 * <p>Nothing is made up: an invalid value stays invalid with the device's reason (a gap in the trend, never a line
 * across it); a receive time earlier than the trend's last point means the gateway's clock stepped back, and the trend
 * starts again rather than draw a line back in time. Waveforms are not kept. Thread-safe.
 */
final class RecentReadings {
    /**
     * How much is kept.
     *
     * @param window how far back trends, series and reports go
     * @param pointsPerSeries the most points of one trend
     * @param maxSeries the most numerics (of all devices) kept
     * @param maxReports the most alarms, statuses and alerts (of all devices) kept
     */
    record Settings(Duration window, int pointsPerSeries, int maxSeries, int maxReports) {
        /** 30 minutes, one point every 2 s at most, 256 numerics, 64 reports. */
        static final Settings DEFAULT = new Settings(Duration.ofMinutes(30), 900, 256, 64);

        Settings {
            if (window.isNegative() || window.isZero() || pointsPerSeries < 2 || maxSeries < 1 || maxReports < 1) {
                throw new IllegalArgumentException("a window needs a positive length and room: " + window + ", "
                        + pointsPerSeries + " points, " + maxSeries + " series, " + maxReports + " reports");
            }
        }
    }

    /**
     * The latest value of one numeric. {@code value} is null when the device sent none or marked it invalid; {@code
     * lastValidAt} is when it last sent a valid one within the window, or null if it did not.
     */
    record Latest(
            String series,
            String device,
            String label,
            @Nullable String value,
            String unit,
            String ucum,
            String quality,
            Instant at,
            @Nullable Instant lastValidAt) {}

    /**
     * An alarm, device status or alert the readings carried.
     *
     * @param kind {@code alarm} (the device's own), {@code status} (the device's technical condition), {@code alert}
     *     (the gateway's alarm engine) or {@code pump-event} (a pump's last PCD-10 event per channel)
     * @param priority as carried; {@code UNKNOWN} when the reading does not say (a device status never does)
     * @param state as carried ({@code ACTIVE}, {@code SILENCED}, a phase of an alert), or {@code REPORTED}
     */
    record Report(
            String key,
            String device,
            String kind,
            String code,
            String text,
            String priority,
            String state,
            Instant firstSeen,
            Instant lastSeen) {}

    /** A trend: times in epoch milliseconds, values as numbers or null for a gap (invalid, or the device silent). */
    record Trend(String series, String device, String label, String unit, List<Long> t, List<@Nullable Double> v) {}

    private final Settings settings;
    private final long spacingMillis;
    private final long windowMillis;
    /** Insertion order is not used for eviction: the series heard from longest ago goes. */
    private final Map<String, Series> series = new LinkedHashMap<>();

    private final Map<String, Report> reports = new LinkedHashMap<>();

    RecentReadings(Settings settings) {
        this.settings = settings;
        this.windowMillis = settings.window().toMillis();
        this.spacingMillis = Math.max(1, windowMillis / settings.pointsPerSeries());
    }

    Settings settings() {
        return settings;
    }

    /** Takes in the readings of one stored record. */
    synchronized void accept(List<? extends Reading> readings) {
        for (Reading r : readings) {
            if (r instanceof NumericReading n) {
                numeric(n.device().value(), "", "", n.metric(), n.value(), n.unit(), n.quality(), n.receivedAt());
            } else if (r instanceof CompoundReading c) {
                for (CompoundReading.Component part : c.components()) {
                    numeric(
                            c.device().value(),
                            c.metric().identityPart() + ":",
                            part.metric().label().startsWith(c.metric().label())
                                    ? ""
                                    : c.metric().label() + " ",
                            part.metric(),
                            part.value(),
                            part.unit(),
                            part.quality(),
                            c.receivedAt());
                }
            } else if (r instanceof InfusionStatus p) {
                // A pump channel's numbers (rate, volumes, time left) are numerics of the pump's device, one series
                // per channel; the drug label is the pump's to show, not the page's.
                for (CompoundReading.Component part : p.values()) {
                    numeric(
                            p.device().value(),
                            "channel-" + p.channel() + ":",
                            "Channel " + p.channel() + " ",
                            part.metric(),
                            part.value(),
                            part.unit(),
                            part.quality(),
                            p.receivedAt());
                }
            } else if (r instanceof AlarmEvent a) {
                report(new Report(
                        a.device().value() + "/" + a.subjectPart(),
                        a.device().value(),
                        "alarm",
                        a.code(),
                        a.text(),
                        a.priority().name(),
                        a.state().name(),
                        a.receivedAt(),
                        a.receivedAt()));
            } else if (r instanceof DeviceStatus s && deviceReported(s.code())) {
                report(new Report(
                        s.device().value() + "/" + s.subjectPart(),
                        s.device().value(),
                        "status",
                        s.code().name(),
                        s.detail(),
                        "UNKNOWN",
                        "REPORTED",
                        s.receivedAt(),
                        s.receivedAt()));
            } else if (r instanceof InfusionEvent e) {
                // A pump's last event per channel (PCD-10: delivery started, stopped, completed): shown, never an
                // alarm; the next event of the channel replaces it.
                report(new Report(
                        e.device().value() + "/infusion-event:" + (e.channel() == null ? "pump" : e.channel()),
                        e.device().value(),
                        "pump-event",
                        e.refId().isEmpty() ? String.valueOf(e.code()) : e.refId(),
                        e.describe(),
                        "UNKNOWN",
                        "REPORTED",
                        e.receivedAt(),
                        e.receivedAt()));
            } else if (r instanceof AlertReport a) {
                if (a.phase().closesAlert()) {
                    reports.remove(a.alertId());
                } else {
                    report(new Report(
                            a.alertId(),
                            a.device().value(),
                            "alert",
                            a.condition(),
                            a.text(),
                            a.priority().name(),
                            a.alarmState().name() + " · " + a.phase().acmCode(),
                            a.onset(),
                            a.receivedAt()));
                }
            }
            // Waveforms are not kept: the page draws trends of numerics only.
        }
    }

    /** The link's own states are the device tile's business; what the device says about itself is a report. */
    private static boolean deviceReported(DeviceStatus.Code code) {
        return switch (code) {
            case CONNECTED, DISCONNECTED, NO_DATA -> false;
            default -> true;
        };
    }

    /**
     * One numeric value.
     *
     * @param keyPart what tells the series apart within the device besides the metric (a compound's code, a pump's
     *     channel), or nothing
     * @param labelPart the same for people, or nothing
     */
    private void numeric(
            String device,
            String keyPart,
            String labelPart,
            MetricCode metric,
            @Nullable BigDecimal value,
            UcumUnit unit,
            Quality quality,
            Instant at) {
        String key = device + "/" + keyPart + metric.identityPart();
        @Nullable BigDecimal shown = value != null && quality.isValid() ? value : null;
        String label = labelPart + metric.label();
        Latest latest = new Latest(
                key,
                device,
                label,
                shown == null ? null : shown.toPlainString(),
                unit.display(),
                unit.code(),
                shown == null ? invalidReason(value, quality) : quality.reason(),
                at,
                null);
        Series s = series.get(key);
        if (s == null) {
            if (series.size() >= settings.maxSeries()) {
                evictOldest(series, x -> x.latest.at());
            }
            s = new Series(settings.pointsPerSeries(), latest);
            series.put(key, s);
        }
        if (shown != null) {
            s.lastValidAt = at;
        }
        s.latest = latest;
        s.add(at.toEpochMilli(), shown == null ? Double.NaN : shown.doubleValue(), spacingMillis);
    }

    private static String invalidReason(@Nullable BigDecimal value, Quality quality) {
        if (!quality.reason().isBlank()) {
            return quality.reason();
        }
        return value == null ? "no value" : "marked invalid by the device";
    }

    private void report(Report r) {
        Report before = reports.get(r.key());
        if (before == null && reports.size() >= settings.maxReports()) {
            evictOldest(reports, Report::lastSeen);
        }
        reports.put(
                r.key(),
                before == null
                        ? r
                        : new Report(
                                r.key(),
                                r.device(),
                                r.kind(),
                                r.code(),
                                r.text(),
                                r.priority(),
                                r.state(),
                                before.firstSeen(),
                                r.lastSeen()));
    }

    private static <V> void evictOldest(Map<String, V> map, java.util.function.Function<V, Instant> heard) {
        map.entrySet().stream()
                .min(Comparator.comparing(e -> heard.apply(e.getValue())))
                .map(Map.Entry::getKey)
                .ifPresent(map::remove);
    }

    /** Drops what is older than the window before {@code now}. */
    synchronized void expire(Instant now) {
        long cutoff = now.toEpochMilli() - windowMillis;
        series.values().removeIf(s -> s.latest.at().toEpochMilli() < cutoff);
        series.values().forEach(s -> s.dropBefore(cutoff));
        reports.values().removeIf(r -> r.lastSeen().toEpochMilli() < cutoff);
    }

    /** The latest value of each numeric heard within the window, by device and label. */
    synchronized List<Latest> latest(Instant now) {
        expire(now);
        List<Latest> out = new ArrayList<>(series.size());
        long cutoff = now.toEpochMilli() - windowMillis;
        for (Series s : series.values()) {
            Instant valid = s.lastValidAt;
            Latest l = s.latest;
            out.add(new Latest(
                    l.series(),
                    l.device(),
                    l.label(),
                    l.value(),
                    l.unit(),
                    l.ucum(),
                    l.quality(),
                    l.at(),
                    valid == null || valid.toEpochMilli() < cutoff ? null : valid));
        }
        out.sort(Comparator.comparing(Latest::device).thenComparing(Latest::series));
        return out;
    }

    /** The reports heard within the window, the latest first. */
    synchronized List<Report> reports(Instant now) {
        expire(now);
        List<Report> out = new ArrayList<>(reports.values());
        out.sort(Comparator.comparing(Report::lastSeen).reversed());
        return out;
    }

    /**
     * Every trend within the window. A gap longer than {@code gap} between two points (the device silent) is given as a
     * null point between them, so that no line is drawn across it.
     */
    synchronized List<Trend> trends(Instant now, Duration gap) {
        expire(now);
        List<Trend> out = new ArrayList<>(series.size());
        long gapMillis = gap.toMillis();
        for (Series s : series.values()) {
            List<Long> t = new ArrayList<>(s.size + 8);
            List<@Nullable Double> v = new ArrayList<>(s.size + 8);
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < s.size; i++) {
                int at = (s.head + i) % s.times.length;
                long time = s.times[at];
                if (previous != Long.MIN_VALUE && time - previous > gapMillis) {
                    t.add(previous + 1);
                    v.add(null);
                }
                double value = s.values[at];
                t.add(time);
                v.add(Double.isNaN(value) ? null : value);
                previous = time;
            }
            Latest l = s.latest;
            out.add(new Trend(l.series(), l.device(), l.label(), l.unit(), t, v));
        }
        out.sort(Comparator.comparing(Trend::device).thenComparing(Trend::series));
        return out;
    }

    /** How many trend points are held, all series together: what the bounds are about. */
    synchronized int points() {
        return series.values().stream().mapToInt(s -> s.size).sum();
    }

    synchronized int seriesCount() {
        return series.size();
    }

    synchronized int reportCount() {
        return reports.size();
    }

    /** One numeric: its latest value and a ring of trend points (epoch milliseconds, NaN for invalid). */
    private static final class Series {
        final long[] times;
        final double[] values;
        int head;
        int size;
        Latest latest;

        @Nullable
        Instant lastValidAt;

        Series(int capacity, Latest first) {
            this.times = new long[capacity];
            this.values = new double[capacity];
            this.latest = first;
        }

        void add(long time, double value, long spacing) {
            if (size > 0) {
                long last = times[(head + size - 1) % times.length];
                if (time < last) {
                    // The gateway's clock stepped back: the points before cannot be placed against the new ones.
                    size = 0;
                    head = 0;
                } else if (time - last < spacing
                        && !(Double.isNaN(value) && !Double.isNaN(values[(head + size - 1) % times.length]))) {
                    // Sooner than the spacing: not a point of its own — unless it is the start of a gap (an invalid
                    // value after a valid one), which must never be drawn across.
                    return;
                }
            }
            if (size == times.length) {
                head = (head + 1) % times.length;
                size--;
            }
            int at = (head + size) % times.length;
            times[at] = time;
            values[at] = value;
            size++;
        }

        void dropBefore(long cutoff) {
            while (size > 0 && times[head] < cutoff) {
                head = (head + 1) % times.length;
                size--;
            }
        }
    }
}
