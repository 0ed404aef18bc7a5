package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
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
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.Delivery;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Sink;
import org.bedside.buffer.consumer.Translator;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR server as a destination of the buffer: records become {@link Chartable}s through the charting policy (one
 * per lane, holding its open intervals), and a batch becomes one transaction Bundle of conditional creates — a Device
 * entry per device (and per pump or monitor unit in it), then the Observations, each {@code POST} with {@code If-None-Exist: identifier=...} — so that
 * anything delivered twice creates nothing twice.
 *
 * <p>When the server refuses a Bundle (a 4xx: a transaction fails as a whole), the sink bisects it to find the entries
 * it refuses one by one and reports those; the rest are charted. A redirect is a configuration problem, never a
 * refusal.
 */
final class FhirSink implements Sink<Chartable> {
    private static final Logger LOG = LoggerFactory.getLogger(FhirSink.class);
    /** The destination's name for its withdrawals: the uplink's cursor. */
    static final String DESTINATION = "uplink";
    /** Observations asked for per search of a withdrawal. */
    static final int WITHDRAWAL_PAGE = 200;
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
    private final AtomicLong withdrawn = new AtomicLong();
    private final AtomicLong auditDelivered = new AtomicLong();
    /** Location identifier (PV1-3 components) to the server's {@code Location/<id>}, once ensured. */
    private final Map<String, String> locationIds = new ConcurrentHashMap<>();

