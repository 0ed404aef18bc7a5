package org.bedside.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Observations the FHIR server refused one by one (a 4xx for that entry alone), kept so that the line behind them keeps
 * moving and nothing is lost: one JSON file each in {@code <data-dir>/dead-letters}, with the server's reason and the
 * transaction Bundle that would chart it (its Device and the Observation). A person lists, reads and retries them
 * ({@code bedside dead-letters}); a retried one that the server accepts moves to {@code retried/}.
 */
public final class DeadLetterStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[0-9]{17}-[0-9a-f]{8}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);

    /** One refused Observation. */
    public record DeadLetter(
            String id,
            String identifier,
            String device,
            int status,
            String reason,
            Instant rejectedAt,
            String bundle) {}

    private final Path directory;

    public DeadLetterStore(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory.resolve("retried"));
    }

    public Path directory() {
        return directory;
    }

    synchronized DeadLetter add(
            String identifier, String device, int status, String reason, Instant at, String bundleJson)
            throws IOException {
        String id = STAMP.format(at) + "-" + String.format(Locale.ROOT, "%08x", identifier.hashCode());
        ObjectNode node = JSON.createObjectNode()
                .put("id", id)
                .put("identifier", identifier)
                .put("device", device)
                .put("status", status)
                .put("reason", reason)
                .put("rejectedAt", at.toString());
        node.set("bundle", JSON.readTree(bundleJson));
        Path tmp = directory.resolve(id + ".json.tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node)));
            ch.force(true);
        }
        Files.move(tmp, directory.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
        return read(directory.resolve(id + ".json"));
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

    /** After the server accepted it: kept for the record under {@code retried/}, out of the list. */
    synchronized void markRetried(String id) throws IOException {
        Files.move(
                directory.resolve(id + ".json"),
                directory.resolve("retried").resolve(id + ".json"),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static DeadLetter read(Path f) throws IOException {
        JsonNode n = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
        return new DeadLetter(
                n.path("id").asText(),
                n.path("identifier").asText(),
                n.path("device").asText(),
                n.path("status").asInt(),
                n.path("reason").asText(),
                Instant.parse(n.path("rejectedAt").asText()),
                JSON.writeValueAsString(n.path("bundle")));
    }
}
