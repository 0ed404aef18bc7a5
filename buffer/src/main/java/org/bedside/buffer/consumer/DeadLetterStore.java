package org.bedside.buffer.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bedside.buffer.DiskSync;

/**
 * What a consumer could not deliver, kept so that the line behind it keeps moving and nothing is lost: one JSON file
 * each in the consumer's directory ({@code <data-dir>/dead-letters/<consumer>}), with the destination's reason (or the
 * error that kept recurring) and the payload that would deliver it. A person lists, reads and retries them ({@code
 * bedside dead-letters}); a retried one that the destination accepts moves to {@code retried/}.
 *
 * <p>Files are written through {@code java.io} streams and renamed into place: a consumer being stopped is interrupted,
 * and an interrupt closes an NIO channel mid-write, which would lose the letter.
 */
public final class DeadLetterStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[0-9]{17}-[0-9a-f]{8}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);

    /**
     * One dead letter.
     *
     * @param status the destination's code (an HTTP status), 0 for an error of the gateway's own
     * @param payload JSON that would deliver it (for the FHIR uplink, a transaction Bundle)
     */
    public record DeadLetter(
            String id,
            String identifier,
            String device,
            int status,
            String reason,
            Instant rejectedAt,
            String payload) {}

    private final Path directory;

    public DeadLetterStore(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory.resolve("retried"));
    }

    public Path directory() {
        return directory;
    }

    /**
     * Keeps a letter, durably: when this returns, the file is on disk.
     *
     * @param payloadJson must be JSON
     */
    public synchronized DeadLetter add(
            String identifier, String device, int status, String reason, Instant at, String payloadJson)
            throws IOException {
        String id = STAMP.format(at) + "-" + String.format(Locale.ROOT, "%08x", identifier.hashCode());
        ObjectNode node = JSON.createObjectNode()
                .put("id", id)
                .put("identifier", identifier)
                .put("device", device)
                .put("status", status)
                .put("reason", reason)
                .put("rejectedAt", at.toString());
        node.set("payload", JSON.readTree(payloadJson));
        Path tmp = directory.resolve(id + ".json.tmp");
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            out.getFD().sync();
        }
        Path file = directory.resolve(id + ".json");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DiskSync.forceDirectory(directory);
        // not read back: reading goes through a channel, which an interrupt would close
        return new DeadLetter(
                id, identifier, device, status, reason, at, JSON.writeValueAsString(node.path("payload")));
    }

    /** The dead letters not yet retried successfully, oldest first. */
    public synchronized List<DeadLetter> list() throws IOException {
        List<DeadLetter> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path f : files) {
                out.add(read(f));
            }
        }
        out.sort(Comparator.comparing(DeadLetter::id));
        return out;
    }

    /** How many wait; -1 if the directory cannot be read. */
    public synchronized long count() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            long n = 0;
            for (Path ignored : files) {
                n++;
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    public synchronized Optional<DeadLetter> get(String id) throws IOException {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path f = directory.resolve(id + ".json");
        return Files.exists(f) ? Optional.of(read(f)) : Optional.empty();
    }

    /** After the destination accepted it: kept for the record under {@code retried/}, out of the list. */
    public synchronized void markRetried(String id) throws IOException {
        Files.move(
                directory.resolve(id + ".json"),
                directory.resolve("retried").resolve(id + ".json"),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static DeadLetter read(Path f) throws IOException {
        JsonNode n = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
        // "bundle": letters written by the FHIR uplink before dead letters were a consumer's
        JsonNode payload = n.has("payload") ? n.path("payload") : n.path("bundle");
        return new DeadLetter(
                n.path("id").asText(),
                n.path("identifier").asText(),
                n.path("device").asText(),
                n.path("status").asInt(),
                n.path("reason").asText(),
                Instant.parse(n.path("rejectedAt").asText()),
                JSON.writeValueAsString(payload));
    }
}
