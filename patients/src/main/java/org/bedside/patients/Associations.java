package org.bedside.patients;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bedside.hl7.adt.AdtTrigger;
import org.jspecify.annotations.Nullable;

/**
 * The association rules: ADT events in, each bed's timeline out. Pure, and computed again from all events whenever one
 * arrives, so that the result depends only on what happened, not on the order the messages came in.
 *
 * <ol>
 *   <li>Events are ordered by the time they happened ({@link AssociationEvent#at}), then by receipt.
 *   <li>Cancels remove what they cancel: A11 the patient's latest admission before it (A01, A04), A12 the latest
 *       transfer (A02), A13 the latest discharge (A03). A cancelled event never happened.
 *   <li>The rest is applied in order. A patient is in one bed at a time: A01, A04, A06, A07 and A02 move the patient
 *       into PV1-3 (out of wherever they were); A03 takes them out; A21 (leave of absence) takes them out until A22
 *       brings them back; A17 swaps two patients. A08, A15, A26 and A40 change no bed.
 * </ol>
 *
 * <p>Two patients in one bed at once (an admission without the previous patient's discharge or transfer) is a
 * conflict: readings of that time are charted to nobody.
 */
public final class Associations {
    private Associations() {}

    /** The timeline of each of {@code beds}, from {@code events} in any order. */
    public static Map<BedLocation, BedTimeline> replay(List<AssociationEvent> events, Set<BedLocation> beds) {
        List<AssociationEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(AssociationEvent::at).thenComparing(AssociationEvent::receivedAt));
        Set<AssociationEvent> cancelled = cancelled(ordered);

