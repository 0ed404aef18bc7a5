package org.bedside.alarms.eval;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.alarms.AlarmEngine;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.alarms.LimitRule;
import org.bedside.alarms.Parameter;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * Replays numerics files through the alarm engine and counts, per file and in total:
 *
 * <ul>
 *   <li><b>raw</b>: threshold episodes without any delay, at the policy's limits: maximal runs of consecutive rows
 *       beyond a limit (a row without a value ends a run, as it ends a plain threshold alarm);
 *   <li><b>notified</b>: physiological alerts the engine started;
 *   <li><b>technical</b>: technical alerts the engine started (runs of no value);
 *   <li><b>sustained</b>: fixed whatever the policy: runs of at least 30 s beyond one of the reference limits (SpO2 below
 *       90 %, HR and PULSE above 120 or below 50 /min, RESP above 30 or below 8 /min), gaps of no value of up to 10 s
 *       inside a run bridged (a row stands for one second: the files are 1 Hz);
 *   <li><b>missed</b>: sustained runs that no physiological alert of their column and limit covered within 30 s of the
 *       run's start (an alert covers a run when it started at most 30 s after the run's start and had not ended before
 *       it).
 * </ul>
 */
final class Evaluation {
    static final double SUSTAINED_SECONDS = 30;
    static final double BRIDGED_GAP_SECONDS = 10;
    static final double COVER_WITHIN_SECONDS = 30;
    /** The files' times are seconds from the start of the recording; the engine's clock starts here. */
    static final Instant BASE = Instant.parse("2000-01-01T00:00:00Z");

    private static final Map<String, UcumUnit> UNITS = Map.of(
            "HR", UcumUnit.BEATS_PER_MINUTE,
            "PULSE", UcumUnit.BEATS_PER_MINUTE,
            "RESP", UcumUnit.PER_MINUTE,
            "SPO2", UcumUnit.PERCENT);

    private Evaluation() {}

    /** One alert as the evaluation prints it: times in the file's {@code Time [s]}; end null when still open. */
    record Alert(
            String file,
            String column,
            String limit,
            double start,
            @Nullable Double end) {}

    /** A run of rows beyond a limit. */
    record Run(String column, String limit, double start, double end) {}

    record FileResult(
            String file,
            int rows,
            int raw,
            int notified,
            int technical,
            List<Run> sustained,
            List<Run> missed,
            List<Alert> alerts) {}

    static FileResult evaluate(NumericsTable table, AlarmPolicy policy) {
        AlarmEngine engine = new AlarmEngine(policy);
        DeviceId device = deviceOf(table.name());
        Map<String, Double> starts = new LinkedHashMap<>();
        Map<String, Alert> alerts = new LinkedHashMap<>();
        for (int row = 0; row < table.rows(); row++) {
            Instant at = instant(table.times()[row]);
            List<Reading> frame = new ArrayList<>();
            for (int c = 0; c < table.columns().size(); c++) {
                NumericsTable.Column col = table.columns().get(c);
                BigDecimal v = table.values()[row][c];
                UcumUnit unit = UNITS.getOrDefault(col.name().toUpperCase(java.util.Locale.ROOT), UcumUnit.PER_MINUTE);
                frame.add(new NumericReading(
                        device,
                        col.metric(),
                        v,
                        unit,
                        v == null
                                ? Quality.notAvailable("NaN in the file: parameter invalid or sensor off")
                                : Quality.VALID,
                        null,
                        at));
            }
            for (AlertReport r : engine.accept(frame)) {
                record(table, r, starts, alerts);
            }
        }
        int notified = 0;
        int technical = 0;
        for (Alert a : alerts.values()) {
            if (a.limit().equals("technical")) {
                technical++;
            } else {
                notified++;
            }
        }
        int raw = 0;
        for (int c = 0; c < table.columns().size(); c++) {
            for (LimitRule rule : rulesOf(policy, table.columns().get(c))) {
                raw += rawEpisodes(table, c, rule);
            }
        }
        List<Run> sustained = new ArrayList<>();
        AlarmPolicy reference = AlarmPolicy.defaults();
        for (int c = 0; c < table.columns().size(); c++) {
            for (LimitRule rule : rulesOf(reference, table.columns().get(c))) {
                sustained.addAll(sustainedRuns(table, c, rule));
            }
        }
        List<Run> missed = new ArrayList<>();
        for (Run run : sustained) {
            if (!covered(run, alerts.values())) {
                missed.add(run);
            }
        }
        return new FileResult(
                table.name(), table.rows(), raw, notified, technical, sustained, missed, List.copyOf(alerts.values()));
    }

