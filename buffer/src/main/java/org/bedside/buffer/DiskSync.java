package org.bedside.buffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forcing files and directories to the disk from threads that may be interrupted (a consumer or a device pipeline
 * being stopped). An NIO channel closes itself when its thread is interrupted, mid-write or mid-force, and the
 * operation is lost; a position the destination already acknowledged, a dead letter, a generation switch must not be.
 * Files are therefore forced through {@code java.io}, which interrupts do not close, and directories (which only a
 * channel can open) with the thread's interrupt flag set aside for the call and restored after it.
 */
public final class DiskSync {
    private DiskSync() {}

    /** Forces a file's content and metadata to the disk. */
    public static void force(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.getFD().sync();
        }
    }

    /**
     * Forces a directory's entries (a rename, a new file) to the disk, as far as the file system can: some cannot sync a
     * directory, and the rename is still atomic there.
     */
    public static void forceDirectory(Path directory) {
        boolean interrupted = Thread.interrupted();
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported by the file system, or interrupted again meanwhile: the rename itself is atomic
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
