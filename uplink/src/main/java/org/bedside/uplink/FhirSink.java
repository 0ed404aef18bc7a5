package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.Delivery;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Sink;
import org.bedside.buffer.consumer.Translator;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;

/**
 * The FHIR server as a destination of the buffer: records become {@link Chartable}s through the charting policy (one
 * per lane, holding its open intervals), and a batch becomes one transaction Bundle of conditional creates — a Device
 * entry per device, then the Observations, each {@code POST} with {@code If-None-Exist: identifier=...} — so that
 * anything delivered twice creates nothing twice.
 *
 * <p>When the server refuses a Bundle (a 4xx: a transaction fails as a whole), the sink bisects it to find the entries
 * it refuses one by one and reports those; the rest are charted. A redirect is a configuration problem, never a
 * refusal.
 */
final class FhirSink implements Sink<Chartable> {
    /** Observations charted this late are tagged {@code urn:bedside:upload|backfilled}. */
    static final int BACKFILL_AFTER_MINUTES = 5;

    private final UplinkSettings settings;
    private final Map<DeviceId, DeviceContext> devices;
    private final Subjects subjects;
    private final InstantSource clock;
    private final ObservationMapper mapper;
    private final FhirUploader uploader;
    /** Counted across the policies of every lane and restart, for metrics that only grow. */
    private final ChartingPolicy.NotCharted notCharted = new ChartingPolicy.NotCharted();

    private final AtomicLong bundlesAccepted = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong backfilled = new AtomicLong();
    private final Map<String, UplinkStatus.LastCharted> lastCharted = new ConcurrentHashMap<>();
    private volatile @Nullable String lastSent;
    private volatile UplinkWorker.@Nullable AcceptedListener acceptedListener;

    FhirSink(UplinkSettings settings, Map<DeviceId, DeviceContext> devices, InstantSource clock) {
        this(settings, devices, Subjects.configured(), clock);
    }

    FhirSink(UplinkSettings settings, Map<DeviceId, DeviceContext> devices, Subjects subjects, InstantSource clock) {
        this.settings = settings;
        this.devices = Map.copyOf(devices);
        this.subjects = subjects;
        this.clock = clock;
        this.mapper = new ObservationMapper(settings);
        this.uploader = new FhirUploader(settings, UploadContext.FHIR);
    }

    @Override
    public Translator<Chartable> translator(Lane lane) {
        // The live lane's readings are charted again by the main lane when it gets there: count them once, there.
        ChartingPolicy policy = lane == Lane.MAIN
                ? new ChartingPolicy(settings, devices::get, subjects, notCharted)
                : new ChartingPolicy(settings, devices::get, subjects, new ChartingPolicy.NotCharted());
        return new Translator<>() {
            @Override
            public List<Item<Chartable>> accept(StoredRecord record) {
                return items(policy.accept(record));
            }

            @Override
            public List<Item<Chartable>> flushDue(Instant now) {
                return items(policy.flushDue(now));
            }

            @Override
            public OptionalLong heldPosition() {
                return policy.earliestHeldPosition();
            }

            @Override
            public boolean wantsReread() {
                return policy.wantsReread();
            }
        };
    }

    private static List<Item<Chartable>> items(List<Chartable> chartables) {
        if (chartables.isEmpty()) {
            return List.of();
        }
        List<Item<Chartable>> items = new ArrayList<>(chartables.size());
        for (Chartable c : chartables) {
            items.add(new Item<>(c, c.position()));
        }
        return items;
    }

    @Override
    public Delivery<Chartable> deliver(List<Item<Chartable>> items) {
        List<Chartable> part = new ArrayList<>(items.size());
        for (Item<Chartable> i : items) {
            part.add(i.value());
        }
        Attempt a = attempt(part);
        if (a.retry() != null) {
            return a.retry();
        }
        if (a.refused().isEmpty()) {
            return Delivery.delivered();
        }
        List<Delivery.Refusal<Chartable>> refusals = new ArrayList<>(a.refused().size());
        for (Refused r : a.refused()) {
            refusals.add(new Delivery.Refusal<>(
                    new Item<>(r.chartable(), r.chartable().position()), r.status(), r.reason()));
        }
        return new Delivery.Refused<>(a.accepted(), refusals);
    }

    /** A part's fate after one pass: accepted entries, entries refused one by one, or a reason to retry it all. */
    private record Attempt(
            int accepted, List<Refused> refused, @Nullable Delivery<Chartable> retry) {}

    private record Refused(Chartable chartable, int status, String reason) {}

