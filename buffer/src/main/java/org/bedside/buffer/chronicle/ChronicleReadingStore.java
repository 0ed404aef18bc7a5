package org.bedside.buffer.chronicle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.bedside.buffer.ClockCheck;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoreOptions;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.format.MalformedRecordException;
import org.bedside.buffer.format.ReadingRecordFormat;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleReadingStore.class);

    private final Path directory;
    private final Path generation;
    private final SingleChronicleQueue queue;
    private final Path cursorDirectory;
    private final StoreOptions options;
    private volatile ClockCheck clockCheck = ClockCheck.TRUSTED;
    private final Object appendLock = new Object();
    private final ExcerptAppender appender;
    private final ReadingRecordFormat.Encoder encoder = new ReadingRecordFormat.Encoder();
    private final @Nullable ScheduledExecutorService maintenance;
    private final Salvage.@Nullable Result salvaged;
    private volatile boolean unsynced;
    private volatile long deletedCycleFiles;
    private volatile boolean closed;

    private ChronicleReadingStore(
            Path directory,
            Path generation,
            SingleChronicleQueue queue,
            StoreOptions options,
            Salvage.@Nullable Result salvaged) {
        this.directory = directory;
        this.generation = generation;
        this.queue = queue;
        this.cursorDirectory = generation.resolve("cursors");
        this.options = options;
        this.salvaged = salvaged;
        this.appender = queue.createAppender();
        // One appender serves every device thread, behind appendLock.
        this.appender.singleThreadedCheckDisabled(true);
        ScheduledExecutorService m = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "buffer-maintenance");
            t.setDaemon(true);
            return t;
        });
        if (!options.syncInterval().isZero()) {
            long ms = Math.max(1, options.syncInterval().toMillis());
            m.scheduleWithFixedDelay(this::syncQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
        long retention = options.retentionCheck().toMillis();
        m.scheduleWithFixedDelay(this::deleteAcknowledgedQuietly, retention, retention, TimeUnit.MILLISECONDS);
        this.maintenance = m;
    }

    /** Opens (or creates) the store in {@code directory} with the default options. */
    public static ChronicleReadingStore open(Path directory) throws StoreException {
        return open(directory, StoreOptions.DEFAULT);
    }

    /**
     * Opens (or creates) the store in {@code directory}. After an unclean shutdown the current generation is first
     * salvaged (see {@link Salvage}): every complete record is kept, torn ones are counted and dropped.
     *
     * @throws StoreException if the directory cannot be used or the queue cannot be written
     */
    public static ChronicleReadingStore open(Path directory, StoreOptions options) throws StoreException {
        return open(directory, options, SystemTimeProvider.INSTANCE);
    }

    /** With a clock of the test's choosing for which daily file a record goes to. */
    static ChronicleReadingStore open(Path directory, StoreOptions options, TimeProvider clock) throws StoreException {
        return open(directory, options, clock, 0);
    }

    /**
     * @param blockSize Chronicle's mapping block in bytes, 0 for its default (64 MiB; the files are sparse). The small
     *     golden files of the upgrade test use 64 KiB.
     */
    static ChronicleReadingStore open(Path directory, StoreOptions options, TimeProvider clock, long blockSize)
            throws StoreException {
        System.setProperty("chronicle.analytics.disable", "true");
        String name;
        Salvage.Result salvaged = null;
        try {
            Files.createDirectories(directory);
            if (!Files.isWritable(directory)) {
                throw new StoreException("the buffer directory " + directory + " is not writable by this user");
            }
            name = Generations.current(directory);
            Generations.deleteOthers(directory, name);
            Path current = directory.resolve(name);
            boolean clean = Files.deleteIfExists(current.resolve(Generations.CLEAN));
            if (!clean && Salvage.hasData(current)) {
                String next = Generations.next(name);
                salvaged = Salvage.copy(current, directory.resolve(next));
                Generations.makeCurrent(directory, next);
                Generations.deleteTree(current);
                name = next;
                LOG.warn(
                        "The buffer was not closed cleanly (crash or power cut): kept {} records, dropped {} torn"
                                + " record(s)",
                        salvaged.copied(),
                        salvaged.dropped());
            }
            Files.createDirectories(directory.resolve(name).resolve("queue"));
            Files.createDirectories(directory.resolve(name).resolve("cursors"));
            Generations.forceDirectory(directory.resolve(name));
        } catch (IOException e) {
            throw new StoreException("cannot prepare the buffer directory " + directory + ": " + e.getMessage(), e);
        }
        Path generation = directory.resolve(name);
        Path queueDirectory = generation.resolve("queue");
        SingleChronicleQueue queue;
        try {
            SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(queueDirectory)
                    .rollCycle(RollCycles.FAST_DAILY)
                    .timeProvider(clock);
            if (blockSize > 0) {
                builder.blockSize(blockSize);
            }
            queue = builder.build();
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
            return new ChronicleReadingStore(directory, generation, queue, options, salvaged);
        } catch (RuntimeException e) {
            queue.close();
            throw new StoreException(
                    "cannot write to the buffer queue in " + queueDirectory + ": " + e.getMessage(), e);
        }
    }

    /** From now on, records appended while {@code check} says the wall clock is untrusted are stamped. */
    public void checkClockWith(ClockCheck check) {
        this.clockCheck = check;
    }

    /** Whether this open followed an unclean shutdown and salvaged the buffer. */
    public boolean salvagedAtOpen() {
        return salvaged != null;
    }

    /** Torn records dropped by the salvage at this open (0 after a clean shutdown). */
    public long droppedAtOpen() {
        return salvaged == null ? 0 : salvaged.dropped();
    }

    /** Cycle files deleted because every cursor had committed past them. */
    public long deletedCycleFiles() {
        return deletedCycleFiles;
    }

    /** Forces what was appended so far to the disk. */
    public void sync() {
        synchronized (appendLock) {
            if (!closed && unsynced) {
                appender.sync();
                unsynced = false;
            }
        }
    }

    private final java.util.Set<CursorFile> openCursors = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void syncQuietly() {
        try {
            openCursors.forEach(CursorFile::force);
            sync();
        } catch (RuntimeException e) {
            LOG.warn("Cannot sync the buffer in {}: {}", directory, e.getMessage());
        }
    }

    /**
     * Deletes the cycle files that lie wholly before every cursor's committed position. Without any committed cursor
     * nothing is deleted. The current cycle is never deleted.
     *
     * @return how many files were deleted
     */
    public int deleteAcknowledged() throws StoreException {
        long min = Long.MAX_VALUE;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cursorDirectory, "*.position")) {
            for (Path f : files) {
                long c = CursorFile.open(
                                cursorDirectory, f.getFileName().toString().replace(".position", ""))
                        .committed();
                if (c == NONE) {
                    return 0;
                }
                min = Math.min(min, c);
            }
        } catch (IOException e) {
            throw new StoreException("cannot list the cursors in " + cursorDirectory + ": " + e.getMessage(), e);
        }
        if (min == Long.MAX_VALUE) {
            return 0;
        }
        int keepFrom = Math.min(queue.rollCycle().toCycle(min), queue.cycle());
        int deleted = 0;
        synchronized (appendLock) {
            for (int cycle = queue.firstCycle(); cycle >= 0 && cycle < keepFrom; cycle++) {
                Path file = cycleFile(cycle);
                try {
                    if (Files.deleteIfExists(file)) {
                        deleted++;
                    }
                } catch (IOException e) {
                    throw new StoreException("cannot delete " + file + ": " + e.getMessage(), e);
                }
            }
            if (deleted > 0) {
                queue.refreshDirectoryListing();
                deletedCycleFiles += deleted;
            }
        }
        return deleted;
    }

    private Path cycleFile(int cycle) {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern(
                        queue.rollCycle().format())
                .withZone(java.time.ZoneOffset.UTC);
        String name =
                f.format(Instant.ofEpochMilli((long) cycle * queue.rollCycle().lengthInMillis()));
        return generation.resolve("queue").resolve(name + ".cq4");
    }

    private void deleteAcknowledgedQuietly() {
        try {
            int n = deleteAcknowledged();
            if (n > 0) {
                LOG.info("Deleted {} buffer file(s) that every consumer has acknowledged", n);
            }
        } catch (StoreException | RuntimeException e) {
            LOG.warn("Cannot delete acknowledged buffer files: {}", e.getMessage());
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

    private final java.util.List<Runnable> appendListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void addAppendListener(Runnable listener) {
        appendListeners.add(listener);
    }

    @Override
    public long append(List<? extends Reading> readings) throws StoreException {
        long position = appendLocked(readings);
        for (Runnable l : appendListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("An append listener failed: {}", e.toString());
            }
        }
        return position;
    }

    private long appendLocked(List<? extends Reading> readings) throws StoreException {
        synchronized (appendLock) {
            ensureOpen();
            int length = encoder.encode(readings, clockCheck.untrustedStamp());
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> bytes = dc.wire().bytes();
                bytes.write(encoder.array(), 0, length);
            } catch (RuntimeException e) {
                throw new StoreException("cannot append to the buffer in " + directory + ": " + e.getMessage(), e);
            }
            if (options.syncInterval().isZero()) {
                appender.sync();
            } else {
                unsynced = true;
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
    public ReadingCursor liveCursor() throws StoreException {
        ensureOpen();
        ExcerptTailer tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
        tailer.toEnd();
        return new ReadingCursor() {
            private long last = NONE;

            @Override
            public String name() {
                return "live";
            }

            @Override
            public @Nullable StoredRecord next() throws StoreException {
                ensureOpen();
                StoredRecord r = read(tailer);
                if (r != null) {
                    last = r.position();
                }
                return r;
            }

            @Override
            public void commit(long position) {
                // nothing to keep: a live cursor starts at the end again next time
            }

            @Override
            public void rewind() {
                if (last == NONE) {
                    tailer.toEnd();
                } else if (tailer.moveToIndex(last)) {
                    skipOne(tailer);
                }
            }

            @Override
            public long committedPosition() {
                return NONE;
            }

            @Override
            public void close() {
                tailer.close();
            }
        };
    }

    @Override
    public void forgetCursor(String name) throws StoreException {
        ensureOpen();
        Path file = CursorFile.open(cursorDirectory, name).path();
        openCursors.removeIf(c -> c.path().equals(file));
        try {
            Files.deleteIfExists(file);
            Generations.forceDirectory(cursorDirectory);
        } catch (IOException e) {
            throw new StoreException("cannot delete cursor position " + file + ": " + e.getMessage(), e);
        }
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

    @Override
    public Optional<Map<String, Long>> pendingRecordsByDevice(String cursorName) throws StoreException {
        long committed = CursorFile.open(cursorDirectory, cursorName).committed();
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (committed == NONE || !tailer.moveToIndex(committed)) {
                tailer.toStart();
            } else {
                skipOne(tailer);
            }
            Map<String, Long> byDevice = new java.util.TreeMap<>();
            while (true) {
                StoredRecord record = read(tailer);
                if (record == null) {
                    return Optional.of(byDevice);
                }
                // A record counts once for each device it carries readings of; an unreadable one for none.
                record.readings().stream()
                        .map(r -> r.device().value())
                        .distinct()
                        .forEach(d -> byDevice.merge(d, 1L, Long::sum));
            }
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
                return new StoredRecord(index, record.readings(), null, record.clock());
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

    /** Closes the store; a clean close is marked, so that the next open needs no salvage. */
    @Override
    public void close() {
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
        synchronized (appendLock) {
            if (!closed) {
                closed = true;
                openCursors.forEach(CursorFile::force);
                appender.sync();
                appender.close();
                queue.close();
                try {
                    Path clean = generation.resolve(Generations.CLEAN);
                    try (java.io.FileOutputStream out = new java.io.FileOutputStream(clean.toFile())) {
                        out.write("closed cleanly\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                    Generations.force(clean);
                    Generations.forceDirectory(generation);
                } catch (IOException e) {
                    LOG.warn("Cannot mark the buffer in {} as closed cleanly: {}", generation, e.getMessage());
                }
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
            file.commit(position, options.syncInterval().isZero());
            openCursors.add(file);
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
