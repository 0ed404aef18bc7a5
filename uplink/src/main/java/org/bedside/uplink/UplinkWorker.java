package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.ClockStamp;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.common.Backoff;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the buffer through the {@value #CURSOR} cursor, charts what the policy picks, and uploads it as transaction
 * Bundles of conditional creates (one Device entry per device, then the Observations). The cursor commits only after
 * the server's 2xx, and only up to the first record whose value is still held by an open charting interval; after a
 * crash, the worker re-reads from there, and the deterministic identifiers make the replay create nothing twice.
 *
 * <p>When an upload fails, the same Observations are retried with exponential back-off and jitter (honouring {@code
 * Retry-After}); nothing more is read meanwhile, and everything keeps accumulating in the buffer.
 */
public final class UplinkWorker implements AutoCloseable {
    public static final String CURSOR = "uplink";
    private static final Logger LOG = LoggerFactory.getLogger(UplinkWorker.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    /** The main cursor this far behind the present means a backlog: live data gets a cursor of its own. */
    static final int LIVE_LAG_SECONDS = 30;
    /** Observations charted this late are tagged {@code urn:bedside:upload|backfilled}. */
    static final int BACKFILL_AFTER_MINUTES = 5;

    private final UplinkSettings settings;
    private final ReadingStore store;
    private final Map<DeviceId, DeviceContext> devices;
    private final InstantSource clock;
    private final ObservationMapper mapper;
    private final FhirUploader uploader;
    private final ChartingPolicy policy;
    /** Charts live data while the main cursor drains a backlog; its intervals are charted again by the main one. */
    private final ChartingPolicy livePolicy;

    private final DeadLetterStore deadLetters;
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong backfilled = new AtomicLong();
    private @Nullable ReadingCursor live;
    private final TrustedClock trustedClock;
    /** A record read but waiting for the wall clock of its boot to become trustworthy. */
    private @Nullable StoredRecord waitingForClock;

    private final AtomicLong clockCorrected = new AtomicLong();
    private final AtomicLong untrustedClock = new AtomicLong();
    private @Nullable Instant lastReadReceivedAt;
    private final Backoff backoff;
    private final Object wakeUp = new Object();
    /** Positions read since the last commit, in order. */
    private final ArrayDeque<Long> uncommitted = new ArrayDeque<>();

    private final AtomicLong bundlesAccepted = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private final Map<String, UplinkStatus.LastCharted> lastCharted = new ConcurrentHashMap<>();

    private volatile UplinkStatus.State state = UplinkStatus.State.STARTING;
    private volatile String detail = "starting";
    private volatile Instant since;
    private volatile @Nullable Instant lastSuccessAt;
    private volatile boolean running;
    private volatile Map<String, Long> notCharted = Map.of();
    private @Nullable Thread thread;

    public UplinkWorker(
            UplinkSettings settings,
            ReadingStore store,
            Map<DeviceId, DeviceContext> devices,
            DeadLetterStore deadLetters,
            InstantSource clock) {
        this(settings, store, devices, deadLetters, clock, TrustedClock.ALWAYS);
    }

    /**
     * @param trustedClock corrects the receive times of records written while the wall clock was not trustworthy
     */
    public UplinkWorker(
            UplinkSettings settings,
            ReadingStore store,
            Map<DeviceId, DeviceContext> devices,
            DeadLetterStore deadLetters,
            InstantSource clock,
            TrustedClock trustedClock) {
        this.trustedClock = trustedClock;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.store = store;
        this.devices = Map.copyOf(devices);
        this.clock = clock;
        this.mapper = new ObservationMapper(settings);
        this.uploader = new FhirUploader(settings, FhirContext.forR4Cached());
        this.policy = new ChartingPolicy(settings, this.devices::get);
        this.livePolicy = new ChartingPolicy(settings, this.devices::get);
        this.backoff = new Backoff(settings.retryInitialDelay(), settings.retryMaxDelay());
        this.since = clock.instant();
        publishNotCharted();
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("uplink already started");
        }
        running = true;
        Thread t = new Thread(this::run, "uplink");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Asks the worker to look at the buffer now rather than at its next poll. */
    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        wake();
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        setState(UplinkStatus.State.STOPPED, "stopped");
    }

    public UplinkStatus status() {
        return new UplinkStatus(
                state,
                detail,
                since,
                lastSuccessAt,
                bundlesAccepted.get(),
                created.get(),
                matched.get(),
                retries.get(),
                rejections.get(),
                deadLettered.get(),
                deadLetters.count(),
                backfilled.get(),
                notCharted,
                new LinkedHashMap<>(lastCharted));
    }

    private void run() {
        try (ReadingCursor cursor = store.cursor(CURSOR)) {
            while (running) {
                boolean didWork = round(cursor);
                if (!didWork) {
                    pause(IDLE_POLL);
                }
            }
            if (live != null) {
                live.close();
            }
        } catch (StoreException e) {
            LOG.error("Uplink stopped: the buffer cannot be read: {}", e.getMessage());
            setState(UplinkStatus.State.STOPPED, "the buffer cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Uplink stopped by an unexpected error", e);
            setState(UplinkStatus.State.STOPPED, "unexpected error: " + e);
        }
    }

    /**
     * One round; returns whether there was anything to do. While the main cursor is more than {@value #LIVE_LAG_SECONDS}
     * s behind (a backlog after an outage), each round first charts what arrived live, read through a live cursor at
     * the end of the store, then one bundle of the backlog: neither starves the other.
     */
    private boolean round(ReadingCursor cursor) throws StoreException {
        boolean didWork = false;
        if (lastReadReceivedAt == null && live == null) {
            // Caught up, or just started: is there a backlog waiting (after a restart that followed an outage)? Seen
            // before the first record is read, so that live readings get their own cursor from the start.
            lastReadReceivedAt = store.oldestPending(CURSOR).orElse(null);
        }
        if (inBacklog()) {
            if (live == null) {
                live = store.liveCursor();
                LOG.info(
                        "Uplink: draining a backlog (oldest unsent reading {}); live readings are charted first",
                        lastReadReceivedAt);
            }
            didWork = liveRound(live);
        } else if (live != null) {
            live.close();
            live = null;
            LOG.info("Uplink: the backlog is drained");
        }
        return backlogRound(cursor) || didWork;
    }

    /**
     * The next record with receive times that can be charted: as stored when the wall clock was trusted; corrected by
     * the boot's trusted offset when it was not; and when the running boot's clock is still not trusted, nothing yet
     * (the record waits, and everything after it). Records of an earlier boot whose clock never became trusted cannot
     * be placed in time: their readings are not charted, and counted.
     */
    private @Nullable StoredRecord nextTrusted(ReadingCursor cursor) throws StoreException {
        StoredRecord record = waitingForClock != null ? waitingForClock : cursor.next();
        waitingForClock = null;
        if (record == null || record.clock() == null) {
            return record;
        }
        ClockStamp stamp = record.clock();
        OptionalLong trusted = trustedClock.trustedOffset(stamp.bootId());
        if (trusted.isEmpty()) {
            if (stamp.bootId().equals(trustedClock.currentBoot())) {
                waitingForClock = record;
                if (state != UplinkStatus.State.RETRYING) {
                    setState(
                            UplinkStatus.State.ONLINE,
                            "readings wait for the gateway's clock to be synchronised"
                                    + " (NTP) before they are charted");
                }
                return null;
            }
            untrustedClock.addAndGet(record.readings().size());
            return new StoredRecord(record.position(), List.of(), null);
        }
        Duration correction = Duration.ofNanos(trusted.getAsLong() - stamp.offsetNanos());
        List<Reading> corrected = new ArrayList<>(record.readings().size());
        for (Reading r : record.readings()) {
            corrected.add(shifted(r, correction));
        }
        clockCorrected.addAndGet(corrected.size());
        return new StoredRecord(record.position(), corrected, null);
    }

    private static Reading shifted(Reading r, Duration by) {
        if (r instanceof NumericReading n) {
            return new NumericReading(
                    n.device(),
                    n.metric(),
                    n.value(),
                    n.unit(),
                    n.quality(),
                    n.deviceTime(),
                    n.receivedAt().plus(by));
        }
        if (r instanceof CompoundReading c) {
            return new CompoundReading(
                    c.device(),
                    c.metric(),
                    c.components(),
                    c.deviceTime(),
                    c.receivedAt().plus(by));
        }
        return r; // not charted
    }

    private boolean inBacklog() {
        Instant last = lastReadReceivedAt;
        // In per-interval charting the cursor normally lags by up to an interval (it holds the open one): only a lag
        // well beyond that is a backlog.
        Duration lag = Duration.ofSeconds(LIVE_LAG_SECONDS)
                .plus(settings.chartingInterval().multipliedBy(2));
        return last != null && last.isBefore(clock.instant().minus(lag));
    }

    private boolean liveRound(ReadingCursor liveCursor) throws StoreException {
        List<Chartable> chartables = new ArrayList<>();
        boolean readAny = false;
        StoredRecord record;
        while (chartables.size() < settings.maxBundleEntries() && (record = liveCursor.next()) != null) {
            readAny = true;
            if (record.clock() == null) { // untrusted times are left to the main cursor, which waits or corrects
                chartables.addAll(livePolicy.accept(record));
            }
        }
        chartables.addAll(livePolicy.flushDue(clock.instant()));
        for (int from = 0; from < chartables.size() && running; from += settings.maxBundleEntries()) {
            if (!deliver(chartables.subList(from, Math.min(chartables.size(), from + settings.maxBundleEntries())))) {
                break;
            }
        }
        return readAny || !chartables.isEmpty();
    }

    private boolean backlogRound(ReadingCursor cursor) throws StoreException {
        List<Chartable> chartables = new ArrayList<>();
        boolean readAny = false;
        StoredRecord record;
        while (chartables.size() < settings.maxBundleEntries() && (record = nextTrusted(cursor)) != null) {
            uncommitted.add(record.position());
            readAny = true;
            if (!record.readings().isEmpty()) {
                lastReadReceivedAt = record.readings().get(0).receivedAt();
            }
            chartables.addAll(policy.accept(record));
        }
        if (!readAny) {
            lastReadReceivedAt = null; // caught up
        }
        chartables.addAll(policy.flushDue(clock.instant()));
        publishNotCharted();
        if (!readAny && chartables.isEmpty()) {
            if (state == UplinkStatus.State.STARTING) {
                setState(UplinkStatus.State.ONLINE, "nothing to send yet");
            }
            commit(cursor);
            return false;
        }
        for (int from = 0; from < chartables.size() && running; from += settings.maxBundleEntries()) {
            List<Chartable> part =
                    chartables.subList(from, Math.min(chartables.size(), from + settings.maxBundleEntries()));
            if (!deliver(part)) {
                return true; // stopping
            }
        }
        commit(cursor);
        if (chartables.isEmpty() && state == UplinkStatus.State.STARTING) {
            setState(UplinkStatus.State.ONLINE, "nothing charted yet");
        }
        return true;
    }

    /**
     * Commits up to the last record read that no open charting interval still needs: everything before it is charted
     * (uploaded and acknowledged) or not to be charted.
     */
    private void commit(ReadingCursor cursor) throws StoreException {
        OptionalLong held = policy.earliestHeldPosition();
        long target = ReadingStore.NONE;
        while (!uncommitted.isEmpty() && (held.isEmpty() || uncommitted.peekFirst() < held.getAsLong())) {
            target = uncommitted.pollFirst();
        }
        if (target != ReadingStore.NONE && target > cursor.committedPosition()) {
            cursor.commit(target);
        }
    }

    /** A part's fate after one pass: accepted entries, entries refused one by one, or a reason to retry it all. */
    private record Attempt(int accepted, List<Refused> refused, UploadResult.@Nullable Retry retry) {
        static Attempt retry(UploadResult.Retry r) {
            return new Attempt(0, List.of(), r);
        }
    }

    private record Refused(Chartable chartable, int status, String reason) {}

    /**
     * Uploads a part until the server has it: retries what is worth retrying with back-off; when the server refuses
     * the Bundle, finds by bisection the entries it refuses one by one and sends those to the dead-letter store, so
     * that the line keeps moving. If every entry is refused and nothing was accepted lately, the cause is taken to be
     * the server or the configuration (an unknown patient, say): nothing is dead-lettered, the part is retried slowly.
     *
     * @return false only when the worker is stopping
     */
    private boolean deliver(List<Chartable> part) {
        while (running) {
            Attempt a = attempt(part);
            Duration wait;
            if (a.retry() != null) {
                UploadResult.Retry r = a.retry();
                retries.incrementAndGet();
                Duration backoffDelay = backoff.nextDelay();
                Duration retryAfter = r.retryAfter();
                wait = retryAfter != null && retryAfter.compareTo(backoffDelay) > 0 ? retryAfter : backoffDelay;
                if (state != UplinkStatus.State.RETRYING) {
                    LOG.warn("Uplink: {}; retrying, data is kept in the buffer", r.reason());
                }
                setState(UplinkStatus.State.RETRYING, r.reason() + "; retrying in " + wait.toSeconds() + " s");
            } else if (a.refused().isEmpty()) {
                return true;
            } else if (a.accepted() == 0 && !acceptedLately()) {
                rejections.incrementAndGet();
                wait = settings.retryMaxDelay();
                Refused first = a.refused().get(0);
                LOG.error(
                        "Uplink: the FHIR server refuses every observation ({} of them): HTTP {}: {}",
                        a.refused().size(),
                        first.status(),
                        first.reason());
                setState(
                        UplinkStatus.State.REJECTED,
                        "HTTP " + first.status() + ": " + first.reason() + "; trying again in " + wait.toSeconds()
                                + " s");
            } else {
                for (Refused r : a.refused()) {
                    deadLetter(r);
                }
                return true;
            }
            sleepUnlessStopped(wait);
        }
        return false;
    }

    private boolean acceptedLately() {
        Instant last = lastSuccessAt;
        return last != null && last.isAfter(clock.instant().minus(Duration.ofMinutes(10)));
    }

    private Attempt attempt(List<Chartable> part) {
        UploadResult result = uploader.send(bundle(part));
        if (result instanceof UploadResult.Accepted accepted) {
            onAccepted(part, accepted);
            return new Attempt(part.size(), List.of(), null);
        }
        if (result instanceof UploadResult.Retry r) {
            return Attempt.retry(r);
        }
        UploadResult.Rejected rejected = (UploadResult.Rejected) result;
        if (part.size() == 1) {
            return new Attempt(0, List.of(new Refused(part.get(0), rejected.status(), rejected.reason())), null);
        }
        int mid = part.size() / 2;
        Attempt left = attempt(part.subList(0, mid));
        if (left.retry() != null) {
            return left;
        }
        Attempt right = attempt(part.subList(mid, part.size()));
        if (right.retry() != null) {
            return right;
        }
        List<Refused> refused = new ArrayList<>(left.refused());
        refused.addAll(right.refused());
        return new Attempt(left.accepted() + right.accepted(), refused, null);
    }

    /** Told of every Bundle the server accepted: the identifiers of its Observations. For benchmarks and tests. */
    @FunctionalInterface
    public interface AcceptedListener {
        void accepted(List<String> identifiers);
    }

    private volatile @Nullable AcceptedListener acceptedListener;

    public void onAccepted(AcceptedListener listener) {
        this.acceptedListener = listener;
    }

    private void onAccepted(List<Chartable> part, UploadResult.Accepted a) {
        AcceptedListener listener = acceptedListener;
        if (listener != null) {
            listener.accepted(part.stream().map(Chartable::identifier).toList());
        }
        backoff.reset();
        bundlesAccepted.incrementAndGet();
        created.addAndGet(a.created());
        matched.addAndGet(a.matched());
        lastSuccessAt = clock.instant();
        for (Chartable c : part) {
            lastCharted.put(
                    c.reading().device().value(),
                    new UplinkStatus.LastCharted(
                            c.metricCode().label(), c.displayValue(), c.unitCode(), c.effective()));
        }
        setState(
                UplinkStatus.State.ONLINE,
                "sent " + part.size() + " observations (" + a.created() + " new, " + a.matched() + " already charted)");
    }

    private void deadLetter(Refused r) {
        Chartable c = r.chartable();
        try {
            deadLetters.add(
                    c.identifier(),
                    c.reading().device().value(),
                    r.status(),
                    r.reason(),
                    clock.instant(),
                    uploader.encode(bundle(List.of(c))));
            deadLettered.incrementAndGet();
            LOG.error(
                    "Uplink: the FHIR server refused observation {} (HTTP {}): {}; kept as a dead letter in {}",
                    c.identifier(),
                    r.status(),
                    r.reason(),
                    deadLetters.directory());
        } catch (IOException e) {
            // Not written: the part will be retried as a whole rather than lose the Observation.
            throw new UncheckedIOException("cannot write a dead letter in " + deadLetters.directory(), e);
        }
    }

    /**
     * Sends a dead letter again (after its cause was fixed on the server).
     *
     * @return what the server said, in words
     */
    public String retryDeadLetter(String id) throws IOException {
        DeadLetterStore.DeadLetter letter =
                deadLetters.get(id).orElseThrow(() -> new IOException("no dead letter " + id));
        UploadResult result = uploader.send(letter.bundle());
        if (result instanceof UploadResult.Accepted a) {
            deadLetters.markRetried(id);
            created.addAndGet(a.created());
            matched.addAndGet(a.matched());
            return "accepted (" + (a.created() > 0 ? "charted" : "already charted") + ")";
        }
        return result instanceof UploadResult.Retry r
                ? "not sent: " + r.reason()
                : "refused again: " + ((UploadResult.Rejected) result).reason();
    }

    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    private Bundle bundle(List<Chartable> part) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Map<DeviceId, Reference> deviceRefs = new LinkedHashMap<>();
        for (Chartable c : part) {
            DeviceId id = c.reading().device();
            if (!deviceRefs.containsKey(id)) {
                DeviceContext ctx = devices.get(id);
                String identifier = mapper.deviceIdentifier(ctx);
                String fullUrl = "urn:uuid:" + uuid("device:" + identifier);
                bundle.addEntry()
                        .setFullUrl(fullUrl)
                        .setResource(mapper.device(ctx))
                        .getRequest()
                        .setMethod(Bundle.HTTPVerb.POST)
                        .setUrl("Device")
                        .setIfNoneExist(
                                FhirUploader.identifierQuery(UplinkSettings.DEVICE_IDENTIFIER_SYSTEM, identifier));
                deviceRefs.put(id, new Reference(fullUrl));
            }
        }
        for (Chartable c : part) {
            DeviceContext ctx = devices.get(c.reading().device());
            bundle.addEntry()
                    .setFullUrl("urn:uuid:" + uuid("observation:" + c.identifier()))
                    .setResource(mapper.observation(
                            c, ctx, deviceRefs.get(c.reading().device())))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Observation")
                    .setIfNoneExist(FhirUploader.identifierQuery(settings.identifierSystem(), c.identifier()));
        }
        return bundle;
    }

    /** Charted more than {@value #BACKFILL_AFTER_MINUTES} minutes after it was measured: tagged as back-filled. */
    private boolean isBackfill(Chartable c) {
        boolean late = c.effective().isBefore(clock.instant().minus(Duration.ofMinutes(BACKFILL_AFTER_MINUTES)));
        if (late) {
            backfilled.incrementAndGet();
        }
        return late;
    }

    private static UUID uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    private void publishNotCharted() {
        ChartingPolicy.NotCharted n = policy.notCharted();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("no-patient", n.noPatient);
        m.put("not-charted-metric", n.notChartedMetric);
        m.put("invalid", n.invalid);
        m.put("superseded", n.superseded);
        m.put("late", n.late);
        m.put("unreadable-record", n.unreadableRecords);
        m.put("clock-never-trusted", untrustedClock.get());
        notCharted = m;
    }

    private void setState(UplinkStatus.State newState, String newDetail) {
        if (state != newState) {
            since = clock.instant();
        }
        state = newState;
        detail = newDetail;
    }

    /** Waits out a back-off: new data arriving does not cut it short, only stopping does. */
    private void sleepUnlessStopped(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (wakeUp) {
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wakeUp.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private void pause(Duration d) {
        synchronized (wakeUp) {
            if (running) {
                try {
                    wakeUp.wait(Math.max(1, d.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }
}
