package org.bedside.runtime.signals;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bedside.alarms.local.LocalSignals;
import org.bedside.alarms.local.TechnicalCondition;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.PipelineStatus;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.config.GatewayConfig;
import org.bedside.runtime.config.LocalSignalSettings;
import org.bedside.runtime.wiring.Alarms;
import org.bedside.runtime.wiring.Devices;
import org.bedside.uplink.UplinkWorker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the local signals while the gateway runs: every {@link #TICK_MILLIS} ms it reads the technical alarms from
 * the statuses the gateway's parts keep, asks {@link LocalSignals} for each output's level and writes the pins that
 * changed. Without outputs configured it does nothing; on a box without GPIO (or where the gpiod library cannot be
 * loaded) it logs one line and the gateway goes on.
 */
@ApplicationScoped
public class LocalSignalsService {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSignalsService.class);
    /** Fine enough for the blink and beep patterns; ten wake-ups a second cost nothing on a Raspberry Pi. */
    static final long TICK_MILLIS = 100;
    /** After the lifecycle's start, so that the devices and consumers it reads are there. */
    static final int STARTUP_PRIORITY = 2000;

    @Inject
    GatewayConfig config;

    @Inject
    Devices devices;

    @Inject
    Optional<UplinkWorker> uplink;

    @Inject
    GuardedStore store;

    @Inject
    Alarms alarms;

    private @Nullable Ticker ticker;

    void onStart(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) {
        LocalSignalSettings settings;
        try {
            settings = LocalSignalSettings.from(config);
        } catch (ConfigProblems e) {
            LOG.error("The gateway does not start: {}", e.getMessage());
            throw e;
        }
        settings.describe().forEach(line -> LOG.info("{}", line));
        if (!settings.enabled()) {
            return;
        }
        Optional<SignalPins> pins = openGpio(settings, Path.of("/dev"), LocalSignalsService::gpiodContext);
        pins.ifPresent(p -> {
            Ticker t = new Ticker(settings.signals(), this::conditions, p);
            t.start();
            ticker = t;
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        Ticker t = ticker;
        if (t != null) {
            ticker = null;
            t.close();
        }
    }

    /** The technical alarms active now, from the parts' own statuses. */
    Set<TechnicalCondition> conditions() {
        List<PipelineStatus> statuses = new ArrayList<>();
        for (DevicePipeline p : devices.pipelines()) {
            statuses.add(p.status());
        }
        return TechnicalConditions.of(
                statuses,
                uplink.map(u -> u.status().state()).orElse(null),
                store.status().level(),
                alarms.pcd04().map(p -> p.status()),
                alarms.deliveries().undelivered(java.time.Instant.now()).size());
    }

    private static Context gpiodContext() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(GpioDDigitalOutputProvider.newInstance())
                .build();
    }

    /**
     * Opens the pins through libgpiod, or explains in one line why there are none and returns empty: no {@code
     * gpiochip} device in {@code dev} (a box without GPIO: INFO), no permission on it (the user is not in the
     * {@code gpio} group: WARN), or the provider failing (its native library missing, the lines taken: WARN).
     */
    static Optional<SignalPins> openGpio(LocalSignalSettings settings, Path dev, Supplier<Context> contexts) {
        List<Path> chips = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dev, "gpiochip*")) {
            s.forEach(chips::add);
        } catch (IOException e) {
            // No /dev to list: no GPIO either.
        }
        if (chips.isEmpty()) {
            LOG.info(
                    "Local signals: no GPIO on this box (no {}/gpiochip*): the {} output(s) stay off and the gateway"
                            + " goes on without them",
                    dev,
                    settings.outputs().size());
            return Optional.empty();
        }
        for (Path chip : chips) {
            if (!Files.isReadable(chip) || !Files.isWritable(chip)) {
                LOG.warn(
                        "Local signals: no permission on {}: add the gateway's user to the 'gpio' group (and allow"
                                + " the device in the unit: DeviceAllow=/dev/gpiochip* rw); the gateway goes on"
                                + " without them",
                        chip);
                return Optional.empty();
            }
        }
        try {
            SignalPins pins = SignalPins.open(contexts.get(), GpioDDigitalOutputProvider.ID, settings.outputs());
            LOG.info(
                    "Local signals: {} output(s) on GPIO through libgpiod",
                    settings.outputs().size());
            return Optional.of(pins);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Local signals: GPIO cannot be used ({}); the gateway goes on without them", e.toString());
            return Optional.empty();
        }
    }

    /** The signal thread: one tick every {@link #TICK_MILLIS} ms, never ending on a failure. */
    static final class Ticker implements AutoCloseable {
        private final LocalSignals signals;
        private final Supplier<Set<TechnicalCondition>> conditions;
        private final SignalPins pins;
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-signals");
            t.setDaemon(true);
            return t;
        });
        private @Nullable String lastProblem;

        Ticker(LocalSignals signals, Supplier<Set<TechnicalCondition>> conditions, SignalPins pins) {
            this.signals = signals;
            this.conditions = conditions;
            this.pins = pins;
        }

        void start() {
            executor.scheduleWithFixedDelay(
                    () -> tick(System.nanoTime() / 1_000_000), 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }

        /** One turn: the conditions read, the levels decided and written. A failure is logged once until it changes. */
        Map<String, Boolean> tick(long nowMillis) {
            try {
                Map<String, Boolean> levels = signals.update(conditions.get(), nowMillis);
                pins.apply(levels);
                if (lastProblem != null) {
                    LOG.info("Local signals: working again");
                    lastProblem = null;
                }
                return levels;
            } catch (RuntimeException e) {
                String problem = e.toString();
                if (!problem.equals(lastProblem)) {
                    LOG.warn("Local signals: cannot set the outputs: {}", problem);
                    lastProblem = problem;
                }
                return Map.of();
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
            try {
                executor.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pins.close();
        }
    }
}
