package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.LinkState;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eclipse Mosquitto's command-line clients as an independent MQTT 5 implementation on both sides of the gateway:
 * {@code mosquitto_pub} as a sensor publishing SenML into the ingest, {@code mosquitto_sub} as a subscriber of the
 * egress, over TLS with the client certificate and credentials. Skipped, saying so, where they are not installed
 * ({@code apt-get install -y mosquitto-clients}); the Paho tests are the proof everywhere.
 */
class MosquittoInteropIT {
    @TempDir
    static Path shared;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                onPath("mosquitto_pub") && onPath("mosquitto_sub"),
                "mosquitto_pub/mosquitto_sub are not installed (apt-get install -y mosquitto-clients): interop test"
                        + " skipped");
        broker = TestBroker.start(shared);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private List<String> tlsArgs(String user) {
        return List.of(
                "-V", "mqttv5",
                "-h", "localhost",
                "-p", Integer.toString(broker.broker.tlsPort()),
                "--cafile", broker.pki.caFile().toString(),
                "--cert", broker.gatewayCertificate.certificateFile().toString(),
                "--key", broker.gatewayCertificate.keyFile().toString(),
                "-u", user,
                "-P", TestBroker.password(user),
                "-q", "1");
    }

    @Test
    void storesWhatMosquittoPubPublishes(@TempDir Path dir) throws Exception {
        var driver = new SenmlMqttDriver();
        var transport = new MqttIngestTransport(
                broker.endpoint("gw-interop", "gateway"),
                List.of("bedside/ingest/bed12-hub"),
                MqttIngestTransport.Settings.DEFAULT);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                DevicePipeline p = new DevicePipeline(
                        DeviceId.of("bed12-hub"),
                        driver,
                        DriverOptions.defaults(driver.info()),
                        transport,
                        store::append,
                        InstantSource.system(),
                        new DevicePipeline.Settings(
                                Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMillis(500)))) {
            p.start();
            Await.until("connected", TestBroker.WAIT, () -> p.status().state() == LinkState.CONNECTED);
            long now = Instant.now().getEpochSecond();
            List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-i", "bed12-hub"));
            cmd.addAll(tlsArgs("bed12-hub"));
            cmd.addAll(List.of(
                    "-t",
                    "bedside/ingest/bed12-hub",
                    "-m",
                    "[{\"bt\":" + now
                            + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":94},{\"n\":\"pulse\",\"u\":\"beat/min\",\"v\":61}]"));
            Process pub = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue()).as("mosquitto_pub: " + out).isZero();

            Await.until("both readings stored", TestBroker.WAIT, () -> transport.acknowledged() == 1);
            List<NumericReading> stored = store.readAll().stream()
                    .map(StoredRecord::readings)
                    .flatMap(List::stream)
                    .filter(NumericReading.class::isInstance)
                    .map(NumericReading.class::cast)
                    .toList();
            assertThat(stored)
                    .extracting(NumericReading::metric)
                    .containsExactly(Metrics.SPO2, Metrics.PULSE_RATE_OXIMETRY);
            assertThat(stored).extracting(r -> r.value().intValue()).containsExactly(94, 61);
        }
    }

    @Test
    void mosquittoSubReceivesTheEgressPacks(@TempDir Path dir) throws Exception {
        EgressTopics topics = new EgressTopics(EgressTopics.DEFAULT_PREFIX, TestBroker.GATEWAY);
        DeviceId device = DeviceId.of("bed12-spo2");
        Path received = dir.resolve("sub.out");
        List<String> cmd =
                new ArrayList<>(List.of("mosquitto_sub", "-i", "interop-reader", "-C", "1", "-W", "30", "-v"));
        cmd.addAll(tlsArgs("reader"));
        cmd.addAll(List.of("-t", topics.readings(device)));
        Process sub = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(received.toFile())
                .start();
        try (MqttPublisher publisher = new MqttPublisher(
                broker.endpoint("icu-gw-12-interop", "gateway"), topics.gatewayStatus(), Duration.ofSeconds(10))) {
            Instant t = Instant.parse("2026-12-02T06:00:00Z");
            var reading = new NumericReading(
                    device, Metrics.SPO2, new BigDecimal("96"), UcumUnit.PERCENT, Quality.VALID, t, t);
            // mosquitto_sub has no "subscribed" signal: publish until it has its message (it exits after one).
            Await.until("mosquitto_sub got a pack", TestBroker.WAIT, () -> {
                publisher.deliver(new EgressMessages(topics, Duration.ZERO).messages(List.of(reading)));
                return !sub.isAlive();
            });
        } finally {
            sub.destroy();
        }
        String line = Files.readString(received, StandardCharsets.UTF_8).trim();
        assertThat(line).startsWith(topics.readings(device) + " [{\"bn\":\"icu-gw-12/bed12-spo2/\"");
        assertThat(line)
                .contains("\"id\":\"bed12-spo2/150456/"
                        + org.bedside.model.Reading.epochMicros(Instant.parse("2026-12-02T06:00:00Z")) + "\"");
    }
}
