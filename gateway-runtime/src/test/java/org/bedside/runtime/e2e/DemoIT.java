package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.testing.Await;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command works as written: {@code ./bedside demo} prints its two URLs and charts data; it prints
 * its MQTT broker and the topic of a device of its own, on which a reading published by hand is charted, and the Alert
 * Manager stand-in's log, which receives PCD-04.
 */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void theDemoPrintsItsUrlsChartsTheSimulatedPatientAndStopsCleanly() throws Exception {
        Path root = repositoryRoot();
        int httpPort = freePort();
        int fhirPort = freePort();
        int mqttPort = freePort();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bedside").toString(), "demo")
                .directory(root.toFile())
                .redirectError(dir.resolve("demo.err").toFile());
        pb.environment().put("BEDSIDE_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("BEDSIDE_FHIR_PORT", Integer.toString(fhirPort));
        pb.environment().put("BEDSIDE_MQTT_PORT", Integer.toString(mqttPort));
        pb.environment().put("BEDSIDE_DEMO_DIR", dir.resolve("demo").toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process demo = pb.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            String gateway = out.readLine();
            String fhir = out.readLine();
            assertThat(gateway)
                    .as(Files.readString(dir.resolve("demo.err")))
                    .isEqualTo("gateway: http://127.0.0.1:" + httpPort);
            assertThat(fhir).isEqualTo("fhir: http://127.0.0.1:" + fhirPort + "/fhir");
            // The demo admitted its bed over ADT and names the second patient to admit (docs/patients.md).
            assertThat(out.readLine())
                    .matches("adt: mllp://127\\.0\\.0\\.1:\\d+ bed=ICU\\^12\\^1 mrn=demo-next aa=DEMO");

            String mqtt = out.readLine();
            String ingest = out.readLine();
            assertThat(mqtt).isEqualTo("mqtt: tcp://127.0.0.1:" + mqttPort);
            assertThat(ingest).isEqualTo("mqtt-ingest: bedside/ingest/bed12-manual");

            String alertManager = out.readLine();
            assertThat(alertManager).startsWith("alert-manager: ");
            Path alertLog = Path.of(alertManager.substring("alert-manager: ".length()));
            String hl7Out = out.readLine();
            assertThat(hl7Out).startsWith("hl7-out: ");
            Path engineLog = Path.of(hl7Out.substring("hl7-out: ".length()));

            FhirServer server = new FhirServer(fhir.substring("fhir: ".length()));
            Await.until("an Observation of the demo patient", Duration.ofSeconds(90), () -> {
                try {
                    return server.countObservations("demo-bed-12") > 0;
                } catch (Exception e) {
                    return false;
                }
            });
            // The gateway's watchdog goes out at once; alerts follow as the monitor desaturates (docs/alarms.md).
            Await.until(
                    "a PCD-04 at the Alert Manager stand-in",
                    Duration.ofSeconds(30),
                    () -> Files.exists(alertLog) && readQuietly(alertLog).contains("|ORU^R40^ORU_R40|"));

            // What is charted goes to the interface engine stand-in as PCD-01 too, for the ADT patient (PID-3).
            Await.until(
                    "a PCD-01 for the demo patient at the interface engine stand-in",
                    Duration.ofSeconds(60),
                    () -> readQuietly(engineLog).contains("|ORU^R01^ORU_R01|")
                            && readQuietly(engineLog).contains("demo-bed-12^^^DEMO^MR"));

            // What a user does with the printed lines: publish a SenML reading on the topic, see it charted.
            long now = System.currentTimeMillis() / 1000;
            String pack = "[{\"bn\":\"urn:dev:demo:\",\"bt\":" + now + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":93}]";
            MqttClient user = new MqttClient(mqtt.substring("mqtt: ".length()), "demo-it", new MemoryPersistence());
            try {
                user.connect();
                MqttMessage m = new MqttMessage(pack.getBytes(StandardCharsets.UTF_8));
                m.setQos(1);
                user.publish(ingest.substring("mqtt-ingest: ".length()), m);
                user.disconnect();
            } finally {
                user.close(true);
            }
            Await.until("the published SpO2 93 charted, and the simulated sensor hub", Duration.ofSeconds(90), () -> {
                try {
                    var all = server.observations("demo-bed-12");
                    boolean manual = all.stream()
                            .anyMatch(o -> o.getIdentifierFirstRep().getValue().contains("/bed12-manual/")
                                    && o.getValueQuantity().getValue().intValue() == 93);
                    boolean hub = all.stream()
                            .anyMatch(o -> o.getIdentifierFirstRep().getValue().contains("/bed12-hub/"));
                    return manual && hub;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C would
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo stops").isTrue();
        }
        // everything it started is gone: both ports are free again
        Await.until(
                "ports released",
                Duration.ofSeconds(30),
                () -> !listening(httpPort) && !listening(fhirPort) && !listening(mqttPort));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("bedside"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "no bedside script above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
