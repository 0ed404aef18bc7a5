package org.bedside.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;

/**
 * The gateway's memory on a small box (a benchmark command, not a test): the packaged gateway with the package's JVM
 * options ({@code deploy-arm/src/deb/opt/jvm.options}, as the systemd unit starts it), 8 simulated oximeters on
 * pseudo-terminals, first with the FHIR server unreachable (a backlog builds), then with the sandbox reachable while
 * the backlog drains and the devices go on. Every second it samples the process's resident set from {@code
 * /proc/PID/status} and {@code /proc/PID/smaps_rollup} (anonymous memory apart from file-backed: Chronicle's mapped
 * queue files count in RSS but the kernel can drop them) and the heap from the gateway's metrics.
 *
 * <p>Run: {@code ./bedside bench-memory [--devices N] [--backlog-seconds S] [--after-drain-seconds S]}.
 */
public final class MemoryBenchmark {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String PATIENT = "bench-memory-patient";

    private MemoryBenchmark() {}

    /** One sample, in KiB (heap in bytes from the metrics, converted). */
    record Sample(
            long seconds,
            long rss,
            long anon,
            long file,
            long shmem,
            long heapUsed,
            long heapCommitted,
            long pending) {}

    public static void main(String[] args) throws Exception {
        int devices = 8;
        int backlogSeconds = 120;
        int afterDrainSeconds = 60;
        Path jar = Path.of("gateway-runtime/target/quarkus-app/quarkus-run.jar");
        Path jvmOptions = Path.of("deploy-arm/src/deb/opt/jvm.options");
        Path unit = Path.of("deploy-arm/src/deb/systemd/bedside.service");
        int maxDrainSeconds = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--devices" -> devices = Integer.parseInt(args[++i]);
                case "--backlog-seconds" -> backlogSeconds = Integer.parseInt(args[++i]);
                case "--after-drain-seconds" -> afterDrainSeconds = Integer.parseInt(args[++i]);
                case "--gateway-jar" -> jar = Path.of(args[++i]);
                case "--jvm-options" -> jvmOptions = Path.of(args[++i]);
                case "--unit" -> unit = Path.of(args[++i]);
                case "--max-drain-seconds" -> maxDrainSeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("bedside-memory-bench");
        Map<String, String> environment = unitEnvironment(unit);
        System.out.printf(
                "bench-memory: %d simulated Masimo oximeters (1 line/s each, every reading charted), backlog for %d s,"
                        + " then drain; JVM options %s, environment %s (from %s); load average %s%n",
                devices, backlogSeconds, jvmOptions, environment, unit, loadAverage());
        List<MasimoSimulator> sims = new ArrayList<>();
        try (FhirSandboxProcess sandbox = FhirSandboxProcess.start(
                FhirSandboxProcess.Options.in(work.resolve("fhir")).withStartTimeout(Duration.ofMinutes(5)))) {
            createPatient(sandbox.baseUrl());
            for (int d = 0; d < devices; d++) {
                MasimoSimulator s = MasimoSimulator.builder("mem-spo2-" + d, Scenarios.parse(Scenarios.STEADY))
                        .period(Duration.ofSeconds(1))
                        .portDirectory(work.resolve("serial"))
                        .build();
                s.start();
                sims.add(s);
            }
            List<Sample> backlog;
            try (ServerSocket nobody = new ServerSocket(0)) {
                String unreachable = "http://127.0.0.1:" + nobody.getLocalPort() + "/fhir";
                nobody.close();
                Gateway g = Gateway.start(work, config(work, sims, unreachable), jar, jvmOptions, environment);
                try {
                    backlog = sample(g, Duration.ofSeconds(backlogSeconds), false, 0);
                } finally {
                    g.stop();
                }
            }
            System.out.printf(
                    "backlog built: %d records pending%n",
                    backlog.get(backlog.size() - 1).pending());
            List<Sample> drain;
            Gateway g = Gateway.start(work, config(work, sims, sandbox.baseUrl()), jar, jvmOptions, environment);
            try {
                drain = sample(g, Duration.ofSeconds(afterDrainSeconds), true, maxDrainSeconds);
            } finally {
                g.stop();
            }
            report("buffering, FHIR server unreachable", backlog);
            report("backlog draining, then live", drain);
            System.out.printf("load average at the end: %s%n", loadAverage());
        } finally {
            for (MasimoSimulator s : sims) {
                s.close();
            }
        }
    }

