package org.bedside.buffer.chronicle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.format.MalformedRecordException;
import org.bedside.buffer.format.ReadingRecordFormat;

/**
 * After an unclean shutdown (a crash, SIGKILL, a power cut), copies every complete record of a generation into a new
 * one, in order, and moves each cursor to the copy of the last record it had committed.
 *
 * <p>Why: after a power cut the tail of a cycle file can be truncated or zero-filled while Chronicle's own index and
 * header still describe the lost records. Chronicle then opens the queue, but new appends land beyond the hole where no
 * tailer finds them (seen in tests: every record appended after such a tear was invisible). Copying what can be read
 * into a fresh queue gives a queue whose every record is readable and where appends are seen; records that are torn
 * (a header without its bytes, bytes that do not decode) are counted and left out. A process crash tears nothing, and
 * the copy is then the same records; it costs about a second per million records.
 */
final class Salvage {
    /** What a salvage found. */
    record Result(long copied, long dropped) {}

    private Salvage() {}

    static boolean hasData(Path generation) throws IOException {
        Path queue = generation.resolve("queue");
        if (!Files.isDirectory(queue)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue, "*.cq4")) {
            return files.iterator().hasNext();
        }
    }

    static Result copy(Path from, Path to) throws StoreException {
        Positions positions = new Positions();
        long dropped = 0;
        try {
            Files.createDirectories(to.resolve("queue"));
            Files.createDirectories(to.resolve("cursors"));
        } catch (IOException e) {
            throw new StoreException("cannot create " + to + ": " + e.getMessage(), e);
        }
        try (SingleChronicleQueue source = SingleChronicleQueueBuilder.binary(from.resolve("queue"))
                        .rollCycle(RollCycles.FAST_DAILY)
                        .readOnly(true)
                        .timeoutMS(500)
                        .build();
                SingleChronicleQueue target = SingleChronicleQueueBuilder.binary(to.resolve("queue"))
                        .rollCycle(RollCycles.FAST_DAILY)
                        .build();
                ExcerptTailer tailer = source.createTailer();
                ExcerptAppender appender = target.createAppender()) {
            tailer.toStart();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    long oldIndex = dc.index();
                    Bytes<?> bytes = dc.wire().bytes();
                    byte[] raw = new byte[(int) bytes.readRemaining()];
                    bytes.read(raw);
                    try {
                        ReadingRecordFormat.decode(ByteBuffer.wrap(raw));
                    } catch (MalformedRecordException e) {
                        dropped++;
                        continue;
                    }
                    try (DocumentContext out = appender.writingDocument()) {
                        out.wire().bytes().write(raw);
                    }
                    positions.add(oldIndex, appender.lastIndexAppended());
                }
            }
        } catch (RuntimeException e) {
            throw new StoreException("cannot salvage the buffer in " + from + ": " + e.getMessage(), e);
        }
        moveCursors(from.resolve("cursors"), to.resolve("cursors"), positions);
        try {
            Generations.forceTree(to);
        } catch (IOException e) {
            throw new StoreException("cannot force the salvaged buffer to disk in " + to + ": " + e.getMessage(), e);
        }
        return new Result(positions.size, dropped);
    }

    private static void moveCursors(Path from, Path to, Positions positions) throws StoreException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, "*.position")) {
            for (Path f : files) {
                String name = f.getFileName().toString().replace(".position", "");
                long committed = CursorFile.open(from, name).committed();
                long moved = positions.newPositionOf(committed);
                if (moved != ReadingStore.NONE) {
                    CursorFile.open(to, name).commit(moved);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot move the cursors from " + from + ": " + e.getMessage(), e);
        }
    }

    /** Old and new positions of the copied records, both ascending. */
    private static final class Positions {
        long[] old = new long[1024];
        long[] copy = new long[1024];
        int size;

        void add(long oldIndex, long newIndex) {
            if (size == old.length) {
                old = Arrays.copyOf(old, size * 2);
                copy = Arrays.copyOf(copy, size * 2);
            }
            old[size] = oldIndex;
            copy[size] = newIndex;
            size++;
        }

        /** The copy of the last record at or before {@code committed}; NONE when there is none. */
        long newPositionOf(long committed) {
            if (committed == ReadingStore.NONE) {
                return ReadingStore.NONE;
            }
            int i = Arrays.binarySearch(old, 0, size, committed);
            if (i >= 0) {
                return copy[i];
            }
            int before = -i - 2;
            return before < 0 ? ReadingStore.NONE : copy[before];
        }
    }
}
