package org.bedside.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The FHIR sandbox running as a child process: {@code java -cp <lib>/* org.bedside.sandbox.FhirSandbox}. It is
 * ready when the sandbox has written its base URL to the ready file, which it does only after answering
 * {@code GET /fhir/metadata} and seeding the demo Patients. Boot takes about 20-25 s on two cores.
 *
 * <p>Not thread-safe: one test fixture or demo script drives it.
 */
public final class FhirSandboxProcess implements AutoCloseable {

    /** Where {@code mvnw package} of the fhir-sandbox module puts the jars, relative to the repository root. */
    static final Path LIB_FROM_ROOT = Path.of("hardware-sim", "fhir-sandbox", "target", "lib");

    /** Overrides the search for {@link #LIB_FROM_ROOT}, e.g. in a packaged demo. */
    public static final String LIB_PROPERTY = "bedside.sandbox.lib";

    private static final String MAIN_CLASS = "org.bedside.sandbox.FhirSandbox";
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int TAIL_LINES = 40;

    /**
     * How to run the sandbox.
     *
     * @param workDir holds the log file ({@code fhir-sandbox.log}, appended across restarts) and the ready file
     * @param libDir the sandbox's jars; null to use {@value #LIB_PROPERTY} or search upwards from the current
     *     directory for {@code hardware-sim/fhir-sandbox/target/lib}
     * @param port port on 127.0.0.1; 0 for any free port (a restart then reuses the port it got)
     * @param database H2 file database path (kept across restarts); null for an in-memory database, which a
     *     restart loses
     * @param seedPatients Patient ids created at start; not all digits
     * @param jvmArgs JVM options, by default a 512 MiB heap and C1-only JIT (faster boot, no loss for short runs)
     * @param startTimeout how long to wait for the ready file
     * @param serverArgs further options of the sandbox itself, such as {@code --https-cert PEM --https-key PEM
     *     --jwks-url URL} (HTTPS and the token check; see {@code SandboxOptions})
     */
    public record Options(
            Path workDir,
            @Nullable Path libDir,
            int port,
            @Nullable Path database,
            List<String> seedPatients,
            List<String> jvmArgs,
            Duration startTimeout,
            List<String> serverArgs) {

        public static final List<String> DEFAULT_JVM_ARGS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1");
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

        public Options {
            seedPatients = List.copyOf(seedPatients);
            jvmArgs = List.copyOf(jvmArgs);
            serverArgs = List.copyOf(serverArgs);
        }

        /** Any free port, an in-memory database, no Patients, default JVM options and timeout. */
        public static Options in(Path workDir) {
            return new Options(workDir, null, 0, null, List.of(), DEFAULT_JVM_ARGS, DEFAULT_START_TIMEOUT, List.of());
        }

        public Options withLibDir(Path dir) {
            return new Options(workDir, dir, port, database, seedPatients, jvmArgs, startTimeout, serverArgs);
        }

        public Options withPort(int newPort) {
            return new Options(workDir, libDir, newPort, database, seedPatients, jvmArgs, startTimeout, serverArgs);
        }

        public Options withFileDatabase(Path path) {
            return new Options(workDir, libDir, port, path, seedPatients, jvmArgs, startTimeout, serverArgs);
        }

        public Options withSeedPatients(String... ids) {
            return new Options(workDir, libDir, port, database, List.of(ids), jvmArgs, startTimeout, serverArgs);
        }

        public Options withJvmArgs(String... args) {
            return new Options(workDir, libDir, port, database, seedPatients, List.of(args), startTimeout, serverArgs);
        }

        /** Options of the sandbox itself (HTTPS, token check), after the launcher's own. */
        public Options withServerArgs(String... args) {
            return new Options(workDir, libDir, port, database, seedPatients, jvmArgs, startTimeout, List.of(args));
        }

        public Options withStartTimeout(Duration timeout) {
            return new Options(workDir, libDir, port, database, seedPatients, jvmArgs, timeout, serverArgs);
        }
    }

    private Options options;
    private final Path libDir;
    private final Path logFile;
    private final Path readyFile;
    private @Nullable Process process;
    private @Nullable Thread reaper;
    private String baseUrl = "";

    private FhirSandboxProcess(Options options, Path libDir) {
        this.options = options;
        this.libDir = libDir;
        this.logFile = options.workDir().resolve("fhir-sandbox.log");
        this.readyFile = options.workDir().resolve("fhir-sandbox.ready");
    }

    /** Starts the sandbox and waits until it is ready; on failure the child is gone and the log tail is in the message. */
    public static FhirSandboxProcess start(Options options) throws IOException, InterruptedException {
        Files.createDirectories(options.workDir());
        var sandbox = new FhirSandboxProcess(options, findLibDir(options.libDir()));
        sandbox.launch();
        return sandbox;
    }

    /** The FHIR base URL, e.g. {@code http://127.0.0.1:41234/fhir}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The child's combined stdout and stderr, appended across restarts. */
    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, so the server stops Jetty and closes the database; SIGKILL if it takes longer than 20 s. */
    public void stop() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
        }
        forget();
    }

    /** SIGKILL: the server gets no chance to close anything, as in a crash or a pulled plug. */
    public void kill() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly().waitFor();
        forget();
    }

    /**
     * Stops the server if it still runs, then starts it again on the same port with the same database (an
     * in-memory database starts empty). The base URL stays the same, so clients need not be told.
     */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** {@link #stop()}; if interrupted while waiting, SIGKILL instead and keep the interrupt. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
            forget();
            Thread.currentThread().interrupt();
        }
    }

    private void launch() throws IOException, InterruptedException {
        Files.deleteIfExists(readyFile);
        long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        Process p = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        process = p;
        // A test JVM that exits without stop() must not leave an 800 MB server holding the port.
        reaper = new Thread(p::destroy, "fhir-sandbox-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);

        String url = awaitReady(p, logStart);
        baseUrl = url;
        if (options.port() == 0) {
            // Pin the port the OS chose, so a restart keeps the base URL the gateway is configured with.
            options = options.withPort(portOf(url));
        }
    }

    private String awaitReady(Process p, long logStart) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (!Files.exists(readyFile)) {
            if (!p.isAlive()) {
                forget();
                throw new IllegalStateException("the FHIR sandbox exited with code " + p.exitValue()
                        + " before it was ready; last output (" + logFile + "):\n" + tail(logStart));
            }
            if (System.nanoTime() - deadline > 0) {
                p.destroyForcibly().waitFor();
                forget();
                throw new IllegalStateException("the FHIR sandbox was not ready after " + options.startTimeout()
                        + "; killed it. Last output (" + logFile + "):\n" + tail(logStart));
            }
            // Polling a file: the sandbox renames it into place, so it appears complete or not at all.
            Thread.sleep(100);
        }
        return Files.readString(readyFile, StandardCharsets.UTF_8).trim();
    }

    private List<String> command() {
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options.jvmArgs());
        cmd.addAll(List.of("-cp", libDir + File.separator + "*", MAIN_CLASS));
        cmd.addAll(List.of("--port", Integer.toString(options.port())));
        Path database = options.database();
        cmd.addAll(List.of("--db", database == null ? "mem" : "file:" + database.toAbsolutePath()));
        cmd.addAll(List.of("--ready-file", readyFile.toAbsolutePath().toString()));
        for (String id : options.seedPatients()) {
            cmd.addAll(List.of("--seed-patient", id));
        }
        cmd.addAll(options.serverArgs());
        return cmd;
    }

    private void forget() {
        Thread hook = reaper;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or about to; nothing to undo.
            }
        }
        reaper = null;
        process = null;
        try {
            // After a SIGKILL the child could not remove it; a stale ready file would claim a dead server.
            Files.deleteIfExists(readyFile);
        } catch (IOException e) {
            // Harmless: launch() deletes it again before the next start.
        }
    }

    /** The last lines the child wrote since {@code from}, for error messages. */
    private String tail(long from) {
        try (var file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(from, file.length() - 16_384);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    static int portOf(String baseUrl) {
        // http://127.0.0.1:PORT/fhir
        int colon = baseUrl.lastIndexOf(':');
        int slash = baseUrl.indexOf('/', colon);
        return Integer.parseInt(baseUrl.substring(colon + 1, slash < 0 ? baseUrl.length() : slash));
    }

    static Path findLibDir(@Nullable Path configured) {
        Path dir = configured;
        if (dir == null) {
            String property = System.getProperty(LIB_PROPERTY);
            dir = property != null
                    ? Path.of(property)
                    : searchUpwards(Path.of("").toAbsolutePath());
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalStateException("cannot find the FHIR sandbox's jars (" + LIB_FROM_ROOT + " above "
                    + Path.of("").toAbsolutePath() + ", or -D" + LIB_PROPERTY + "=DIR). Build them with: "
                    + "./mvnw -f hardware-sim/fhir-sandbox/pom.xml package -DskipTests");
        }
        return dir.toAbsolutePath();
    }

    private static @Nullable Path searchUpwards(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(LIB_FROM_ROOT);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
