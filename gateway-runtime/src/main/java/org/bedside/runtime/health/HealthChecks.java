package org.bedside.runtime.health;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerState;
import org.bedside.buffer.consumer.ConsumerStatus;
import org.bedside.buffer.guard.GuardStatus;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.LinkState;
import org.bedside.drivers.pipeline.PipelineStatus;
import org.bedside.mqtt.MqttEgress;
import org.bedside.mqtt.MqttPublisher;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.runtime.wiring.Alarms;
import org.bedside.runtime.wiring.BufferStats;
import org.bedside.runtime.wiring.Consumers;
import org.bedside.runtime.wiring.Devices;
import org.bedside.runtime.wiring.GatewayLifecycle;
import org.bedside.uplink.Pcd01Out;
import org.bedside.uplink.Pcd01Sink;
import org.bedside.uplink.UplinkStatus;
import org.bedside.uplink.UplinkWorker;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Registers the gateway's checks once it has started: readiness {@code device <name>} per device (UP while frames
 * decode), {@code uplink} (UP while the FHIR server accepts), {@code consumer <name>} for every other consumer of the
 * buffer, and {@code buffer}; liveness {@code gateway}, DOWN when a pipeline's or a consumer's thread is not running
 * (they never end on their own: that would be a bug worth a restart).
 */
@ApplicationScoped
public class HealthChecks {
    @Inject
    GatewaySettings settings;

    @Inject
    Devices devices;

    @Inject
    Consumers consumers;

    @Inject
    Optional<UplinkWorker> uplink;

    @Inject
    BufferStats bufferStats;

    @Inject
    Optional<MqttEgress> mqttEgress;

    @Inject
    Optional<Pcd01Out> pcd01Out;

    @Inject
    GuardedStore store;

    @Inject
    ChronicleReadingStore chronicle;

    @Inject
    GatewayLifecycle lifecycle;

    @Inject
    Alarms alarms;

    @Inject
    @Readiness
    HealthRegistry readiness;

    @Inject
    @Liveness
    HealthRegistry liveness;

    void register(@Observes StartupEvent event) {
        for (DevicePipeline p : devices.pipelines()) {
            readiness.register("device " + p.device(), () -> device(p.status()));
        }
        readiness.register("uplink", this::uplink);
        for (BufferConsumer<?> c : consumers.all()) {
            if (!c.name().equals(UplinkWorker.CURSOR)) {
                readiness.register("consumer " + c.name(), () -> consumer(c));
            }
        }
        readiness.register("buffer", this::buffer);
        alarms.pcd04().ifPresent(p -> readiness.register("alert-manager", () -> alertManager(p.status())));
        alarms.escalation()
                .ifPresent(p -> readiness.register(
                        "alert-manager-escalation", () -> alertManager("alert-manager-escalation", p.status())));
        liveness.register("gateway", this::gateway);
    }

    /**
     * DOWN — the gateway's technical alarm — when an alert or the watchdog has waited for the Alert Manager longer than
     * the supervision time ({@code gateway.alarms.pcd04.supervision}): never silence.
     */
    static HealthCheckResponse alertManager(Pcd04Sink.Status s) {
        return alertManager("alert-manager", s);
    }

