package org.bedside.authserver;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Keycloak as a child process: {@code bin/kc.sh start-dev} on 127.0.0.1 and an ephemeral port (kept across restarts),
 * an in-memory database, a local cache (no cluster discovery on the network), tracing, metrics and health endpoints
 * off (their defaults), a bootstrap admin with a random password, and the output in a log file. It is ready when it has said where it
 * listens and answers {@code GET /realms/master}. Realms are made through the admin API ({@link #createRealm}); an
 * in-memory database loses them at a restart, so {@link #restart} makes them again.
 *
 * <p>Boot takes 13-25 s on a quiet two-core machine (measured: see docs/security.md); the very first start of a
 * distribution also builds ("augments") it, about a minute more, once. Not thread-safe: one fixture drives it.
 */
public final class KeycloakProcess implements AutoCloseable {
    public static final int JAVA_FEATURE = 21;
    /** Overrides where the distribution is looked for: {@code -Dbedside.keycloak.home=DIR}. */
    public static final String HOME_PROPERTY = "bedside.keycloak.home";

    static final Path HOME_FROM_ROOT = Path.of("hardware-sim", "auth-server", "target", "keycloak-26.4.0");
    private static final Pattern LISTENING = Pattern.compile("Listening on: (http://127\\.0\\.0\\.1:(\\d+))");
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    /**
     * @param workDir the log file ({@code keycloak.log}, appended across restarts)
     * @param startTimeout how long to wait for readiness
     */
    public record Options(
            Path workDir, @Nullable Path home, @Nullable Path javaHome, Duration startTimeout) {
        public static Options in(Path workDir) {
            return new Options(workDir, null, null, Duration.ofMinutes(10));
        }
    }

    private final Options options;
    private final Path home;
    private final Path javaHome;
    private final Path logFile;
    private final String adminPassword;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> realms = new ArrayList<>();
    private int port;
    private @Nullable Process process;
    private @Nullable Thread reaper;
    private Duration lastBoot = Duration.ZERO;

    private KeycloakProcess(Options options, Path home, Path javaHome) {
        this.options = options;
        this.home = home;
        this.javaHome = javaHome;
        this.logFile = options.workDir().resolve("keycloak.log");
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.adminPassword = HexFormat.of().formatHex(random);
    }

    /** The Java 21+ that Keycloak would run on, or empty (then say {@link JavaRuntimes#missing}). */
    public static Optional<Path> java() {
        return JavaRuntimes.find(JAVA_FEATURE);
    }

    /** Starts Keycloak and waits until it is ready. */
    public static KeycloakProcess start(Options options) throws IOException, InterruptedException {
        Path javaHome = options.javaHome() != null
                ? options.javaHome()
                : java().orElseThrow(() -> new IllegalStateException(JavaRuntimes.missing(JAVA_FEATURE)));
        Files.createDirectories(options.workDir());
        var keycloak = new KeycloakProcess(options, findHome(options.home()), javaHome);
        keycloak.launch();
        return keycloak;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String tokenEndpoint(String realm) {
        return baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token";
    }

    public String jwksUrl(String realm) {
        return baseUrl() + "/realms/" + realm + "/protocol/openid-connect/certs";
    }

    public String issuer(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    public Path logFile() {
        return logFile;
    }

    /** How long the last start took until ready. */
    public Duration lastBoot() {
        return lastBoot;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Creates a realm ({@link KeycloakRealm#json()}); made again after a restart. */
    public void createRealm(String json) throws IOException, InterruptedException {
        admin("POST", "/admin/realms", json, 201);
        realms.add(json);
    }

    /** The admin API's representation of a client, by its client id. */
    public Map<String, Object> client(String realm, String clientId) throws IOException, InterruptedException {
        String body = admin(
                "GET",
                "/admin/realms/" + realm + "/clients?clientId=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8),
                null,
                200);
        List<Object> found;
        try {
            found = com.nimbusds.jose.util.JSONArrayUtils.parse(body);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("the admin API answered no JSON list: " + e.getMessage(), e);
        }
        if (found.isEmpty() || !(found.get(0) instanceof Map<?, ?>)) {
            throw new IllegalStateException("no client " + clientId + " in realm " + realm);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> client = (Map<String, Object>) found.get(0);
        return client;
    }

    /** Replaces one attribute of a client (its JWKS, say: a revoked or rotated key). */
    @SuppressWarnings("unchecked")
    public void setClientAttribute(String realm, String clientId, String attribute, String value)
            throws IOException, InterruptedException {
        Map<String, Object> client = client(realm, clientId);
        ((Map<String, Object>) client.get("attributes")).put(attribute, value);
        admin("PUT", "/admin/realms/" + realm + "/clients/" + client.get("id"), Json.write(client), 204);
    }

    /** SIGTERM to Keycloak (the JVM under {@code kc.sh}), SIGKILL after 20 s. */
    public void stop() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            p.destroyForcibly().waitFor();
        }
        forget();
    }

    /** SIGKILL, as in a crash. */
    public void kill() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        forget();
    }

    /** Stops it, starts it again on the same port and makes the realms again (new signing keys: a key rotation). */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
        List<String> again = List.copyOf(realms);
        realms.clear();
        for (String r : again) {
            createRealm(r);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Process p = process;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            forget();
            Thread.currentThread().interrupt();
        }
    }

    private void launch() throws IOException, InterruptedException {
        long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin").resolve("kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--db=dev-mem",
                // No clustering: the default distributed cache looks for peers on the network.
                "--cache=local"));
        // Tracing (OpenTelemetry export), metrics and the health endpoints are off by default, and Keycloak has no
        // other telemetry. They are not named here: naming a build option, even with its default value, makes every
        // start-dev rebuild the distribution (about a minute and a half on two busy cores).
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", javaHome.toString());
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        long started = System.nanoTime();
        // The first start of a distribution rewrites its lib/quarkus: two test JVMs must not do that at once.
        try (FileChannel lockFile = FileChannel.open(
                        home.resolve(".bedside-start.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            Process p = builder.start();
            process = p;
            Thread hook = new Thread(
                    () -> {
                        p.descendants().forEach(ProcessHandle::destroy);
                        p.destroy();
                    },
                    "keycloak-reaper");
            reaper = hook;
            Runtime.getRuntime().addShutdownHook(hook);
            awaitReady(p, logStart);
        }
        lastBoot = Duration.ofNanos(System.nanoTime() - started);
    }

    private void awaitReady(Process p, long logStart) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (true) {
            if (!p.isAlive()) {
                forget();
                throw new IllegalStateException("Keycloak exited with code " + p.exitValue()
                        + " before it was ready; last output (" + logFile + "):\n" + tail(logStart));
            }
            if (System.nanoTime() - deadline > 0) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                forget();
                throw new IllegalStateException("Keycloak was not ready after " + options.startTimeout()
                        + "; killed it. Last output (" + logFile + "):\n" + tail(logStart));
            }
            Matcher m = LISTENING.matcher(tail(logStart));
            if (m.find()) {
                port = Integer.parseInt(m.group(2));
                try {
                    HttpResponse<Void> r = http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + "/realms/master"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not yet
                }
            }
            // Polling the log the child writes: there is no other signal from kc.sh.
            Thread.sleep(200);
        }
    }

    private String adminToken() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password=" + adminPassword;
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/realms/master/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused the admin login: HTTP " + r.statusCode());
        }
        return (String) Json.read(r.body()).get("access_token");
    }

    private String admin(String method, String path, @Nullable String json, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + adminToken())
                .timeout(Duration.ofSeconds(60));
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private void forget() {
        Thread hook = reaper;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // nothing to undo
            }
        }
        reaper = null;
        process = null;
    }

    private String tail(long from) {
        try (var file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(from, file.length() - 32_768);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    static Path findHome(@Nullable Path configured) {
        Path dir = configured;
        if (dir == null) {
            String property = System.getProperty(HOME_PROPERTY);
            dir = property != null
                    ? Path.of(property)
                    : searchUpwards(Path.of("").toAbsolutePath());
        }
        if (dir == null || !Files.isExecutable(dir.resolve("bin").resolve("kc.sh"))) {
            throw new IllegalStateException("cannot find Keycloak (" + HOME_FROM_ROOT + " above "
                    + Path.of("").toAbsolutePath() + ", or -D" + HOME_PROPERTY + "=DIR). Fetch it with: "
                    + "./mvnw -pl hardware-sim/auth-server package");
        }
        return dir.toAbsolutePath();
    }

    private static @Nullable Path searchUpwards(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(HOME_FROM_ROOT);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
