package org.bedside.runtime.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.capture.CaptureWriter;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.OptionSpec;
import org.bedside.runtime.config.CaptureSettings;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.runtime.wiring.Devices;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The captures of the running gateway: at most one per device at a time, each a {@link CaptureWriter} on the device's
 * pipeline, so that the port stays the gateway's and the device keeps being read and charted as before. A thread of
 * its own writes each capture's buffer to its file every half second and ends a capture when its time is over, its
 * size cap is reached or a write failed; the last {@value #KEPT} captures stay listed after they ended.
 *
 * <p>The files ({@code <data-dir>/captures/<device>-<UTC time>.capture}, mode 0600, the directory 0700) hold patient
 * data and are never deleted by the gateway: the biomed who asked for one sends it and deletes it.
 */
public final class Captures implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Captures.class);
    static final int KEPT = 20;
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** How a capture stands. */
    public enum State {
        RUNNING,
        /** Ended: its time was over, its size cap was reached, or it was stopped. */
        FINISHED,
        /** Ended because its file could not be written. */
        FAILED
    }

    /** Why a request was refused, for the HTTP status and the count. */
    public enum Refusal {
        UNKNOWN_DEVICE,
        ALREADY_RUNNING,
        BAD_REQUEST,
        CANNOT_WRITE
    }

    /** What a start request came to. */
    public sealed interface Outcome {}

    public record Started(CaptureStatus capture) implements Outcome {}

    public record Refused(Refusal reason, String message) implements Outcome {}

    /**
     * One capture, as {@code /api/captures} and the status page show it.
     *
     * @param file the capture file's absolute path
     * @param stopReason why it ended ("the 10 min asked for are over", "size cap of ... reached"); null while running
     */
    public record CaptureStatus(
            String id,
            String device,
            String file,
            State state,
            Instant startedAt,
            Instant until,
            @Nullable Instant endedAt,
            long bytes,
            long maxBytes,
            long reads,
            long writes,
            @Nullable String stopReason) {}

    private final class Capture {
        final String id;
        final String device;
        final DevicePipeline pipeline;
        final CaptureWriter writer;
        final Instant startedAt;
        final Instant until;
        final Duration asked;
        volatile State state = State.RUNNING;
        volatile @Nullable Instant endedAt;
        volatile @Nullable String stopReason;

        Capture(String id, String device, DevicePipeline pipeline, CaptureWriter writer, Instant at, Duration asked) {
            this.id = id;
            this.device = device;
            this.pipeline = pipeline;
            this.writer = writer;
            this.startedAt = at;
            this.asked = asked;
            this.until = at.plus(asked);
        }

        CaptureStatus status() {
            return new CaptureStatus(
                    id,
                    device,
                    writer.file().toAbsolutePath().toString(),
                    state,
                    startedAt,
                    until,
                    endedAt,
                    writer.bytes(),
                    settings.maxBytes(),
                    writer.reads(),
                    writer.writes(),
                    stopReason);
        }
    }

    private final GatewaySettings gateway;
    private final CaptureSettings settings;
    private final Devices devices;
    private final InstantSource clock;
    private final Map<String, Capture> running = new LinkedHashMap<>();
    private final Deque<Capture> ended = new ArrayDeque<>();
    private final Map<Refusal, Long> refused = new EnumMap<>(Refusal.class);
    private final ScheduledExecutorService ticker;

    public Captures(GatewaySettings gateway, CaptureSettings settings, Devices devices, InstantSource clock) {
        this.gateway = gateway;
        this.settings = settings;
        this.devices = devices;
        this.clock = clock;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "captures");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    public CaptureSettings settings() {
        return settings;
    }

    /** Starts capturing {@code device} for {@code duration}; refused with a reason naming what was wrong. */
    public synchronized Outcome start(@Nullable String device, @Nullable Duration duration) {
        if (device == null || device.isBlank()) {
            return refuse(Refusal.BAD_REQUEST, "no device named: say which device to capture");
        }
        Optional<DevicePipeline> pipeline = devices.pipeline(device);
        Optional<GatewaySettings.DeviceSettings> configured = gateway.devices().stream()
                .filter(d -> d.id().value().equals(device))
                .findFirst();
        if (pipeline.isEmpty() || configured.isEmpty()) {
            List<String> known =
                    devices.pipelines().stream().map(p -> p.device().value()).toList();
            return refuse(
                    Refusal.UNKNOWN_DEVICE,
                    "no device '" + printable(device) + "' in this gateway; its devices: "
                            + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
        if (duration == null || duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return refuse(Refusal.BAD_REQUEST, "a capture lasts at least 1 second");
        }
        if (duration.compareTo(settings.maxDuration()) > 0) {
            return refuse(
                    Refusal.BAD_REQUEST,
                    "a capture lasts at most " + minutes(settings.maxDuration()) + " (gateway.capture.max-duration)");
        }
        Capture busy = running.get(device);
        if (busy != null) {
            return refuse(
                    Refusal.ALREADY_RUNNING,
                    "a capture of " + device + " is already running (" + busy.id + ", until " + busy.until + ")");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        CaptureWriter writer;
        String id;
        try {
            Files.createDirectories(
                    settings.directory(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            id = device + "-" + FILE_TIME.format(now);
            for (int n = 2; Files.exists(file(id)); n++) {
                id = device + "-" + FILE_TIME.format(now) + "-" + n;
            }
            writer = CaptureWriter.create(
                    file(id), header(configured.get(), pipeline.get(), now), settings.maxBytes(), clock);
        } catch (IOException | UnsupportedOperationException e) {
            return refuse(
                    Refusal.CANNOT_WRITE,
                    "cannot write a capture into " + settings.directory() + ": " + e.getMessage());
        }
        Capture c = new Capture(id, device, pipeline.get(), writer, now, duration);
        running.put(device, c);
        pipeline.get().tap(writer);
        LOG.info(
                "Capture {} started: device {} for {}, at most {}, into {} (mode 0600: it holds patient data)",
                id,
                device,
                minutes(duration),
                CaptureSettings.describe(settings.maxBytes()),
                writer.file().toAbsolutePath());
        return new Started(c.status());
    }

    private Path file(String id) {
        return settings.directory().resolve(id + ".capture");
    }

    private Map<String, String> header(GatewaySettings.DeviceSettings d, DevicePipeline p, Instant now) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("device", d.id().value());
        h.put("driver", d.driver().info().code());
        for (OptionSpec o : d.driver().info().options()) {
            h.put("option." + o.key(), d.options().get(o.key()));
        }
        h.put("port", p.status().endpoint());
        h.put("gateway", gateway.gatewayId());
        h.put("started", now.toString());
        return h;
    }

    /** Ends a running capture now. */
    public synchronized Optional<CaptureStatus> stop(String id) {
        for (Capture c : running.values()) {
            if (c.id.equals(id)) {
                finish(c, "stopped on request");
                return Optional.of(c.status());
            }
        }
        return find(id);
    }

    public synchronized Optional<CaptureStatus> find(String id) {
        return all().stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The running captures, then those that ended, the latest first. */
    public synchronized List<CaptureStatus> all() {
        List<CaptureStatus> out = new ArrayList<>();
        running.values().forEach(c -> out.add(c.status()));
        ended.forEach(c -> out.add(c.status()));
        return out;
    }

    public synchronized List<CaptureStatus> runningNow() {
        return running.values().stream().map(Capture::status).toList();
    }

    /** Requests refused, by reason. */
    public synchronized Map<Refusal, Long> refused() {
        return Map.copyOf(refused);
    }

    private Refused refuse(Refusal reason, String message) {
        refused.merge(reason, 1L, Long::sum);
        LOG.info("Capture refused: {}", message);
        return new Refused(reason, message);
    }

    private synchronized void tick() {
        try {
            Instant now = clock.instant();
            for (Capture c : List.copyOf(running.values())) {
                c.writer.flush();
                String stopped = c.writer.stopped();
                if (stopped != null) {
                    finish(c, stopped);
                } else if (!now.isBefore(c.until)) {
                    finish(c, "the " + minutes(c.asked) + " asked for are over");
                }
            }
        } catch (RuntimeException e) {
            // The ticker must go on turning: a capture it cannot end now is ended at the next turn.
            LOG.warn("Captures: {}", e.toString());
        }
    }

    private void finish(Capture c, String reason) {
        c.pipeline.tap(null);
        // What stopped it by itself (its size cap, a failed write) comes first: that is what the biomed must know.
        String stopped = c.writer.stopped();
        c.writer.close();
        if (stopped != null && !c.writer.failed()) {
            stopped += " (gateway.capture.max-size: " + CaptureSettings.describe(settings.maxBytes()) + ")";
        }
        c.stopReason = stopped != null ? stopped : reason;
        c.state = c.writer.failed() ? State.FAILED : State.FINISHED;
        c.endedAt = clock.instant();
        running.remove(c.device);
        ended.addFirst(c);
        while (ended.size() > KEPT) {
            ended.removeLast();
        }
        LOG.info(
                "Capture {} ended: {}; {} in {}",
                c.id,
                c.stopReason,
                CaptureSettings.describe(c.writer.bytes()),
                c.writer.file().toAbsolutePath());
    }

    static String minutes(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? (s / 60) + " min" : s + " s";
    }

    /** A name from a request, fit for a message and a log line: printable, short. */
    private static String printable(String s) {
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 64 ? p.substring(0, 64) + "…" : p;
    }

    /** Ends every capture (the gateway stops): what was captured is flushed to its file. */
    @Override
    public synchronized void close() {
        for (Capture c : List.copyOf(running.values())) {
            finish(c, "the gateway stopped");
        }
        ticker.shutdownNow();
    }
}