    /** The same for another PCD-04 destination (the escalation destination). */
    static HealthCheckResponse alertManager(String name, Pcd04Sink.Status s) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(name)
                .status(!s.alarm())
                .withData("destination", s.destination())
                .withData("state", s.alarm() ? "ALARM" : s.waitingSince() != null ? "WAITING" : "OK")
                .withData("accepted", s.accepted())
                .withData("refused", s.refused())
                .withData("deliveredLate", s.late());
        if (s.waitingSince() != null) {
            b.withData("waitingSince", s.waitingSince().toString());
        }
        if (s.lastAcceptedAt() != null) {
            b.withData("lastAcceptedAt", s.lastAcceptedAt().toString());
        }
        if (s.lastProblem() != null) {
            b.withData("lastProblem", s.lastProblem());
        }
        return b.build();
    }

    static HealthCheckResponse device(PipelineStatus s) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("device " + s.device())
                .status(s.state() == LinkState.CONNECTED)
                .withData("state", s.state().name())
                .withData("detail", s.detail())
                .withData("port", s.endpoint())
                .withData("driver", s.driver())
                .withData("since", s.since().toString())
                .withData("frames", s.frames())
                .withData("decodeFailures", s.decodeFailureTotal());
        if (s.session() != null) {
            b.withData("session", s.session());
        }
        if (s.lastFrameAt() != null) {
            b.withData("lastFrameAt", s.lastFrameAt().toString());
        }
        if (s.storeFailures() > 0) {
            b.withData("storeFailures", s.storeFailures());
        }
        return b.build();
    }

    private HealthCheckResponse uplink() {
        if (uplink.isEmpty()) {
            // Not a fault: the readings go to PCD-01 out (or the MQTT egress), each a consumer check of its own.
            return HealthCheckResponse.named("uplink")
                    .up()
                    .withData("state", "NOT_CONFIGURED")
                    .withData("detail", "FHIR uplink: not configured (no gateway.uplink.base-url)")
                    .build();
        }
        UplinkStatus s = uplink.get().status();
        boolean up = s.state() == UplinkStatus.State.ONLINE || s.state() == UplinkStatus.State.STARTING;
        HealthCheckResponseBuilder b = HealthCheckResponse.named("uplink")
                .status(up)
                .withData("state", s.state().name())
                .withData("detail", s.detail())
                .withData("server", String.valueOf(settings.uplink().baseUrl()))
                .withData("pendingRecords", bufferStats.pendingRecords());
        bufferStats
                .oldestPending()
                .ifPresent(t -> b.withData(
                        "oldestPendingAgeSeconds",
                        Duration.between(t, Instant.now()).toSeconds()));
        if (s.lastSuccessAt() != null) {
            b.withData("lastSuccessAt", s.lastSuccessAt().toString());
        }
        return b.build();
    }

    /** UP while everything is stored; DOWN, with state DEGRADED and the reason, while the guard thins the buffer. */
    private HealthCheckResponse buffer() {
        GuardStatus g = store.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("buffer")
                .status(g.level() == GuardStatus.Level.NORMAL)
                .withData("state", g.level() == GuardStatus.Level.NORMAL ? "OK" : "DEGRADED")
                .withData("level", g.level().name())
                .withData("freePercent", Math.round(g.freeShare() * 1000) / 10.0 + "")
                .withData("thinnedReadings", g.thinnedTotal());
        if (!g.reason().isEmpty()) {
            b.withData("reason", g.reason());
        }
        if (chronicle.salvagedAtOpen()) {
            b.withData(
                    "salvagedAtStart", "after an unclean shutdown; torn records dropped: " + chronicle.droppedAtOpen());
        }
        return b.build();
    }

    /**
     * A consumer of the buffer, with what waits for it, its destination when it names one (PCD-01 out) and, for the MQTT
     * egress, the broker and whether the connection is up.
     */
    private HealthCheckResponse consumer(BufferConsumer<?> c) {
        HealthCheckResponseBuilder b = consumerBuilder(c.status())
                .withData("pendingRecords", consumers.pending(c.name()).pendingRecords());
        consumers.destination(c.name()).ifPresent(d -> b.withData("destination", d));
        pcd01Out.filter(p -> p.consumer() == c).ifPresent(p -> {
            Pcd01Sink.Status s = p.sink().status();
            b.withData("messagesAccepted", s.accepted())
                    .withData("messagesResent", s.resent())
                    .withData("notSent", s.notSent().toString());
        });
        mqttEgress.filter(e -> e.consumer() == c).ifPresent(e -> {
            MqttPublisher.State p = e.publisher().state();
            b.withData("broker", e.settings().endpoint().describe())
                    .withData("connected", p.connected())
                    .withData("connection", p.detail());
        });
        return b.build();
    }

    /** A consumer of the buffer: UP while its destination acknowledges (or there is nothing to deliver). */
    private static HealthCheckResponseBuilder consumerBuilder(ConsumerStatus s) {
        boolean up = s.state() == ConsumerState.ONLINE || s.state() == ConsumerState.STARTING;
        HealthCheckResponseBuilder b = HealthCheckResponse.named("consumer " + s.name())
                .status(up)
                .withData("state", s.state().name())
                .withData("detail", s.detail())
                .withData("since", s.since().toString())
                .withData("delivered", s.delivered())
                .withData("deadLettersWaiting", s.deadLettersWaiting())
                .withData("failures", s.failures());
        if (s.lastSuccessAt() != null) {
            b.withData("lastSuccessAt", s.lastSuccessAt().toString());
        }
        if (s.lastFailure() != null) {
            b.withData("lastFailure", s.lastFailure());
        }
        return b;
    }

    private HealthCheckResponse gateway() {
        List<String> stopped = new ArrayList<>();
        if (lifecycle.started()) {
            for (DevicePipeline p : devices.pipelines()) {
                if (!p.alive()) {
                    stopped.add("device " + p.device());
                }
            }
            for (BufferConsumer<?> c : consumers.all()) {
                if (!c.alive()) {
                    stopped.add("consumer " + c.name());
                }
            }
        }
        HealthCheckResponseBuilder b = HealthCheckResponse.named("gateway")
                .status(lifecycle.started() && stopped.isEmpty())
                .withData("id", settings.gatewayId())
                .withData("startedAt", lifecycle.startedAt().toString());
        if (!stopped.isEmpty()) {
            b.withData("threadsNotRunning", String.join(", ", stopped));
        }
        return b.build();
    }
}
