package org.bedside.runtime.health;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.bedside.buffer.guard.GuardStatus;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.LinkState;
import org.bedside.drivers.pipeline.PipelineStatus;
import org.bedside.runtime.wiring.Gateway;
import org.bedside.uplink.UplinkStatus;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Registers the gateway's checks once it has started: {@code device <name>} per device (UP while frames decode) and
 * {@code uplink} (UP while the FHIR server accepts), both readiness checks; and {@code gateway} for liveness.
 */
@ApplicationScoped
public class HealthChecks {
    @Inject
    Gateway gateway;

    @Inject
    @Readiness
    HealthRegistry readiness;

    @Inject
    @Liveness
    HealthRegistry liveness;

    void register(@Observes StartupEvent event) {
        for (DevicePipeline p : gateway.pipelines()) {
            readiness.register("device " + p.device(), () -> device(p.status()));
        }
        readiness.register("uplink", this::uplink);
        readiness.register("buffer", this::buffer);
        liveness.register("gateway", this::gateway);
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
        UplinkStatus s = gateway.uplink().status();
        boolean up = s.state() == UplinkStatus.State.ONLINE || s.state() == UplinkStatus.State.STARTING;
        HealthCheckResponseBuilder b = HealthCheckResponse.named("uplink")
                .status(up)
                .withData("state", s.state().name())
                .withData("detail", s.detail())
                .withData("server", gateway.settings().uplink().baseUrl().toString())
                .withData("pendingRecords", gateway.bufferStats().pendingRecords());
        gateway.bufferStats()
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
        GuardStatus g = gateway.store().status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("buffer")
                .status(g.level() == GuardStatus.Level.NORMAL)
                .withData("state", g.level() == GuardStatus.Level.NORMAL ? "OK" : "DEGRADED")
                .withData("level", g.level().name())
                .withData("freePercent", Math.round(g.freeShare() * 1000) / 10.0 + "")
                .withData("thinnedReadings", g.thinnedTotal());
        if (!g.reason().isEmpty()) {
            b.withData("reason", g.reason());
        }
        if (gateway.chronicle().salvagedAtOpen()) {
            b.withData(
                    "salvagedAtStart",
                    "after an unclean shutdown; torn records dropped: "
                            + gateway.chronicle().droppedAtOpen());
        }
        return b.build();
    }

    private HealthCheckResponse gateway() {
        UplinkStatus s = gateway.uplink().status();
        return HealthCheckResponse.named("gateway")
                .status(s.state() != UplinkStatus.State.STOPPED)
                .withData("id", gateway.settings().gatewayId())
                .withData("startedAt", gateway.startedAt().toString())
                .build();
    }
}
