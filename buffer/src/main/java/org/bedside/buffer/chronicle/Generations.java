package org.bedside.buffer.chronicle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bedside.buffer.DiskSync;

/**
 * The buffer directory's layout: generations of a queue and its cursors, and which one is current.
 *
 * <pre>
 * buffer/CURRENT           "gen-3", replaced atomically
 * buffer/gen-3/queue/      Chronicle cycle files
 * buffer/gen-3/cursors/    one position file per cursor
 * buffer/gen-3/clean       present only while the store is closed after a clean close
 * </pre>
 *
 * A new generation is written beside the current one (after an unclean shutdown, by {@link Salvage}) and becomes
 * current by one atomic rename of {@code CURRENT}; a crash at any point leaves a complete generation current, and the
 * leftovers are deleted at the next open.
 */
final class Generations {
    static final String CURRENT = "CURRENT";
    static final String CLEAN = "clean";

    private Generations() {}

    static String current(Path buffer) throws IOException {
        try {
            String name = Files.readString(buffer.resolve(CURRENT), StandardCharsets.US_ASCII)
                    .trim();
            if (!name.matches("gen-\\d{1,9}")) {
                throw new IOException("unexpected content in " + buffer.resolve(CURRENT) + ": '" + name + "'");
            }
            return name;
        } catch (NoSuchFileException e) {
            makeCurrent(buffer, "gen-1");
            return "gen-1";
        }
    }

    static String next(String generation) {
        return "gen-" + (Integer.parseInt(generation.substring(4)) + 1);
    }

    static void makeCurrent(Path buffer, String generation) throws IOException {
        Files.createDirectories(buffer.resolve(generation));
        Path tmp = buffer.resolve(CURRENT + ".tmp");
        // java.io, not Files.writeString (an NIO channel): see DiskSync
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(tmp.toFile())) {
            out.write((generation + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        force(tmp);
        Files.move(tmp, buffer.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(buffer);
    }

    /** Deletes every generation but the current one: what an interrupted or finished salvage left. */
    static void deleteOthers(Path buffer, String current) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(buffer, "gen-*")) {
            for (Path p : entries) {
                if (!p.getFileName().toString().equals(current)) {
                    deleteTree(p);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Interrupt-safe: see {@link DiskSync}. */
    static void force(Path file) throws IOException {
        DiskSync.force(file);
    }

    static void forceDirectory(Path dir) {
        DiskSync.forceDirectory(dir);
    }

    static void forceTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (Files.isRegularFile(p)) {
                    force(p);
                } else {
                    forceDirectory(p);
                }
            }
        }
    }
}
