package org.bedside.buffer.guard;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much room the buffer's file system has. Tests inject their own; the gateway asks the file system. */
public interface FreeSpace {

    /** Bytes this process may still write. */
    long usableBytes() throws IOException;

    /** The file system's size in bytes. */
    long totalBytes() throws IOException;

    static FreeSpace of(Path directory) throws IOException {
        FileStore store = Files.getFileStore(directory);
        return new FreeSpace() {
            @Override
            public long usableBytes() throws IOException {
                return store.getUsableSpace();
            }

            @Override
            public long totalBytes() throws IOException {
                return store.getTotalSpace();
            }

            @Override
            public String toString() {
                return store.toString();
            }
        };
    }
}
