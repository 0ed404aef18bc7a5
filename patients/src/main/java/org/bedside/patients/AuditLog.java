package org.bedside.patients;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The append-only local audit log, {@code <data-dir>/audit/audit.jsonl}: every association change, every ADT message
 * taken or refused, every configuration load, one JSON object a line, forced to the disk. It names patients by their
 * identifiers (MRN and assigning authority), because an auditor must be able to say who was charted what: it is data,
 * kept with the data and readable by the gateway's user only, never a log.
 */
public final class AuditLog implements AutoCloseable {
    private final JsonLines lines;
    private final InstantSource clock;
    private final Path file;
    private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

    public AuditLog(Path file, InstantSource clock) throws IOException {
        this.lines = new JsonLines(file);
        this.clock = clock;
        this.file = file;
        this.count.set(lines.readAll().size());
    }

    /** The log's file ({@code <data-dir>/audit/audit.jsonl}): its readers keep their positions beside it. */
    public Path file() {
        return file;
    }

    /** How many entries the log holds: cheap, for a reader that asks often whether there is anything new. */
    public long count() {
        return count.get();
    }

    /**
     * Writes one entry.
     *
     * @param action what happened, such as {@code association-opened}
     * @param fields its details, in order; values are written as text
     * @throws IOException if it could not be written: the caller does not go on as if it had been
     */
    public void record(String action, Map<String, ?> fields) throws IOException {
        ObjectNode o = JsonLines.JSON.createObjectNode();
        o.put("at", clock.instant().toString());
        o.put("action", action);
        fields.forEach((k, v) -> o.put(k, String.valueOf(v)));
        lines.append(o);
        count.incrementAndGet();
    }

    /** Every entry, oldest first: for tests and the status page's last changes. */
    public List<ObjectNode> entries() throws IOException {
        return lines.readAll();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
