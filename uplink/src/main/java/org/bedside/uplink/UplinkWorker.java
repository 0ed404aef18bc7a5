package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
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
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.common.Backoff;
import org.bedside.model.DeviceId;
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

    private final UplinkSettings settings;
    private final ReadingStore store;
    private final Map<DeviceId, DeviceContext> devices;
    private final InstantSource clock;
    private final ObservationMapper mapper;
    private final FhirUploader uploader;
    private final ChartingPolicy policy;
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
            UplinkSettings settings, ReadingStore store, Map<DeviceId, DeviceContext> devices, InstantSource clock) {
        this.settings = settings;
        this.store = store;
        this.devices = Map.copyOf(devices);
        this.clock = clock;
        this.mapper = new ObservationMapper(settings);
        this.uploader = new FhirUploader(settings, FhirContext.forR4Cached());
        this.policy = new ChartingPolicy(settings, this.devices::get);
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
        } catch (StoreException e) {
            LOG.error("Uplink stopped: the buffer cannot be read: {}", e.getMessage());
            setState(UplinkStatus.State.STOPPED, "the buffer cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Uplink stopped by an unexpected error", e);
            setState(UplinkStatus.State.STOPPED, "unexpected error: " + e);
        }
    }

    /** One read-chart-upload-commit round; returns whether there was anything to do. */
    private boolean round(ReadingCursor cursor) throws StoreException {
        List<Chartable> chartables = new ArrayList<>();
        boolean readAny = false;
        StoredRecord record;
        while (chartables.size() < settings.maxBundleEntries() && (record = cursor.next()) != null) {
            uncommitted.add(record.position());
            readAny = true;
            chartables.addAll(policy.accept(record));
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
            if (!uploadUntilAccepted(part)) {
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

    private boolean uploadUntilAccepted(List<Chartable> part) {
        Bundle bundle = bundle(part);
        while (running) {
            UploadResult result = uploader.send(bundle);
            if (result instanceof UploadResult.Accepted a) {
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
                        "sent " + part.size() + " observations (" + a.created() + " new, " + a.matched()
                                + " already charted)");
                return true;
            }
            Duration wait;
            if (result instanceof UploadResult.Retry r) {
                retries.incrementAndGet();
                Duration backoffDelay = backoff.nextDelay();
                Duration retryAfter = r.retryAfter();
                wait = retryAfter != null && retryAfter.compareTo(backoffDelay) > 0 ? retryAfter : backoffDelay;
                if (state != UplinkStatus.State.RETRYING) {
                    LOG.warn("Uplink: {}; retrying, data is kept in the buffer", r.reason());
                }
                setState(UplinkStatus.State.RETRYING, r.reason() + "; retrying in " + wait.toSeconds() + " s");
            } else {
                UploadResult.Rejected r = (UploadResult.Rejected) result;
                rejections.incrementAndGet();
                wait = settings.retryMaxDelay();
                LOG.error("Uplink: the FHIR server refused a bundle of {} observations: {}", part.size(), r.reason());
                setState(UplinkStatus.State.REJECTED, r.reason() + "; trying again in " + wait.toSeconds() + " s");
            }
            sleepUnlessStopped(wait);
        }
        return false;
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
