package org.bedside.patients;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.jspecify.annotations.Nullable;

/**
 * Readings of a bed taken while no patient was associated, released for charting to one patient by an explicit
 * confirmation (docs/patients.md, "Release of held readings"): {@code <data-dir>/patients/releases.jsonl}, one line a
 * release and one a destination that has charted it, each forced to the disk before the caller goes on. Replayed at
 * start, so a release survives a restart, and so does what is left of charting it. Thread-safe.
 *
 * <p>A release applies only where the bed had nobody: {@link #patientAt} is asked for a reading the bed's timeline gave
 * to no patient, and only while the association the release was made for (the same patient in the bed at {@link
 * Release#until}) is still in the timeline. A cancelled admission (A11) thereby withdraws its releases too.
 */
public final class Releases implements AutoCloseable {

    /**
     * One release.
     *
     * @param id a short name ({@code r1}, {@code r2}): the replays' cursors are named after it
     * @param from the first reading time released (inclusive)
     * @param until the end of what is released (exclusive): at most the time the patient's association began
     * @param user who confirmed it
     * @param at when it was confirmed
     */
    public record Release(
            String id, BedLocation bed, PatientKey patient, Instant from, Instant until, String user, Instant at) {

        public boolean covers(BedLocation b, Instant time) {
            return bed.equals(b) && !time.isBefore(from) && time.isBefore(until);
        }

        /**
         * The short name that ends the identifiers of what this release charted, as {@link Withdrawal#association}
         * names an association's: no patient data in clear.
         */
        public String key() {
            return Withdrawal.shortHash(
                    bed + "|" + patient.authority() + "|" + patient.mrn() + "|release|" + from + "|" + until);
        }
    }

    private final JsonLines lines;
    private final AuditLog audit;
    private final List<Release> releases = new ArrayList<>();
    private final Set<String> replayed = new HashSet<>();
    private final AtomicLong version = new AtomicLong();

    private Releases(JsonLines lines, AuditLog audit) {
        this.lines = lines;
        this.audit = audit;
    }

    /** Opens {@code file} and reads the releases in it; unreadable lines are skipped (and were never confirmed). */
    public static Releases open(Path file, AuditLog audit) throws IOException {
        Releases r = new Releases(new JsonLines(file), audit);
        for (ObjectNode o : r.lines.readAll()) {
            try {
                if ("replayed".equals(o.path("kind").asText())) {
                    r.replayed.add(
                            o.get("id").asText() + "|" + o.get("destination").asText());
                } else {
                    r.releases.add(new Release(
                            o.get("id").asText(),
                            BedLocation.parse(o.get("bed").asText()),
                            new PatientKey(
                                    o.get("authority").asText(), o.get("mrn").asText()),
                            Instant.parse(o.get("from").asText()),
                            Instant.parse(o.get("until").asText()),
                            o.get("user").asText(),
                            Instant.parse(o.get("at").asText())));
                }
            } catch (RuntimeException e) {
                // damaged inside, or of a later format: not applied
            }
        }
        return r;
    }

    /**
     * Records a release, durably and audited ({@code readings-released}), before it has any effect.
     *
     * @throws IOException if it could not be written: nothing is released
     */
    public synchronized Release release(
            BedLocation bed, PatientKey patient, Instant from, Instant until, String user, Instant at)
            throws IOException {
        if (!from.isBefore(until)) {
            throw new IllegalArgumentException("a release needs from before until: " + from + ", " + until);
        }
        Release r = new Release("r" + (releases.size() + 1), bed, patient, from, until, user, at);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("release", r.id());
        f.put("bed", bed);
        f.put("mrn", patient.mrn());
        f.put("authority", patient.authority());
        f.put("from", from);
        f.put("until", until);
        f.put("user", user);
        audit.record("readings-released", f);
        ObjectNode o = JsonLines.JSON.createObjectNode();
        o.put("v", 1);
        o.put("kind", "release");
        o.put("id", r.id());
        o.put("bed", bed.toString());
        o.put("authority", patient.authority());
        o.put("mrn", patient.mrn());
        o.put("from", from.toString());
        o.put("until", until.toString());
        o.put("user", user);
        o.put("at", at.toString());
        lines.append(o);
        releases.add(r);
        version.incrementAndGet();
        return r;
    }

    /** Records that {@code destination} has charted everything of release {@code id} (its replay is done). */
    public synchronized void replayed(String id, String destination) throws IOException {
        if (!replayed.add(id + "|" + destination)) {
            return;
        }
        ObjectNode o = JsonLines.JSON.createObjectNode();
        o.put("v", 1);
        o.put("kind", "replayed");
        o.put("id", id);
        o.put("destination", destination);
        lines.append(o);
        audit.record("release-charted", Map.of("release", id, "destination", destination));
    }

    public synchronized boolean isReplayed(String id, String destination) {
        return replayed.contains(id + "|" + destination);
    }

    public synchronized List<Release> all() {
        return List.copyOf(releases);
    }

    /**
     * The release that gives a reading of {@code bed} taken at {@code time} to a patient, if the bed's timeline (which
     * gave it to nobody) still holds that patient in the bed when the release ends.
     */
    public synchronized @Nullable Release patientAt(BedLocation bed, Instant time, BedTimeline timeline) {
        for (Release r : releases) {
            if (r.covers(bed, time)
                    && timeline.occupantsAt(time).isEmpty()
                    && timeline.occupantsAt(r.until()).stream()
                            .anyMatch(o -> o.patient().equals(r.patient()))) {
                return r;
            }
        }
        return null;
    }

    /** Grows with every release: held readings are looked at again. */
    public long version() {
        return version.get();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