    /** Samples every second for {@code duration}; when draining, for as long as the backlog lasts and then that long. */
    private static List<Sample> sample(Gateway g, Duration duration, boolean untilDrained, int maxDrainSeconds)
            throws Exception {
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long drainedAt = -1;
        while (true) {
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            Sample s = g.sample(seconds);
            samples.add(s);
            if (untilDrained && drainedAt < 0 && s.pending() == 0) {
                drainedAt = seconds;
                System.out.printf("drained after %d s%n", seconds);
            }
            long limit = untilDrained
                    ? (drainedAt < 0 ? maxDrainSeconds : drainedAt + duration.toSeconds())
                    : duration.toSeconds();
            if (seconds >= limit) {
                if (untilDrained && drainedAt < 0) {
                    System.out.printf("NOT drained within %d s: %d records still pending%n", seconds, s.pending());
                }
                return samples;
            }
            Thread.sleep(1000); // the sampling period of a benchmark, not a synchronisation
        }
    }

    private static void report(String phase, List<Sample> samples) {
        System.out.println();
        System.out.println("### " + phase + " (" + samples.size() + " samples, MiB)");
        System.out.println();
        System.out.println("| | RSS | anonymous | file-backed | shared | heap used | heap committed |");
        System.out.println("|---|---|---|---|---|---|---|");
        row("max", samples, true);
        row("mean", samples, false);
    }

