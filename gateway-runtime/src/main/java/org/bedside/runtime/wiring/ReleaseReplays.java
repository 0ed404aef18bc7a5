package org.bedside.runtime.wiring;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.model.DeviceId;
import org.bedside.patients.Releases;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.uplink.Pcd01Out;
import org.bedside.uplink.Pcd01Patients;
import org.bedside.uplink.Pcd01Sink;
import org.bedside.uplink.Subjects;
import org.bedside.uplink.UplinkWorker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charts released readings (docs/patients.md, "Release of held readings"). The uplink and PCD-01 out have long passed
 * a bed's readings of before its association (their cursors moved on: "not charted"), and the readings are still in
 * the buffer. For each release and each destination that charts (FHIR and PCD-01 out, each when configured) a consumer of its
 * own reads the buffer again from its start, under the cursor {@code release-<id>-<destination>}, with the
 * destination's own sink, identifiers and dead letters, and charts only the released bed's readings of the released
 * time (the beds' associations answer for them, releases included); everything else is "not charted" for it.
 *
 * <p>A replay is done once its cursor has committed past every record that can hold a released reading (the oldest
 * record still pending was received after the release's end plus the clock skew allowed, or nothing is pending): then
 * {@link Releases#replayed} records it, durably, and the cursor is forgotten, so that it holds back no buffer files.
 * After a restart the replays not recorded as done go on from their cursors; the server's conditional creates make
 * what is charted twice harmless.
 */
final class ReleaseReplays implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseReplays.class);
    /** Records reach the buffer a little after they were received, and not in perfect order across devices. */
    private static final Duration ORDER_MARGIN = Duration.ofSeconds(30);

    private final GatewaySettings settings;
    private final ReadingStore store;
    private final BedAssociations beds;
    private final TrustedClock trustedClock;
    private final InstantSource clock;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private @Nullable ScheduledExecutorService timer;

    private record Running(
            Releases.Release release, String destination, BufferConsumer<?> consumer, AutoCloseable sink) {}

    ReleaseReplays(
            GatewaySettings settings,
            ReadingStore store,
            BedAssociations beds,
            TrustedClock trustedClock,
            InstantSource clock) {
        this.settings = settings;
        this.store = store;
        this.beds = beds;
        this.trustedClock = trustedClock;
        this.clock = clock;
    }

    static String cursorName(Releases.Release r, String destination) {
        return "release-" + r.id().toLowerCase(java.util.Locale.ROOT) + "-" + destination;
    }

    synchronized void start() {
        Releases releases = beds.releases();
        if (releases == null || timer != null) {
            return;
        }
        // A replay recorded as done whose cursor outlived it (a crash in between): forgotten now.
        for (Releases.Release r : beds.replays()) {
            for (String d : destinations()) {
                if (releases.isReplayed(r.id(), d)) {
                    try {
                        store.forgetCursor(cursorName(r, d));
                    } catch (StoreException e) {
                        LOG.warn("Release {}: cannot forget its cursor for {}: {}", r.id(), d, e.getMessage());
                    }
                }
            }
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "release-replays");
            th.setDaemon(true);
            return th;
        });
        t.scheduleWithFixedDelay(this::turn, 0, 1, TimeUnit.SECONDS);
        timer = t;
    }

    /** Starts the replays of new releases and finishes the ones that are done. */
    synchronized void turn() {
        Releases releases = beds.releases();
        if (releases == null || timer == null) {
            return;
        }
        try {
            for (Releases.Release r : beds.replays()) {
                for (String d : destinations()) {
                    String cursor = cursorName(r, d);
                    if (releases.isReplayed(r.id(), d)) {
                        if (!running.containsKey(cursor)) {
                            continue;
                        }
                    }
                    Running run = running.get(cursor);
                    if (run == null) {
                        run = begin(r, d, cursor);
                        running.put(cursor, run);
                        run.consumer().start();
                        LOG.info("Release {}: charting to {} again from the start of the buffer", r.id(), d);
                        continue;
                    }
                    if (done(r, cursor)) {
                        finish(releases, run, cursor);
                    }
                }
            }
        } catch (Exception e) {
            LOG.warn("Release replays: {}", e.toString());
        }
    }

    private List<String> destinations() {
        List<String> d = new java.util.ArrayList<>();
        if (settings.fhirUplink()) {
            d.add(BedAssociations.RELEASE_FHIR);
        }
        if (settings.pcd01Out() != null) {
            d.add(BedAssociations.RELEASE_PCD01);
        }
        return d;
    }

    private boolean done(Releases.Release r, String cursor) throws StoreException {
        Instant after = r.until().plus(settings.maxClockSkew()).plus(ORDER_MARGIN);
        Optional<Instant> oldest = store.oldestPending(cursor);
        return !clock.instant().isBefore(after)
                && (oldest.isEmpty() || !oldest.get().isBefore(after));
    }

    private void finish(Releases releases, Running run, String cursor) throws Exception {
        run.consumer().close();
        run.sink().close();
        releases.replayed(run.release().id(), run.destination());
        store.forgetCursor(cursor);
        running.remove(cursor);
        LOG.info("Release {}: charted to {}", run.release().id(), run.destination());
    }

    private Running begin(Releases.Release r, String destination, String cursor) {
        Set<DeviceId> devices = beds.devicesOf(r.bed());
        if (destination.equals(BedAssociations.RELEASE_FHIR)) {
            Subjects only = new Subjects() {
                @Override
                public Subject subjectAt(
                        DeviceId device, Instant time, org.bedside.uplink.@Nullable DeviceContext context) {
                    if (!devices.contains(device) || !r.covers(r.bed(), time)) {
                        return new Subject.NotCharted("not-released");
                    }
                    return beds.subjectAt(device, time, context);
                }

                @Override
                public Subject subjectOf(
                        org.bedside.model.Reading reading,
                        Instant time,
                        org.bedside.uplink.@Nullable DeviceContext context) {
                    if (!devices.contains(reading.device()) || !r.covers(r.bed(), time)) {
                        return new Subject.NotCharted("not-released");
                    }
                    // a pump that travels with its patient is never the bed's released patient's
                    return beds.subjectOf(reading, time, context);
                }

                @Override
                public long version() {
                    return beds.version();
                }
            };
            BufferConsumer<?> c = UplinkWorker.replay(
                    cursor,
                    settings.uplink(),
                    store,
                    settings.deviceContexts(),
                    only,
                    GatewayComponents.deadLetters(settings.dataDirectory(), UplinkWorker.CURSOR),
                    clock,
                    trustedClock);
            return new Running(r, destination, c, () -> {});
        }
        Pcd01Out.Settings p = java.util.Objects.requireNonNull(settings.pcd01Out());
        Pcd01Patients all = beds.pcd01Patients(settings.deviceContexts());
        Pcd01Patients only = new Pcd01Patients() {
            @Override
            public Answer patientAt(DeviceId device, Instant time) {
                if (!devices.contains(device) || !r.covers(r.bed(), time)) {
                    return new Answer.NotSent("not-released");
                }
                return all.patientAt(device, time);
            }

            @Override
            public long version() {
                return all.version();
            }
        };
        Pcd01Sink sink =
                new Pcd01Sink(new MllpClient(p.client()), p.destination(), p.sender(), only, p.maxClockSkew(), clock);
        BufferConsumer<?> c = new BufferConsumer<>(
                new ConsumerSettings(
                        cursor,
                        1,
                        Duration.ofMillis(500),
                        p.retryMaxDelay(),
                        Duration.ofDays(36500),
                        Duration.ofMillis(200),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                GatewayComponents.deadLetters(settings.dataDirectory(), Pcd01Sink.CURSOR),
                clock,
                trustedClock);
        return new Running(r, destination, c, sink);
    }

    /** The replays running now, by cursor name, for the status. */
    synchronized List<String> running() {
        return List.copyOf(running.keySet());
    }

    @Override
    public synchronized void close() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdownNow();
        }
        for (Running run : running.values()) {
            run.consumer().close();
            try {
                run.sink().close();
            } catch (Exception e) {
                LOG.warn("Closing a release replay: {}", e.toString());
            }
        }
        running.clear();
    }
}
