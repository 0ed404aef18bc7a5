package org.bedside.runtime.wiring;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.guard.FreeSpace;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.config.GatewayConfig;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.uplink.DeadLetterStore;
import org.bedside.uplink.UplinkWorker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: checks the configuration, opens the buffer, starts one pipeline per device and the uplink. If
 * anything is wrong with the configuration or the buffer, it says what (naming the key or the directory) and the
 * gateway does not start.
 */
@ApplicationScoped
public class Gateway {
    /** Starts before the observers that register health checks and metrics for what it built. */
    public static final int STARTUP_PRIORITY = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    @Inject
    GatewayConfig config;

    private @Nullable GatewaySettings settings;
    private @Nullable ChronicleReadingStore chronicle;
    private @Nullable GuardedStore store;
    private @Nullable ScheduledExecutorService housekeeping;
    private final List<DevicePipeline> pipelines = new ArrayList<>();
    private @Nullable UplinkWorker uplink;
    private @Nullable BufferStats bufferStats;
    private final Instant startedAt = Instant.now();

    void onStart(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) {
        GatewaySettings s;
        try {
            s = GatewaySettings.from(config);
        } catch (ConfigProblems e) {
            LOG.error("The gateway does not start: {}", e.getMessage());
            throw e;
        }
        ChronicleReadingStore opened;
        GuardedStore guarded;
        try {
            Path buffer = s.dataDirectory().resolve("buffer");
            opened = ChronicleReadingStore.open(buffer, s.store());
            guarded = new GuardedStore(opened, FreeSpace.of(buffer), s.guard());
        } catch (StoreException e) {
            LOG.error("The gateway does not start: gateway.data-dir: {}", e.getMessage());
            throw new IllegalStateException("gateway.data-dir: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            LOG.error("The gateway does not start: gateway.data-dir: cannot read the free space: {}", e.getMessage());
            throw new IllegalStateException("gateway.data-dir: " + e.getMessage(), e);
        }
        settings = s;
        chronicle = opened;
        store = guarded;
        DeadLetterStore deadLetters;
        try {
            deadLetters = new DeadLetterStore(s.dataDirectory().resolve("dead-letters"));
        } catch (java.io.IOException e) {
            LOG.error("The gateway does not start: gateway.data-dir: {}", e.getMessage());
            throw new IllegalStateException("gateway.data-dir: " + e.getMessage(), e);
        }
        SystemClock systemClock;
        try {
            systemClock = SystemClock.of(s.dataDirectory());
        } catch (java.io.IOException e) {
            LOG.error("The gateway does not start: gateway.data-dir: {}", e.getMessage());
            throw new IllegalStateException("gateway.data-dir: " + e.getMessage(), e);
        }
        opened.checkClockWith(systemClock);
        UplinkWorker worker = new UplinkWorker(
                s.uplink(), guarded, s.deviceContexts(), deadLetters, InstantSource.system(), systemClock);
        uplink = worker;
        bufferStats = new BufferStats(guarded, UplinkWorker.CURSOR, Duration.ofSeconds(2));
        for (GatewaySettings.DeviceSettings d : s.devices()) {
            DevicePipeline p = new DevicePipeline(
                    d.id(),
                    d.driver(),
                    d.options(),
                    d.transport(),
                    readings -> {
                        guarded.append(readings);
                        worker.wake();
                    },
                    InstantSource.system(),
                    d.pipeline());
            pipelines.add(p);
        }
        ScheduledExecutorService h = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "buffer-guard");
            t.setDaemon(true);
            return t;
        });
        h.scheduleWithFixedDelay(
                () -> {
                    try {
                        guarded.flush();
                    } catch (StoreException | RuntimeException e) {
                        LOG.warn("Cannot store the held latest values: {}", e.getMessage());
                    }
                },
                2,
                2,
                TimeUnit.SECONDS);
        housekeeping = h;
        worker.start();
        pipelines.forEach(DevicePipeline::start);
        LOG.info(
                "Bedside Gateway {} ({}): {} device(s), buffer in {}, charting {} to {}",
                s.gatewayId(),
                s.bed(),
                s.devices().size(),
                opened.directory(),
                s.uplink().everyReading()
                        ? "every reading"
                        : "every " + s.uplink().chartingInterval().toSeconds() + " s",
                s.uplink().baseUrl());
        if (s.devices().isEmpty()) {
            LOG.warn("No device is configured under gateway.devices: nothing will be read");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        pipelines.forEach(DevicePipeline::close);
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (uplink != null) {
            uplink.close();
        }
        if (store != null) {
            store.close();
        }
    }

    public GatewaySettings settings() {
        return java.util.Objects.requireNonNull(settings, "gateway not started");
    }

    public List<DevicePipeline> pipelines() {
        return List.copyOf(pipelines);
    }

    public UplinkWorker uplink() {
        return java.util.Objects.requireNonNull(uplink, "gateway not started");
    }

    public GuardedStore store() {
        return java.util.Objects.requireNonNull(store, "gateway not started");
    }

    public ChronicleReadingStore chronicle() {
        return java.util.Objects.requireNonNull(chronicle, "gateway not started");
    }

    public BufferStats bufferStats() {
        return java.util.Objects.requireNonNull(bufferStats, "gateway not started");
    }

    public Instant startedAt() {
        return startedAt;
    }

    public boolean started() {
        return settings != null;
    }

    public Optional<DevicePipeline> pipeline(String device) {
        return pipelines.stream().filter(p -> p.device().value().equals(device)).findFirst();
    }
}
