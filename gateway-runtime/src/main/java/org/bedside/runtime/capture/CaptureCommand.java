package org.bedside.runtime.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.bedside.runtime.config.CaptureSettings;
import org.bedside.runtime.config.ConfigFile;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.security.HttpAccess;
import org.jspecify.annotations.Nullable;

/**
 * {@code bedside capture DEVICE [--minutes N | --seconds N] [--gateway URL | --config FILE] --user NAME[:PASSWORD]}:
 * asks the running gateway
 * to record what DEVICE sends and what the gateway writes to it ({@code POST /api/captures}), follows the capture
 * until it ends, and prints the file's path: a file {@code bedside replay FILE} decodes. The gateway holds the port, so
 * the capture is made inside it, and the device goes on being read and charted meanwhile.
 *
 * <p>The gateway is the one at {@code --gateway URL}, else {@code $BEDSIDE_GATEWAY}, else where {@code --config FILE}
 * (default {@code /etc/bedside/gateway.yaml}) says the page listens, as the doctor finds it: HTTPS with the page's own
 * certificate trusted when the page has one (the credentials then never travel in clear), else HTTP; else port 8080. Exit 0 when the
 * capture ended with a file, 1 when the gateway refused or could not write it or did not answer, 64 for a usage error.
 * Ctrl-C ends the capture early; the file keeps what was captured until then.
 *
 * <p>Starting a capture changes the gateway's state, so it needs an operator of {@code gateway.http.users-file}
 * (docs/security.md): {@code --user NAME} asks for the password on the terminal (or reads it as a line from standard
 * input), {@code --user NAME:PASSWORD} takes it as given. Every request carries the user, and the changes the header
 * {@code X-Requested-By}.
 */
public final class CaptureCommand {
    static final Duration DEFAULT_DURATION = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The running capture's credentials, for the interrupt that stops it. */
    private static final AtomicReference<@Nullable String> STOP_AUTHORIZATION = new AtomicReference<>();

    /** The client of this run: towards the page's own certificate when the page serves HTTPS. */
    private static final AtomicReference<HttpClient> HTTP = new AtomicReference<>(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build());

    private CaptureCommand() {}

    /** What the command was asked. */
    /**
     * @param pageCertificate the page's certificate when the gateway was found through its configuration and serves
     *     HTTPS: trusted for this one connection; null otherwise (an {@code https} {@code --gateway} is checked against
     *     the JDK's CAs)
     */
    record Arguments(
            String device,
            Duration duration,
            URI gateway,
            @Nullable String authorization,
            @Nullable Path pageCertificate) {}

    private static final String USAGE = "usage: bedside capture DEVICE [--minutes N | --seconds N]"
            + " [--gateway URL | --config FILE] --user NAME[:PASSWORD]";

