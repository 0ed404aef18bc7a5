package org.bedside.patients;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Who occupied one bed, from when: the occupants from each change on. Built by {@link Associations#replay}; immutable.
 * One occupant is a confirmed association; none is an empty bed; two or more is a conflict (two admissions to one bed
 * without the first patient leaving): nobody is charted then.
 */
public final class BedTimeline {
    /** One patient in the bed, since the event that brought them. */
    public record Occupant(PatientKey patient, Instant since, String controlId) {}

    /** The bed's state from {@code from} on. */
    public record Change(Instant from, List<Occupant> occupants) {
        public Change {
            occupants = List.copyOf(occupants);
        }
    }

    private final BedLocation bed;
    private final NavigableMap<Instant, Change> changes;

    BedTimeline(BedLocation bed, List<Change> changes) {
        this.bed = bed;
        TreeMap<Instant, Change> m = new TreeMap<>();
        for (Change c : changes) {
            m.put(c.from(), c); // a later change at the same instant wins: the events were applied in order
        }
        this.changes = m;
    }

    public static BedTimeline empty(BedLocation bed) {
        return new BedTimeline(bed, List.of());
    }

    public BedLocation bed() {
        return bed;
    }

    /** Who was in the bed at {@code time}: empty before the first event. */
    public List<Occupant> occupantsAt(Instant time) {
        Map.Entry<Instant, Change> e = changes.floorEntry(time);
        return e == null ? List.of() : e.getValue().occupants();
    }

    /** The bed's state now (after the last event), or null when no event ever named it. */
    public @Nullable Change current() {
        Map.Entry<Instant, Change> e = changes.lastEntry();
        return e == null ? null : e.getValue();
    }

    public List<Change> changes() {
        return List.copyOf(changes.values());
    }

    /** What a reading taken at {@code time} in this bed may be charted to. */
    public Subject subjectAt(Instant time) {
        List<Occupant> at = occupantsAt(time);
        if (at.size() == 1) {
            return new Subject.Patient(at.get(0));
        }
        if (at.isEmpty()) {
            return new Subject.Nobody("no patient in bed " + bed + " at that time");
        }
        Change now = current();
        if (now != null && now.occupants().size() > 1) {
            return new Subject.Uncertain("two admissions to bed " + bed + " since " + now.from()
                    + " and no discharge or transfer of either");
        }
        return new Subject.Nobody("two patients were associated with bed " + bed + " at that time");
    }

    /**
     * Whom a reading may be charted to.
     *
     * <ul>
     *   <li>{@link Patient}: exactly one patient was in the bed when the reading was taken
     *   <li>{@link Nobody}: no patient, or one the gateway cannot be sure of, and that will not change by itself:
     *       the reading stays in the buffer, not charted (only an explicit confirmation releases it)
     *   <li>{@link Uncertain}: the bed is in conflict now; the reading is held until the conflict is resolved, then
     *       charted or not by the resolved timeline
     * </ul>
     */
    public sealed interface Subject {
        record Patient(Occupant occupant) implements Subject {}

        record Nobody(String reason) implements Subject {}

        record Uncertain(String reason) implements Subject {}
    }
}
