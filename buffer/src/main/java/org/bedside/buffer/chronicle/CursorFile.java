package org.bedside.buffer.chronicle;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;

/**
 * A cursor's committed position, one small text file per cursor ({@code cursors/uplink.position}), replaced atomically
 * (write a temporary file, rename it over the old one; forced to disk with the store's sync interval). A person can read it; a crash leaves either the
 * old position or the new one, never half of one.
 */
final class CursorFile {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final Path file;
    private volatile long committed;
    private boolean dirty;

    private CursorFile(Path file, long committed) {
        this.file = file;
        this.committed = committed;
    }

    static CursorFile open(Path directory, String name) throws StoreException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("cursor names are lower-case letters, digits and '-': " + name);
        }
        Path file = directory.resolve(name + ".position");
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return new CursorFile(file, Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return new CursorFile(file, ReadingStore.NONE);
        } catch (IOException | NumberFormatException e) {
            throw new StoreException("cannot read cursor position " + file + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return file;
    }

    long committed() {
        return committed;
    }

    /**
     * Replaces the position atomically. {@code force} also waits for the disk; without it a power cut may lose the
     * newest position (the store forces cursor files with its sync interval), and the consumer then replays what it
     * had already acknowledged, which conditional creates make harmless.
     */
    synchronized void commit(long position, boolean force) throws StoreException {
        if (position < committed) {
            throw new IllegalArgumentException(
                    "cursor " + file.getFileName() + " cannot move back from " + committed + " to " + position);
        }
        if (position == committed) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // java.io rather than a FileChannel: a channel closes itself when the thread is interrupted (a consumer being
        // stopped), and the acknowledged position would not be written.
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write((position + "\n").getBytes(StandardCharsets.US_ASCII));
            if (force) {
                out.getFD().sync();
            }
        } catch (IOException e) {
            throw new StoreException("cannot write cursor position " + tmp + ": " + e.getMessage(), e);
        }
        try {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StoreException("cannot replace cursor position " + file + ": " + e.getMessage(), e);
        }
        committed = position;
        dirty = !force;
        if (force) {
            Generations.forceDirectory(file.getParent());
        }
    }

    /** Commits with the disk waited for; used by the salvage, which must not lose positions. */
    void commit(long position) throws StoreException {
        commit(position, true);
    }

    /** Forces the last position to the disk if it was written without. */
    synchronized void force() {
        if (dirty) {
            try {
                Generations.force(file);
                Generations.forceDirectory(file.getParent());
                dirty = false;
            } catch (IOException e) {
                // tried again at the next sync
            }
        }
    }
}
