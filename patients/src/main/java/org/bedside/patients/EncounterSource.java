package org.bedside.patients;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.jspecify.annotations.Nullable;

/**
 * The association source for hospitals without an ADT feed to the gateway: the {@code Encounter}s in progress at each
 * bed, polled on the FHIR server, turned into events of the association journal (source {@code fhir-encounter}) that
 * go through the same rules as ADT and the bedside (docs/patients.md, "FHIR Encounter").
 *
 * <ul>
 *   <li>An Encounter whose location entry for the bed is current ({@link Entry#currentAt}) and that the source does
 *       not hold yet opens ({@code A01}) from the entry's {@code period.start} (the poll's time when it has none or it
 *       lies ahead): into an empty bed it opens, beside the same patient from ADT or the bedside it confirms, beside
 *       someone else it disagrees (two patients in one bed: UNCERTAIN, readings held).
 *   <li>An Encounter the source holds whose entry for the bed has ended (status {@code completed}, or its {@code
 *       period.end} passed) ends ({@code A03} out of that bed only) at the entry's {@code period.end} (the poll's time
 *       when it has none).
 *   <li>An Encounter the source holds that a successful poll no longer finds at the bed (finished, cancelled,
 *       deleted, its entry for the bed gone) ends once {@code missesToEnd} polls in a row missed it, as of the first
 *       poll that missed it.
 *   <li>A poll that failed changes nothing ({@link #failed}): the associations keep their state, the source is stale.
 * </ul>
 *
 * <p>Thread-safe: one poller calls it, the status page reads it. What the source holds is derived from the journal
 * (known again after a restart); the count of missed polls is kept in memory only (a restart starts it again: an end
 * comes later, never earlier).
 */
public final class EncounterSource {
    /**
     * One location entry of an Encounter that names the bed's Location.
     *
     * @param status {@code planned}, {@code active}, {@code reserved}, {@code completed}, or null when the server has
     *     none
     */
    public record Entry(
            @Nullable String status,
            @Nullable Instant start,
            @Nullable Instant end) {
        /** Active (or without a status) and its period includes {@code now}. */
        public boolean currentAt(Instant now) {
            boolean active = status == null || "active".equals(status);
            return active && (start == null || !start.isAfter(now)) && (end == null || end.isAfter(now));
        }

        /** Completed, or its period ended by {@code now}: the patient has left the bed. */
        public boolean endedAt(Instant now) {
            return "completed".equals(status) || (end != null && !end.isAfter(now));
        }
    }

    /**
     * One Encounter in progress that the search found at the bed.
     *
     * @param encounter its id on the server
     * @param patient its subject, by the identifier of a configured assigning authority; null when it has none
     * @param entries its location entries for this bed (not those for other places)
     */
    public record Seen(String encounter, @Nullable PatientKey patient, List<Entry> entries) {
        public Seen {
            entries = List.copyOf(entries);
        }
    }

    /** What the source holds in a bed: an Encounter's patient, since when. */
    record Holding(String encounter, PatientKey patient, Instant since) {
        Key key() {
            return new Key(encounter, patient);
        }
    }

    record Key(String encounter, PatientKey patient) {}

    /** A poll's missing of a held Encounter: how many polls in a row, since the first. */
    record Miss(int polls, Instant first) {}

    /**
     * One thing a poll did, for the audit.
     *
     * @param action {@code encounter-matched}, {@code encounter-ended}, {@code encounter-unidentified}
     * @param outcome for a match {@code opened}, {@code confirmed}, {@code disagrees}; for an end {@code
     *     location-ended} or {@code not-found}
     */
    record Note(
            String action,
            String encounter,
            @Nullable PatientKey patient,
            @Nullable Instant time,
            String outcome) {}

    /** The events and notes of one bed's poll: pure, for the tests. */
    record Decision(List<AssociationEvent> events, List<Note> notes, Map<Key, Miss> misses) {}

    private final PatientAssociations associations;
    private final AuditLog audit;
    private final int missesToEnd;
    private final Map<BedLocation, Map<Key, Miss>> misses = new HashMap<>();
    private final Set<String> unidentified = new HashSet<>();
    private volatile @Nullable Instant lastSuccess;
    private volatile @Nullable Instant staleSince;
    private volatile @Nullable String staleReason;

    public EncounterSource(PatientAssociations associations, AuditLog audit, int missesToEnd) {
        if (missesToEnd < 1) {
            throw new IllegalArgumentException("missesToEnd must be at least 1");
        }
        this.associations = associations;
        this.audit = audit;
        this.missesToEnd = missesToEnd;
    }

