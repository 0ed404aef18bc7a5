package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bedside.runtime.api.StatusResource;
import org.bedside.runtime.security.UsersFile;
import org.bedside.sim.pki.TestPki;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway listening beyond this box over HTTPS, with a users file: reading from the box's own non-loopback
 * address needs a user, and every write endpoint (found by reflection over the resources, so that one added later is
 * tested too) refuses no credentials, wrong ones and a viewer, from loopback too, refuses an operator whose request
 * lacks the CSRF header or comes from another origin, and takes the operator's request, audited.
 */
class HttpAccessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATOR_PASSWORD = "correct horse battery";
    private static final String VIEWER_PASSWORD = "staple nurse station";

    @TempDir
    Path dir;

    private HttpClient client;

    /** A method and path of a resource that changes state, its path parameters filled with an id that is no one's. */
    record Endpoint(String method, String path) {}

    @Test
    void readingBeyondTheBoxNeedsAUserAndEveryChangeAnAuditedOperator() throws Exception {
        String address = nonLoopbackAddress();
        TestPki pki = TestPki.create(dir.resolve("pki"), "ward");
        TestPki.Issued page = pki.server("page", "127.0.0.1", address);
        client = HttpClient.newBuilder()
                .sslContext(trusting(pki.caFile()))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Path users = dir.resolve("users");
        Files.createFile(users, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                users,
                UsersFile.line("biomed", OPERATOR_PASSWORD.toCharArray(), Set.of("operator")) + "\n"
                        + UsersFile.line("nurse", VIEWER_PASSWORD.toCharArray(), Set.of("viewer")) + "\n");
        Path data = dir.resolve("data");
        try (GatewayProcess gateway = GatewayProcess.startHttps(
                dir, """
                gateway:
                  id: icu-gw-1
                  data-dir: %s
                  uplink:
                    base-url: http://127.0.0.1:1/fhir
                  http:
                    users-file: %s
                """.formatted(data, users), """
                host: 0.0.0.0
                insecure-requests: disabled
                ssl:
                  certificate:
                    files: %s
                    key-files: %s
                """.formatted(page.certificateFile(), page.keyFile()), client)) {
            String local = "https://127.0.0.1:" + gateway.port();
            String remote = "https://" + address + ":" + gateway.port();

            // Reading: open on loopback, a user from anywhere else.
            for (String path : List.of("/", "/api/status", "/api/dead-letters", "/q/health/live", "/q/metrics")) {
                assertThat(status(send("GET", local + path, null, null, null)))
                        .as("GET %s on loopback", path)
                        .isEqualTo(200);
                HttpResponse<String> anonymous = send("GET", remote + path, null, null, null);
                assertThat(anonymous.statusCode())
                        .as("GET %s from %s", path, address)
                        .isEqualTo(401);
                assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                        .hasValueSatisfying(
                                v -> assertThat(v).startsWithIgnoringCase("basic realm=\"Bedside Gateway\""));
                assertThat(anonymous.body()).doesNotContain("icu-gw-1");
                assertThat(status(send("GET", remote + path, basic("nurse", "wrong"), null, null)))
                        .isEqualTo(401);
                assertThat(status(send("GET", remote + path, basic("nurse", VIEWER_PASSWORD), null, null)))
                        .as("GET %s by a viewer from %s", path, address)
                        .isEqualTo(200);
            }
            assertThat(send("GET", remote + "/api/status", basic("nurse", VIEWER_PASSWORD), null, null)
                            .body())
                    .contains("icu-gw-1");

            // bedside capture on the box finds the gateway through its configuration: HTTPS (plain HTTP is disabled),
            // the page's own certificate trusted, the operator's credentials sent only over it.
            java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
            int exit = org.bedside.runtime.capture.CaptureCommand.run(
                    new String[] {
                        "no-such-device",
                        "--seconds",
                        "2",
                        "--config",
                        gateway.configFile().toString(),
                        "--user",
                        "biomed:" + OPERATOR_PASSWORD
                    },
                    new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8),
                    Duration.ofMillis(200),
                    new java.util.concurrent.atomic.AtomicReference<>());
            assertThat(exit).isEqualTo(1);
            assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .as("answered by the gateway over HTTPS, as an operator: the device is what it refuses")
                    .contains("no device 'no-such-device' in this gateway")
                    .doesNotContain("does not answer")
                    .doesNotContain(OPERATOR_PASSWORD);

            List<Endpoint> writes = writeEndpoints();
            assertThat(writes)
                    .as("the write endpoints found")
                    .contains(
                            new Endpoint("POST", "/api/dead-letters/retry"),
                            new Endpoint("POST", "/api/dead-letters/no-such-id/retry"));
            for (Endpoint e : writes) {
                for (String base : List.of(local, remote)) {
                    String url = base + e.path();
                    String what = e.method() + " " + url;
                    assertThat(status(send(e.method(), url, null, "bedside", null)))
                            .as("%s without credentials", what)
                            .isEqualTo(401);
                    assertThat(status(send(e.method(), url, basic("biomed", "not it"), "bedside", null)))
                            .as("%s with a wrong password", what)
                            .isEqualTo(401);
                    assertThat(status(send(e.method(), url, basic("nobody", OPERATOR_PASSWORD), "bedside", null)))
                            .as("%s by an unknown user", what)
                            .isEqualTo(401);
                    HttpResponse<String> viewer =
                            send(e.method(), url, basic("nurse", VIEWER_PASSWORD), "bedside", null);
                    assertThat(viewer.statusCode()).as("%s by a viewer", what).isEqualTo(403);
                    assertThat(viewer.headers().firstValue("X-Bedside-Refused"))
                            .hasValue(
                                    e.path().startsWith("/api/bedside/")
                                                    || e.path().startsWith("/api/alarms/local-signals/")
                                            ? "nurse has neither the role clinician nor operator"
                                            : "nurse has not the role operator");
                    HttpResponse<String> noHeader =
                            send(e.method(), url, basic("biomed", OPERATOR_PASSWORD), null, null);
                    assertThat(noHeader.statusCode())
                            .as("%s without the CSRF header", what)
                            .isEqualTo(403);
                    assertThat(noHeader.headers().firstValue("X-Bedside-Refused"))
                            .hasValueSatisfying(v -> assertThat(v).contains("X-Requested-By"));
                    assertThat(status(send(
                                    e.method(),
                                    url,
                                    basic("biomed", OPERATOR_PASSWORD),
                                    "bedside",
                                    "https://evil.example")))
                            .as("%s from another origin", what)
                            .isEqualTo(403);
                    int answered = status(send(e.method(), url, basic("biomed", OPERATOR_PASSWORD), "bedside", base));
                    assertThat(answered)
                            .as("%s by an operator gets through to the endpoint", what)
                            .isNotIn(401, 403)
                            .isLessThan(500);
                }
            }
            assertThat(status(send(
                            "POST",
                            local + "/api/dead-letters/retry",
                            basic("biomed", OPERATOR_PASSWORD),
                            "bedside",
                            null)))
                    .isEqualTo(200);

            List<JsonNode> audit =
                    awaitAudit(data.resolve("audit/audit.jsonl"), "http-change-answered", 2 * writes.size() + 1);
            assertThat(audit)
                    .anySatisfy(a -> {
                        assertThat(a.get("action").asText()).isEqualTo("http-change");
                        assertThat(a.get("user").asText()).isEqualTo("biomed");
                        assertThat(a.get("method").asText()).isEqualTo("POST");
                        assertThat(a.get("path").asText()).isEqualTo("/api/dead-letters/retry");
                        assertThat(a.get("from").asText()).isEqualTo(address);
                        assertThat(a.get("decision").asText()).isEqualTo("permitted");
                        assertThat(a.get("at").asText()).isNotBlank();
                    })
                    .anySatisfy(a -> {
                        assertThat(a.get("action").asText()).isEqualTo("http-change-answered");
                        assertThat(a.get("path").asText()).isEqualTo("/api/dead-letters/retry");
                        assertThat(a.get("status").asText()).isEqualTo("200");
                    })
                    .anySatisfy(a -> {
                        assertThat(a.get("action").asText()).isEqualTo("http-change");
                        assertThat(a.get("user").asText()).isEqualTo("nurse");
                        assertThat(a.get("decision").asText()).isEqualTo("refused: nurse has not the role operator");
                    })
                    .anySatisfy(a -> {
                        assertThat(a.get("action").asText()).isEqualTo("http-sign-in-refused");
                        assertThat(a.get("user").asText()).isEqualTo("biomed");
                        assertThat(a.get("from").asText()).isEqualTo(address);
                    })
                    .anySatisfy(a -> {
                        assertThat(a.get("action").asText()).isEqualTo("http-sign-in-refused");
                        assertThat(a.get("user").asText()).isEqualTo("(unknown name)");
                    });
            String everything = Files.readString(data.resolve("audit/audit.jsonl")) + gateway.tail();
            for (String secret : List.of(OPERATOR_PASSWORD, VIEWER_PASSWORD, "not it", "$2a$")) {
                assertThat(everything).doesNotContain(secret);
            }
        }
    }

    private int status(HttpResponse<String> r) {
        return r.statusCode();
    }

    private HttpResponse<String> send(
            String method, String url, @Nullable String authorization, @Nullable String csrf, @Nullable String origin)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (csrf != null) {
            b.header("X-Requested-By", csrf);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Every JAX-RS method of the gateway's resources that is not a read. */
    private static List<Endpoint> writeEndpoints() throws Exception {
        // target/classes, or under failsafe the module's jar
        Path location = Path.of(StatusResource.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
            Path api = (jar == null ? location : jar.getPath("/")).resolve("org/bedside/runtime/api");
            return writeEndpoints(api);
        }
    }

    private static List<Endpoint> writeEndpoints(Path api) throws Exception {
        List<Endpoint> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(api)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = f.getFileName().toString();
                Class<?> c = Class.forName("org.bedside.runtime.api." + name.substring(0, name.length() - 6));
                jakarta.ws.rs.Path root = c.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method m : c.getDeclaredMethods()) {
                    for (Class<? extends Annotation> verb : List.of(POST.class, PUT.class, DELETE.class, PATCH.class)) {
                        if (m.isAnnotationPresent(verb)) {
                            jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                            String path = "/" + strip(root.value()) + (sub == null ? "" : "/" + strip(sub.value()));
                            out.add(new Endpoint(
                                    verb.getSimpleName(),
                                    path.replaceAll("\\{[^}]+}", "no-such-id").replace("//", "/")));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static String strip(String p) {
        return p.replaceAll("^/+|/+$", "");
    }

    private static List<JsonNode> awaitAudit(Path file, String action, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<JsonNode> entries = List.of();
        while (System.nanoTime() < deadline) {
            entries = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                entries.add(JSON.readTree(line));
            }
            if (entries.stream()
                            .filter(e -> e.get("action").asText().equals(action))
                            .count()
                    >= count) {
                return entries;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " " + action + " entries in " + entries);
    }

    /**
     * An address of this machine that is not loopback, through which the gateway sees a peer beyond the box. A machine
     * without one (a container with loopback only) cannot run the test: it is skipped, visibly, with the reason.
     */
    private static String nonLoopbackAddress() throws IOException {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!i.isUp() || i.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(i.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        org.junit.jupiter.api.Assumptions.abort(
                "skipped: this machine has no non-loopback IPv4 address (up, not link-local) through which the gateway"
                        + " would see a peer beyond the box; the loopback half alone would not test the rule");
        throw new IllegalStateException("unreachable: abort throws");
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = Files.newInputStream(caFile)) {
            int n = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + n++, (X509Certificate) cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
