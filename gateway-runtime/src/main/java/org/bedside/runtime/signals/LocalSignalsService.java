package org.bedside.runtime.signals;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.bedside.alarms.local.LocalSignals;
import org.bedside.alarms.local.SignalEvent;
import org.bedside.alarms.local.SignalRequest;
import org.bedside.alarms.local.TechnicalCondition;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.PipelineStatus;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.config.GatewayConfig;
import org.bedside.runtime.config.LocalSignalSettings;
import org.bedside.runtime.wiring.Alarms;
import org.bedside.runtime.wiring.BedAssociations;
import org.bedside.runtime.wiring.Devices;
import org.bedside.uplink.UplinkWorker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the local signals while the gateway runs: every {@link #TICK_MILLIS} ms it reads the technical alarms from
 * the statuses the gateway's parts keep, asks {@link LocalSignals} for each output's level and writes the pins that
 * changed. Without outputs configured it does nothing; on a box without GPIO (or where the gpiod library cannot be
 * loaded) it logs one line and the gateway goes on. The lamp test (at start, or asked for over HTTP: {@link #ask}) and
 * the audio pause (the button, or asked for over HTTP) are decided by {@link LocalSignals}, the same way whoever asks;
 * here they are only logged, and the asked-for lamp test, the audio pause and its end audited ({@code
 * <data-dir>/audit}).
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

    @Inject
    BedAssociations beds;

    @Inject
    GpioChips gpio;

    /** How long a request over HTTP waits for the signal thread to take it (it ticks every {@value #TICK_MILLIS} ms). */
    static final long ASK_TIMEOUT_MILLIS = 5_000;

    private volatile @Nullable Ticker ticker;

    /** What the status shows while no ticker runs: nothing configured, or no GPIO. */
    private volatile LocalSignalsStatus idle = LocalSignalsStatus.notConfigured();

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
        idle = LocalSignalsStatus.notDriven(settings);
        Optional<SignalPins> pins = openGpio(settings, gpio.devices(), gpio::newContext, gpio.outputProvider());
        pins.ifPresent(p -> {
            AudioPauseButton button = openButton(settings, p, gpio.inputProvider());
            Ticker t = new Ticker(
                    settings, this::conditions, p, button == null ? null : button::takePress, beds.audit()::record);
            t.start();
            ticker = t;
        });
    }

    /** The local signals now, for {@code /api/alarms}, {@code /api/status} and the page. */
    public LocalSignalsStatus status() {
        Ticker t = ticker;
        return t == null ? idle : t.status(Instant.now());
    }

    /** The answer to a lamp test or an audio pause asked for over HTTP. */
    public sealed interface Answer {
        /** Decided: {@code event} is what {@link LocalSignals} made of it, {@code status} the signals right after. */
        record Decided(SignalEvent event, LocalSignalsStatus status) implements Answer {}

        /** Not asked of the signals at all: nothing changed. */
        record Refused(int httpStatus, String reason) implements Answer {}
    }

    /**
     * Asks for a lamp test or an audio pause on behalf of {@code user}; it is decided at the signal thread's next tick
     * as the button's press is, and the answer waits for it.
     */
    public Answer ask(SignalRequest what, String user) {
        Ticker t = ticker;
        if (t == null) {
            return new Answer.Refused(
                    409,
                    "NOT_CONFIGURED".equals(idle.state())
                            ? "no local signals on this gateway (gateway.alarms.local-signals.outputs): nothing to "
                                    + (what == SignalRequest.LAMP_TEST ? "test" : "silence")
                            : "the local signals are not driven on this box (GPIO cannot be used: the log says why,"
                                    + " 'Local signals:'): nothing to "
                                    + (what == SignalRequest.LAMP_TEST ? "test" : "silence"));
        }
        if (what == SignalRequest.AUDIO_PAUSE && t.settings.audioPause() == null) {
            return new Answer.Refused(
                    409,
                    "no audio pause is configured (gateway.alarms.local-signals.audio-pause): which outputs it silences"
                            + " and for how long are its settings");
        }
        return t.ask(what, user, ASK_TIMEOUT_MILLIS);
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

    /**
     * The audio pause button on the outputs' context, or null without one configured or when its pin cannot be had
     * (one WARN line: the outputs work on, without an audio pause).
     */
    static @Nullable AudioPauseButton openButton(LocalSignalSettings settings, SignalPins pins, String providerId) {
        LocalSignalSettings.AudioPause b = settings.audioPause();
        if (b == null) {
            return null;
        }
        try {
            AudioPauseButton button = AudioPauseButton.open(pins.context(), providerId, b);
            LOG.info("Local signals: audio pause button on GPIO{}", b.pin());
            return button;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn(
                    "Local signals: the audio pause button on GPIO{} cannot be used ({}); the outputs work on, without"
                            + " an audio pause",
                    b.pin(),
                    e.toString());
            return null;
        }
    }

    /**
     * Opens the pins through libgpiod, or explains in one line why there are none and returns empty: no {@code
     * gpiochip} device in {@code dev} (a box without GPIO: INFO), no permission on it (the user is not in the
     * {@code gpio} group: WARN), or the provider failing (its native library missing, the lines taken: WARN).
     */
    static Optional<SignalPins> openGpio(LocalSignalSettings settings, Path dev, Supplier<Context> contexts) {
        return openGpio(settings, dev, contexts, GpioDDigitalOutputProvider.ID);
    }

    /** {@link #openGpio(LocalSignalSettings, Path, Supplier)} with the outputs made by {@code outputProvider}. */
    static Optional<SignalPins> openGpio(
            LocalSignalSettings settings, Path dev, Supplier<Context> contexts, String outputProvider) {
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
            SignalPins pins = SignalPins.open(contexts.get(), outputProvider, settings.outputs());
            LOG.info(
                    "Local signals: {} output(s) on GPIO through libgpiod",
                    settings.outputs().size());
            return Optional.of(pins);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Local signals: GPIO cannot be used ({}); the gateway goes on without them", e.toString());
            return Optional.empty();
        }
    }

    /**
     * The signal thread: one tick every {@link #TICK_MILLIS} ms, never ending on a failure. It logs the lamp test and
     * the audio pause, and audits the asked-for lamp test, the pause and its end. Requests over HTTP wait in a queue
     * until a tick takes them with the button's press.
     */
    static final class Ticker implements AutoCloseable {
        private final LocalSignalSettings settings;
        private final LocalSignals signals;
        private final Supplier<Set<TechnicalCondition>> conditions;
        private final SignalPins pins;
        private final @Nullable BooleanSupplier audioPausePressed;
        private final SignalAudit audit;
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-signals");
            t.setDaemon(true);
            return t;
        });
        private @Nullable String lastProblem;
        private volatile LocalSignals.Snapshot snapshot;
        /** Asked over HTTP, not yet taken by a tick. */
        private final ConcurrentLinkedQueue<Asked> asked = new ConcurrentLinkedQueue<>();

        /** One request over HTTP: what, by whom, and where its answer goes. */
        private record Asked(SignalRequest what, String user, CompletableFuture<SignalEvent> answer) {}

        /**
         * @param audioPausePressed whether the audio pause button was pressed since it was last asked; null without a
         *     working button
         */
        Ticker(
                LocalSignalSettings settings,
                Supplier<Set<TechnicalCondition>> conditions,
                SignalPins pins,
                @Nullable BooleanSupplier audioPausePressed,
                SignalAudit audit) {
            this.settings = settings;
            this.signals = settings.signals();
            this.conditions = conditions;
            this.pins = pins;
            this.audioPausePressed = audioPausePressed;
            this.audit = audit;
            this.snapshot = signals.snapshot();
        }

        void start() {
            executor.scheduleWithFixedDelay(
                    () -> tick(System.nanoTime() / 1_000_000), 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }

        /** One turn: the conditions read, the levels decided and written. A failure is logged once until it changes. */
        Map<String, Boolean> tick(long nowMillis) {
            try {
                Set<TechnicalCondition> active = conditions.get();
                // Taken only once the conditions are read: a press is not lost to a failing status read.
                boolean pressed = audioPausePressed != null && audioPausePressed.getAsBoolean();
                List<Asked> taken = new ArrayList<>();
                for (Asked a = asked.poll(); a != null; a = asked.poll()) {
                    taken.add(a);
                }
                EnumSet<SignalRequest> requests = EnumSet.noneOf(SignalRequest.class);
                if (pressed) {
                    requests.add(SignalRequest.AUDIO_PAUSE);
                }
                taken.forEach(a -> requests.add(a.what()));
                Map<String, Boolean> levels;
                try {
                    levels = signals.update(active, nowMillis, requests);
                } catch (RuntimeException e) {
                    taken.forEach(a -> a.answer().completeExceptionally(e));
                    throw e;
                }
                snapshot = signals.snapshot();
                Requesters by = new Requesters(pressed, taken);
                signals.events().forEach(event -> report(event, by));
                answer(taken, signals.events());
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

        /**
         * Queues a request for the next tick and waits for its decision at most {@code timeoutMillis}. A request no
         * tick took in that time is withdrawn: nothing was done.
         */
        Answer ask(SignalRequest what, String user, long timeoutMillis) {
            Asked a = new Asked(what, user, new CompletableFuture<>());
            asked.add(a);
            try {
                SignalEvent event;
                try {
                    event = a.answer().get(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (asked.remove(a)) {
                        return new Answer.Refused(
                                503,
                                "the local signals did not take the request within " + timeoutMillis
                                        + " ms (the log says why, 'Local signals:'): nothing was done");
                    }
                    // Taken by a tick meanwhile: its decision is moments away.
                    event = a.answer().get(timeoutMillis, TimeUnit.MILLISECONDS);
                }
                return new Answer.Decided(event, status(Instant.now()));
            } catch (ExecutionException | TimeoutException e) {
                return new Answer.Refused(
                        503,
                        "the local signals could not be set: "
                                + (e instanceof ExecutionException ? e.getCause() : e)
                                + "; the request was taken, nothing was decided");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                asked.remove(a);
                return new Answer.Refused(503, "interrupted while waiting for the local signals: nothing was done");
            }
        }

        /** Each request taken at this tick gets the decision of its kind. */
        private static void answer(List<Asked> taken, List<SignalEvent> events) {
            for (Asked a : taken) {
                SignalEvent decided = null;
                for (SignalEvent e : events) {
                    boolean ofIt = a.what() == SignalRequest.LAMP_TEST
                            ? e instanceof SignalEvent.LampTestStarted
                            : e instanceof SignalEvent.AudioPaused || e instanceof SignalEvent.AudioPauseNotNeeded;
                    if (ofIt) {
                        decided = e;
                    }
                }
                if (decided == null) {
                    a.answer().completeExceptionally(new IllegalStateException("no decision for " + a.what()));
                } else {
                    a.answer().complete(decided);
                }
            }
        }

        /** Who asked for what at one tick: the button, and the users over HTTP. */
        private record Requesters(boolean button, List<Asked> taken) {
            List<String> users(SignalRequest what) {
                return taken.stream()
                        .filter(a -> a.what() == what)
                        .map(Asked::user)
                        .distinct()
                        .toList();
            }
        }

        /** The status at the last tick. */
        LocalSignalsStatus status(Instant now) {
            return LocalSignalsStatus.driven(settings, audioPausePressed != null, snapshot, now);
        }

        private void report(SignalEvent event, Requesters by) {
            if (event instanceof SignalEvent.LampTestStarted started) {
                List<String> outputs = new ArrayList<>();
                settings.outputs().forEach(p -> outputs.add(p.name() + " (GPIO" + p.pin() + ")"));
                List<String> users = by.users(SignalRequest.LAMP_TEST);
                LOG.info(
                        "Local signals: lamp test{}, every output on for {} ms: {}; each lamp should light and each"
                                + " buzzer sound now",
                        users.isEmpty() ? "" : " asked for by " + String.join(", ", users) + " over HTTP",
                        started.length().toMillis(),
                        String.join(", ", outputs));
                if (!users.isEmpty()) {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("user", String.join(",", users));
                    fields.put("seconds", started.length().toSeconds());
                    fields.put("outputs", String.join(",", started.outputs()));
                    audit("local-signals-lamp-test", fields);
                }
            } else if (event instanceof SignalEvent.LampTestEnded) {
                LOG.info("Local signals: lamp test over; the outputs show the technical alarms");
            } else if (event instanceof SignalEvent.AudioPauseNotNeeded) {
                LOG.info(
                        "Local signals: audio pause {} while nothing sounds: no pause",
                        askedBy(by, "button pressed", "asked for by"));
            } else if (event instanceof SignalEvent.AudioPaused paused) {
                LocalSignalSettings.AudioPause b = java.util.Objects.requireNonNull(settings.audioPause());
                String sounding = keys(paused.conditions());
                LOG.info(
                        "Local signals: audio {} for {} s {}: {} silent, the other outputs go on showing {}; a new"
                                + " technical alarm sounds again",
                        paused.restarted() ? "pause started again" : "paused",
                        paused.length().toSeconds(),
                        askedBy(by, "by the button on GPIO" + b.pin(), "asked for by"),
                        String.join(", ", paused.silenced()),
                        sounding);
                Map<String, Object> fields = new LinkedHashMap<>();
                if (by.button()) {
                    fields.put("button", "GPIO" + b.pin());
                }
                List<String> users = by.users(SignalRequest.AUDIO_PAUSE);
                if (!users.isEmpty()) {
                    fields.put("user", String.join(",", users));
                }
                fields.put("seconds", paused.length().toSeconds());
                fields.put("silenced", String.join(",", paused.silenced()));
                fields.put("conditions", sounding);
                fields.put("restarted", paused.restarted());
                audit("local-signals-audio-paused", fields);
            } else if (event instanceof SignalEvent.AudioPauseEnded ended) {
                String why = switch (ended.why()) {
                    case TIME_OVER -> "its time is over";
                    case NEW_CONDITION -> "a new technical alarm: " + keys(ended.newConditions());
                    case CONDITIONS_ENDED -> "the technical alarms it silenced have ended";
                };
                LOG.info("Local signals: audio pause over ({}); the silenced outputs sound again", why);
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put(
                        "why",
                        ended.why().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                if (!ended.newConditions().isEmpty()) {
                    fields.put("newConditions", keys(ended.newConditions()));
                }
                audit("local-signals-audio-pause-ended", fields);
            }
        }

        /** "by the button on GPIO17", "asked for by biomed over HTTP", or both. */
        private static String askedBy(Requesters by, String button, String users) {
            List<String> names = by.users(SignalRequest.AUDIO_PAUSE);
            List<String> parts = new ArrayList<>();
            if (by.button()) {
                parts.add(button);
            }
            if (!names.isEmpty()) {
                parts.add(users + " " + String.join(", ", names) + " over HTTP");
            }
            return String.join(" and ", parts);
        }

        private void audit(String action, Map<String, Object> fields) {
            try {
                audit.record(action, fields);
            } catch (IOException | RuntimeException e) {
                // The pause is in force (or over) whatever the audit log says; its trouble is the disk's to report.
                LOG.warn("Local signals: {} could not be audited: {}", action, e.toString());
            }
        }

        private static String keys(Set<TechnicalCondition> conditions) {
            return String.join(
                    ",",
                    conditions.stream().sorted().map(TechnicalCondition::key).toList());
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
