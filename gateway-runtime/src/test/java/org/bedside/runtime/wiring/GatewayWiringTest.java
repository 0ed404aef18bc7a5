package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.component.QuarkusComponentTestExtension;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.testing.Await;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.uplink.UplinkWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wiring on its own: the CDI container with the producers and the lifecycle, configured like a box with one
 * oximeter (on a port that does not exist) and a FHIR server nobody listens for. No Quarkus application, no HTTP.
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
            .build();

    @Inject
    GatewaySettings settings;

    @Inject
    GuardedStore store;

    @Inject
    Devices devices;

    @Inject
    UplinkWorker uplink;

    @Inject
    Consumers consumers;

    @Inject
    GatewayLifecycle lifecycle;

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
        assertThat(devices.pipelines()).extracting(p -> p.device().value()).containsExactly("bed3-spo2");
        assertThat(consumers.all())
                .extracting(BufferConsumer::name)
                .containsExactly(UplinkWorker.CURSOR, AlarmEngineSink.CURSOR);
        assertThat(consumers.named(UplinkWorker.CURSOR)).containsSame(uplink.consumer());
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
            DevicePipeline p = devices.pipelines().get(0);
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
        } finally {
            lifecycle.stop();
        }
        assertThat(lifecycle.started()).isFalse();
        assertThat(consumers.all()).allSatisfy(c -> assertThat(c.alive()).isFalse());
        assertThat(devices.pipelines()).allSatisfy(p -> assertThat(p.alive()).isFalse());
    }
}
