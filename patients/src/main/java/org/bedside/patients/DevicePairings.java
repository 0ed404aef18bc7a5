package org.bedside.patients;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Devices that travel with the patient (docs/patients.md, "Devices that travel with the patient"): a transport monitor,
 * or a pump of a {@code bbraun-bcc} rack by its serial number, paired with a patient by a scan at the bedside. Its
 * readings are that patient's from the pairing on, whatever bed it stands in, across a transfer, until that patient's
 * discharge (an ADT A03) or an explicit unpairing; unpaired, they are nobody's.
 *
 * <p>The pairings and their ends are kept in {@code <data-dir>/patients/device-pairings.jsonl}, one event a line,
 * forced to the disk before {@link #pair} and {@link #unpair} return, and audited. The discharges are read from the
 * association journal ({@link PatientAssociations#discharges}), so that an A13 that takes a discharge back takes back
 * the end of the pairing too. Thread-safe.
 */
public final class DevicePairings implements AutoCloseable {

    /** A device that travels with its patient, as the clinician scans its label. */
    public sealed interface Traveller {
        /** The label on the device: its configured id, or the pump's serial number. */
        String label();

        /** {@code device} or {@code pump}, as the journal and the status write it. */
        String kind();

        /** A device of {@code gateway.devices}, by its id. */
        record Device(String label) implements Traveller {
            @Override
            public String kind() {
                return "device";
            }
        }

        /** A pump of a {@code bbraun-bcc} rack, by the serial number the driver reads ({@code INSERNUM}). */
        record Pump(String label) implements Traveller {
            @Override
            public String kind() {
                return "pump";
            }
        }
    }

    /** One pairing ({@code paired}) or its end, set at the bedside by {@code user} at {@code at}. */
    public record Event(String id, Traveller traveller, boolean paired, PatientKey patient, Instant at, String user) {}

    /**
     * The traveller is the patient's from {@code since} until {@code until} (null: still paired).
     *
     * @param endedBy why it ended: {@code unpaired by <user>} or {@code discharge (A03 <control id>)}; null while open
     */
    public record Pairing(
            String id,
            Traveller traveller,
            PatientKey patient,
            Instant since,
            String user,
            @Nullable Instant until,
            @Nullable String endedBy) {

        /** Whether a reading taken at {@code time} is the patient's by this pairing. */
        public boolean holdsAt(Instant time) {
            return !time.isBefore(since) && (until == null || time.isBefore(until));
        }

        /** A short stable name of the pairing for Observation identifiers: no patient data in clear. */
        public String key() {
            return DevicePairings.key(traveller, patient, since);
        }
    }

    /**
     * The name of the pairing of {@code traveller} with {@code patient} from {@code since} in Observation identifiers,
     * so that two pairings in one charting interval get an Observation each: a short hash, no patient data in clear.
     */
    public static String key(Traveller traveller, PatientKey patient, Instant since) {
        return Withdrawal.shortHash("pairing|" + traveller.kind() + "|" + traveller.label() + "|" + patient.authority()
                + "|" + patient.mrn() + "|" + since);
    }

    /**
     * The pairings, from the bedside's events and the ADT discharges, in any order. Pure: a pairing opens at its event
     * and ends at the first of an unpairing of that traveller and patient, a discharge of that patient at or after it,
     * or the traveller's next pairing (which {@link #pair} refuses while one is open, so only after an unpairing).
     */
    public static List<Pairing> replay(List<Event> events, List<AssociationEvent> discharges) {
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(Event::at));
        List<AssociationEvent> ends = new ArrayList<>(discharges);
        ends.sort(Comparator.comparing(AssociationEvent::at).thenComparing(AssociationEvent::receivedAt));
        Map<Traveller, Pairing> open = new LinkedHashMap<>();
        List<Pairing> out = new ArrayList<>();
        for (Event e : ordered) {
            Pairing before = open.remove(e.traveller());
            if (before != null) {
                out.add(ended(before, e.at(), e.paired() ? "paired again by " + e.user() : "unpaired by " + e.user()));
            }
            if (e.paired()) {
                open.put(e.traveller(), new Pairing(e.id(), e.traveller(), e.patient(), e.at(), e.user(), null, null));
            }
        }
        out.addAll(open.values());
        List<Pairing> result = new ArrayList<>();
        for (Pairing p : out) {
            result.add(dischargedIn(p, ends));
        }
        result.sort(Comparator.comparing(Pairing::since));
        return List.copyOf(result);
    }

    /** {@code p}, ended at the patient's first discharge from its start on if that comes before its own end. */
    private static Pairing dischargedIn(Pairing p, List<AssociationEvent> ends) {
        for (AssociationEvent a : ends) {
            if (a.patient().equals(p.patient())
                    && !a.at().isBefore(p.since())
                    && (p.until() == null || a.at().isBefore(p.until()))) {
                return ended(p, a.at(), "discharge (A03 " + a.controlId() + ")");
            }
        }
        return p;
    }

    private static Pairing ended(Pairing p, Instant until, String why) {
        return new Pairing(p.id(), p.traveller(), p.patient(), p.since(), p.user(), until, why);
    }

    /**
     * Whom a reading of {@code traveller} taken at {@code time} is charted to, standing in a bed whose timeline is
     * {@code bed} (null: at no bed). Pure.
     *
     * <ul>
     *   <li>no pairing held at that time: nobody (kept in the buffer, never the bed's patient);
     *   <li>the bed had nobody then, or only the paired patient: the paired patient, from the pairing's start;
     *   <li>the bed had someone else then: the two disagree (two patients for one device): held while both still stand
     *       (the pairing is open and the bed's patients now are not only the paired one), else nobody.
     * </ul>
     */
    public static BedTimeline.Subject subjectAt(
            List<Pairing> pairings, Traveller traveller, Instant time, @Nullable BedTimeline bed) {
        Pairing p = null;
        for (Pairing x : pairings) {
            if (x.traveller().equals(traveller) && x.holdsAt(time)) {
                p = x;
            }
        }
        String what = traveller.kind() + " " + traveller.label();
        if (p == null) {
            return new BedTimeline.Subject.Nobody(
                    what + " travels with its patient and was paired with nobody at that time");
        }
        PatientKey patient = p.patient();
        List<BedTimeline.Occupant> then = bed == null ? List.of() : bed.occupantsAt(time);
        if (then.stream().allMatch(o -> o.patient().equals(patient))) {
            return new BedTimeline.Subject.Patient(new BedTimeline.Occupant(patient, p.since(), p.id()));
        }
        BedTimeline.Change now = bed.current();
        boolean stillDisagree = p.until() == null
                && now != null
                && now.occupants().stream().anyMatch(o -> !o.patient().equals(patient));
        String why = what + " is paired with a patient since " + p.since() + " and stands in bed " + bed.bed()
                + ", associated with another patient";
        return stillDisagree
                ? new BedTimeline.Subject.Uncertain(
                        why + ": held until the pairing is ended or the bed's patient leaves")
                : new BedTimeline.Subject.Nobody(why + " at that time");
    }

    private final JsonLines lines;
    private final PatientAssociations associations;
    private final AuditLog audit;
    private final List<Event> events = new ArrayList<>();
    private final AtomicLong version = new AtomicLong();
    private volatile Cache cache = new Cache(-1, -1, List.of());
    private int unreadable;

    /** The pairings as replayed for one version of the pairings and of the associations. */
    private record Cache(long pairings, long associations, List<Pairing> all) {}

    private DevicePairings(JsonLines lines, PatientAssociations associations, AuditLog audit) {
        this.lines = lines;
        this.associations = associations;
        this.audit = audit;
    }

    /**
     * Opens the pairing journal and reads it.
     *
     * @param file {@code <data-dir>/patients/device-pairings.jsonl}
     */
    public static DevicePairings open(Path file, PatientAssociations associations, AuditLog audit) throws IOException {
        DevicePairings d = new DevicePairings(new JsonLines(file), associations, audit);
        int damaged = 0;
        for (ObjectNode o : d.lines.readAll()) {
            try {
                d.events.add(read(o));
            } catch (RuntimeException e) {
                damaged++; // damaged inside, or of a later format
            }
        }
        d.unreadable = damaged + d.lines.skippedLines();
        audit.record("pairings-loaded", Map.of("events", d.events.size(), "unreadableLines", d.unreadable));
        return d;
    }

    /** Lines of the journal that could not be read at the start (torn by a power cut, or damaged). */
    public int unreadable() {
        return unreadable;
    }

    /** Every pairing, open or ended, oldest first. */
    public List<Pairing> all() {
        long p = version.get();
        long a = associations.version();
        Cache c = cache;
        if (c.pairings() != p || c.associations() != a) {
            List<Event> copy;
            synchronized (this) {
                copy = List.copyOf(events);
            }
            c = new Cache(p, a, replay(copy, associations.discharges()));
            cache = c;
        }
        return c.all();
    }

    /** The open pairing of {@code traveller} at {@code time}, or null. */
    public @Nullable Pairing pairingAt(Traveller traveller, Instant time) {
        Pairing found = null;
        for (Pairing p : all()) {
            if (p.traveller().equals(traveller) && p.holdsAt(time)) {
                found = p;
            }
        }
        return found;
    }

    /** {@link #subjectAt(List, Traveller, Instant, BedTimeline)} with the pairings as they stand. */
    public BedTimeline.Subject subjectAt(Traveller traveller, Instant time, @Nullable BedTimeline bed) {
        return subjectAt(all(), traveller, time, bed);
    }

    /**
     * Pairs {@code traveller} with {@code patient} from {@code now} on: written to the journal (forced to the disk) and
     * audited ({@code device-paired}) before it returns. The caller has checked that it is not paired with another.
     */
    public synchronized Pairing pair(String user, Traveller traveller, PatientKey patient, Instant now)
            throws IOException {
        Event e = new Event("pairing-" + java.util.UUID.randomUUID(), traveller, true, patient, now, user);
        append(e);
        audit.record("device-paired", fields(e));
        return new Pairing(e.id(), traveller, patient, now, user, null, null);
    }

    /** Ends the pairing of {@code traveller} with {@code patient} at {@code now}: journal, then audit ({@code device-unpaired}). */
    public synchronized void unpair(String user, Traveller traveller, PatientKey patient, Instant now)
            throws IOException {
        Event e = new Event("unpairing-" + java.util.UUID.randomUUID(), traveller, false, patient, now, user);
        append(e);
        audit.record("device-unpaired", fields(e));
    }

    /** Grows with every pairing and unpairing: a reader that held readings looks again when it changes. */
    public long version() {
        return version.get();
    }

    private void append(Event e) throws IOException {
        lines.append(write(e));
        events.add(e);
        version.incrementAndGet();
    }

    private static Map<String, Object> fields(Event e) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("user", e.user());
        f.put(e.traveller().kind(), e.traveller().label());
        f.put("mrn", e.patient().mrn());
        f.put("authority", e.patient().authority());
        f.put("at", e.at());
        f.put("pairing", e.id());
        return f;
    }

    static ObjectNode write(Event e) {
        ObjectNode o = JsonLines.JSON.createObjectNode();
        o.put("v", 1);
        o.put("id", e.id());
        o.put("kind", e.traveller().kind());
        o.put("label", e.traveller().label());
        o.put("paired", e.paired());
        o.putObject("patient")
                .put("authority", e.patient().authority())
                .put("mrn", e.patient().mrn());
        o.put("at", e.at().toString());
        o.put("user", e.user());
        return o;
    }

    static Event read(ObjectNode o) {
        String label = o.get("label").asText();
        Traveller t = switch (o.get("kind").asText()) {
            case "device" -> new Traveller.Device(label);
            case "pump" -> new Traveller.Pump(label);
            default -> throw new IllegalArgumentException("not a kind of traveller: " + o.get("kind"));
        };
        return new Event(
                o.get("id").asText(),
                t,
                o.get("paired").asBoolean(),
                new PatientKey(
                        o.get("patient").get("authority").asText(),
                        o.get("patient").get("mrn").asText()),
                Instant.parse(o.get("at").asText()),
                o.get("user").asText());
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