    private static void record(
            NumericsTable table, AlertReport r, Map<String, Double> starts, Map<String, Alert> alerts) {
        double t = seconds(r.receivedAt());
        String column = columnOf(table, r);
        String limit = r.kind() == AlarmEvent.Kind.TECHNICAL
                ? "technical"
                : r.condition().endsWith("-low") ? "low" : r.condition().endsWith("-high") ? "high" : "other";
        if (r.phase() == AlertReport.Phase.START) {
            starts.put(r.alertId(), t);
            alerts.put(r.alertId(), new Alert(table.name(), column, limit, t, null));
        } else if (r.phase().closesAlert()) {
            Double start = starts.get(r.alertId());
            if (start != null) {
                alerts.put(r.alertId(), new Alert(table.name(), column, limit, start, t));
            }
        }
    }

    private static String columnOf(NumericsTable table, AlertReport r) {
        if (r.source() != null) {
            for (NumericsTable.Column c : table.columns()) {
                if (c.metric().mdc() == r.source().mdc()) {
                    return c.name();
                }
            }
        }
        return "?";
    }

    private static List<LimitRule> rulesOf(AlarmPolicy policy, NumericsTable.Column column) {
        return Parameter.of(column.metric()).map(policy::rules).orElse(List.of());
    }

    /** Maximal runs of consecutive rows beyond the limit; a row without a value ends a run. */
    static int rawEpisodes(NumericsTable table, int column, LimitRule rule) {
        int episodes = 0;
        boolean in = false;
        for (int row = 0; row < table.rows(); row++) {
            BigDecimal v = table.values()[row][column];
            boolean beyond = v != null && rule.isBeyond(v);
            if (beyond && !in) {
                episodes++;
            }
            in = beyond;
        }
        return episodes;
    }

    /**
     * Runs beyond the limit lasting at least 30 s, with gaps of no value of up to 10 s bridged; a value inside the
     * limit ends a run.
     */
    static List<Run> sustainedRuns(NumericsTable table, int column, LimitRule rule) {
        String name = table.columns().get(column).name();
        String limit = rule.direction().key();
        List<Run> runs = new ArrayList<>();
        Double start = null;
        Double lastBeyond = null;
        for (int row = 0; row < table.rows(); row++) {
            double t = table.times()[row];
            BigDecimal v = table.values()[row][column];
            if (v == null) {
                continue; // decided when the next value comes (or the file ends)
            }
            if (rule.isBeyond(v)) {
                if (start != null && lastBeyond != null && t - lastBeyond - 1 > BRIDGED_GAP_SECONDS) {
                    close(runs, name, limit, start, lastBeyond);
                    start = null;
                }
                if (start == null) {
                    start = t;
                }
                lastBeyond = t;
            } else {
                if (start != null && lastBeyond != null) {
                    close(runs, name, limit, start, lastBeyond);
                }
                start = null;
                lastBeyond = null;
            }
        }
        if (start != null && lastBeyond != null) {
            close(runs, name, limit, start, lastBeyond);
        }
        return runs;
    }

    private static void close(List<Run> runs, String column, String limit, double start, double lastBeyond) {
        if (lastBeyond - start + 1 >= SUSTAINED_SECONDS) {
            runs.add(new Run(column, limit, start, lastBeyond));
        }
    }

    static boolean covered(Run run, Iterable<Alert> alerts) {
        for (Alert a : alerts) {
            if (a.column().equals(run.column())
                    && a.limit().equals(run.limit())
                    && a.start() <= run.start() + COVER_WITHIN_SECONDS
                    && (a.end() == null || a.end() >= run.start())) {
                return true;
            }
        }
        return false;
    }

    static DeviceId deviceOf(String fileName) {
        String base = fileName.replaceFirst("(?i)\\.csv$", "").replaceAll("[^A-Za-z0-9._-]", "-");
        if (base.isEmpty() || !Character.isLetterOrDigit(base.charAt(0))) {
            base = "file" + base;
        }
        return DeviceId.of(base.length() > 64 ? base.substring(0, 64) : base);
    }

    static Instant instant(double seconds) {
        return BASE.plusNanos(Math.round(seconds * 1e6) * 1000L);
    }

    static double seconds(Instant t) {
        return Reading.epochMicros(t) / 1e6 - BASE.getEpochSecond();
    }
}
