package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./bedside demo --secure} prints the same {@code gateway:} and {@code fhir:} lines, the latter https, and
 * {@code auth: <token endpoint>}, and charts through the token-checking sandbox: the gateway's own metrics count
 * Observations the sandbox created, which it does only for a request with a valid Keycloak token over TLS.
 *
 * <p>Not in the default build: Keycloak needs Java 21+ and takes 15 s on a quiet machine but minutes on a loaded one
 * (docs/security.md, "Boot times"), beside the sandbox and the gateway. Run it by hand with {@code -Dit.test=SecureDemoIT
 * -Dbedside.demo.secure=true} after {@code ./bedside build}.
 */
@EnabledIfSystemProperty(
        named = "bedside.demo.secure",
        matches = "true",
        disabledReason = "starts Keycloak, minutes on a loaded machine: -Dbedside.demo.secure=true to run it")
class SecureDemoIT {
    private static final Pattern CREATED =
            Pattern.compile("bedside_observations_total\\{[^}]*result=\"created\"[^}]*\\} ([0-9.E]+)");

    @TempDir
    Path dir;

    @Test
    void theSecureDemoChartsThroughTheTokenCheckingSandboxOverHttps() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("bedside"))) {
            root = root.getParent();
        }
        int httpPort = freePort();
        int fhirPort = freePort();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bedside").toString(), "demo", "--secure")
                .directory(root.toFile())
                .redirectError(dir.resolve("demo.err").toFile());
        pb.environment().put("BEDSIDE_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("BEDSIDE_FHIR_PORT", Integer.toString(fhirPort));
        pb.environment().put("BEDSIDE_MQTT_PORT", Integer.toString(freePort()));
        pb.environment().put("BEDSIDE_DEMO_DIR", dir.resolve("demo").toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process demo = pb.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            String gateway = out.readLine();
            assertThat(gateway)
                    .as(Files.readString(dir.resolve("demo.err")))
                    .isEqualTo("gateway: http://127.0.0.1:" + httpPort);
            assertThat(out.readLine()).isEqualTo("fhir: https://127.0.0.1:" + fhirPort + "/fhir");
            assertThat(out.readLine())
                    .matches("auth: http://127\\.0\\.0\\.1:\\d+/realms/bedside-demo/protocol/openid-connect/token");

            HttpClient http = HttpClient.newHttpClient();
            Await.until("an Observation created through the token-checking sandbox", Duration.ofMinutes(3), () -> {
                try {
                    String metrics = http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
                    Matcher m = CREATED.matcher(metrics);
                    return m.find() && Double.parseDouble(m.group(1)) > 0;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            demo.destroy();
            assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("the demo stops").isTrue();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
