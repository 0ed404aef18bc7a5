package org.bedside.alarms.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.bedside.alarms.AlarmPolicy;
import org.jspecify.annotations.Nullable;

/**
 * {@code bedside alarms evaluate [--policy FILE] [--alerts-json] CSV...}: replays numerics files in the BIDMC layout
 * through the alarm engine with a policy (the shipped default unless {@code --policy} names a properties file of
 * {@link AlarmPolicy} settings) and prints one line per file and, last, the totals:
 *
 * <pre>
 * bidmc_13_Numerics.csv: rows=481 raw=10 notified=3 technical=4 sustained=3 missed=0
 * raw=27 notified=9 reduction=66.7% sustained=8 missed=0
 * </pre>
 *
 * <p>With {@code --alerts-json}, each file's line is followed by one JSON line per alert: {@code {"file":
 * "bidmc_13_Numerics.csv", "column": "RESP", "limit": "low", "start": 130, "end": 171}} ({@code limit} is {@code low},
 * {@code high} or {@code technical}; times are the file's {@code Time [s]}; {@code end} is null for an alert still
 * open when the file ends). What the counts mean: {@link Evaluation}. Exit status 0, 64 for a usage error, 65 for a
 * policy or file that is not valid, 74 for a file that cannot be read.
 */
public final class AlarmEvaluation {
    private AlarmEvaluation() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path policyFile = null;
        boolean json = false;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--policy")) {
                if (i + 1 >= args.length) {
                    return usage(err, "--policy needs a FILE");
                }
                policyFile = Path.of(args[++i]);
            } else if (a.equals("--alerts-json")) {
                json = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                usage(out, "replays 1 Hz numerics files (Time [s], HR, PULSE, RESP, SpO2; NaN = no value)");
                return 0;
            } else if (a.startsWith("--")) {
                return usage(err, "unknown option '" + a + "'");
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty()) {
            return usage(err, "no CSV file given");
        }
        AlarmPolicy policy = AlarmPolicy.defaults();
        if (policyFile != null) {
            try {
                policy = readPolicy(policyFile, err);
            } catch (IOException e) {
                err.println("alarms evaluate: cannot read the policy file " + policyFile + ": " + e.getMessage());
                return 74;
            }
            if (policy == null) {
                return 65;
            }
        }
        err.println(policy.describe());
        int raw = 0;
        int notified = 0;
        int sustained = 0;
        int missed = 0;
        for (Path f : files) {
            NumericsTable table;
            try {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                table = NumericsTable.parse(f.getFileName().toString(), text);
            } catch (IOException e) {
                err.println("alarms evaluate: cannot read " + f + ": " + e.getMessage());
                return 74;
            } catch (IllegalArgumentException e) {
                err.println("alarms evaluate: " + e.getMessage());
                return 65;
            }
            Evaluation.FileResult r = Evaluation.evaluate(table, policy);
            raw += r.raw();
            notified += r.notified();
            sustained += r.sustained().size();
            missed += r.missed().size();
            out.println(r.file() + ": rows=" + r.rows() + " raw=" + r.raw() + " notified=" + r.notified()
                    + " technical=" + r.technical() + " sustained="
                    + r.sustained().size() + " missed="
                    + r.missed().size());
            for (Evaluation.Run m : r.missed()) {
                err.println("alarms evaluate: " + r.file() + ": missed " + m.column() + " " + m.limit() + " from "
                        + number(m.start()) + " to " + number(m.end()));
            }
            if (json) {
                for (Evaluation.Alert a : r.alerts()) {
                    out.println(json(a));
                }
            }
        }
        out.println("raw=" + raw + " notified=" + notified + " reduction=" + reduction(raw, notified) + " sustained="
                + sustained + " missed=" + missed);
        return 0;
    }

    /** The policy's settings from a properties file ({@code spo2.low.delay = 15s}); null after printing problems. */
    static @Nullable AlarmPolicy readPolicy(Path file, PrintStream err) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        Map<String, String> settings = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            settings.put(k, p.getProperty(k));
        }
        AlarmPolicy.Parsed parsed = AlarmPolicy.parse(settings, file.getFileName() + ": ");
        for (String problem : parsed.problems()) {
            err.println("alarms evaluate: " + problem);
        }
        return parsed.policy();
    }

    static String reduction(int raw, int notified) {
        if (raw == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * (raw - notified) / raw);
    }

    static String json(Evaluation.Alert a) {
        return "{\"file\":" + quote(a.file()) + ",\"column\":" + quote(a.column()) + ",\"limit\":" + quote(a.limit())
                + ",\"start\":" + number(a.start()) + ",\"end\":" + (a.end() == null ? "null" : number(a.end())) + "}";
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static int usage(PrintStream err, String problem) {
        err.println("alarms evaluate: " + problem);
        err.println("usage: bedside alarms evaluate [--policy FILE] [--alerts-json] CSV...");
        err.println("  FILE: a properties file of alarm policy settings (docs/alarms.md), such as spo2.low.delay=15s");
        return 64;
    }
}