    /**
     * One bed's successful poll at {@code now}: records the events it gives (the journal forced to the disk before this
     * returns) and audits them.
     *
     * @throws IOException if the journal could not be written: nothing of this poll changed the associations, the next
     *     poll decides again
     */
    public synchronized void polled(BedLocation bed, Instant now, List<Seen> seen) throws IOException {
        Decision d = decide(
                bed,
                now,
                seen,
                holdings(associations.encounterEvents(), bed),
                associations.timeline(bed).occupantsAt(now).stream()
                        .map(BedTimeline.Occupant::patient)
                        .toList(),
                misses.getOrDefault(bed, Map.of()),
                missesToEnd);
        for (AssociationEvent e : d.events()) {
            associations.record(e);
        }
        misses.put(bed, new HashMap<>(d.misses()));
        for (Note n : d.notes()) {
            if (n.action().equals("encounter-unidentified") && !unidentified.add(n.encounter())) {
                continue; // audited once per Encounter
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("bed", bed);
            f.put("encounter", n.encounter());
            if (n.patient() != null) {
                f.put("mrn", n.patient().mrn());
                f.put("authority", n.patient().authority());
            }
            if (n.time() != null) {
                f.put(n.action().equals("encounter-ended") ? "until" : "since", n.time());
            }
            f.put("source", "fhir-encounter");
            f.put("outcome", n.outcome());
            audit.record(n.action(), f);
        }
    }

    /** Every bed was polled successfully at {@code now}: the source is current again. */
    public synchronized void current(Instant now) throws IOException {
        Instant was = staleSince;
        lastSuccess = now;
        if (was != null) {
            staleSince = null;
            staleReason = null;
            audit.record("encounter-source-current", Map.of("staleSince", was, "at", now, "source", "fhir-encounter"));
        }
    }

    /**
     * A poll failed at {@code now} (the server away, refusing, an answer that is no Bundle, a page missing): nothing
     * changes, the associations keep their last state; the source is stale from the first failure on.
     *
     * @param reason names the server and the status, never a patient
     */
    public synchronized void failed(Instant now, String reason) throws IOException {
        staleReason = reason;
        if (staleSince == null) {
            staleSince = now;
            audit.record("encounter-source-stale", Map.of("since", now, "reason", reason, "source", "fhir-encounter"));
        }
    }

    /** When every bed was last polled successfully, or null. */
    public @Nullable Instant lastSuccess() {
        return lastSuccess;
    }

    /** Since when polls fail, or null while the source is current. */
    public @Nullable Instant staleSince() {
        return staleSince;
    }

    /** Why the last poll failed, or null. */
    public @Nullable String staleReason() {
        return staleReason;
    }

    /** What the source holds in {@code bed}, from its events in the journal (in the order recorded). */
    static List<Holding> holdings(List<AssociationEvent> encounterEvents, BedLocation bed) {
        Map<Key, Holding> held = new LinkedHashMap<>();
        for (AssociationEvent e : encounterEvents) {
            String encounter = e.encounter();
            if (encounter == null || !bed.equals(e.location())) {
                continue;
            }
            Key key = new Key(encounter, e.patient());
            if (e.trigger() == AdtTrigger.A01) {
                held.putIfAbsent(key, new Holding(encounter, e.patient(), e.at()));
            } else if (e.trigger() == AdtTrigger.A03) {
                held.remove(key);
            }
        }
        return List.copyOf(held.values());
    }

    /**
     * The rules of one bed's successful poll, pure.
     *
     * @param held what the source holds in the bed before the poll
     * @param occupants who the bed's timeline has at {@code now} (from every source)
     * @param missed the held Encounters earlier polls missed
     */
    static Decision decide(
            BedLocation bed,
            Instant now,
            List<Seen> seen,
            List<Holding> held,
            List<PatientKey> occupants,
            Map<Key, Miss> missed,
            int missesToEnd) {
        List<AssociationEvent> events = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        Map<Key, Miss> misses = new HashMap<>();
        Set<Key> holding = new HashSet<>();
        held.forEach(h -> holding.add(h.key()));
        List<PatientKey> inBed = new ArrayList<>(occupants);
        Set<Key> currentNow = new HashSet<>();
        for (Seen s : seen) {
            PatientKey patient = s.patient();
            List<Entry> current =
                    s.entries().stream().filter(e -> e.currentAt(now)).toList();
            if (current.isEmpty()) {
                continue;
            }
            if (patient == null) {
                notes.add(new Note("encounter-unidentified", s.encounter(), null, null, "no-identifier"));
                continue;
            }
            Key key = new Key(s.encounter(), patient);
            currentNow.add(key);
            if (!holding.add(key)) {
                continue; // held already (or twice in this poll)
            }
            Instant start = null;
            for (Entry e : current) {
                if (e.start() != null && (start == null || e.start().isAfter(start))) {
                    start = e.start();
                }
            }
            Instant at = start == null || start.isAfter(now) ? now : start;
            String outcome =
                    inBed.isEmpty() ? "opened" : inBed.stream().allMatch(patient::equals) ? "confirmed" : "disagrees";
            inBed.add(patient);
            events.add(AssociationEvent.fhirEncounter(
                    s.encounter(), "A01@" + at + "/" + now, AdtTrigger.A01, at, now, patient, bed));
            notes.add(new Note("encounter-matched", s.encounter(), patient, at, outcome));
        }
        for (Holding h : held) {
            Key key = h.key();
            if (currentNow.contains(key)) {
                continue;
            }
            Seen s = seen.stream()
                    .filter(x ->
                            x.encounter().equals(h.encounter()) && h.patient().equals(x.patient()))
                    .findFirst()
                    .orElse(null);
            Instant endedAt = null;
            boolean ended = false;
            if (s != null) {
                for (Entry e : s.entries()) {
                    if (e.endedAt(now)) {
                        ended = true;
                        Instant end = e.end() == null || e.end().isAfter(now) ? now : e.end();
                        if (endedAt == null || end.isAfter(endedAt)) {
                            endedAt = end;
                        }
                    }
                }
            }
            String outcome;
            if (ended) {
                outcome = "location-ended";
            } else {
                Miss m = missed.get(key);
                Miss next = m == null ? new Miss(1, now) : new Miss(m.polls() + 1, m.first());
                if (next.polls() < missesToEnd) {
                    misses.put(key, next);
                    continue;
                }
                endedAt = next.first();
                outcome = "not-found";
            }
            Instant at = endedAt.isBefore(h.since()) ? h.since() : endedAt;
            events.add(AssociationEvent.fhirEncounter(
                    h.encounter(), "A03@" + at + "/" + now, AdtTrigger.A03, at, now, h.patient(), bed));
            notes.add(new Note("encounter-ended", h.encounter(), h.patient(), at, outcome));
        }
        return new Decision(List.copyOf(events), List.copyOf(notes), Map.copyOf(misses));
    }
}
