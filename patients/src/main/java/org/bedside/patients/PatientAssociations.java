package org.bedside.patients;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.hl7.adt.AdtTrigger;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's knowledge of who is in its beds: the ADT events of its beds and their patients, kept in the journal,
 * and the timelines replayed from them. Thread-safe: the ADT listener's connections record, the uplink asks.
 *
 * <p>{@link #record} writes the journal (forced to the disk) before it changes anything in memory and before it
 * returns, so the caller acknowledges only what a restart will know again.
 */
public final class PatientAssociations implements AutoCloseable {
    /** What became of an event. */
    public enum Outcome {
        /** Stored and applied. */
        RECORDED,
        /** The same message (sender and control id) was recorded before: nothing changed. */
        DUPLICATE,
        /** It names none of this gateway's beds nor a patient ever in them: not stored. */
        NOT_OURS
    }

    private final Set<BedLocation> beds;
    private final AssociationJournal journal;
    private final AuditLog audit;
    private final List<AssociationEvent> events = new ArrayList<>();
    private final Set<String> messageKeys = new HashSet<>();
    private final Set<PatientKey> knownPatients = new HashSet<>();
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong notOurs = new AtomicLong();
    private volatile Map<BedLocation, BedTimeline> timelines;
    private volatile List<Withdrawal> withdrawals = List.of();
    private volatile List<Restoration> restorations = List.of();
    private volatile @Nullable Instant lastEventAt;

    private final Path directory;
    private final Map<String, WithdrawalProgress> progress = new java.util.concurrent.ConcurrentHashMap<>();

    private PatientAssociations(Set<BedLocation> beds, AssociationJournal journal, AuditLog audit, Path directory) {
        this.directory = directory;
        this.beds = Set.copyOf(beds);
        this.journal = journal;
        this.audit = audit;
        this.timelines = Associations.replay(List.of(), this.beds);
    }

    /**
     * Opens the journal and replays it.
     *
     * @param journalFile {@code <data-dir>/patients/adt-events.jsonl}
     */
    public static PatientAssociations open(Path journalFile, Set<BedLocation> beds, AuditLog audit) throws IOException {
        AssociationJournal journal = new AssociationJournal(journalFile);
        PatientAssociations a = new PatientAssociations(
                beds, journal, audit, journalFile.toAbsolutePath().getParent());
        List<AssociationEvent> loaded = journal.load();
        synchronized (a) {
            for (AssociationEvent e : loaded) {
                a.remember(e);
            }
            a.timelines = Associations.replay(a.events, a.beds);
            a.withdrawals = Associations.withdrawals(a.events, a.beds);
            a.restorations = Associations.restorations(a.events, a.beds);
        }
        audit.record(
                "associations-loaded",
                Map.of("events", loaded.size(), "unreadableLines", journal.unreadable(), "beds", beds.size()));
        return a;
    }

    private void remember(AssociationEvent e) {
        events.add(e);
        messageKeys.add(e.messageKey());
        knownPatients.add(e.patient());
        if (e.other() != null) {
            knownPatients.add(e.other());
        }
        Instant last = lastEventAt;
        if (last == null || e.receivedAt().isAfter(last)) {
            lastEventAt = e.receivedAt();
        }
    }

    /**
     * Stores and applies one event.
     *
     * @throws IOException if the journal could not be written: nothing changed, the message must not be acknowledged
     */
    public synchronized Outcome record(AssociationEvent e) throws IOException {
        if (messageKeys.contains(e.messageKey())) {
            duplicates.incrementAndGet();
            return Outcome.DUPLICATE;
        }
        boolean ours = beds.stream().anyMatch(e::names)
                || knownPatients.contains(e.patient())
                || (e.other() != null && knownPatients.contains(e.other()));
        if (!ours) {
            notOurs.incrementAndGet();
            return Outcome.NOT_OURS;
        }
        journal.append(e);
        remember(e);
        Map<BedLocation, BedTimeline> before = timelines;
        Map<BedLocation, BedTimeline> after = Associations.replay(events, beds);
        timelines = after;
        withdrawals = Associations.withdrawals(events, beds);
        List<Restoration> restoredBefore = restorations;
        restorations = Associations.restorations(events, beds);
        version.incrementAndGet();
        auditChanges(e, before, after);
        for (Restoration r : restorations) {
            if (!restoredBefore.contains(r)) {
                audit.record("association-restored", restorationFields(r));
            }
        }
        return Outcome.RECORDED;
    }

    private void auditChanges(
            AssociationEvent e, Map<BedLocation, BedTimeline> before, Map<BedLocation, BedTimeline> after)
            throws IOException {
        for (BedLocation bed : beds) {
            List<BedTimeline.Occupant> was = occupants(before.get(bed));
            List<BedTimeline.Occupant> now = occupants(after.get(bed));
            for (BedTimeline.Occupant o : now) {
                if (was.stream().noneMatch(w -> w.patient().equals(o.patient()))) {
                    audit.record("association-opened", fields(bed, o.patient(), e, "since", o.since()));
                }
            }
            for (BedTimeline.Occupant o : was) {
                if (now.stream().noneMatch(n -> n.patient().equals(o.patient()))) {
                    Map<String, Object> f = fields(bed, o.patient(), e, "until", e.at());
                    if (Associations.isCancel(e.trigger())) {
                        // The association never was: what was charted to it is withdrawn (docs/patients.md).
                        f.put("withdrawn", "charted from " + o.since() + " in error");
                    } else if (e.at().isBefore(e.receivedAt())) {
                        f.put("retroactive", "closed as of " + e.at() + ", received " + e.receivedAt());
                    }
                    audit.record("association-closed", f);
                }
            }
            if (now.size() > 1 && was.size() <= 1) {
                audit.record("association-conflict", fields(bed, e.patient(), e, "since", e.at()));
            }
        }
    }

    private static Map<String, Object> fields(
            BedLocation bed, PatientKey patient, AssociationEvent e, String timeName, Instant time) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("bed", bed);
        f.put("mrn", patient.mrn());
        f.put("authority", patient.authority());
        f.put(timeName, time);
        f.put("source", e.source());
        f.put("trigger", e.trigger());
        f.put("controlId", e.controlId());
        if (e.bedsideUser() != null) {
            f.put("user", e.bedsideUser());
        }
        return f;
    }

    private static List<BedTimeline.Occupant> occupants(@Nullable BedTimeline t) {
        BedTimeline.Change c = t == null ? null : t.current();
        return c == null ? List.of() : c.occupants();
    }

    /** Whom a reading taken at {@code time} in {@code bed} may be charted to. */
    public BedTimeline.Subject subjectAt(BedLocation bed, Instant time) {
        BedTimeline t = timelines.get(bed);
        return t == null
                ? new BedTimeline.Subject.Nobody("bed " + bed + " is not one of this gateway's")
                : t.subjectAt(time);
    }

    /**
     * The events that named {@code bed} and were set at the bedside, oldest first: the status says who confirmed an
     * association there, and when.
     */
    public synchronized List<AssociationEvent> bedsideEvents(BedLocation bed) {
        return events.stream().filter(e -> e.isBedside() && e.names(bed)).toList();
    }

    /**
     * The events read from {@code Encounter}s on the FHIR server, in the order they were recorded: what the Encounter
     * source holds in each bed, known again after a restart (docs/patients.md, "FHIR Encounter").
     */
    public synchronized List<AssociationEvent> encounterEvents() {
        return events.stream().filter(AssociationEvent::isFhirEncounter).toList();
    }

    /**
     * The discharges (A03) sent by ADT that no A13 took back: each ends the pairings of its patient's travelling devices
     * ({@link DevicePairings}). A bedside end or an Encounter's ended entry is the patient leaving a bed, not a
     * discharge.
     */
    public synchronized List<AssociationEvent> discharges() {
        List<AssociationEvent> ordered = new ArrayList<>(events);
        ordered.sort(java.util.Comparator.comparing(AssociationEvent::at).thenComparing(AssociationEvent::receivedAt));
        Set<AssociationEvent> cancelled = Associations.cancelled(ordered);
        return ordered.stream()
                .filter(e -> e.trigger() == AdtTrigger.A03 && e.source().equals("adt") && !cancelled.contains(e))
                .toList();
    }

    /** The source of the event that brought {@code occupant} into the bed: {@code adt} or {@code bedside}. */
    public synchronized String sourceOf(BedTimeline.Occupant occupant) {
        for (AssociationEvent e : events) {
            if (e.controlId().equals(occupant.controlId())
                    && e.patient().equals(occupant.patient())
                    && e.at().equals(occupant.since())) {
                return e.source();
            }
        }
        return "adt";
    }

    /**
     * Every association a cancel removed, in the order the cancels happened: what was charted to them is withdrawn
     * (docs/patients.md). Derived from the journal, so known again after a restart.
     */
    public List<Withdrawal> withdrawals() {
        return withdrawals;
    }

    /**
     * Every stretch of a bed's time that a cancel gave back to a patient, in the order of the cancels: charted again
     * from the buffer (docs/patients.md, "Cancels that give time back"). Derived from the journal, so known again after
     * a restart.
     */
    public List<Restoration> restorations() {
        return restorations;
    }

    private static Map<String, Object> restorationFields(Restoration r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("bed", r.bed());
        f.put("mrn", r.patient().mrn());
        f.put("authority", r.patient().authority());
        f.put("from", r.from());
        f.put("until", r.until());
        f.put("trigger", r.trigger());
        f.put("controlId", r.controlId());
        f.put("replay", r.id());
        return f;
    }

    /** The withdrawals {@code destination} has not done yet, in order (its progress file is opened once). */
    public List<Withdrawal> owed(String destination) throws IOException {
        return owed(destination, withdrawals);
    }

    /**
     * Those of {@code all} (the cancels' withdrawals and those of the releases made under them) that {@code
     * destination} has not done yet, in order.
     */
    public List<Withdrawal> owed(String destination, List<Withdrawal> all) throws IOException {
        if (all.isEmpty()) {
            return List.of();
        }
        return progress(destination).pending(all);
    }

    /** Records, forced to the disk and audited, that {@code destination} did {@code w}. */
    public void withdrawn(String destination, Withdrawal w, Instant at, int items, String outcome) throws IOException {
        progress(destination).done(w, at, items, outcome);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("bed", w.bed());
        f.put("mrn", w.patient().mrn());
        f.put("authority", w.patient().authority());
        f.put("since", w.since());
        if (w.release() != null) {
            f.put("release", w.release().id());
            f.put("until", w.ended());
        }
        f.put("trigger", w.trigger());
        f.put("controlId", w.controlId());
        f.put("destination", destination);
        f.put("items", items);
        f.put("outcome", outcome);
        audit.record(outcome.startsWith("refused") ? "withdrawal-refused" : "withdrawal-done", f);
    }

    private WithdrawalProgress progress(String destination) throws IOException {
        WithdrawalProgress p = progress.get(destination);
        if (p == null) {
            synchronized (progress) {
                p = progress.get(destination);
                if (p == null) {
                    p = new WithdrawalProgress(directory, destination);
                    progress.put(destination, p);
                }
            }
        }
        return p;
    }

    public BedTimeline timeline(BedLocation bed) {
        BedTimeline t = timelines.get(bed);
        return t == null ? BedTimeline.empty(bed) : t;
    }

    /** Grows with every recorded event: a reader that held readings looks again when it changes. */
    public long version() {
        return version.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long notOurs() {
        return notOurs.get();
    }

    public synchronized int events() {
        return events.size();
    }

    /** When the last recorded event was received, or null. */
    public @Nullable Instant lastEventAt() {
        return lastEventAt;
    }

    /** The triggers that change beds; the others are recorded, audited, and change nothing. */
    public static boolean changesBeds(AdtTrigger t) {
        return switch (t) {
            case A08, A15, A26, A40 -> false;
            default -> true;
        };
    }

    @Override
    public void close() throws IOException {
        for (WithdrawalProgress p : progress.values()) {
            p.close();
        }
        journal.close();
    }
}
