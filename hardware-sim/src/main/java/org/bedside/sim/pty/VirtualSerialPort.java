package org.bedside.sim.pty;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A serial port that can be unplugged: a {@link PseudoTerminal} behind a stable symlink, the way udev presents a
 * USB-serial adapter under {@code /dev/serial/by-id/usb-<vendor>_<product>_<serial>-if00-port0}. The gateway is
 * configured with the symlink; the {@code /dev/pts/N} behind it changes at every replug, as {@code /dev/ttyUSBn} does.
 *
 * <ul>
 *   <li>{@link #unplug()} deletes the symlink and closes the pseudo-terminal: a gateway reading the port gets an
 *       error, and reopening the symlink fails, as when the cable is pulled.
 *   <li>{@link #replug()} opens a new pseudo-terminal and points the symlink at it, replacing it atomically (a temporary
 *       symlink renamed over the old path), so a gateway never sees a half-made link.
 *   <li>{@link #write(byte[])} never blocks: bytes that nobody reads, or that are written while unplugged, are dropped
 *       and counted.
 * </ul>
 *
 * <p>What "nobody reads" means: a real device's output is simply lost while no program has the port open, but a
 * pseudo-terminal keeps what it is sent (some 17 KB, two minutes of Masimo lines) and hands it to the next program
 * that opens it, cut where its buffer filled. So a write is dropped whole when more than {@code maxUnreadBytes} sent
 * earlier are still unread: a gateway that (re)connects sees some 30 old lines at most, never a cut one, and a
 * gateway that keeps reading loses nothing unless it stalls for longer than that.
 *
 * <p>Thread-safe: one thread may write while another unplugs.
 */
public final class VirtualSerialPort implements Closeable {
    private static final Pattern SAFE_NAME_PART = Pattern.compile("[^A-Za-z0-9._-]");

    /**
     * Some 30 Masimo lines: seconds of a stalled reader at the fastest test periods. It must stay under the 4095 bytes
     * the terminal's line discipline can count ({@link PseudoTerminal#unreadBytes()}); the real backlog when drops start
     * may be larger (bytes still in the kernel's flip buffers are not counted) but stays far below the ~17 KB at which
     * the kernel itself would cut a line.
     */
    public static final int DEFAULT_MAX_UNREAD_BYTES = 4000;

    private final Path link;
    private final int maxUnreadBytes;
    private @Nullable PseudoTerminal terminal;
    private long bytesWritten;
    private long bytesDropped;
    private int plugCount;
    private boolean closed;

    private VirtualSerialPort(Path link, int maxUnreadBytes) {
        this.link = link;
        this.maxUnreadBytes = maxUnreadBytes;
    }

    /** {@link #open(Path, int)} with {@link #DEFAULT_MAX_UNREAD_BYTES}. */
    public static VirtualSerialPort open(Path link) throws IOException {
        return open(link, DEFAULT_MAX_UNREAD_BYTES);
    }

    /**
     * Opens a port and makes {@code link} point at it. The directory is created if needed; an existing symlink at
     * {@code link} (left by a crashed run) is replaced, any other existing file is an error.
     *
     * @param maxUnreadBytes unread bytes beyond which writes are dropped as unheard; {@link Integer#MAX_VALUE} keeps
     *     whatever the kernel takes
     */
    public static VirtualSerialPort open(Path link, int maxUnreadBytes) throws IOException {
        if (maxUnreadBytes < 1) {
            throw new IllegalArgumentException("max unread bytes must be positive: " + maxUnreadBytes);
        }
        Path parent = link.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
            throw new FileAlreadyExistsException(
                    link.toString(), null, "exists and is not a symlink: not replacing it");
        }
        VirtualSerialPort port = new VirtualSerialPort(link.toAbsolutePath(), maxUnreadBytes);
        port.replug();
        return port;
    }

    /**
     * A by-id style path in {@code directory}: {@code usb-Masimo_Radical-7_0000012345-if00-port0}. Characters that udev
     * would not put in the name are replaced by {@code _}.
     */
    public static Path byIdPath(Path directory, String vendor, String product, String serial) {
        return directory.resolve("usb-" + safe(vendor) + "_" + safe(product) + "_" + safe(serial) + "-if00-port0");
    }

    private static String safe(String part) {
        return SAFE_NAME_PART.matcher(part).replaceAll("_");
    }

    /** The stable path to give the gateway. It exists only while plugged in. */
    public Path link() {
        return link;
    }

    /** The pseudo-terminal the symlink points at ({@code /dev/pts/N}), empty while unplugged. */
    public synchronized Optional<Path> devicePath() {
        PseudoTerminal t = terminal;
        return t == null ? Optional.empty() : Optional.of(t.devicePath());
    }

    public synchronized boolean isPlugged() {
        return terminal != null;
    }

    /**
     * Writes without blocking.
     *
     * @return how many bytes were taken; the rest were dropped (nobody reads, or the port is unplugged)
     * @throws IOException when the pseudo-terminal fails for another reason
     */
    public synchronized int write(byte[] bytes) throws IOException {
        PseudoTerminal t = terminal;
        int taken = 0;
        if (t != null
                && (maxUnreadBytes == Integer.MAX_VALUE || (long) t.unreadBytes() + bytes.length <= maxUnreadBytes)) {
            taken = t.write(bytes);
        }
        bytesWritten += taken;
        bytesDropped += bytes.length - taken;
        return taken;
    }

    /**
     * Reads what the gateway wrote to the port (its requests), waiting up to {@code timeout}. While unplugged nothing
     * arrives: it waits and returns 0. Not synchronized: writes and unplugging go on while a read waits.
     *
     * @return the number of bytes read, 0 if nothing arrived in time
     */
    public int read(byte[] into, Duration timeout) throws IOException {
        PseudoTerminal t;
        synchronized (this) {
            t = terminal;
        }
        if (t == null) {
            sleep(timeout);
            return 0;
        }
        try {
            return t.read(into, timeout);
        } catch (IOException e) {
            synchronized (this) {
                if (terminal != t) {
                    return 0; // unplugged while reading: the cable, not an error
                }
            }
            throw e;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Pulls the cable: removes the symlink and closes the pseudo-terminal. Does nothing when already unplugged. */
    public synchronized void unplug() throws IOException {
        PseudoTerminal t = terminal;
        if (t == null) {
            return;
        }
        terminal = null;
        // The link goes first, so that nobody resolves it to a terminal that is about to vanish.
        try {
            Files.deleteIfExists(link);
        } finally {
            t.close();
        }
    }

    /**
     * Plugs the cable back in: a new pseudo-terminal, and the symlink pointed at it. Does nothing when already plugged.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void replug() throws IOException {
        if (closed) {
            throw new IllegalStateException("port " + link + " is closed");
        }
        if (terminal != null) {
            return;
        }
        PseudoTerminal t = PseudoTerminal.open();
        Path temporary = link.resolveSibling(
                "." + link.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(temporary);
            Files.createSymbolicLink(temporary, t.devicePath());
            // rename(2) replaces the old link in one step.
            Files.move(temporary, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            t.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
        terminal = t;
        plugCount++;
    }

    /** Bytes sent that the gateway has not read yet; 0 while unplugged. */
    public synchronized int unreadBytes() throws IOException {
        PseudoTerminal t = terminal;
        return t == null ? 0 : t.unreadBytes();
    }

    /** Bytes taken since the port was opened, over all plugs. */
    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    /** Bytes dropped because nobody read them or the port was unplugged. */
    public synchronized long bytesDropped() {
        return bytesDropped;
    }

    /** How many times the port was plugged in, the first time included. */
    public synchronized int plugCount() {
        return plugCount;
    }

    /** Unplugs for good: the symlink is removed and {@link #replug()} is refused. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        unplug();
    }

    @Override
    public synchronized String toString() {
        PseudoTerminal t = terminal;
        return link + " -> " + (t == null ? "(unplugged)" : t.devicePath().toString());
    }
}
