package org.bedside.patients;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only file of JSON objects, one a line, each forced to the disk before {@link #append} returns. A line torn
 * by a crash or a power cut (no final newline, or not JSON) was never acknowledged: it is skipped when read and cut off
 * before the next append, so that it cannot glue itself to the next line.
 */
final class JsonLines implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private int skippedLines;

    JsonLines(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        cutTornTail();
    }

    /** Everything written so far, in order; torn or unreadable lines are skipped and counted. */
    synchronized List<ObjectNode> readAll() throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        skippedLines = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                if (JSON.readTree(line) instanceof ObjectNode o) {
                    out.add(o);
                } else {
                    skippedLines++;
                }
            } catch (IOException e) {
                skippedLines++;
            }
        }
        return out;
    }

    int skippedLines() {
        return skippedLines;
    }

    /** Appends one line and forces it to the disk. */
    synchronized void append(ObjectNode line) throws IOException {
        byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long at = channel.size();
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
        channel.force(false);
    }

    /** Drops a last line without its newline: its writer never returned. */
    private void cutTornTail() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        long end = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (end > 0) {
            one.clear();
            channel.read(one, end - 1);
            if (one.get(0) == '\n') {
                break;
            }
            end--;
        }
        if (end < size) {
            channel.truncate(end);
            channel.force(false);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
