package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.component.QuarkusComponentTestExtension;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerState;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.mqtt.MqttEgress;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.uplink.Pcd01Out;
import org.bedside.uplink.Pcd01Sink;
import org.bedside.uplink.UplinkWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wiring on its own: the CDI container with the producers and the lifecycle, configured like a box with one
 * oximeter (on a port that does not exist), an MQTT sensor and the MQTT egress (at a broker nobody listens for), PCD-01
 * out and a FHIR server nobody listens for. No Quarkus application, no HTTP.
 */
class GatewayWiringTest {
    private static final Path DATA = tempDirectory();

    @RegisterExtension
    static final QuarkusComponentTestExtension CDI = QuarkusComponentTestExtension.builder()
            .addComponentClasses(GatewayComponents.class, GatewayLifecycle.class)
            .configProperty("gateway.id", "wiring-gw")
            .configProperty("gateway.bed", "ICU 3")
            .configProperty("gateway.patient", "Patient/wiring")
            .configProperty("gateway.data-dir", DATA.toString())
            .configProperty("gateway.uplink.base-url", "http://127.0.0.1:9/fhir")
            .configProperty("gateway.devices.bed3-spo2.driver", "masimo-ascii")
            .configProperty(
                    "gateway.devices.bed3-spo2.port",
                    DATA.resolve("no-such-port").toString())
            // An MQTT device and the MQTT egress, both at a broker nobody listens for.
            .configProperty("gateway.devices.bed3-hub.driver", "senml-mqtt")
            .configProperty("gateway.devices.bed3-hub.port", "mqtt://127.0.0.1:9/bedside/ingest/bed3-hub")
            .configProperty("gateway.mqtt-egress.broker", "mqtt://127.0.0.1:9")
            // PCD-01 out, to an interface engine nobody listens for.
            .configProperty("gateway.pcd01-out.host", "127.0.0.1")
            .configProperty("gateway.pcd01-out.port", "9")
            .build();

    @Inject
    GatewaySettings settings;

    @Inject
    GuardedStore store;

    @Inject
    Devices devices;

    @Inject
    Optional<UplinkWorker> uplink;

    @Inject
    Consumers consumers;

    @Inject
    GatewayLifecycle lifecycle;

    @Inject
    Optional<MqttEgress> mqttEgress;

    @Inject
    Optional<Pcd01Out> pcd01Out;

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("wiring-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachComponentIsABeanOfItsOwnBuiltFromTheConfiguration() {
        assertThat(settings.gatewayId()).isEqualTo("wiring-gw");
        assertThat(devices.pipelines()).extracting(p -> p.device().value()).containsExactly("bed3-hub", "bed3-spo2");
        assertThat(consumers.all())
                .extracting(BufferConsumer::name)
                .containsExactly(UplinkWorker.CURSOR, MqttEgress.CURSOR, Pcd01Sink.CURSOR, AlarmEngineSink.CURSOR);
        assertThat(consumers.destination(Pcd01Sink.CURSOR)).contains("mllp://127.0.0.1:9");
        assertThat(consumers.named(Pcd01Sink.CURSOR))
                .containsSame(pcd01Out.orElseThrow().consumer());
        assertThat(consumers.named(UplinkWorker.CURSOR))
                .containsSame(uplink.orElseThrow().consumer());
        assertThat(mqttEgress).isPresent();
        assertThat(consumers.named(MqttEgress.CURSOR))
                .containsSame(mqttEgress.orElseThrow().consumer());
        // The MQTT device appends through its redelivery filter; the serial one straight to the store.
        assertThat(devices.redeliveryFilter(DeviceId.of("bed3-hub"))).isPresent();
        assertThat(devices.redeliveryFilter(DeviceId.of("bed3-spo2"))).isEmpty();
        assertThat(Files.isDirectory(DATA.resolve("dead-letters").resolve("mqtt")))
                .isTrue();
        assertThat(Files.isDirectory(DATA.resolve("buffer"))).isTrue();
        assertThat(Files.isDirectory(DATA.resolve("dead-letters").resolve("uplink")))
                .isTrue();
    }

    @Test
    void theLifecycleStartsConsumersAndPipelinesAndAnAppendReachesTheUplinkThroughTheStore() throws Exception {
        lifecycle.start();
        try {
            assertThat(lifecycle.started()).isTrue();
            assertThat(consumers.all()).allSatisfy(c -> assertThat(c.alive()).isTrue());
            assertThat(devices.pipelines())
                    .allSatisfy(p -> assertThat(p.alive()).isTrue());
            // The pipeline cannot open its port: it records DISCONNECTED, naming the port, in the store. The uplink,
            // which knows nothing of the pipeline, reads it (a device status is not charted) and commits past it.
            DevicePipeline p = devices.pipeline("bed3-spo2").orElseThrow();
            Await.until(
                    "the port's absence recorded",
                    Duration.ofSeconds(20),
                    () -> p.status().detail().contains("no-such-port"));
            Await.until("the uplink read it", Duration.ofSeconds(20), () -> {
                try {
                    return store.pendingRecords(UplinkWorker.CURSOR) == 0
                            && store.readAll().size() >= 1;
                } catch (IOException e) {
                    return false;
                }
            });
            // PCD-01 out reads it too: a device status is no PCD-01 numeric, so nothing waits for the engine.
            Await.until("PCD-01 out read it", Duration.ofSeconds(20), () -> {
                try {
                    return store.pendingRecords(Pcd01Sink.CURSOR) == 0;
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(pcd01Out.orElseThrow().sink().status().notSent()).containsKey("not-a-numeric");
            // The MQTT egress hears of the same appends through the store, and waits for its broker: nothing is
            // committed past what it could not publish.
            BufferConsumer<?> mqtt = mqttEgress.orElseThrow().consumer();
            Await.until(
                    "the egress retrying",
                    Duration.ofSeconds(20),
                    () -> mqtt.status().state() == ConsumerState.RETRYING
                            && mqtt.status().detail().contains("tcp://127.0.0.1:9"));
            assertThat(store.pendingRecords(MqttEgress.CURSOR)).isPositive();
            assertThat(mqttEgress.orElseThrow().publisher().state().connected()).isFalse();
        } finally {
            lifecycle.stop();
        }
        assertThat(lifecycle.started()).isFalse();
        assertThat(consumers.all()).allSatisfy(c -> assertThat(c.alive()).isFalse());
        assertThat(devices.pipelines()).allSatisfy(p -> assertThat(p.alive()).isFalse());
    }
}
