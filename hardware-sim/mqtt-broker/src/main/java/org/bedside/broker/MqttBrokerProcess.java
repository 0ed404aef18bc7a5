package org.bedside.broker;

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
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT broker running as a child process: {@code java -cp <lib>/* org.bedside.broker.MqttBroker}. Plain JDK code,
 * so that a module's tests can use it with only this module's jar on their class path (the broker's own dependencies
 * stay in {@code hardware-sim/mqtt-broker/target/lib}). It is ready when the broker has written its bound ports to the
 * ready file, which it does once its listeners accept connections. Boot takes about 2 s on two cores.
 *
 * <pre>{@code
 * try (var broker = MqttBrokerProcess.start(MqttBrokerProcess.Options.in(dir)
 *         .withUsers(BrokerUsers.User.withPassword("bed12-spo2", "s3cret", List.of("bedside/ingest/bed12-spo2"), List.of()))
 *         .withDataDir(dir.resolve("data")))) {
 *     String uri = broker.tcpUri(); // tcp://127.0.0.1:41234
 *     broker.kill();                // SIGKILL
 *     broker.restart();             // same ports, same sessions and queued messages
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test fixture or demo script drives it.
 */
public final class MqttBrokerProcess implements AutoCloseable {

    /** Where {@code mvnw package} of the mqtt-broker module puts the jars, relative to the repository root. */
    static final Path LIB_FROM_ROOT = Path.of("hardware-sim", "mqtt-broker", "target", "lib");

    /** Overrides the search for {@link #LIB_FROM_ROOT}, e.g. in a packaged demo. */
    public static final String LIB_PROPERTY = "bedside.mqtt-broker.lib";

    private static final String MAIN_CLASS = "org.bedside.broker.MqttBroker";
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int TAIL_LINES = 40;

    /**
     * How to run the broker.
     *
     * @param workDir holds the log ({@code mqtt-broker.log}, appended across restarts), the ready file, the users file
     *     and the broker's configuration
     * @param libDir the broker's jars; null to use {@value #LIB_PROPERTY} or search upwards from the current directory
     * @param port the plain listener's port: 0 for any free port (a restart reuses the port it got), -1 for none
     * @param tlsPort the TLS listener's port, likewise; needs {@code certificate} and {@code privateKey}
     * @param users who may connect and their topic rules; empty lets anyone in with every topic allowed
     * @param clientCa when set, TLS clients must present a certificate issued by this CA
     * @param dataDir where sessions and queued messages are kept across restarts; null for memory only (a restart
     *     forgets them)
     * @param maxQueuedMessages queued messages per offline client before new ones are dropped
     */
    public record Options(
            Path workDir,
            @Nullable Path libDir,
            int port,
            int tlsPort,
            List<BrokerUsers.User> users,
            @Nullable Path certificate,
            @Nullable Path privateKey,
            @Nullable Path clientCa,
            @Nullable Path dataDir,
            long maxQueuedMessages,
            int maxPacketSize,
            List<String> jvmArgs,
            Duration startTimeout) {

        public static final List<String> DEFAULT_JVM_ARGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

        public Options {
            users = List.copyOf(users);
            jvmArgs = List.copyOf(jvmArgs);
        }

        /** A plain listener on any free port, no users (anyone may connect), memory only. */
        public static Options in(Path workDir) {
            return new Options(
                    workDir,
                    null,
                    0,
                    -1,
                    List.of(),
                    null,
                    null,
                    null,
                    null,
                    BrokerOptions.DEFAULT_MAX_QUEUED_MESSAGES,
                    BrokerOptions.DEFAULT_MAX_PACKET_SIZE,
                    DEFAULT_JVM_ARGS,
                    DEFAULT_START_TIMEOUT);
        }

        public Options withLibDir(Path dir) {
            return new Options(
                    workDir,
                    dir,
                    port,
                    tlsPort,
                    users,
                    certificate,
                    privateKey,
                    clientCa,
                    dataDir,
                    maxQueuedMessages,
                    maxPacketSize,
                    jvmArgs,
                    startTimeout);
        }

        /** The plain listener's port; -1 for none. */
        public Options withPort(int newPort) {
            return new Options(
                    workDir,
                    libDir,
                    newPort,
                    tlsPort,
                    users,
                    certificate,
                    privateKey,
                    clientCa,
                    dataDir,
                    maxQueuedMessages,
                    maxPacketSize,
                    jvmArgs,
                    startTimeout);
        }

        /** A TLS listener (0 = any free port) with this certificate chain and PKCS#8 key (PEM files). */
        public Options withTls(int newTlsPort, Path certificateChain, Path key) {
            return new Options(
                    workDir,
                    libDir,
                    port,
                    newTlsPort,
                    users,
                    certificateChain,
                    key,
                    clientCa,
                    dataDir,
                    maxQueuedMessages,
                    maxPacketSize,
                    jvmArgs,
                    startTimeout);
        }

        /** TLS clients must present a certificate issued by this CA (PEM). */
        public Options withRequiredClientCertificates(Path ca) {
            return new Options(
                    workDir,
                    libDir,
                    port,
                    tlsPort,
                    users,
                    certificate,
                    privateKey,
                    ca,
                    dataDir,
                    maxQueuedMessages,
                    maxPacketSize,
                    jvmArgs,
                    startTimeout);
        }

        public Options withUsers(BrokerUsers.User... list) {
            return new Options(
                    workDir,
                    libDir,
                    port,
                    tlsPort,
                    List.of(list),
                    certificate,
                    privateKey,
                    clientCa,
                    dataDir,
                    maxQueuedMessages,
                    maxPacketSize,
                    jvmArgs,
                    startTimeout);
        }

        public Options withDataDir(Path dir) {
            return new Options(
                    workDir,
                    libDir,
                    port,
                    tlsPort,
                    users,
                    certificate,
                    privateKey,
                    clientCa,
                    dir,
                    maxQueuedMessages,
                    maxPacketSize,
                    jvmArgs,
                    startTimeout);
        }

        public Options withMaxQueuedMessages(long max) {
            return new Options(
                    workDir,
                    libDir,
                    port,
                    tlsPort,
                    users,
                    certificate,
                    privateKey,
                    clientCa,
                    dataDir,
                    max,
                    maxPacketSize,
                    jvmArgs,
                    startTimeout);
        }

        public Options withMaxPacketSize(int bytes) {
            return new Options(
                    workDir,
                    libDir,
                    port,
                    tlsPort,
                    users,
                    certificate,
                    privateKey,
                    clientCa,
                    dataDir,
                    maxQueuedMessages,
                    bytes,
                    jvmArgs,
                    startTimeout);
        }

        public Options withStartTimeout(Duration timeout) {
            return new Options(
                    workDir,
                    libDir,
                    port,
                    tlsPort,
                    users,
                    certificate,
                    privateKey,
                    clientCa,
                    dataDir,
                    maxQueuedMessages,
                    maxPacketSize,
                    jvmArgs,
                    timeout);
        }
    }

    private Options options;
    private final Path libDir;
    private final Path logFile;
    private final Path readyFile;
    private @Nullable Process process;
    private @Nullable Thread reaper;
    private OptionalInt tcpPort = OptionalInt.empty();
    private OptionalInt tlsPort = OptionalInt.empty();
    private Duration lastBootTime = Duration.ZERO;

    private MqttBrokerProcess(Options options, Path libDir) {
        this.options = options;
        this.libDir = libDir;
        this.logFile = options.workDir().resolve("mqtt-broker.log");
        this.readyFile = options.workDir().resolve("mqtt-broker.ready");
    }

    /** Starts the broker and waits until it listens; on failure the child is gone and the log tail is in the message. */
    public static MqttBrokerProcess start(Options options) throws IOException, InterruptedException {
        Files.createDirectories(options.workDir());
        var broker = new MqttBrokerProcess(options, findLibDir(options.libDir()));
        broker.launch();
        return broker;
    }

    /** {@code tcp://127.0.0.1:<port>}, the plain listener. */
    public String tcpUri() {
        return "tcp://127.0.0.1:" + tcpPort();
    }

    /** {@code ssl://localhost:<port>}, the TLS listener, by a name the test server certificate is issued for. */
    public String tlsUri() {
        return "ssl://localhost:" + tlsPort();
    }

    public int tcpPort() {
        return tcpPort.orElseThrow(() -> new IllegalStateException("the broker has no plain listener"));
    }

    public int tlsPort() {
        return tlsPort.orElseThrow(() -> new IllegalStateException("the broker has no TLS listener"));
    }

    /** The child's combined stdout and stderr, appended across restarts. */
    public Path logFile() {
        return logFile;
    }

    /** How long the last start took, from launching the JVM to the ready file. */
    public Duration lastBootTime() {
        return lastBootTime;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The child's process id, while it runs. */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return p.pid();
    }

    /** SIGTERM, so HiveMQ closes its persistence cleanly; SIGKILL if it takes longer than 20 s. */
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

    /** SIGKILL: the broker gets no chance to close anything, as in a crash or a pulled plug. */
    public void kill() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly().waitFor();
        forget();
    }

    /**
     * Stops the broker if it still runs, then starts it again on the same ports with the same data directory: sessions,
     * subscriptions and queued messages come back (with a data directory); clients need not be told anything new.
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
        long begin = System.nanoTime();
        Process p = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        process = p;
        // A test JVM that exits without stop() must not leave a broker holding the port.
        reaper = new Thread(p::destroy, "mqtt-broker-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);

        List<String> ready = awaitReady(p, logStart);
        lastBootTime = Duration.ofNanos(System.nanoTime() - begin);
        tcpPort = OptionalInt.empty();
        tlsPort = OptionalInt.empty();
        for (String line : ready) {
            if (line.startsWith("tcp=")) {
                tcpPort = OptionalInt.of(Integer.parseInt(line.substring(4).trim()));
            } else if (line.startsWith("tls=")) {
                tlsPort = OptionalInt.of(Integer.parseInt(line.substring(4).trim()));
            }
        }
        // Pin the ports the OS chose, so a restart keeps the URIs the clients are configured with.
        if (options.port() == 0 && tcpPort.isPresent()) {
            options = options.withPort(tcpPort.getAsInt());
        }
        if (options.tlsPort() == 0 && tlsPort.isPresent()) {
            options = options.withTls(
                    tlsPort.getAsInt(),
                    java.util.Objects.requireNonNull(options.certificate()),
                    java.util.Objects.requireNonNull(options.privateKey()));
        }
    }

    private List<String> awaitReady(Process p, long logStart) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (!Files.exists(readyFile)) {
            if (!p.isAlive()) {
                forget();
                throw new IllegalStateException("the MQTT broker exited with code " + p.exitValue()
                        + " before it was ready; last output (" + logFile + "):\n" + tail(logStart));
            }
            if (System.nanoTime() - deadline > 0) {
                p.destroyForcibly().waitFor();
                forget();
                throw new IllegalStateException("the MQTT broker was not ready after " + options.startTimeout()
                        + "; killed it. Last output (" + logFile + "):\n" + tail(logStart));
            }
            // Polling a file: the broker renames it into place, so it appears complete or not at all.
            Thread.sleep(50);
        }
        return Files.readAllLines(readyFile, StandardCharsets.UTF_8);
    }

    private List<String> command() throws IOException {
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options.jvmArgs());
        cmd.addAll(List.of("-cp", libDir + File.separator + "*", MAIN_CLASS));
        Path home = options.workDir().resolve("broker-home").toAbsolutePath();
        cmd.addAll(List.of("--home", home.toString()));
        if (options.port() >= 0) {
            cmd.addAll(List.of("--port", Integer.toString(options.port())));
        }
        if (options.tlsPort() >= 0) {
            cmd.addAll(List.of("--tls-port", Integer.toString(options.tlsPort())));
            cmd.addAll(List.of("--cert", absolute(options.certificate(), "a TLS port needs a certificate")));
            cmd.addAll(List.of("--key", absolute(options.privateKey(), "a TLS port needs a private key")));
        }
        if (options.clientCa() != null) {
            cmd.addAll(List.of("--client-ca", absolute(options.clientCa(), "")));
        }
        if (!options.users().isEmpty()) {
            Path users = options.workDir().resolve("users.conf").toAbsolutePath();
            BrokerUsers.of(options.users()).write(users);
            cmd.addAll(List.of("--users", users.toString()));
        }
        if (options.dataDir() != null) {
            cmd.addAll(List.of("--data", absolute(options.dataDir(), "")));
        }
        cmd.addAll(List.of("--max-queued", Long.toString(options.maxQueuedMessages())));
        cmd.addAll(List.of("--max-packet-size", Integer.toString(options.maxPacketSize())));
        cmd.addAll(List.of("--ready-file", readyFile.toAbsolutePath().toString()));
        return cmd;
    }

    private static String absolute(@Nullable Path path, String missing) {
        if (path == null) {
            throw new IllegalArgumentException(missing);
        }
        return path.toAbsolutePath().toString();
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
            // After a SIGKILL the child could not remove it; a stale ready file would claim a dead broker.
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

    static Path findLibDir(@Nullable Path configured) {
        Path dir = configured;
        if (dir == null) {
            String property = System.getProperty(LIB_PROPERTY);
            dir = property != null
                    ? Path.of(property)
                    : searchUpwards(Path.of("").toAbsolutePath());
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalStateException("cannot find the MQTT broker's jars (" + LIB_FROM_ROOT + " above "
                    + Path.of("").toAbsolutePath() + ", or -D" + LIB_PROPERTY + "=DIR). Build them with: "
                    + "./mvnw -pl hardware-sim/mqtt-broker -am package -DskipTests");
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