        Map<PatientKey, BedLocation> where = new HashMap<>();
        Map<PatientKey, BedLocation> onLeave = new HashMap<>();
        Map<BedLocation, List<BedTimeline.Occupant>> inBed = new HashMap<>();
        Map<BedLocation, List<BedTimeline.Change>> changes = new LinkedHashMap<>();
        for (BedLocation b : beds) {
            inBed.put(b, new ArrayList<>());
            changes.put(b, new ArrayList<>());
        }
        for (AssociationEvent e : ordered) {
            if (cancelled.contains(e) || isCancel(e.trigger())) {
                continue;
            }
            State s = new State(where, onLeave, inBed, changes, e);
            switch (e.trigger()) {
                case A01, A04, A06, A07, A02 -> {
                    if (e.location() != null) {
                        s.move(e.patient(), e.location());
                    } else if (e.trigger() == AdtTrigger.A02) {
                        s.leave(e.patient()); // transferred to a place that is not a bed
                    }
                }
                case A03 -> {
                    if (e.isFhirEncounter() && e.location() != null) {
                        s.leaveFrom(e.patient(), e.location()); // an Encounter's entry for this bed ended
                    } else {
                        s.leave(e.patient());
                    }
                }
                case A21 -> {
                    BedLocation bed = where.get(e.patient());
                    if (bed != null) {
                        onLeave.put(e.patient(), bed);
                    }
                    s.leave(e.patient());
                }
                case A22 -> {
                    BedLocation back = e.location() != null ? e.location() : onLeave.get(e.patient());
                    onLeave.remove(e.patient());
                    if (back != null) {
                        s.move(e.patient(), back);
                    }
                }
                case A17 -> {
                    PatientKey other = e.other();
                    BedLocation firstBed = where.get(e.patient());
                    BedLocation secondBed = other == null ? null : where.get(other);
                    BedLocation firstTo = e.location() != null ? e.location() : secondBed;
                    BedLocation secondTo = e.otherLocation() != null ? e.otherLocation() : firstBed;
                    s.leave(e.patient());
                    if (other != null) {
                        s.leave(other);
                    }
                    if (firstTo != null) {
                        s.move(e.patient(), firstTo);
                    }
                    if (other != null && secondTo != null) {
                        s.move(other, secondTo);
                    }
                }
                default -> {
                    // A08, A15, A26, A40: no bed changes (audited by the handler)
                }
            }
        }
        Map<BedLocation, BedTimeline> out = new LinkedHashMap<>();
        changes.forEach((bed, list) -> out.put(bed, new BedTimeline(bed, list)));
        return out;
    }

    /** The events a later cancel removes. */
    static Set<AssociationEvent> cancelled(List<AssociationEvent> ordered) {
        return new HashSet<>(cancels(ordered).values());
    }

    /**
     * The associations that cancels removed, in the order the cancels happened: an A11 of an admission (A01, A04) or
     * an A12 of a transfer (A02) that had put the patient into one of {@code beds}.
     */
    public static List<Withdrawal> withdrawals(List<AssociationEvent> events, Set<BedLocation> beds) {
        List<AssociationEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(AssociationEvent::at).thenComparing(AssociationEvent::receivedAt));
        List<Withdrawal> out = new ArrayList<>();
        cancels(ordered).forEach((cancel, target) -> {
            if ((cancel.trigger() == AdtTrigger.A11 || cancel.trigger() == AdtTrigger.A12)
                    && target.location() != null
                    && beds.contains(target.location())) {
                out.add(new Withdrawal(
                        cancel.messageKey(),
                        target.location(),
                        target.patient(),
                        target.at(),
                        endWithout(events, cancel, target, beds),
                        cancel.receivedAt(),
                        cancel.trigger().name(),
                        cancel.controlId(),
                        null));
            }
        });
        return out;
    }

    /**
     * What cancels gave back to an association, in the order of the cancels: the stretch of a bed's time that the
     * timeline without the cancel gave to nobody (an empty bed, or two patients in it) and that the timeline with it
     * gives to one patient, up to the cancel's receipt. A cancelled discharge (A13) gives the patient back the time
     * since the discharge; a cancelled transfer (A12) the time in the bed left; a cancelled admission (A11) the time
     * its conflict took from the patient already in the bed. Readings of that time were passed as "not charted" by the
     * destinations, so each restoration is charted again from the buffer like a release (docs/patients.md,
     * "Cancels that give time back").
     */
    public static List<Restoration> restorations(List<AssociationEvent> events, Set<BedLocation> beds) {
        List<AssociationEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(AssociationEvent::at).thenComparing(AssociationEvent::receivedAt));
        Map<BedLocation, BedTimeline> with = replay(events, beds);
        List<Restoration> out = new ArrayList<>();
        for (AssociationEvent cancel : cancels(ordered).keySet()) {
            List<AssociationEvent> without = new ArrayList<>(events);
            without.remove(cancel);
            Map<BedLocation, BedTimeline> before = replay(without, beds);
            for (BedLocation bed : beds) {
                Restoration r = restored(cancel, bed, before.get(bed), with.get(bed));
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The one stretch of {@code bed} that {@code cancel} gave to a patient, from its first to its last moment. */
    private static @Nullable Restoration restored(
            AssociationEvent cancel, BedLocation bed, @Nullable BedTimeline before, @Nullable BedTimeline after) {
        if (before == null || after == null) {
            return null;
        }
        java.util.TreeSet<java.time.Instant> points = new java.util.TreeSet<>();
        before.changes().forEach(c -> points.add(c.from()));
        after.changes().forEach(c -> points.add(c.from()));
        java.time.Instant until = cancel.receivedAt();
        java.time.Instant first = null;
        java.time.Instant last = null;
        PatientKey patient = null;
        List<java.time.Instant> list = new ArrayList<>(points.headSet(until, false));
        for (int i = 0; i < list.size(); i++) {
            java.time.Instant from = list.get(i);
            java.time.Instant to = i + 1 < list.size() ? list.get(i + 1) : until;
            List<BedTimeline.Occupant> now = after.occupantsAt(from);
            if (now.size() == 1 && before.occupantsAt(from).size() != 1) {
                if (patient == null) {
                    patient = now.get(0).patient();
                    first = from;
                }
                if (patient.equals(now.get(0).patient())) {
                    last = to;
                }
            }
        }
        if (patient == null || first == null || last == null || !first.isBefore(last)) {
            return null;
        }
        return new Restoration(
                "c" + Withdrawal.shortHash(cancel.messageKey() + "|" + bed).substring(1),
                bed,
                patient,
                first,
                last,
                cancel.trigger().name(),
                cancel.controlId(),
                cancel.receivedAt());
    }

    /**
     * When the association the cancelled event opened would have ended had the cancel not come: the first change of
     * the bed, after it opened, without the patient; null when it was still open.
     */
    private static java.time.@Nullable Instant endWithout(
            List<AssociationEvent> events, AssociationEvent cancel, AssociationEvent target, Set<BedLocation> beds) {
        List<AssociationEvent> without = new ArrayList<>(events);
        without.remove(cancel);
        BedTimeline t = replay(without, beds).get(target.location());
        if (t == null) {
            return null;
        }
        boolean open = false;
        for (BedTimeline.Change c : t.changes()) {
            boolean in = c.occupants().stream()
                    .anyMatch(o ->
                            o.patient().equals(target.patient()) && o.since().equals(target.at()));
            if (in) {
                open = true;
            } else if (open) {
                return c.from();
            }
        }
        return null;
    }

    /** Each cancel and the event it removes, in the order of the cancels. */
    private static Map<AssociationEvent, AssociationEvent> cancels(List<AssociationEvent> ordered) {
        Map<AssociationEvent, AssociationEvent> cancels = new LinkedHashMap<>();
        Set<AssociationEvent> cancelled = new HashSet<>();
        for (int i = 0; i < ordered.size(); i++) {
            AssociationEvent cancel = ordered.get(i);
            Set<AdtTrigger> targets = switch (cancel.trigger()) {
                case A11 -> Set.of(AdtTrigger.A01, AdtTrigger.A04);
                case A12 -> Set.of(AdtTrigger.A02);
                case A13 -> Set.of(AdtTrigger.A03);
                default -> Set.of();
            };
            if (targets.isEmpty()) {
                continue;
            }
            for (int j = i - 1; j >= 0; j--) {
                AssociationEvent e = ordered.get(j);
                // An ADT cancel takes back an ADT event, never a clinician's confirmation at the bedside nor an
                // association read from an Encounter: only an event of its own source.
                if (targets.contains(e.trigger())
                        && e.patient().equals(cancel.patient())
                        && e.source().equals(cancel.source())
                        && !cancelled.contains(e)) {
                    cancelled.add(e);
                    cancels.put(cancel, e);
                    break;
                }
            }
        }
        return cancels;
    }

    static boolean isCancel(AdtTrigger t) {
        return t == AdtTrigger.A11 || t == AdtTrigger.A12 || t == AdtTrigger.A13;
    }

    /** The replay's state while one event is applied. */
    private record State(
            Map<PatientKey, BedLocation> where,
            Map<PatientKey, BedLocation> onLeave,
            Map<BedLocation, List<BedTimeline.Occupant>> inBed,
            Map<BedLocation, List<BedTimeline.Change>> changes,
            AssociationEvent event) {

        void move(PatientKey patient, BedLocation to) {
            if (to.equals(where.get(patient))) {
                return; // already there (an A01 sent again as A04, a transfer to the same bed)
            }
            leave(patient);
            where.put(patient, to);
            List<BedTimeline.Occupant> occupants = inBed.get(to);
            if (occupants != null) {
                occupants.add(new BedTimeline.Occupant(patient, event.at(), event.controlId()));
                changed(to, occupants);
            }
        }

        /** Out of {@code bed} only: nothing when the patient is elsewhere by then. */
        void leaveFrom(PatientKey patient, BedLocation bed) {
            if (bed.equals(where.get(patient))) {
                leave(patient);
            }
        }

        void leave(PatientKey patient) {
            BedLocation from = where.remove(patient);
            if (from == null) {
                return;
            }
            List<BedTimeline.Occupant> occupants = inBed.get(from);
            if (occupants != null && occupants.removeIf(o -> o.patient().equals(patient))) {
                changed(from, occupants);
            }
        }

        private void changed(BedLocation bed, List<BedTimeline.Occupant> occupants) {
            Objects.requireNonNull(changes.get(bed)).add(new BedTimeline.Change(event.at(), occupants));
        }
    }

    /** The bed a patient is in after all events, for the status page; null when none of the beds. */
    public static @Nullable BedLocation bedOf(Map<BedLocation, BedTimeline> timelines, PatientKey patient) {
        for (BedTimeline t : timelines.values()) {
            BedTimeline.Change now = t.current();
            if (now != null
                    && now.occupants().stream().anyMatch(o -> o.patient().equals(patient))) {
                return t.bed();
            }
        }
        return null;
    }
}