    private volatile boolean locationsEnsured;
    private volatile Instant withdrawalsPausedUntil = Instant.MIN;
    private volatile Instant sidePausedUntil = Instant.MIN;
    private final org.bedside.common.Backoff sideBackoff;
    private volatile @Nullable String owedProblem;
    private final AtomicLong auditRefused = new AtomicLong();
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
        this.sideBackoff = new org.bedside.common.Backoff(settings.retryInitialDelay(), settings.retryMaxDelay());
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
            if (stillCharted(i.value())) {
                part.add(i.value());
            } else {
                notCharted.noPatient++;
            }
        }
        if (part.isEmpty()) {
            return Delivery.delivered();
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

    /**
     * The uplink's owed work, at the start of every round of its loop: the withdrawals owed ({@link #withdraw}), then
     * the beds' Locations (once) and the audit log's entries not yet on the server ({@link #auditEvents}).
     *
     * <ul>
     *   <li>A withdrawal with the server away (a retry of kind {@code UNAVAILABLE}) is retried through the loop: the
     *       records wait behind it, as they would anyway, so that nothing more is charted before it.
     *   <li>The Locations and the AuditEvents never hold the records back: when they do not get through (the server
     *       away, or refusing them for a missing scope), they are tried again after a back-off of their own, up to
     *       {@code retry-max-delay}.
     *   <li>A withdrawal that cannot get through for a configuration problem (a redirect, a refused credential, a
     *       missing scope: the gateway may chart Observations but not update them) pauses for {@code
     *       retry-max-delay}; the readings are not held back for it.
     * </ul>
     */
    @Override
    public Delivery.@Nullable Retry<Chartable> owedWork(ReadingStore store, long committedPosition) {
        Instant now = clock.instant();
        if (!now.isBefore(withdrawalsPausedUntil)) {
            Delivery.Retry<Chartable> w = withdraw();
            if (w != null && w.kind() == Delivery.Retry.Kind.UNAVAILABLE) {
                owedProblem = w.reason();
                return w;
            }
            if (w != null) {
                withdrawalsPausedUntil = now.plus(settings.retryMaxDelay());
                problem(w.reason() + "; withdrawals paused for "
                        + settings.retryMaxDelay().toSeconds() + " s");
            }
        }
        if (!now.isBefore(sidePausedUntil)) {
            Delivery.Retry<Chartable> l = ensureLocations();
            Delivery.Retry<Chartable> a = auditEvents();
            Delivery.Retry<Chartable> failed = l != null ? l : a;
            if (failed != null) {
                Duration wait = sideBackoff.nextDelay();
                sidePausedUntil = now.plus(wait);
                problem(failed.reason() + "; tried again in " + Math.max(1, wait.toSeconds()) + " s");
            } else {
                sideBackoff.reset();
                owedProblem = null;
            }
        }
        return null;
    }

    private void problem(String reason) {
        if (!reason.equals(owedProblem)) {
            LOG.warn("The uplink's owed work (withdrawals, AuditEvents, Locations): {}", reason);
        }
        owedProblem = reason;
    }

    /** Why the owed work (withdrawals, AuditEvents, Locations) did not get through the last time, or null. */
    @Nullable
    String owedProblem() {
        return owedProblem;
    }

    /**
     * The audit entries not yet on the server, one Bundle's worth per round (then the round's records): a transaction
     * of conditional creates, each AuditEvent tagged {@code urn:bedside:audit-entry|<hash of the entry>} and created
     * only if no AuditEvent has that tag, so that a resend changes nothing (and a create is all the scopes allow). The
     * server away: retried through the loop. An entry the server refuses (found by sending one at a time) is skipped
     * and counted, logged with the server's reason: the audit log keeps it.
     */
    private Delivery.@Nullable Retry<Chartable> auditEvents() {
        AuditTrail trail = subjects.auditTrail();
        List<AuditTrail.Entry> entries;
        try {
            entries = trail.pending(DESTINATION, settings.maxBundleEntries());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the audit log", e);
        }
        if (entries.isEmpty()) {
            return null;
        }
        UploadResult result = uploader.send(auditBundle(entries));
        if (result instanceof UploadResult.Rejected && entries.size() > 1) {
            // One at a time, to find what the server refuses.
            entries = entries.subList(0, 1);
            result = uploader.send(auditBundle(entries));
        }
        if (result instanceof UploadResult.Retry retry) {
            return new Delivery.Retry<>(
                    "audit events: " + retry.reason(), retry.retryAfter(), Delivery.Retry.Kind.UNAVAILABLE);
        }
        if (result instanceof UploadResult.Misdirected m) {
            return new Delivery.Retry<>(
                    "audit events: " + m.reason(), m.retryAfter(), Delivery.Retry.Kind.MISCONFIGURED);
        }
        if (result instanceof UploadResult.Rejected rejected) {
            auditRefused.incrementAndGet();
            LOG.error(
                    "The FHIR server refuses the AuditEvent of audit entry {} ({}): {}; it stays in the audit log",
                    entries.get(0).id(),
                    entries.get(0).action(),
                    rejected.reason());
        } else {
            auditDelivered.addAndGet(entries.size());
        }
        try {
            trail.delivered(DESTINATION, entries.size());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot record the audit events as delivered", e);
        }
        return null;
    }

    private Bundle auditBundle(List<AuditTrail.Entry> entries) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (AuditTrail.Entry e : entries) {
            b.addEntry()
                    .setFullUrl("urn:uuid:" + uuid("audit:" + e.id()))
                    .setResource(AuditEventMapper.auditEvent(e, settings.gatewayId()))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("AuditEvent")
                    .setIfNoneExist("_tag="
                            + java.net.URLEncoder.encode(
                                    AuditEventMapper.ENTRY_TAG_SYSTEM + "|" + e.id(), StandardCharsets.UTF_8));
        }
        return b;
    }

    long auditDelivered() {
        return auditDelivered.get();
    }

    long auditRefused() {
        return auditRefused.get();
    }

    /**
     * The withdrawals owed (docs/patients.md, "Withdrawal"): for each, the Observations on the server that were charted
     * to the cancelled association — the patient's, effective from the association's start, whose identifier ends
     * with the association's name (per-interval charting), or of one of the bed's devices and effective while the
     * association lasted (every reading) — are marked {@code entered-in-error}, by a transaction of FHIRPath patches (a
     * search, then the patches, until a search finds none left). Idempotent: what is already marked is not found
     * again. The server refusing it (a 4xx): recorded as done with the refusal, for a person to do by hand (the audit
     * says so), rather than holding back every bed's charting.
     */
    private Delivery.@Nullable Retry<Chartable> withdraw() {
        Withdrawals port = subjects.withdrawals();
        List<Withdrawals.Owed> owed = port.owed(DESTINATION);
        if (owed.isEmpty()) {
            return null;
        }
        for (Withdrawals.Owed w : owed) {
            int marked = 0;
            String outcome = null;
            if (w.fhirIdentifier() == null) {
                outcome = "no FHIR identifier system for the patient's authority: nothing was charted";
            }
            int offset = 0;
            while (outcome == null) {
                StringBuilder answer = new StringBuilder();
                UploadResult r = uploader.send(uploader.encode(withdrawalSearch(w, offset)), answer);
                if (r instanceof UploadResult.Retry retry) {
                    return new Delivery.Retry<>(
                            "withdrawal: " + retry.reason(), retry.retryAfter(), Delivery.Retry.Kind.UNAVAILABLE);
                }
                if (r instanceof UploadResult.Misdirected m) {
                    return new Delivery.Retry<>(
                            "withdrawal: " + m.reason(), m.retryAfter(), Delivery.Retry.Kind.MISCONFIGURED);
                }
                if (r instanceof UploadResult.Rejected rejected) {
                    outcome = "refused by the server: " + rejected.reason();
                    break;
                }
                Bundle searchset = searchset(answer.toString());
                if (searchset == null) {
                    outcome = "refused by the server: the search was not answered with a Bundle";
                    break;
                }
                List<String> ids = new ArrayList<>();
                int others = 0;
                for (Bundle.BundleEntryComponent e : searchset.getEntry()) {
                    if (e.getResource() instanceof Observation o) {
                        if (chargedTo(o, w)) {
                            ids.add(o.getIdElement().getIdPart());
                        } else {
                            others++;
                        }
                    }
                }
                if (!ids.isEmpty()) {
                    UploadResult p = uploader.send(enteredInError(ids));
                    if (p instanceof UploadResult.Retry retry) {
                        return new Delivery.Retry<>(
                                "withdrawal: " + retry.reason(), retry.retryAfter(), Delivery.Retry.Kind.UNAVAILABLE);
                    }
                    if (p instanceof UploadResult.Misdirected m) {
                        return new Delivery.Retry<>(
                                "withdrawal: " + m.reason(), m.retryAfter(), Delivery.Retry.Kind.MISCONFIGURED);
                    }
                    if (p instanceof UploadResult.Rejected rejected) {
                        outcome = "refused by the server after " + marked + " marked: " + rejected.reason();
                        break;
                    }
                    marked += ids.size();
                    withdrawn.addAndGet(ids.size());
                }
                // The server may give fewer than asked for in a page (its maximum page size): only the absence of a
                // next
                // page says that nothing is left.
                if (searchset.getLink("next") == null || (ids.isEmpty() && others == 0)) {
                    outcome = marked + " Observations marked entered-in-error";
                } else {
                    // What was marked drops out of the next search; the others stay in front of it.
                    offset += others;
                }
            }
            try {
                port.done(DESTINATION, w, marked, outcome);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot record the withdrawal as done", e);
            }
            if (outcome.startsWith("refused")) {
                LOG.error("Withdrawal {} ({}): {}; to be done by hand", w.id(), w.reason(), outcome);
            } else {
                LOG.info("Withdrawal {} ({}): {}", w.id(), w.reason(), outcome);
            }
        }
        return null;
    }

    /** An association's name at the end of a per-interval identifier. */
    private static final java.util.regex.Pattern ASSOCIATION_SUFFIX =
            java.util.regex.Pattern.compile("/a[0-9a-f]{12}$");

    /**
     * Whether an Observation found for the patient was charted to the withdrawn association: a per-interval one by the
     * association's name at the end of its identifier; one of every reading ({@code <gateway>/<reading key>}, no
     * association in it) by its device (one of the bed's) and its effective time (while the association lasted).
     */
    private boolean chargedTo(Observation o, Withdrawals.Owed w) {
        if (o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR) {
            return false;
        }
        for (Identifier i : o.getIdentifier()) {
            String v = i.getValue();
            if (!settings.identifierSystem().equals(i.getSystem()) || v == null) {
                continue;
            }
            if (v.endsWith("/" + w.association())) {
                return true;
            }
            if (ASSOCIATION_SUFFIX.matcher(v).find()) {
                return false; // another association's interval
            }
            boolean ofTheBed =
                    w.devices().stream().anyMatch(d -> v.startsWith(settings.gatewayId() + "/" + d.value() + "/"));
            Instant effective = effective(o);
            return ofTheBed
                    && effective != null
                    && !effective.isBefore(w.since())
                    && (w.ended() == null || effective.isBefore(w.ended()));
        }
        return false;
    }

    private static @Nullable Instant effective(Observation o) {
        if (o.hasEffectiveDateTimeType() && o.getEffectiveDateTimeType().getValue() != null) {
            return o.getEffectiveDateTimeType().getValue().toInstant();
        }
        if (o.hasEffectivePeriod() && o.getEffectivePeriod().getStart() != null) {
            return o.getEffectivePeriod().getStart().toInstant();
        }
        if (o.hasEffectiveInstantType() && o.getEffectiveInstantType().getValue() != null) {
            return o.getEffectiveInstantType().getValue().toInstant();
        }
        return null;
    }

    /**
     * A batch with one search: the patient's Observations (chained through the subject, by identifier), effective from
     * the association's start on, not yet marked, in a stable order.
     */
    private Bundle withdrawalSearch(Withdrawals.Owed w, int offset) {
        String patient = java.net.URLEncoder.encode(
                java.util.Objects.requireNonNull(w.fhirIdentifier()), StandardCharsets.UTF_8);
        String url = "Observation?patient.identifier=" + patient + "&date=ge" + w.since()
                + "&status:not=entered-in-error&_sort=_id&_elements=identifier,status,effective&_count="
                + WITHDRAWAL_PAGE
                + (offset > 0 ? "&_offset=" + offset : "");
        Bundle b = new Bundle().setType(Bundle.BundleType.BATCH);
        b.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(url);
        return b;
    }

    private @Nullable Bundle searchset(String answer) {
        try {
            Bundle response = (Bundle) UploadContext.FHIR.newJsonParser().parseResource(answer);
            if (response.getEntry().isEmpty()) {
                return null;
            }
            return response.getEntryFirstRep().getResource() instanceof Bundle found ? found : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A transaction of FHIRPath patches: each Observation's status becomes {@code entered-in-error}. */
    private static Bundle enteredInError(List<String> ids) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (String id : ids) {
            Parameters patch = new Parameters();
            Parameters.ParametersParameterComponent op = patch.addParameter().setName("operation");
            op.addPart().setName("type").setValue(new CodeType("replace"));
            op.addPart().setName("path").setValue(new StringType("Observation.status"));
            op.addPart().setName("value").setValue(new CodeType("entered-in-error"));
            b.addEntry()
                    .setResource(patch)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.PATCH)
                    .setUrl("Observation/" + id);
        }
        return b;
    }

    long withdrawn() {
        return withdrawn.get();
    }

    /**
     * Whether the association a Chartable was translated with still holds now, asked again at delivery: an item
     * translated before a cancel (an open interval, the tail of a backlog round) and delivered after the cancel's
     * withdrawal ran would otherwise be charted to the cancelled association and never withdrawn. A configured patient
     * does not change.
     */
    private boolean stillCharted(Chartable c) {
        if (c.subject() == null) {
            return true;
        }
        DeviceId device = c.reading().device();
        Subjects.Subject now = subjects.subjectOf(c.reading(), c.effective(), devices.get(device));
        if (!(now instanceof Subjects.Subject.Charted charted)
                || !charted.reference().equals(c.subject())) {
            return false;
        }
        java.util.regex.Matcher m = ASSOCIATION_SUFFIX.matcher(c.identifier());
        return charted.association() == null || !m.find() || c.identifier().endsWith("/" + charted.association());
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

    /**
     * The transaction of a part: a Device per configured device (the slot), a Device per pump and per monitor that named
     * itself (each the slot's child), then the Observations, each naming the Device of what took its reading.
     */
    Bundle bundle(List<Chartable> part) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Map<DeviceId, Reference> deviceRefs = new LinkedHashMap<>();
        for (Chartable c : part) {
            DeviceId id = c.reading().device();
            if (!deviceRefs.containsKey(id)) {
                DeviceContext ctx = devices.get(id);
                deviceRefs.put(id, addDevice(bundle, mapper.deviceIdentifier(ctx), mapper.device(ctx), id));
            }
        }
        // A pump's numbers name the pump (the rack's child Device), not the rack.
        Map<String, Reference> pumpRefs = new LinkedHashMap<>();
        for (Chartable c : part) {
            if (c.reading() instanceof InfusionStatus pump) {
                DeviceContext rack = devices.get(pump.device());
                String identifier = mapper.pumpDeviceIdentifier(rack, pump, c.unit());
                if (!pumpRefs.containsKey(identifier)) {
                    pumpRefs.put(
                            identifier,
                            addDevice(
                                    bundle,
                                    identifier,
                                    mapper.pumpDevice(rack, pump, c.unit(), deviceRefs.get(pump.device())),
                                    pump.device()));
                }
            }
        }
        // A monitor's readings name the unit that took them (the slot's child Device), when their record named it.
        Map<String, Reference> unitRefs = new LinkedHashMap<>();
        for (Chartable c : part) {
            DeviceIdentity unit = c.unit();
            if (unit != null && !(c.reading() instanceof InfusionStatus)) {
                DeviceContext slot = devices.get(c.reading().device());
                String identifier = mapper.unitDeviceIdentifier(slot, unit);
                if (!unitRefs.containsKey(identifier)) {
                    unitRefs.put(
                            identifier,
                            addDevice(
                                    bundle,
                                    identifier,
                                    mapper.unitDevice(
                                            slot,
                                            unit,
                                            deviceRefs.get(c.reading().device())),
                                    c.reading().device()));
                }
            }
        }
        for (Chartable c : part) {
            DeviceContext ctx = devices.get(c.reading().device());
            DeviceIdentity unit = c.unit();
            Reference deviceRef = c.reading() instanceof InfusionStatus pump
                    ? pumpRefs.get(mapper.pumpDeviceIdentifier(ctx, pump, unit))
                    : unit != null
                            ? unitRefs.get(mapper.unitDeviceIdentifier(ctx, unit))
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

    /**
     * Adds a conditional create of {@code device} (the slot's, a pump's or a monitor unit's), at the bed of {@code at}
     * where it has one, to the transaction: the server keeps the first Device with the identifier. Its reference for
     * the Observations in the same transaction.
     */
    private Reference addDevice(Bundle bundle, String identifier, org.hl7.fhir.r4.model.Device device, DeviceId at) {
        String fullUrl = "urn:uuid:" + uuid("device:" + identifier);
        Reference place = locationOf(at);
        if (place != null) {
            device.setLocation(place);
        }
        bundle.addEntry()
                .setFullUrl(fullUrl)
                .setResource(device)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Device")
                .setIfNoneExist(FhirUploader.identifierQuery(UplinkSettings.DEVICE_IDENTIFIER_SYSTEM, identifier));
        return new Reference(fullUrl);
    }

    /** The bed's {@code Location} on the server for a device at a bed, once ensured ({@link #ensureLocations}). */
    private @Nullable Reference locationOf(DeviceId device) {
        org.bedside.hl7.CareLocation bed = subjects.locationOf(device);
        String id = bed == null ? null : locationIds.get(BedLocations.identifier(bed));
        return id == null ? null : new Reference(id);
    }

    /**
     * The beds' {@code Location}s (ward, room, bed, each {@code partOf} the one above: {@link BedLocations}) made sure
     * of on the server, once per process: one transaction of conditional creates. Their ids, from the answer, become
     * the {@code location} of the Devices created from then on. Kept out of the charting transactions, so that a
     * server that does not let the gateway create Locations (a missing scope) refuses only this.
     */
    private Delivery.@Nullable Retry<Chartable> ensureLocations() {
        if (locationsEnsured) {
            return null;
        }
        Map<String, BedLocations.Level> levels = new LinkedHashMap<>();
        for (DeviceId d : devices.keySet()) {
            org.bedside.hl7.CareLocation bed = subjects.locationOf(d);
            if (bed != null) {
                BedLocations.levels(bed).forEach(l -> levels.putIfAbsent(l.identifier(), l));
            }
        }
        if (levels.isEmpty()) {
            locationsEnsured = true;
            return null;
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<String> order = new ArrayList<>();
        for (BedLocations.Level level : levels.values()) {
            Reference parent =
                    level.parent() == null ? null : new Reference("urn:uuid:" + uuid("location:" + level.parent()));
            bundle.addEntry()
                    .setFullUrl("urn:uuid:" + uuid("location:" + level.identifier()))
                    .setResource(BedLocations.location(level, parent))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Location")
                    .setIfNoneExist(FhirUploader.identifierQuery(BedLocations.SYSTEM, level.identifier()));
            order.add(level.identifier());
        }
        StringBuilder answer = new StringBuilder();
        UploadResult r = uploader.send(uploader.encode(bundle), answer);
        if (r instanceof UploadResult.Retry retry) {
            return new Delivery.Retry<>(
                    "bed Locations: " + retry.reason(), retry.retryAfter(), Delivery.Retry.Kind.UNAVAILABLE);
        }
        if (r instanceof UploadResult.Misdirected m) {
            return new Delivery.Retry<>(
                    "bed Locations: " + m.reason(), m.retryAfter(), Delivery.Retry.Kind.MISCONFIGURED);
        }
        locationsEnsured = true;
        if (r instanceof UploadResult.Rejected rejected) {
            LOG.error(
                    "The FHIR server refuses the beds' Locations: {}; Devices are created without one",
                    rejected.reason());
            return null;
        }
        try {
            Bundle response = (Bundle) UploadContext.FHIR.newJsonParser().parseResource(answer.toString());
            for (int k = 0; k < response.getEntry().size() && k < order.size(); k++) {
                String location = response.getEntry().get(k).getResponse().getLocation();
                if (location != null && location.startsWith("Location/")) {
                    String[] parts = location.split("/");
                    locationIds.put(order.get(k), parts[0] + "/" + parts[1]);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("The answer to the beds' Locations could not be read: {}", e.toString());
        }
        return null;
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
