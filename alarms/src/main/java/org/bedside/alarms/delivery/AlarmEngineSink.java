package org.bedside.alarms.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.bedside.alarms.AlarmEngine;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.alarms.RebuildPoint;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.consumer.Delivery;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Sink;
import org.bedside.buffer.consumer.Translator;
import org.bedside.drivers.replay.Replay;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alarm engine as a consumer of the buffer: a {@link Sink} for the buffer's one consumer loop, under its own cursor
 * {@value #CURSOR}. Its translator feeds every record to the {@link AlarmEngine} and turns the receive clock into
 * {@link AlarmEngine#advanceTo} calls; its delivery appends the engine's notifications to the buffer, from where the
 * alert destinations (PCD-04, MQTT) read them under their own cursors.
 *
 * <p><b>The crash story</b> (docs/alarms.md). The cursor is committed no later than the engine's {@link
 * RebuildPoint#earliestNeededPosition()}, and the point is written to {@code rebuild-point} (atomically, forced to disk)
 * <em>before</em> the commit it allows, and only while every notification decided so far is in the buffer. A consumer
 * that starts (after a SIGKILL, or after an unexpected error) rebuilds the engine with {@link AlarmEngine#resuming}
 * from that point and its cursor; the notifications the replay gives again are found in the buffer after the cursor
 * (one scan at start) and dropped by {@link AlertReport#notificationId()}; the first one not there is the first that
 * was lost, and is appended. So neither an alert's start nor its end is lost or doubled.
 *
 * <p>Without a rebuild point (the first start on a box, or a buffer that was there before the alarm engine), frames
 * received more than {@code history} before the start are history: the engine does not alarm on them.
 */
public final class AlarmEngineSink implements Sink<AlertReport> {
    /** The engine's cursor in the buffer. */
    public static final String CURSOR = "alarms";

    private static final Logger LOG = LoggerFactory.getLogger(AlarmEngineSink.class);
    private static final String POINT_FILE = "rebuild-point";

    private final ReadingStore store;
    private final Function<DeviceId, AlarmPolicy> policies;
    private final Path directory;
    private final Duration frameLag;
    private final Duration pointInterval;
    private final Duration history;
    private final InstantSource clock;

    private volatile List<AlertReport> open = List.of();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong duplicatesDropped = new AtomicLong();
    private final AtomicLong historySkipped = new AtomicLong();
    private volatile long lateFrames;
    private volatile long resumedSkipped;
    private volatile @Nullable Instant lastPointWrite;
    private @Nullable EngineTranslator current;

    /**
     * @param store the buffer (notifications are appended to it)
     * @param policies the care unit's policy of every device
     * @param directory where the rebuild point is kept ({@code <data-dir>/alarms})
     * @param frameLag the longest a frame takes from being stamped to reaching the engine: the engine's clock is the
     *     wall clock minus this
     * @param history without a rebuild point, frames older than this at start are not alarmed on
     */
    public AlarmEngineSink(
            ReadingStore store,
            Function<DeviceId, AlarmPolicy> policies,
            Path directory,
            Duration frameLag,
            Duration history,
            InstantSource clock)
            throws IOException {
        this.store = store;
        this.policies = policies;
        this.directory = directory;
        this.frameLag = frameLag;
        this.pointInterval = Duration.ofSeconds(1);
        this.history = history;
        this.clock = clock;
        Files.createDirectories(directory);
    }

    /** The latest notification of every open alert, as of the engine's last turn. Thread-safe. */
    public List<AlertReport> openAlerts() {
        return open;
    }

    /** What the engine has done since the gateway started. Thread-safe. */
    public Stats stats() {
        return new Stats(
                appended.get(),
                duplicatesDropped.get(),
                historySkipped.get(),
                lateFrames,
                resumedSkipped,
                lastPointWrite);
    }

    /**
     * @param appended notifications appended to the buffer
     * @param duplicatesDropped notifications given again by a replay after a restart, already in the buffer
     * @param historySkipped frames older than the engine's first start, not alarmed on
     * @param lateFrames frames that reached the engine after its clock had passed them
     * @param resumedSkipped frames a replay skipped as already accounted for
     * @param lastPointWrite when the rebuild point was last stored
     */
    public record Stats(
            long appended,
            long duplicatesDropped,
            long historySkipped,
            long lateFrames,
            long resumedSkipped,
            @Nullable Instant lastPointWrite) {}

    /**
     * The engine needs the frames' order and spacing, not the true time: a record stamped before the wall clock was
     * trusted is taken at once, as stamped (the engine's clock is the same wall clock), so that an alert never waits
     * for NTP. Its notifications are appended while the clock is still untrusted, so they are stamped too, and the
     * PCD-04 says so.
     */
    @Override
    public boolean takesUntrustedTimes() {
        return true;
    }

    @Override
    public Translator<AlertReport> translator(Lane lane) {
        if (lane == Lane.LIVE) {
            // One engine, fed in buffer order: a second lane would see frames twice. The consumer is set up so that it
            // never opens one (its live lag is unbounded); should it, that lane gives nothing.
            return record -> List.of();
        }
        EngineTranslator t = new EngineTranslator();
        current = t;
        return t;
    }

    @Override
    public Delivery<AlertReport> deliver(List<Item<AlertReport>> items) {
        int done = 0;
        try {
            for (Item<AlertReport> item : items) {
                store.append(List.of(item.value()));
                done++;
            }
        } catch (StoreException e) {
            EngineTranslator t = current;
            if (t != null) {
                t.delivered(done);
            }
            appended.addAndGet(done);
            // The items already appended are appended again with the batch: the destinations drop repeats by id.
            return Delivery.retry("cannot append alert notifications to the buffer: " + e.getMessage(), null);
        }
        appended.addAndGet(done);
        EngineTranslator t = current;
        if (t != null) {
            t.delivered(done);
        }
        return Delivery.delivered();
    }

    @Override
    public Letter letter(Item<AlertReport> item) {
        AlertReport a = item.value();
        return new Letter(a.notificationId(), a.device().value(), Replay.json(a));
    }

    private Path pointFile() {
        return directory.resolve(POINT_FILE);
    }

    /** The engine and its bookkeeping for one run of the consumer from its committed position. */
    private final class EngineTranslator implements Translator<AlertReport> {
        private final AlarmEngine engine;
        /** Notification ids in the buffer after the cursor at start: a replay gives them again. */
        private final Set<String> alreadyBuffered = new HashSet<>();

        private final long scannedThrough;
        private final @Nullable Instant historyBefore;
        private long lastAccepted = ReadingStore.NONE;
        private long produced;
        private long deliveredCount;
        /** The point last stored, and the last record it accounts for: the cursor is committed no further. */
        private @Nullable RebuildPoint stored;

        private long storedThrough = ReadingStore.NONE;
        private long lastWriteNanos;

        EngineTranslator() {
            RebuildPoint point = readPoint();
            if (point == null) {
                engine = new AlarmEngine(policies);
                historyBefore = clock.instant().minus(history);
                LOG.info(
                        "Alarm engine: no rebuild point in {}: starting afresh; frames received before {} are history"
                                + " and not alarmed on",
                        directory,
                        historyBefore);
            } else {
                engine = AlarmEngine.resuming(policies, point);
                historyBefore = null;
                stored = point;
                LOG.info(
                        "Alarm engine: rebuilding its state from the buffer ({} device(s) in the rebuild point)",
                        point.devices().size());
            }
            scannedThrough = scanBuffered();
        }

        private @Nullable RebuildPoint readPoint() {
            Path f = pointFile();
            if (!Files.exists(f)) {
                return null;
            }
            try {
                return RebuildPoint.parse(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                LOG.error(
                        "Alarm engine: the rebuild point {} cannot be read ({}); starting afresh from the cursor",
                        f,
                        e.getMessage());
                return null;
            }
        }

        /** Collects the notification ids after the cursor; returns the last position read. */
        private long scanBuffered() {
            long last = ReadingStore.NONE;
            try (ReadingCursor scan = store.cursor(CURSOR)) {
                StoredRecord r;
                while ((r = scan.next()) != null) {
                    last = r.position();
                    for (Reading reading : r.readings()) {
                        if (reading instanceof AlertReport a) {
                            alreadyBuffered.add(a.notificationId());
                        }
                    }
                }
            } catch (StoreException e) {
                // The consumer's own cursor fails the same way, and the consumer starts again after a back-off.
                throw new IllegalStateException("cannot read the buffer after the alarm cursor: " + e.getMessage(), e);
            }
            return last;
        }

        @Override
        public List<Item<AlertReport>> accept(StoredRecord record) {
            lastAccepted = record.position();
            List<? extends Reading> readings = record.readings();
            if (historyBefore != null
                    && !readings.isEmpty()
                    && readings.get(0).receivedAt().isBefore(historyBefore)) {
                historySkipped.incrementAndGet();
                return List.of();
            }
            List<Item<AlertReport>> items = items(engine.accept(readings, record.position()), record.position());
            if (record.position() >= scannedThrough && !alreadyBuffered.isEmpty()) {
                alreadyBuffered.clear(); // past the replay: nothing more can repeat
            }
            return items;
        }

        @Override
        public List<Item<AlertReport>> flushDue(Instant now) {
            List<Item<AlertReport>> items = items(engine.advanceTo(now.minus(frameLag)), lastAccepted);
            open = List.copyOf(engine.openAlerts());
            lateFrames = engine.lateFrames();
            resumedSkipped = engine.skippedOnResume();
            return items;
        }

        private List<Item<AlertReport>> items(List<AlertReport> alerts, long position) {
            if (alerts.isEmpty()) {
                return List.of();
            }
            List<Item<AlertReport>> items = new ArrayList<>(alerts.size());
            for (AlertReport a : alerts) {
                if (alreadyBuffered.remove(a.notificationId())) {
                    duplicatesDropped.incrementAndGet();
                    continue;
                }
                items.add(new Item<>(a, position));
            }
            produced += items.size();
            return items;
        }

        void delivered(int n) {
            deliveredCount += n;
        }

        /**
         * How far the cursor may be committed: before the oldest frame a rebuild needs, and no further than what the
         * stored point accounts for. The point is stored here, at most once a second, and only when every notification
         * decided so far is in the buffer (otherwise its marks would skip the frames that decided the missing ones).
         */
        @Override
        public OptionalLong heldPosition() {
            long now = System.nanoTime();
            if (produced == deliveredCount
                    && lastAccepted != storedThrough
                    && (stored == null || now - lastWriteNanos >= pointInterval.toNanos())) {
                RebuildPoint point = engine.rebuildPoint();
                if (writePoint(point)) {
                    stored = point;
                    storedThrough = lastAccepted;
                    lastWriteNanos = now;
                }
            }
            if (storedThrough == ReadingStore.NONE) {
                return OptionalLong.of(0); // nothing accounted for yet: nothing may be committed
            }
            RebuildPoint p = stored;
            long needed =
                    p == null ? Long.MAX_VALUE : p.earliestNeededPosition().orElse(Long.MAX_VALUE);
            if (p != null && !p.positionsKnown()) {
                needed = 0;
            }
            return OptionalLong.of(Math.min(needed, storedThrough + 1));
        }

        private boolean writePoint(RebuildPoint point) {
            Path f = pointFile();
            Path tmp = f.resolveSibling(POINT_FILE + ".tmp");
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(point.encode().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            } catch (IOException e) {
                LOG.warn("Alarm engine: cannot write the rebuild point {}: {}", tmp, e.getMessage());
                return false;
            }
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                lastPointWrite = clock.instant();
                return true;
            } catch (IOException e) {
                LOG.warn("Alarm engine: cannot replace the rebuild point {}: {}", f, e.getMessage());
                return false;
            }
        }
    }
}