    private static void row(String name, List<Sample> samples, boolean max) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
                name,
                stat(samples, Sample::rss, max),
                stat(samples, Sample::anon, max),
                stat(samples, Sample::file, max),
                stat(samples, Sample::shmem, max),
                stat(samples, Sample::heapUsed, max),
                stat(samples, Sample::heapCommitted, max));
    }

    private static double stat(List<Sample> samples, java.util.function.ToLongFunction<Sample> f, boolean max) {
        var s = samples.stream().mapToLong(f).filter(v -> v >= 0).summaryStatistics();
        return (max ? s.getMax() : s.getAverage()) / 1024.0;
    }

    private static String config(Path work, List<MasimoSimulator> sims, String baseUrl) throws IOException {
        StringBuilder devices = new StringBuilder();
        for (MasimoSimulator s : sims) {
            devices.append("    ").append(s.name()).append(":\n");
            devices.append("      driver: masimo-ascii\n");
            devices.append("      port: ").append(s.portPath()).append('\n');
        }
        return """
                gateway:
                  id: bench-memory-gw
                  patient: Patient/%s
                  data-dir: %s
                  devices:
                %s  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                quarkus:
                  http:
                    port: %d
                """.formatted(PATIENT, work.resolve("data"), devices, baseUrl, freePort());
    }

    /** The way the end-to-end tests make their patients: a PUT of a Patient with a client-chosen, non-numeric id. */
    private static void createPatient(String base) throws IOException, InterruptedException {
        String body = "{\"resourceType\":\"Patient\",\"id\":\"" + PATIENT + "\",\"identifier\":[{\"system\":"
                + "\"urn:bedside:test-patient\",\"value\":\"" + PATIENT + "\"}],\"name\":[{\"family\":\"Bench\"}]}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/Patient/" + PATIENT))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("the sandbox refused the patient: " + r.statusCode() + " " + r.body());
        }
    }

    /** The unit's {@code Environment=NAME=value} lines (those with a value), as systemd gives them to the JVM. */
    private static Map<String, String> unitEnvironment(Path unit) throws IOException {
        Map<String, String> env = new TreeMap<>();
        for (String line : Files.readAllLines(unit)) {
            Matcher m = Pattern.compile("^Environment=([A-Z_]+)=(\\S+)$").matcher(line.strip());
            if (m.matches()) {
                env.put(m.group(1), m.group(2));
            }
        }
        return env;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The packaged gateway, started as the unit starts it (java @jvm.options ... -jar quarkus-run.jar). */
    static final class Gateway {
        private final Process process;
        private final int port;

        private Gateway(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Gateway start(Path work, String yaml, Path jar, Path jvmOptions, Map<String, String> environment)
                throws Exception {
            Path config = work.resolve("gateway.yaml");
            Files.writeString(config, yaml);
            Matcher m = Pattern.compile("port: (\\d+)\\s*$").matcher(yaml);
            if (!m.find()) {
                throw new IllegalStateException("no HTTP port in the configuration");
            }
            Path cache = Files.createDirectories(work.resolve("cache"));
            List<String> cmd = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + jvmOptions.toAbsolutePath(),
                    "-Djava.io.tmpdir=" + cache,
                    "-Djna.tmpdir=" + cache,
                    "-Dquarkus.config.locations=" + config,
                    "-jar",
                    jar.toAbsolutePath().toString());
            ProcessBuilder builder = new ProcessBuilder(cmd);
            builder.environment().putAll(environment);
            Process p = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            work.resolve("gateway.log").toFile()))
                    .start();
            Gateway g = new Gateway(p, Integer.parseInt(m.group(1)));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!g.get("/q/health/live").contains("\"UP\"")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the gateway did not come up; see " + work.resolve("gateway.log"));
                }
                Thread.sleep(200);
            }
            return g;
        }

        Sample sample(long seconds) throws IOException {
            Map<String, Long> status = kib(Path.of("/proc", Long.toString(process.pid()), "status"));
            Map<String, Long> rollup = kib(Path.of("/proc", Long.toString(process.pid()), "smaps_rollup"));
            String metrics = get("/q/metrics");
            long heapUsed = metric(metrics, "jvm_memory_used_bytes", "heap");
            long heapCommitted = metric(metrics, "jvm_memory_committed_bytes", "heap");
            long pending = pending(get("/api/status"));
            return new Sample(
                    seconds,
                    rollup.getOrDefault("Rss", status.getOrDefault("VmRSS", -1L)),
                    rollup.getOrDefault("Anonymous", status.getOrDefault("RssAnon", -1L)),
                    status.getOrDefault("RssFile", -1L),
                    status.getOrDefault("RssShmem", -1L),
                    heapUsed < 0 ? -1 : heapUsed / 1024,
                    heapCommitted < 0 ? -1 : heapCommitted / 1024,
                    pending);
        }

        private static Map<String, Long> kib(Path file) throws IOException {
            Map<String, Long> values = new TreeMap<>();
            if (!Files.isReadable(file)) {
                return values;
            }
            for (String line : Files.readAllLines(file)) {
                Matcher m = Pattern.compile("^(\\w+):\\s+(\\d+) kB").matcher(line);
                if (m.find()) {
                    values.put(m.group(1), Long.parseLong(m.group(2)));
                }
            }
            return values;
        }

        /** The sum over the memory pools of one area of a Micrometer gauge, in bytes; -1 when absent. */
        private static long metric(String metrics, String name, String area) {
            Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*area=\"" + area + "\"[^}]*\\}\\s+([0-9.E+]+)")
                    .matcher(metrics);
            double sum = 0;
            boolean any = false;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
                any = true;
            }
            return any ? (long) sum : -1;
        }

        private static long pending(String status) {
            Matcher m = Pattern.compile("\"pendingRecords\"\\s*:\\s*(\\d+)").matcher(status);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        String get(String path) {
            try {
                return HTTP.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(45, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
