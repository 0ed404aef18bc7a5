package org.bedside.drivers.capture;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.bedside.drivers.pipeline.ByteTap;
import org.jspecify.annotations.Nullable;

/**
 * Writes a capture ({@link CaptureFile}'s format) from a pipeline's tap. The file is created new with mode 0600 (it
 * holds patient data: names and numbers a monitor sends); the capture stops by itself, and says so, when the next
 * record would take the file past its size cap, or when a write fails (a full disk): the device never notices either.
 *
 * <p>Records go through a 64 KiB buffer on the device's thread: a write to it costs a copy, and the disk is written
 * when it fills or at {@link #flush}, which the owner calls from its own thread about once a second.
 */
public final class CaptureWriter implements ByteTap, AutoCloseable {
    private final Path file;
    private final long maxBytes;
    private final InstantSource clock;
    private final DataOutputStream out;
    private long bytes;
    private long reads;
    private long writes;
    private @Nullable String stopped;
    private boolean failed;

    /**
     * Creates {@code file} (it must not exist) with mode 0600 and writes the header.
     *
     * @param header the header's fields, in order (device, driver, option.KEY, port...); values are one line each
     * @param maxBytes the size cap, header included
     * @throws IOException when the file cannot be created, or not with mode 0600 (a file system without POSIX
     *     permissions)
     */
    public static CaptureWriter create(Path file, Map<String, String> header, long maxBytes, InstantSource clock)
            throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            throw new IOException(
                    "cannot create " + file + " readable by its owner only: the file system has no POSIX permissions");
        }
        DataOutputStream out = new DataOutputStream(
                new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.WRITE), 64 * 1024));
        StringBuilder text = new StringBuilder(CaptureFile.MAGIC).append('\n');
        header.forEach(
                (k, v) -> text.append(oneLine(k)).append('=').append(oneLine(v)).append('\n'));
        byte[] head = text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        try {
            out.write(head);
        } catch (IOException e) {
            out.close();
            throw e;
        }
        return new CaptureWriter(file, maxBytes, clock, out, head.length);
    }

    private CaptureWriter(Path file, long maxBytes, InstantSource clock, DataOutputStream out, long headerBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.out = out;
        this.bytes = headerBytes;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    public Path file() {
        return file;
    }

    /** The file's size so far, header included. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Read records (device to gateway) so far. */
    public synchronized long reads() {
        return reads;
    }

    /** Written records (gateway to device) so far. */
    public synchronized long writes() {
        return writes;
    }

    /** Why the capture stopped by itself ("size cap of 4096 bytes reached", "cannot write: ..."); null while it runs. */
    public synchronized @Nullable String stopped() {
        return stopped;
    }

    @Override
    public void opened(String endpoint) {
        record(CaptureFile.Kind.OPENED, ByteBuffer.wrap(endpoint.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void read(ByteBuffer b) {
        record(CaptureFile.Kind.READ, b);
    }

    @Override
    public void written(ByteBuffer b) {
        record(CaptureFile.Kind.WRITTEN, b);
    }

    @Override
    public void closed(String why) {
        record(CaptureFile.Kind.CLOSED, ByteBuffer.wrap(why.getBytes(StandardCharsets.UTF_8)));
    }

    private synchronized void record(CaptureFile.Kind kind, ByteBuffer payload) {
        if (stopped != null) {
            return;
        }
        int length = payload.remaining();
        long size = CaptureFile.RECORD_OVERHEAD + (long) length;
        if (bytes + size > maxBytes) {
            stopped = "size cap of " + maxBytes + " bytes reached";
            return;
        }
        Instant now = clock.instant();
        try {
            out.writeByte(kind.code);
            out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, now));
            out.writeInt(length);
            byte[] chunk = new byte[length];
            payload.duplicate().get(chunk);
            out.write(chunk);
        } catch (IOException e) {
            failed("cannot write " + file + ": " + e.getMessage());
            return;
        }
        bytes += size;
        if (kind == CaptureFile.Kind.READ) {
            reads++;
        } else if (kind == CaptureFile.Kind.WRITTEN) {
            writes++;
        }
    }

    /** Whether a write to the file failed (the capture then stopped; what was written before is in the file). */
    public synchronized boolean failed() {
        return failed;
    }

    private void failed(String why) {
        if (!failed) {
            failed = true;
            if (stopped == null || stopped.equals("closed")) {
                stopped = why;
            }
        }
    }

    /** Writes what is buffered to the file; a failure stops the capture and says why. */
    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            failed("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Flushes and closes the file; records after this are dropped. */
    @Override
    public synchronized void close() {
        flush();
        if (stopped == null) {
            stopped = "closed";
        }
        try {
            out.close();
        } catch (IOException e) {
            // Already reported by flush if the data did not reach the file.
        }
    }
}
