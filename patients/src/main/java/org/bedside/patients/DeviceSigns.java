package org.bedside.patients;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.model.PatientDemographics;
import org.jspecify.annotations.Nullable;

/**
 * The rule of the signs from the devices that the patient in a bed changed (docs/patients.md, "Signs from the
 * devices"): a discharge at the monitor, other demographics than before, values that resume after a long gap with
 * every sensor off. Pure: the bed's timeline, its signs and the bedside confirmations in, the windows in which an
 * association is uncertain out.
 *
 * <ul>
 *   <li>For each association (a patient in the bed from one time on), each monitor's first demographics with a
 *       fingerprint, admitted or pre-admitted, are its <em>reference</em>, not a change.
 *   <li>Then other demographics (another fingerprint), or a discharge (or emptied demographics) at a monitor whose
 *       reference was taken, make the association uncertain from that sign's time on; so do values that resume after
 *       a gap.
 *   <li>The uncertainty lasts until a clinician confirms the patient at the bedside after it (then the monitors'
 *       references are taken anew) or the association ends (an ADT discharge or transfer; a new admission makes two
 *       patients, which is uncertain by itself).
 * </ul>
 */
public final class DeviceSigns {
    private DeviceSigns() {}

    /** Something a device of the bed showed. */
    public sealed interface Sign {
        Instant at();

        String device();
    }

    /** A monitor's demographics, as its {@link PatientDemographics} reading says them. */
    public record Demographics(
            Instant at,
            String device,
            PatientDemographics.State state,
            @Nullable String fingerprint) implements Sign {}

    /** A valid value again after every device of the bed had sent none for {@code gap}. */
    public record ValuesResumed(Instant at, String device, Duration gap) implements Sign {}

    /**
     * An association made uncertain by a sign: from {@code from} until {@code until} (a confirmation at the bedside;
     * null while it lasts).
     *
     * @param since the start of the association it is about
     */
    public record Uncertainty(
            PatientKey patient,
            Instant since,
            Instant from,
            @Nullable Instant until,
            String reason,
            String device) {
        boolean covers(BedTimeline.Occupant o, Instant time) {
            return o.patient().equals(patient)
                    && o.since().equals(since)
                    && !time.isBefore(from)
                    && (until == null || time.isBefore(until));
        }
    }

    /**
     * The uncertain windows of the bed's associations.
     *
     * @param confirmations the bedside confirmations in the bed: each patient's, at their time
     */
    public static List<Uncertainty> uncertainties(
            BedTimeline timeline, List<Sign> signs, Map<PatientKey, List<Instant>> confirmations) {
        List<Sign> ordered = new ArrayList<>(signs);
        ordered.sort(Comparator.comparing(Sign::at));
        List<Uncertainty> out = new ArrayList<>();
        for (Association a : associations(timeline)) {
            List<Instant> confirmed = confirmations.getOrDefault(a.patient(), List.of()).stream()
                    .filter(c -> !c.isBefore(a.since()) && (a.until() == null || c.isBefore(a.until())))
                    .sorted()
                    .toList();
            Map<String, String> references = new HashMap<>();
            Uncertainty open = null;
            int next = 0; // the next confirmation not yet applied
            for (Sign s : ordered) {
                if (s.at().isBefore(a.since()) || (a.until() != null && !s.at().isBefore(a.until()))) {
                    continue;
                }
                while (next < confirmed.size() && !confirmed.get(next).isAfter(s.at())) {
                    Instant c = confirmed.get(next++);
                    if (open != null && c.isAfter(open.from())) {
                        out.add(closed(open, c));
                        open = null;
                        references.clear(); // a clinician saw the wristband: what the monitors show now is the patient
                    }
                }
                if (open != null) {
                    continue; // uncertain already: nothing more to learn until it is resolved
                }
                String why = change(s, references);
                if (why != null) {
                    open = new Uncertainty(a.patient(), a.since(), s.at(), null, why, s.device());
                }
            }
            if (open != null) {
                Instant from = open.from();
                Instant c = confirmed.stream()
                        .filter(x -> x.isAfter(from))
                        .findFirst()
                        .orElse(null);
                out.add(c == null ? open : closed(open, c));
            }
        }
        return out;
    }

    /**
     * What the bed's timeline answers, with its uncertain windows: a reading of an association's uncertain time is
     * held while the uncertainty lasts, and charted to nobody once a confirmation ended it (a confirmation says who is
     * in the bed from then on, not who was before).
     */
    public static BedTimeline.Subject apply(BedTimeline.Subject s, Instant time, List<Uncertainty> uncertainties) {
        if (!(s instanceof BedTimeline.Subject.Patient p)) {
            return s;
        }
        for (Uncertainty u : uncertainties) {
            if (u.covers(p.occupant(), time)) {
                return u.until() == null
                        ? new BedTimeline.Subject.Uncertain(u.reason() + " since " + u.from()
                                + ": readings held until a clinician confirms the patient at the bedside")
                        : new BedTimeline.Subject.Nobody(
                                u.reason() + " from " + u.from() + " until the confirmation at " + u.until());
            }
        }
        return s;
    }

    /** Why {@code s} is a sign of another patient, or null; takes a monitor's reference when it has none yet. */
    private static @Nullable String change(Sign s, Map<String, String> references) {
        if (s instanceof ValuesResumed r) {
            return "values from " + r.device() + " resumed after " + r.gap().toMinutes()
                    + " min without a valid value from any device of the bed";
        }
        Demographics d = (Demographics) s;
        String reference = references.get(d.device());
        switch (d.state()) {
            case ADMITTED, PRE_ADMITTED -> {
                if (d.fingerprint() == null) {
                    return null;
                }
                if (reference == null) {
                    references.put(d.device(), d.fingerprint());
                    return null;
                }
                return reference.equals(d.fingerprint())
                        ? null
                        : "the monitor " + d.device() + " shows another patient's demographics";
            }
            case DISCHARGED, EMPTY -> {
                return reference == null
                        ? null
                        : "the patient was discharged at the monitor " + d.device() + " (demographics "
                                + d.state()
                                        .name()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replace('_', '-') + ")";
            }
            default -> {
                return null; // a state the driver does not know says nothing either way
            }
        }
    }

    private static Uncertainty closed(Uncertainty u, Instant until) {
        return new Uncertainty(u.patient(), u.since(), u.from(), until, u.reason(), u.device());
    }

    /** One patient's stay in the bed: from its start to the first change without them (null: still there). */
    private record Association(
            PatientKey patient, Instant since, @Nullable Instant until) {}

    private static List<Association> associations(BedTimeline t) {
        Map<BedTimeline.Occupant, Instant> open = new LinkedHashMap<>();
        List<Association> out = new ArrayList<>();
        for (BedTimeline.Change c : t.changes()) {
            for (BedTimeline.Occupant o : List.copyOf(open.keySet())) {
                if (!c.occupants().contains(o)) {
                    out.add(new Association(o.patient(), o.since(), c.from()));
                    open.remove(o);
                }
            }
            for (BedTimeline.Occupant o : c.occupants()) {
                open.putIfAbsent(o, o.since());
            }
        }
        open.keySet().forEach(o -> out.add(new Association(o.patient(), o.since(), null)));
        return out;
    }
}