    public static void main(String[] args) {
        AtomicReference<@Nullable URI> running = new AtomicReference<>();
        // Ctrl-C: the gateway ends the capture and closes its file, rather than recording on until its time is over.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            URI capture = running.getAndSet(null);
            if (capture != null) {
                try {
                    post(capture.resolve(capture.getPath() + "/stop"), "", STOP_AUTHORIZATION.get());
                    System.out.println("bedside: capture stopped (interrupted)");
                } catch (IOException | InterruptedException e) {
                    System.out.println("bedside: could not stop the capture: " + e.getMessage());
                }
            }
        }));
        int code = run(args, System.out, Duration.ofSeconds(1), running);
        running.set(null);
        System.exit(code);
    }

    /**
     * Runs the command.
     *
     * @param poll how often the capture is asked about
     * @param running set to the capture's URL while it runs (for an interrupt to stop it)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, Duration poll, AtomicReference<@Nullable URI> running) {
        Arguments a;
        try {
            a = arguments(args, System.getenv("BEDSIDE_GATEWAY"), out);
        } catch (IllegalArgumentException e) {
            out.println("bedside: capture: " + e.getMessage());
            out.println(USAGE);
            return 64;
        }
        ObjectNode body = JSON.createObjectNode().put("device", a.device());
        if (a.duration().toSeconds() % 60 == 0) {
            body.put("minutes", a.duration().toMinutes());
        } else {
            body.put("seconds", a.duration().toSeconds());
        }
        URI captures = a.gateway().resolve("/api/captures");
        if (a.pageCertificate() != null) {
            try {
                HTTP.set(HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(3))
                        .sslContext(org.bedside.runtime.security.PinnedCertificate.context(a.pageCertificate()))
                        .build());
            } catch (IOException | java.security.GeneralSecurityException e) {
                out.println("bedside: capture: cannot read the page's certificate " + a.pageCertificate() + " ("
                        + e.getMessage() + "): quarkus.http.ssl.certificate.files of the configuration");
                return 1;
            }
        }
        try {
            STOP_AUTHORIZATION.set(a.authorization());
            HttpResponse<String> r = post(captures, body.toString(), a.authorization());
            JsonNode started = parse(r.body());
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                String why = r.headers().firstValue("X-Bedside-Refused").orElse("HTTP " + r.statusCode());
                out.println("bedside: the gateway refused the capture: " + why + "; a capture needs an operator of"
                        + " gateway.http.users-file (--user NAME; bedside user add writes one)");
                return 1;
            }
            if (r.statusCode() != 201 || started == null) {
                String error = started != null && started.hasNonNull("error")
                        ? started.get("error").asText()
                        : "HTTP " + r.statusCode() + " " + r.body();
                out.println("bedside: the gateway refused the capture: " + error);
                return 1;
            }
            String id = started.get("id").asText();
            String file = started.get("file").asText();
            URI self = a.gateway().resolve("/api/captures/" + id);
            running.set(self);
            out.println("bedside: capturing " + a.device() + " through the gateway at " + a.gateway() + " for "
                    + Captures.minutes(a.duration()) + ", at most "
                    + CaptureSettings.describe(started.get("maxBytes").asLong()) + ", into");
            out.println("  " + file);
            out.println("bedside: the file holds patient data (what the device sends: values, and names or numbers"
                    + " if it sends them). It is written with mode 0600, readable only by the gateway's user"
                    + " (bedside): copy it with sudo, send it only as your hospital allows, and delete it when done."
                    + " Ctrl-C ends the capture early.");
            JsonNode last = started;
            long deadline = System.nanoTime() + a.duration().plusMinutes(1).toNanos();
            while ("RUNNING".equals(last.get("state").asText())) {
                if (System.nanoTime() > deadline) {
                    out.println("bedside: the capture should have ended by now; the gateway still says it runs");
                    return 1;
                }
                Thread.sleep(poll.toMillis());
                HttpRequest.Builder get = HttpRequest.newBuilder(self).timeout(Duration.ofSeconds(10));
                if (a.authorization() != null) {
                    get.header("Authorization", a.authorization());
                }
                HttpResponse<String> s = HTTP.get().send(get.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode now = parse(s.body());
                if (s.statusCode() != 200 || now == null) {
                    out.println("bedside: the gateway no longer knows the capture " + id + " (was it restarted?);"
                            + " what was captured is in " + file);
                    return 1;
                }
                last = now;
            }
            running.set(null);
            boolean failed = "FAILED".equals(last.get("state").asText());
            out.println("bedside: capture " + (failed ? "failed" : "ended") + ": "
                    + last.get("stopReason").asText()
                    + "; " + CaptureSettings.describe(last.get("bytes").asLong()) + ", "
                    + last.get("reads").asLong() + " reads from the device, "
                    + last.get("writes").asLong()
                    + " writes to it");
            out.println("bedside: decode it with: bedside replay " + file);
            out.println(file);
            return failed ? 1 : 0;
        } catch (IOException e) {
            out.println("bedside: the gateway does not answer at " + a.gateway() + " (" + e.getMessage()
                    + "): is it running? A capture is made by the running gateway.");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static Arguments arguments(String[] args, @Nullable String gatewayFromEnvironment, PrintStream out) {
        String device = null;
        Duration duration = DEFAULT_DURATION;
        String gateway = null;
        String user = null;
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean hasValue = i + 1 < args.length;
            if ((a.equals("--minutes") || a.equals("--seconds")) && hasValue) {
                String v = args[++i];
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(a + " takes a whole number, not '" + v + "'");
                }
                if (n < 1) {
                    throw new IllegalArgumentException(a + " must be at least 1");
                }
                duration = a.equals("--minutes") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
            } else if (a.equals("--gateway") && hasValue) {
                gateway = args[++i];
            } else if (a.equals("--user") && hasValue) {
                user = args[++i];
            } else if (a.equals("--config") && hasValue) {
                config = Path.of(args[++i]);
            } else if (!a.startsWith("--") && device == null) {
                device = a;
            } else {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
        }
        if (device == null) {
            throw new IllegalArgumentException("which device? (its name in the configuration, such as bed12-spo2)");
        }
        if (gateway == null) {
            gateway = gatewayFromEnvironment;
        }
        String authorization = user == null ? null : authorization(user);
        if (gateway != null && !gateway.isBlank()) {
            return new Arguments(
                    device, duration, URI.create(gateway.endsWith("/") ? gateway : gateway + "/"), authorization, null);
        }
        Local local = local(config, out);
        return new Arguments(device, duration, local.url(), authorization, local.certificate());
    }

    private record Local(URI url, @Nullable Path certificate) {}

    /** HTTP basic credentials of {@code NAME[:PASSWORD]}; the password asked for when not given. */
    private static String authorization(String user) {
        int colon = user.indexOf(':');
        String name = colon < 0 ? user : user.substring(0, colon);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("--user needs a name (an operator of gateway.http.users-file)");
        }
        String password;
        if (colon >= 0) {
            password = user.substring(colon + 1);
        } else if (System.console() != null) {
            char[] typed = System.console().readPassword("password of %s: ", name);
            password = typed == null ? "" : new String(typed);
        } else {
            try {
                String line = new java.io.BufferedReader(
                                new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                        .readLine();
                password = line == null ? "" : line;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password of " + name + ": " + e.getMessage());
            }
        }
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((name + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Where this box reaches the running gateway, as the doctor finds it from the configuration file: {@code https://}
     * with the page's certificate when the page serves HTTPS, else {@code http://} on its HTTP port; port 8080 when
     * there is no file to read.
     */
    private static Local local(@Nullable Path config, PrintStream out) {
        Path file = config != null ? config : Path.of("/etc/bedside/gateway.yaml");
        Local fallback = new Local(URI.create("http://127.0.0.1:" + ConfigFile.DEFAULT_HTTP_PORT + "/"), null);
        if (config == null && !Files.exists(file)) {
            return fallback;
        }
        try {
            ConfigFile.Loaded loaded = ConfigFile.load(file);
            return new Local(URI.create(loaded.localUrl() + "/"), loaded.pageCertificate());
        } catch (ConfigFile.Unusable | ConfigProblems e) {
            if (config != null) {
                throw new IllegalArgumentException("cannot read where the gateway listens from " + file + ": "
                        + e.getMessage() + " (or give --gateway URL)");
            }
            out.println("bedside: cannot read where the gateway listens from " + file + "; trying port "
                    + ConfigFile.DEFAULT_HTTP_PORT + " (--gateway URL to say where it is)");
            return fallback;
        }
    }

    private static HttpResponse<String> post(URI uri, String json, @Nullable String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header(HttpAccess.CSRF_HEADER, "bedside capture")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.get().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static @Nullable JsonNode parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }
}
