package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

/**
 * The ingest and the egress against a second broker implementation, Eclipse Mosquitto 2 in a container: only where
 * Docker exists (JUnit reports the class as disabled elsewhere). The HiveMQ broker tests are the proof everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class MosquittoContainerIT {
    @Container
    static final GenericContainer<?> MOSQUITTO = new GenericContainer<>("eclipse-mosquitto:2")
            .withExposedPorts(1883)
            .withCopyToContainer(MountableFile.forHostPath(mosquittoConf()), "/mosquitto/config/mosquitto.conf");

    private static Path mosquittoConf() {
        try {
            Path dir = Files.createTempDirectory("mosquitto");
            return Files.writeString(
                    dir.resolve("mosquitto.conf"), "listener 1883\nallow_anonymous true\npersistence false\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static URI uri() {
        return URI.create("tcp://" + MOSQUITTO.getHost() + ":" + MOSQUITTO.getMappedPort(1883));
    }

    @Test
    void ingestStoresAndAcknowledgesAndTheEgressIsAcknowledged(@TempDir Path dir) throws Exception {
        var driver = new SenmlMqttDriver();
        var transport = new MqttIngestTransport(
                MqttEndpoint.plain(uri(), "gw-mosquitto"),
                List.of("bedside/ingest/bed12-hub"),
                MqttIngestTransport.Settings.DEFAULT);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                RedeliveryFilter filter = RedeliveryFilter.open(store, DeviceId.of("bed12-hub"));
                DevicePipeline p = new DevicePipeline(
                        DeviceId.of("bed12-hub"),
                        driver,
                        DriverOptions.defaults(driver.info()),
                        transport,
                        filter,
                        InstantSource.system(),
                        new DevicePipeline.Settings(
                                Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMillis(500)))) {
            p.start();
            Await.until("connected", Duration.ofSeconds(30), () -> p.status().reconnects() == 1);
            MqttAsyncClient sensor = new MqttAsyncClient(uri().toString(), "sensor", new MemoryPersistence());
            sensor.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            MqttMessage m = new MqttMessage(MqttIngestIT.pack(Instant.now().getEpochSecond(), 92));
            m.setQos(1);
            sensor.publish("bedside/ingest/bed12-hub", m).waitForCompletion(10_000);
            Await.until("stored and acknowledged", Duration.ofSeconds(30), () -> transport.acknowledged() == 1);
            sensor.disconnect().waitForCompletion(10_000);
        }

        EgressTopics topics = new EgressTopics(EgressTopics.DEFAULT_PREFIX, "icu-gw-12");
        try (MqttPublisher publisher = new MqttPublisher(
                MqttEndpoint.plain(uri(), "gw-mosquitto-egress"), topics.gatewayStatus(), Duration.ofSeconds(10))) {
            Instant t = Instant.now();
            var r = new NumericReading(
                    DeviceId.of("bed12-spo2"),
                    Metrics.SPO2,
                    new BigDecimal("97"),
                    UcumUnit.PERCENT,
                    Quality.VALID,
                    t,
                    t);
            assertThat(publisher.deliver(new EgressMessages(topics, Duration.ZERO).messages(List.of(r))))
                    .isEqualTo(new MqttPublisher.Outcome.Delivered(1));
        }
    }
}
