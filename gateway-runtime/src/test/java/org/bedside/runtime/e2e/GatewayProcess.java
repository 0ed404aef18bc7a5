package org.bedside.runtime.e2e;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The packaged gateway ({@code quarkus-run.jar}) as a separate OS process, started the way {@code bedside run} starts
 * it, so that it can be killed with SIGKILL and restarted on the same buffer.
 */
final class GatewayProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path config;
    private final Path log;
    private final int port;
    /** Put before the java command, e.g. a tracer; empty for a plain start. */
    private final List<String> prefix;
    /** Added to the gateway's environment (systemd's NOTIFY_SOCKET...). */
    private final Map<String, String> environment;

    /** http, or https for a gateway that serves HTTPS only ({@link #startHttps}). */
    private String scheme = "http";

    private HttpClient client = HTTP;

    private Process process;
    private int starts;
    /** The configuration named by QUARKUS_CONFIG_LOCATIONS rather than by the property. */
    private boolean configByEnvironment;

    private GatewayProcess(Path config, Path log, int port) {
        this(config, log, port, List.of(), Map.of());
    }

    private GatewayProcess(Path config, Path log, int port, List<String> prefix, Map<String, String> environment) {
        this.config = config;
        this.log = log;
        this.port = port;
        this.prefix = List.copyOf(prefix);
        this.environment = Map.copyOf(environment);
    }

    /** Writes {@code yaml} (which must not set the HTTP port) as the config file and starts the gateway. */
    /** The configuration file it was started with, as a command on the box would be given it. */
    Path configFile() {
        return config;
    }

    static GatewayProcess start(Path workDir, String yaml) throws IOException, InterruptedException {
        return start(workDir, yaml, List.of(), Map.of());
    }

    /** As {@link #start(Path, String)}, the java command run under {@code prefix} (a tracer such as strace). */
    static GatewayProcess start(Path workDir, String yaml, List<String> prefix)
            throws IOException, InterruptedException {
        return start(workDir, yaml, prefix, Map.of());
    }

    /** As {@link #start(Path, String)}, with more environment variables (systemd's NOTIFY_SOCKET...). */
    static GatewayProcess start(Path workDir, String yaml, Map<String, String> environment)
            throws IOException, InterruptedException {
        return start(workDir, yaml, List.of(), environment);
    }

    private static GatewayProcess start(Path workDir, String yaml, List<String> prefix, Map<String, String> environment)
            throws IOException, InterruptedException {
        int port = freePort();
        Path config = workDir.resolve("gateway.yaml");
        Files.writeString(config, yaml + "\nquarkus:\n  http:\n    port: " + port + "\n");
        GatewayProcess g = new GatewayProcess(config, workDir.resolve("gateway.log"), port, prefix, environment);
        g.launch();
        g.awaitLive(Duration.ofSeconds(60));
        return g;
    }

    /**
     * Starts a gateway that serves HTTPS only: {@code yaml} must have no {@code quarkus:} section; {@code quarkusHttp}
     * is put under {@code quarkus.http} (host, certificate, insecure-requests), beside the {@code ssl-port} chosen here.
     * {@link #get} and {@link #url} then speak HTTPS to 127.0.0.1 through {@code client}.
     */
    static GatewayProcess startHttps(Path workDir, String yaml, String quarkusHttp, HttpClient client)
            throws IOException, InterruptedException {
        int port = freePort();
        Path config = workDir.resolve("gateway.yaml");
        Files.writeString(
                config,
                yaml + "\nquarkus:\n  http:\n    ssl-port: " + port + "\n"
                        + quarkusHttp.stripTrailing().indent(4));
        GatewayProcess g = new GatewayProcess(config, workDir.resolve("gateway.log"), port);
        g.scheme = "https";
        g.client = client;
        g.launch();
        g.awaitLive(Duration.ofSeconds(60));
        return g;
    }

    /** Starts a gateway that is expected to refuse its configuration; returns its exit code and output. */
    static Exited startExpectingFailure(Path workDir, String yaml) throws IOException, InterruptedException {
        return startExpectingFailure(workDir, yaml, false);
    }

    /**
     * As {@link #startExpectingFailure(Path, String)}, the configuration named by the environment variable {@code
     * QUARKUS_CONFIG_LOCATIONS} (as a container or a unit file may do) when {@code byEnvironment}, else by the property.
     */
    static Exited startExpectingFailure(Path workDir, String yaml, boolean byEnvironment)
            throws IOException, InterruptedException {
        Path config = workDir.resolve("bad.yaml");
        Files.writeString(config, yaml + "\nquarkus:\n  http:\n    port: " + freePort() + "\n");
        GatewayProcess g = new GatewayProcess(config, workDir.resolve("bad.log"), 0);
        g.configByEnvironment = byEnvironment;
        g.launch();
        if (!g.process.waitFor(60, TimeUnit.SECONDS)) {
            g.process.destroyForcibly();
            throw new AssertionError("the gateway did not exit on a bad configuration");
        }
        return new Exited(g.process.exitValue(), Files.readString(g.log));
    }

    record Exited(int code, String output) {}

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(Arrays.asList(
                System.getProperty("bedside.chronicle.jvm.args", "").trim().split("\\s+")));
        if (!configByEnvironment) {
            cmd.add("-Dquarkus.config.locations=" + config.toAbsolutePath());
        }
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.removeIf(String::isBlank);
        starts++;
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(environment);
        if (configByEnvironment) {
            builder.environment()
                    .put("QUARKUS_CONFIG_LOCATIONS", config.toAbsolutePath().toString());
        }
        process = builder.directory(config.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private static Path jar() {
        String jar = System.getProperty("bedside.gateway.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the packaged gateway is missing (system property bedside.gateway.jar = "
                    + jar + "): run the end-to-end tests with `./mvnw verify`");
        }
        return Path.of(jar);
    }

    int port() {
        return port;
    }

    URI url(String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    /** GET on the gateway; the body, or null when it does not answer. */
    String get(String path) {
        try {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(url(path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    void awaitLive(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the gateway exited with " + process.exitValue() + ":\n" + tail());
            }
            String live = get("/q/health/live");
            if (live != null && live.contains("\"UP\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the gateway did not come up within " + timeout + ":\n" + tail());
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed by the JVM. */
    void kill() throws InterruptedException {
        // The gateway itself when it runs under a prefix (strace would only detach from it).
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as systemd stops it. */
    void stop() throws InterruptedException {
        // Under a prefix (strace) the gateway is a child: it gets the SIGTERM first, and is waited for, because the
        // tracer would only detach from it.
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                child.destroyForcibly();
            }
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    void restart() throws IOException, InterruptedException {
        launch();
        awaitLive(Duration.ofSeconds(60));
    }

    int starts() {
        return starts;
    }

    String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