    private Attempt attempt(List<Chartable> part) {
        Bundle bundle = bundle(part);
        long lateEntries = part.stream().filter(this::isBackfill).count(); // counted once accepted, not per attempt
        UploadResult result = uploader.send(bundle);
        if (result instanceof UploadResult.Accepted accepted) {
            onAccepted(part, accepted);
            backfilled.addAndGet(lateEntries);
            return new Attempt(part.size(), List.of(), null);
        }
        if (result instanceof UploadResult.Retry r) {
            return new Attempt(0, List.of(), Delivery.retry(r.reason(), r.retryAfter()));
        }
        if (result instanceof UploadResult.Misdirected m) {
            return new Attempt(0, List.of(), Delivery.misconfigured(m.reason(), m.retryAfter()));
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

    private void onAccepted(List<Chartable> part, UploadResult.Accepted a) {
        UplinkWorker.AcceptedListener listener = acceptedListener;
        if (listener != null) {
            listener.accepted(part.stream().map(Chartable::identifier).toList());
        }
        bundlesAccepted.incrementAndGet();
        created.addAndGet(a.created());
        matched.addAndGet(a.matched());
        for (Chartable c : part) {
            lastCharted.put(
                    c.reading().device().value(),
                    new UplinkStatus.LastCharted(
                            c.metricCode().label(), c.displayValue(), c.unitCode(), c.effective()));
        }
        lastSent =
                "sent " + part.size() + " observations (" + a.created() + " new, " + a.matched() + " already charted)";
    }

    @Override
    public Letter letter(Item<Chartable> item) {
        Chartable c = item.value();
        return new Letter(c.identifier(), c.reading().device().value(), uploader.encode(bundle(List.of(c))));
    }

    /** Sends a dead letter's single-entry Bundle again (after its cause was fixed on the server). */
    @Override
    public Redelivery redeliver(DeadLetterStore.DeadLetter letter) {
        UploadResult result = uploader.send(letter.payload());
        if (result instanceof UploadResult.Accepted a) {
            created.addAndGet(a.created());
            matched.addAndGet(a.matched());
            return new Redelivery(true, "accepted (" + (a.created() > 0 ? "charted" : "already charted") + ")");
        }
        if (result instanceof UploadResult.Retry r) {
            return new Redelivery(false, "not sent: " + r.reason());
        }
        if (result instanceof UploadResult.Misdirected m) {
            return new Redelivery(false, "not sent: " + m.reason());
        }
        return new Redelivery(false, "refused again: " + ((UploadResult.Rejected) result).reason());
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
        // A pump's numbers name the pump (the rack's child Device), not the rack.
        Map<String, Reference> pumpRefs = new LinkedHashMap<>();
        for (Chartable c : part) {
            if (c.reading() instanceof InfusionStatus pump) {
                DeviceContext rack = devices.get(pump.device());
                String identifier = mapper.pumpDeviceIdentifier(rack, pump);
                if (!pumpRefs.containsKey(identifier)) {
                    String fullUrl = "urn:uuid:" + uuid("device:" + identifier);
                    bundle.addEntry()
                            .setFullUrl(fullUrl)
                            .setResource(mapper.pumpDevice(rack, pump, deviceRefs.get(pump.device())))
                            .getRequest()
                            .setMethod(Bundle.HTTPVerb.POST)
                            .setUrl("Device")
                            .setIfNoneExist(
                                    FhirUploader.identifierQuery(UplinkSettings.DEVICE_IDENTIFIER_SYSTEM, identifier));
                    pumpRefs.put(identifier, new Reference(fullUrl));
                }
            }
        }
        for (Chartable c : part) {
            DeviceContext ctx = devices.get(c.reading().device());
            Reference deviceRef = c.reading() instanceof InfusionStatus pump
                    ? pumpRefs.get(mapper.pumpDeviceIdentifier(ctx, pump))
                    : deviceRefs.get(c.reading().device());
            bundle.addEntry()
                    .setFullUrl("urn:uuid:" + uuid("observation:" + c.identifier()))
                    .setResource(mapper.observation(c, ctx, deviceRef, isBackfill(c)))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Observation")
                    .setIfNoneExist(FhirUploader.identifierQuery(settings.identifierSystem(), c.identifier()));
        }
        return bundle;
    }

    /** Charted more than {@value #BACKFILL_AFTER_MINUTES} minutes after it was measured: tagged as back-filled. */
    private boolean isBackfill(Chartable c) {
        return c.effective().isBefore(clock.instant().minus(Duration.ofMinutes(BACKFILL_AFTER_MINUTES)));
    }

    /**
     * The FHIR context of uploads: HAPI's JSON encoding is nearly all of the gateway's own work per Bundle (profiled:
     * docs/benchmarks.md), and its pass that looks for referenced resources to contain is wasted on Bundles whose
     * references are all {@code urn:uuid} strings. A context of its own, so that no other user of the shared one is
     * affected.
     */
    private static final class UploadContext {
        static final FhirContext FHIR = FhirContext.forR4();

        static {
            FHIR.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
        }
    }

    private static UUID uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    void onAccepted(UplinkWorker.AcceptedListener listener) {
        this.acceptedListener = listener;
    }

    long bundlesAccepted() {
        return bundlesAccepted.get();
    }

    long created() {
        return created.get();
    }

    long matched() {
        return matched.get();
    }

    long backfilled() {
        return backfilled.get();
    }

    @Nullable
    String lastSent() {
        return lastSent;
    }

    Map<String, UplinkStatus.LastCharted> lastCharted() {
        return new LinkedHashMap<>(lastCharted);
    }

    /** Readings not charted, by reason; {@code clockNeverTrusted} comes from the consumer. */
    Map<String, Long> notCharted(long clockNeverTrusted) {
        ChartingPolicy.NotCharted n = notCharted;
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("no-patient", n.noPatient);
        m.put("held-uncertain-association", n.quarantined);
        m.put("implausible", n.implausible);
        m.put("not-charted-metric", n.notChartedMetric);
        m.put("invalid", n.invalid);
        m.put("superseded", n.superseded);
        m.put("late", n.late);
        m.put("unreadable-record", n.unreadableRecords);
        m.put("clock-never-trusted", clockNeverTrusted);
        return m;
    }
}
