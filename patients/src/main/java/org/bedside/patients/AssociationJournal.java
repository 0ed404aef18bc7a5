package org.bedside.patients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bedside.hl7.adt.AdtTrigger;
import org.jspecify.annotations.Nullable;

/**
 * The durable record of the ADT events the association rests on: {@code <data-dir>/patients/adt-events.jsonl}, one
 * event a line, forced to the disk before the message is acknowledged. Replayed at start, so a restart (or a kill right
 * after an acknowledgement) keeps every association. This is patient data (MRNs), kept with the data, not in logs.
 */
public final class AssociationJournal implements AutoCloseable {
    private final JsonLines lines;

    public AssociationJournal(Path file) throws IOException {
        this.lines = new JsonLines(file);
    }

    private int unreadable;

    public List<AssociationEvent> load() throws IOException {
        List<AssociationEvent> events = new ArrayList<>();
        int damaged = 0;
        for (ObjectNode o : lines.readAll()) {
            try {
                events.add(read(o));
            } catch (RuntimeException e) {
                damaged++; // damaged inside, or of a later format
            }
        }
        unreadable = damaged + lines.skippedLines();
        return events;
    }

    /** Lines the last {@link #load} could not read (torn by a power cut, or damaged). */
    public int unreadable() {
        return unreadable;
    }

    public void append(AssociationEvent e) throws IOException {
        lines.append(write(e));
    }

    static ObjectNode write(AssociationEvent e) {
        ObjectNode o = JsonLines.JSON.createObjectNode();
        o.put("v", 1);
        o.put("sender", e.sender());
        o.put("controlId", e.controlId());
        o.put("trigger", e.trigger().name());
        o.put("at", e.at().toString());
        o.put("receivedAt", e.receivedAt().toString());
        patient(o, "patient", e.patient());
        location(o, "location", e.location());
        location(o, "priorLocation", e.priorLocation());
        patient(o, "other", e.other());
        location(o, "otherLocation", e.otherLocation());
        return o;
    }

    static AssociationEvent read(ObjectNode o) {
        PatientKey patient = patient(o.get("patient"));
        if (patient == null) {
            throw new IllegalArgumentException("no patient");
        }
        return new AssociationEvent(
                o.get("sender").asText(),
                o.get("controlId").asText(),
                AdtTrigger.valueOf(o.get("trigger").asText()),
                Instant.parse(o.get("at").asText()),
                Instant.parse(o.get("receivedAt").asText()),
                patient,
                location(o.get("location")),
                location(o.get("priorLocation")),
                patient(o.get("other")),
                location(o.get("otherLocation")));
    }

    private static void patient(ObjectNode o, String name, @Nullable PatientKey p) {
        if (p != null) {
            o.putObject(name).put("authority", p.authority()).put("mrn", p.mrn());
        }
    }

    private static @Nullable PatientKey patient(@Nullable JsonNode n) {
        return n == null || n.isNull()
                ? null
                : new PatientKey(n.get("authority").asText(), n.get("mrn").asText());
    }

    private static void location(ObjectNode o, String name, @Nullable BedLocation l) {
        if (l != null) {
            o.put(name, l.toString());
        }
    }

    private static @Nullable BedLocation location(@Nullable JsonNode n) {
        return n == null || n.isNull() ? null : BedLocation.parse(n.asText());
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
