package org.bedside.buffer.chronicle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.format.MalformedRecordException;
import org.bedside.buffer.format.ReadingRecordFormat;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * The store on Chronicle Queue: one record per frame in daily files under {@code <dir>/queue}, cursor positions in
 * {@code <dir>/cursors}. Records are written in {@link ReadingRecordFormat} as raw bytes; Chronicle's method writers
 * are not used (they compile proxies at run time, which fails under Quarkus's class loaders).
 *
 * <p>Chronicle on JDK 17 needs the {@code --add-opens}/{@code --add-exports} flags listed in the root pom; without
 * access to {@code sun.nio.ch} the queue opens read-only without an error. The appender is therefore acquired, and a
 * write is checked, when the store opens, so that a misconfigured JVM fails at start rather than at the first reading.
 */
public final class ChronicleReadingStore implements ReadingStore {
    private final Path directory;
    private final SingleChronicleQueue queue;
    private final Path cursorDirectory;
    private final Object appendLock = new Object();
    private final ExcerptAppender appender;
    private final ReadingRecordFormat.Encoder encoder = new ReadingRecordFormat.Encoder();
    private volatile boolean closed;

    private ChronicleReadingStore(Path directory, SingleChronicleQueue queue, Path cursorDirectory) {
        this.directory = directory;
        this.queue = queue;
        this.cursorDirectory = cursorDirectory;
        this.appender = queue.createAppender();
        // One appender serves every device thread, behind appendLock.
        this.appender.singleThreadedCheckDisabled(true);
    }

    /**
     * Opens (or creates) the store in {@code directory}.
     *
     * @throws StoreException if the directory cannot be used or the queue cannot be written
     */
    public static ChronicleReadingStore open(Path directory) throws StoreException {
        System.setProperty("chronicle.analytics.disable", "true");
        Path queueDirectory = directory.resolve("queue");
        Path cursorDirectory = directory.resolve("cursors");
        try {
            Files.createDirectories(queueDirectory);
            Files.createDirectories(cursorDirectory);
        } catch (IOException e) {
            throw new StoreException("cannot create the buffer directory " + directory + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(queueDirectory)) {
            throw new StoreException("the buffer directory " + queueDirectory + " is not writable by this user");
        }
        SingleChronicleQueue queue;
        try {
            queue = SingleChronicleQueueBuilder.binary(queueDirectory)
                    .rollCycle(RollCycles.FAST_DAILY)
                    .build();
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the buffer queue in " + queueDirectory + ": " + e.getMessage(), e);
        }
        if (isReadOnly(queue)) {
            queue.close();
            throw new StoreException("the buffer queue in " + queueDirectory + " opened read-only: the JVM lacks the"
                    + " flags Chronicle Queue needs (--add-opens java.base/sun.nio.ch=ALL-UNNAMED and the rest of the"
                    + " list in the root pom.xml)");
        }
        try {
            return new ChronicleReadingStore(directory, queue, cursorDirectory);
        } catch (RuntimeException e) {
            queue.close();
            throw new StoreException(
                    "cannot write to the buffer queue in " + queueDirectory + ": " + e.getMessage(), e);
        }
    }

    private static boolean isReadOnly(SingleChronicleQueue queue) {
        try {
            var method = SingleChronicleQueue.class.getDeclaredMethod("isReadOnly");
            method.setAccessible(true);
            return (boolean) method.invoke(queue);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public long append(List<? extends Reading> readings) throws StoreException {
        synchronized (appendLock) {
            ensureOpen();
            int length = encoder.encode(readings);
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> bytes = dc.wire().bytes();
                bytes.write(encoder.array(), 0, length);
            } catch (RuntimeException e) {
                throw new StoreException("cannot append to the buffer in " + directory + ": " + e.getMessage(), e);
            }
            return appender.lastIndexAppended();
        }
    }

    @Override
    public ReadingCursor cursor(String name) throws StoreException {
        ensureOpen();
        return new ChronicleCursor(name, CursorFile.open(cursorDirectory, name));
    }

    @Override
    public long pendingRecords(String cursorName) throws StoreException {
        long committed = CursorFile.open(cursorDirectory, cursorName).committed();
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (committed == NONE) {
                tailer.toStart();
            } else if (!tailer.moveToIndex(committed)) {
                return countFrom(tailer.toStart());
            } else {
                skipOne(tailer);
            }
            return countFrom(tailer);
        }
    }

    private static long countFrom(ExcerptTailer tailer) {
        long n = 0;
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return n;
                }
                n++;
            }
        }
    }

    private static void skipOne(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            // positioned at the committed record: read past it
        }
    }

    @Override
    public Optional<Instant> oldestPending(String cursorName) throws StoreException {
        long committed = CursorFile.open(cursorDirectory, cursorName).committed();
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (committed == NONE || !tailer.moveToIndex(committed)) {
                tailer.toStart();
            } else {
                skipOne(tailer);
            }
            while (true) {
                StoredRecord record = read(tailer);
                if (record == null) {
                    return Optional.empty();
                }
                if (record.isReadable()) {
                    return record.readings().stream().map(Reading::receivedAt).min(Instant::compareTo);
                }
            }
        }
    }

    @Override
    public List<StoredRecord> readAll() throws StoreException {
        ensureOpen();
        List<StoredRecord> all = new ArrayList<>();
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            for (StoredRecord r = read(tailer); r != null; r = read(tailer)) {
                all.add(r);
            }
        }
        return all;
    }

    static @Nullable StoredRecord read(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            long index = dc.index();
            Bytes<?> bytes = dc.wire().bytes();
            byte[] raw = new byte[(int) bytes.readRemaining()];
            bytes.read(raw);
            try {
                ReadingRecordFormat.Record record = ReadingRecordFormat.decode(ByteBuffer.wrap(raw));
                return new StoredRecord(index, record.readings(), null);
            } catch (MalformedRecordException e) {
                return new StoredRecord(index, List.of(), e.getMessage());
            }
        }
    }

    private void ensureOpen() throws StoreException {
        if (closed) {
            throw new StoreException("the buffer in " + directory + " is closed");
        }
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            if (!closed) {
                closed = true;
                appender.close();
                queue.close();
            }
        }
    }

    private final class ChronicleCursor implements ReadingCursor {
        private final String name;
        private final CursorFile file;
        private final ExcerptTailer tailer;

        ChronicleCursor(String name, CursorFile file) throws StoreException {
            this.name = name;
            this.file = file;
            this.tailer = queue.createTailer();
            this.tailer.singleThreadedCheckDisabled(true);
            rewind();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public @Nullable StoredRecord next() throws StoreException {
            ensureOpen();
            try {
                return read(tailer);
            } catch (RuntimeException e) {
                throw new StoreException("cannot read the buffer for cursor " + name + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void commit(long position) throws StoreException {
            file.commit(position);
        }

        @Override
        public void rewind() throws StoreException {
            long committed = file.committed();
            if (committed == NONE) {
                tailer.toStart();
            } else if (tailer.moveToIndex(committed)) {
                skipOne(tailer);
            } else {
                throw new StoreException("cursor " + name + " is at position " + committed
                        + ", which is not in the buffer (were queue files removed?)");
            }
        }

        @Override
        public long committedPosition() {
            return file.committed();
        }

        @Override
        public void close() {
            tailer.close();
        }
    }
}
