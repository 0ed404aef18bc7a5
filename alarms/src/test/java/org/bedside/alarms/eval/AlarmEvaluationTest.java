package org.bedside.alarms.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.alarms.LimitRule;
import org.bedside.alarms.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation command on the thirty PhysioNet BIDMC files (copied from the shared test data with their SOURCE.txt):
 * the default policy must cut at least half of the plain threshold episodes and miss no sustained one, and runs of no
 * value must give technical alarms, never physiological ones.
 */
class AlarmEvaluationTest {
    private static final Pattern TOTAL =
            Pattern.compile("raw=(\\d+) notified=(\\d+) reduction=([0-9.]+)% sustained=(\\d+) missed=(\\d+)");
    private static final Pattern ALERT = Pattern.compile(
            "\\{\"file\":\"([^\"]+)\",\"column\":\"([^\"]+)\",\"limit\":\"([a-z]+)\",\"start\":([0-9.]+),"
                    + "\"end\":([0-9.]+|null)}");

    private record Run(int exit, List<String> out, String err) {}

    private static Run evaluate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AlarmEvaluation.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    private static List<Path> bidmcFiles() throws IOException, URISyntaxException {
        Path dir =
                Path.of(AlarmEvaluationTest.class.getResource("/bidmc-numerics").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
    }

    private static String[] args(List<Path> files, String... options) {
        List<String> a = new ArrayList<>(List.of(options));
        files.forEach(f -> a.add(f.toString()));
        return a.toArray(String[]::new);
    }

    @Test
    void theDefaultPolicyHalvesTheThresholdEpisodesOfTheBidmcFilesAndMissesNoSustainedOne() throws Exception {
        List<Path> files = bidmcFiles();
        assertThat(files).hasSize(30);
        Run run = evaluate(args(files));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).hasSize(31);
        Matcher m = TOTAL.matcher(run.out().get(30));
        assertThat(m.matches()).as(run.out().get(30)).isTrue();
        int raw = Integer.parseInt(m.group(1));
        int notified = Integer.parseInt(m.group(2));
        double reduction = Double.parseDouble(m.group(3));
        int sustained = Integer.parseInt(m.group(4));
        int missed = Integer.parseInt(m.group(5));
        assertThat(sustained)
                .as("the files hold sustained episodes, so missed=0 means something")
                .isPositive();
        assertThat(notified).isPositive();
        assertThat(reduction).isGreaterThanOrEqualTo(50.0);
        assertThat(reduction).isCloseTo(100.0 * (raw - notified) / raw, org.assertj.core.data.Offset.offset(0.05));
        assertThat(missed).isZero();
        // the per-file lines add up to the total
        int rawSum = 0;
        for (String line : run.out().subList(0, 30)) {
            Matcher f = Pattern.compile(".*: rows=481 raw=(\\d+) notified=\\d+ technical=\\d+ sustained=\\d+ missed=0")
                    .matcher(line);
            assertThat(f.matches()).as(line).isTrue();
            rawSum += Integer.parseInt(f.group(1));
        }
        assertThat(rawSum).isEqualTo(raw);
    }

