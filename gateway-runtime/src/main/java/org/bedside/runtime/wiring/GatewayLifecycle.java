package org.bedside.runtime.wiring;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.runtime.pcd01.Pcd01Inbound;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway in order — the consumers of the buffer first, so that they hear of the first appends, then the
 * device pipelines — and stops it in reverse: pipelines (nothing more is appended), consumers, and last the store (its
 * disposer, after this). Its startup observer runs before the ones that register health checks and metrics.
 */
@ApplicationScoped
public class GatewayLifecycle {
    /** Before the observers of health and metrics, which observe what was started. */
    public static final int STARTUP_PRIORITY = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(GatewayLifecycle.class);

    @Inject
    GatewaySettings settings;

    @Inject
    GuardedStore store;

    @Inject
    Devices devices;

    @Inject
    Consumers consumers;

    @Inject
    BedAssociations beds;

    @Inject
    Optional<Pcd01Inbound> pcd01In;

    @Inject
    ReleaseReplays releaseReplays;

    @Inject
    Alarms alarms;

    private final Instant startedAt = Instant.now();
    private @Nullable ScheduledExecutorService housekeeping;
    private volatile boolean started;

    void onStart(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        if (started) {
            return;
        }
        try {
            beds.start(); // the ADT listener: associations can arrive before the first reading
        } catch (java.io.IOException e) {
            throw new IllegalStateException("gateway.adt: cannot listen: " + e.getMessage(), e);
        }
        consumers.start();
        releaseReplays.start(); // the releases not yet charted everywhere go on
        ScheduledExecutorService h = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "buffer-guard");
            t.setDaemon(true);
            return t;
        });
        // The guard holds the latest value of thinned series: stored when its interval ends.
        h.scheduleWithFixedDelay(this::flushHeld, 2, 2, TimeUnit.SECONDS);
        // A silent MQTT device's redelivery bookmark moves on, so that it holds back the buffer's retention little.
        h.scheduleWithFixedDelay(() -> devices.expireRedeliveries(Instant.now()), 60, 60, TimeUnit.SECONDS);
        housekeeping = h;
        pcd01In.ifPresent(p -> {
            // Like a device: after the consumers, so that they hear of its first appends.
            try {
                p.start();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("gateway.pcd01-in: cannot listen: " + e.getMessage(), e);
            }
            h.scheduleWithFixedDelay(() -> p.expire(Instant.now()), 60, 60, TimeUnit.SECONDS);
        });
        try {
            alarms.startListener(); // PCD-05: status reports on alerts the consumers send
        } catch (java.io.IOException e) {
            throw new IllegalStateException("gateway.alarms.pcd05-in: cannot listen: " + e.getMessage(), e);
        }
        devices.start();
        started = true;
        LOG.info(
                "Bedside Gateway {} ({}): {} device(s), consumers {}, charting {} to {}",
                settings.gatewayId(),
                settings.bed(),
                settings.devices().size(),
                consumers.all().stream().map(c -> c.name()).toList(),
                settings.uplink() == null
                        ? "nothing"
                        : settings.uplink().everyReading()
                                ? "every reading"
                                : "every "
                                        + settings.uplink().chartingInterval().toSeconds() + " s",
                settings.uplink() == null
                        ? "FHIR (FHIR uplink: not configured)"
                        : settings.uplink().baseUrl());
        if (settings.mqttEgress() != null) {
            LOG.info(
                    "MQTT egress to {} under {}/{}/, publishing {}",
                    settings.mqttEgress().endpoint().describe(),
                    settings.mqttEgress().topics().prefix(),
                    settings.gatewayId(),
                    settings.mqttEgress().everyReading()
                            ? "every reading"
                            : "the first value every "
                                    + settings.mqttEgress().interval().toSeconds() + " s");
        }
        if (settings.devices().isEmpty()) {
            LOG.warn("No device is configured under gateway.devices: nothing will be read");
        }
    }

    synchronized void stop() {
        if (!started) {
            return;
        }
        devices.close();
        pcd01In.ifPresent(Pcd01Inbound::stop);
        alarms.stopListener();
        ScheduledExecutorService h = housekeeping;
        if (h != null) {
            h.shutdownNow();
        }
        releaseReplays.close();
        consumers.close();
        beds.close();
        started = false;
    }

    private void flushHeld() {
        try {
            store.flush();
        } catch (StoreException | RuntimeException e) {
            LOG.warn("Cannot store the held latest values: {}", e.getMessage());
        }
    }

    public Instant startedAt() {
        return startedAt;
    }

    public boolean started() {
        return started;
    }
}