    @Test
    void runsOfNoValueGiveTechnicalAlarmsNeverPhysiologicalOnes() throws Exception {
        List<Path> files = bidmcFiles();
        Run run = evaluate(args(files, "--alerts-json"));
        assertThat(run.exit()).as(run.err()).isZero();
        List<String[]> alerts = new ArrayList<>();
        for (String line : run.out()) {
            Matcher m = ALERT.matcher(line);
            if (m.matches()) {
                alerts.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)});
            }
        }
        int longRuns = 0;
        for (Path f : files) {
            NumericsTable t = NumericsTable.parse(f.getFileName().toString(), Files.readString(f));
            for (int c = 0; c < t.columns().size(); c++) {
                String column = t.columns().get(c).name();
                // no physiological alert of a column starts at a row where that column has no value
                for (String[] a : alerts) {
                    if (a[0].equals(t.name()) && a[1].equals(column) && !a[2].equals("technical")) {
                        int row = rowAt(t, Double.parseDouble(a[3]));
                        assertThat(t.values()[row][c])
                                .as("%s %s alert at %s", t.name(), column, a[3])
                                .isNotNull();
                    }
                }
                // every run of no value longer than 10 s is covered by a technical alert of that column
                int row = 0;
                while (row < t.rows()) {
                    if (t.values()[row][c] != null) {
                        row++;
                        continue;
                    }
                    int first = row;
                    while (row < t.rows() && t.values()[row][c] == null) {
                        row++;
                    }
                    double from = t.times()[first];
                    double until = row < t.rows() ? t.times()[row] : t.times()[t.rows() - 1] + 1;
                    if (until - from > 10) {
                        longRuns++;
                        assertThat(alerts)
                                .as("%s %s: no value from %s to %s", t.name(), column, from, until)
                                .anySatisfy(a -> {
                                    assertThat(a[0]).isEqualTo(t.name());
                                    assertThat(a[1]).isEqualTo(column);
                                    assertThat(a[2]).isEqualTo("technical");
                                    assertThat(Double.parseDouble(a[3])).isBetween(from, until);
                                });
                    }
                }
            }
        }
        assertThat(longRuns)
                .as("the files hold runs of no value longer than 10 s")
                .isGreaterThan(5);
    }

    private static int rowAt(NumericsTable t, double time) {
        for (int i = 0; i < t.rows(); i++) {
            if (t.times()[i] == time) {
                return i;
            }
        }
        throw new AssertionError("no row at " + time);
    }

    // ---- the definitions, on small tables -------------------------------------------------------------------------

    private static NumericsTable table(String spo2) {
        StringBuilder csv = new StringBuilder("Time [s], SpO2\n");
        String[] v = spo2.trim().split("\\s+");
        for (int i = 0; i < v.length; i++) {
            csv.append(i).append(',').append(v[i]).append('\n');
        }
        return NumericsTable.parse("t.csv", csv.toString());
    }

    private static final LimitRule SPO2_LOW =
            AlarmPolicy.defaults().rule(Parameter.SPO2, LimitRule.Direction.LOW).orElseThrow();

    private static String n(String value, int count) {
        return String.join(" ", java.util.Collections.nCopies(count, value));
    }

    @Test
    void aRunOf29SecondsIsNotSustainedAndOneOf30Is() {
        assertThat(Evaluation.sustainedRuns(table("97 " + n("88", 29) + " 97"), 0, SPO2_LOW))
                .isEmpty();
        assertThat(Evaluation.sustainedRuns(table("97 " + n("88", 30) + " 97"), 0, SPO2_LOW))
                .containsExactly(new Evaluation.Run("SpO2", "low", 1, 30));
    }

    @Test
    void gapsOfNoValueOfUpTo10SecondsAreBridgedInASustainedRun() {
        assertThat(Evaluation.sustainedRuns(table(n("88", 10) + " " + n("NaN", 10) + " " + n("88", 10)), 0, SPO2_LOW))
                .containsExactly(new Evaluation.Run("SpO2", "low", 0, 29));
        assertThat(Evaluation.sustainedRuns(table(n("88", 20) + " " + n("NaN", 11) + " " + n("88", 20)), 0, SPO2_LOW))
                .isEmpty();
        assertThat(Evaluation.sustainedRuns(table(n("88", 20) + " 95 " + n("88", 20)), 0, SPO2_LOW))
                .isEmpty();
    }

    @Test
    void rawEpisodesAreRunsBeyondTheLimitWithNoDelayAndEndAtNoValue() {
        assertThat(Evaluation.rawEpisodes(table("97 88 97 88 88 NaN 88 90 89"), 0, SPO2_LOW))
                .isEqualTo(4);
    }

    @Test
    void anAlertCoversARunWhenItStartsWithin30SecondsOfItsStart() {
        Evaluation.Run run = new Evaluation.Run("SpO2", "low", 100, 200);
        assertThat(Evaluation.covered(run, List.of(new Evaluation.Alert("f", "SpO2", "low", 130, null))))
                .isTrue();
        assertThat(Evaluation.covered(run, List.of(new Evaluation.Alert("f", "SpO2", "low", 131, null))))
                .isFalse();
        assertThat(Evaluation.covered(run, List.of(new Evaluation.Alert("f", "SpO2", "low", 50, 100.0))))
                .isTrue();
        assertThat(Evaluation.covered(run, List.of(new Evaluation.Alert("f", "SpO2", "low", 50, 99.0))))
                .isFalse();
        assertThat(Evaluation.covered(run, List.of(new Evaluation.Alert("f", "SpO2", "technical", 101, null))))
                .isFalse();
        assertThat(Evaluation.covered(run, List.of(new Evaluation.Alert("f", "HR", "low", 101, null))))
                .isFalse();
    }

    @Test
    void aLooserPolicyShowsAsMissedRunsBecauseSustainedIsFixed(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("desat.csv");
        StringBuilder b = new StringBuilder("Time [s], HR, PULSE, RESP, SpO2\n");
        for (int i = 0; i < 120; i++) {
            b.append(i).append(",80,80,14,").append(i >= 10 && i < 70 ? 86 : 97).append('\n');
        }
        Files.writeString(csv, b);
        Path policy = dir.resolve("loose.properties");
        Files.writeString(policy, "# a unit that alarms only below 85 %\nspo2.low = 85\n");
        Run strict = evaluate(csv.toString());
        Run loose = evaluate("--policy", policy.toString(), "--alerts-json", csv.toString());
        assertThat(strict.out().get(strict.out().size() - 1))
                .isEqualTo("raw=1 notified=1 reduction=0.0% sustained=1 missed=0");
        assertThat(loose.exit()).isZero();
        assertThat(loose.out().get(loose.out().size() - 1))
                .isEqualTo("raw=0 notified=0 reduction=n/a sustained=1 missed=1");
        assertThat(loose.err()).contains("spo2.low = 85").contains("missed SpO2 low from 10 to 69");
    }

    @Test
    void alertsJsonHasOneLinePerAlertInTheFilesTime(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("a.csv");
        StringBuilder b = new StringBuilder("Time [s], SpO2, RESP\n");
        for (int i = 0; i < 80; i++) {
            String spo2 = i >= 10 && i < 40 ? "86" : "97";
            String resp = i >= 50 && i < 65 ? "NaN" : "14";
            b.append(i + 100).append(',').append(spo2).append(',').append(resp).append('\n');
        }
        Files.writeString(csv, b);
        Run run = evaluate("--alerts-json", csv.toString());
        assertThat(run.out())
                .containsExactly(
                        "a.csv: rows=80 raw=1 notified=1 technical=1 sustained=1 missed=0",
                        "{\"file\":\"a.csv\",\"column\":\"SpO2\",\"limit\":\"low\",\"start\":125,\"end\":150}",
                        "{\"file\":\"a.csv\",\"column\":\"RESP\",\"limit\":\"technical\",\"start\":160,\"end\":165}",
                        "raw=1 notified=1 reduction=0.0% sustained=1 missed=0");
    }

    @Test
    void badInputIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
        assertThat(evaluate().exit()).isEqualTo(64);
        assertThat(evaluate("--frobnicate", "x.csv").err()).contains("unknown option '--frobnicate'");
        Run missing = evaluate(dir.resolve("nope.csv").toString());
        assertThat(missing.exit()).isEqualTo(74);
        assertThat(missing.err()).contains("cannot read").contains("nope.csv");

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "Time [s], SpO2\n0,97\n1,9x\n");
        Run badRun = evaluate(bad.toString());
        assertThat(badRun.exit()).isEqualTo(65);
        assertThat(badRun.err()).contains("bad.csv:3: SpO2 value '9x' is not a number or NaN");

        Path policy = dir.resolve("p.properties");
        Files.writeString(policy, "spo2.low.delay = 45s\nmax-dropout = 1 minute\n");
        Run badPolicy = evaluate("--policy", policy.toString(), bad.toString());
        assertThat(badPolicy.exit()).isEqualTo(65);
        assertThat(badPolicy.err()).contains("p.properties: max-dropout: '1 minute' is not a duration");
        assertThat(badPolicy.out()).isEmpty();
    }

    @Test
    void theTableReaderKeepsValuesAndMarksNoValue() {
        NumericsTable t =
                NumericsTable.parse("x.csv", "Time [s], HR, PULSE, RESP, SpO2\n0,94,93,25,97\n1,NaN,93.5,25,97\n");
        assertThat(t.columns()).extracting(NumericsTable.Column::name).containsExactly("HR", "PULSE", "RESP", "SpO2");
        assertThat(t.values()[1][0]).isNull();
        assertThat(t.values()[1][1]).isEqualByComparingTo(new BigDecimal("93.5"));
        assertThat(t.rows()).isEqualTo(2);
    }
}
