package org.bedside.sim.pty;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One pseudo-terminal pair. The device side (the simulator) holds the master; the gateway opens {@link #devicePath()}
 * ({@code /dev/pts/N}) as if it were a serial port.
 *
 * <p>The terminal side is put in raw mode at once and kept open by this object, so that bytes written before the
 * gateway opens the port are not altered by the line discipline (no CR to NL translation, no echo). Writes never block:
 * when nobody reads and the kernel buffer is full, bytes are dropped and counted, as a real device's serial output is
 * lost when nothing listens. Closing the master is what pulling the cable looks like to the gateway: its reads fail.
 */
public final class PseudoTerminal implements Closeable {
    private static final LibC C = LibC.INSTANCE;

    private final int master;
    private final int terminal;
    private final Path devicePath;
    /**
     * Held (shared) while a read polls the master and exclusively by {@link #close()}: a descriptor closed during a
     * poll could be reused by another open, and the read would then take that file's bytes.
     */
    private final java.util.concurrent.locks.ReadWriteLock closing =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    private long droppedBytes;
    private volatile boolean closed;

    private PseudoTerminal(int master, int terminal, Path devicePath) {
        this.master = master;
        this.terminal = terminal;
        this.devicePath = devicePath;
    }

    public static PseudoTerminal open() throws IOException {
        int master = C.posix_openpt(LibC.O_RDWR | LibC.O_NOCTTY);
        if (master < 0) {
            throw error("posix_openpt");
        }
        try {
            check(C.grantpt(master), "grantpt");
            check(C.unlockpt(master), "unlockpt");
            byte[] name = new byte[128];
            check(C.ptsname_r(master, name, name.length), "ptsname_r");
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            Path path = Path.of(new String(name, 0, len, StandardCharsets.US_ASCII));
            int terminal = C.open(path.toString(), LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_NONBLOCK);
            if (terminal < 0) {
                throw error("open " + path);
            }
            byte[] termios = new byte[LibC.TERMIOS_SIZE];
            check(C.tcgetattr(terminal, termios), "tcgetattr");
            C.cfmakeraw(termios);
            check(C.tcsetattr(terminal, LibC.TCSANOW, termios), "tcsetattr");
            int flags = C.fcntl(master, LibC.F_GETFL, 0);
            check(C.fcntl(master, LibC.F_SETFL, flags | LibC.O_NONBLOCK), "fcntl O_NONBLOCK");
            // Packet mode: reads tell when the gateway flushes the line, which jSerialComm does when it closes it.
            check(C.ioctl(master, new NativeLong(LibC.TIOCPKT), new int[] {1}), "ioctl TIOCPKT");
            return new PseudoTerminal(master, terminal, path);
        } catch (IOException | RuntimeException e) {
            C.close(master);
            throw e;
        }
    }

    /** The path the gateway opens, such as {@code /dev/pts/3}. */
    public Path devicePath() {
        return devicePath;
    }

    /**
     * Writes what the kernel takes without blocking.
     *
     * @return the number of bytes written; the rest were dropped (nobody is reading)
     */
    public synchronized int write(byte[] bytes) throws IOException {
        ensureOpen();
        int offset = 0;
        while (offset < bytes.length) {
            byte[] rest = offset == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, offset, bytes.length);
            long n = C.write(master, rest, rest.length);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == LibC.EINTR) {
                    continue;
                }
                if (errno == LibC.EAGAIN) {
                    break;
                }
                throw new IOException("write to " + devicePath + " failed: " + C.strerror(errno));
            }
            offset += (int) n;
        }
        droppedBytes += bytes.length - offset;
        return offset;
    }

    /**
     * Reads what the gateway wrote, waiting up to {@code timeout} for the first byte.
     *
     * @return the number of bytes read, 0 if nothing arrived in time
     */
    public int read(byte[] into, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // Short polls, so that a close waits at most one of them.
            long left = Math.max(0, deadline - System.nanoTime());
            int n = readOnce(
                    into, (int) Math.min(MAX_POLL_MILLIS, Duration.ofNanos(left).toMillis()));
            if (n != 0 || System.nanoTime() - deadline >= 0) {
                return n;
            }
        }
    }

    private static final int MAX_POLL_MILLIS = 50;

    private int readOnce(byte[] into, int timeoutMillis) throws IOException {
        closing.readLock().lock();
        try {
            ensureOpen();
            ByteBuffer pollfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            pollfd.putInt(0, master).putShort(4, LibC.POLLIN);
            byte[] fds = pollfd.array();
            int ready = C.poll(fds, 1, timeoutMillis);
            if (ready < 0) {
                int errno = Native.getLastError();
                if (errno == LibC.EINTR) {
                    return 0;
                }
                throw new IOException("poll on " + devicePath + " failed: " + C.strerror(errno));
            }
            if (ready == 0) {
                return 0;
            }
            byte[] packet = new byte[into.length + 1];
            long n = C.read(master, packet, packet.length);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
                    return 0;
                }
                throw new IOException("read from " + devicePath + " failed: " + C.strerror(errno));
            }
            if (n == 0) {
                return 0;
            }
            int status = packet[0] & 0xFF;
            if (status != LibC.TIOCPKT_DATA) {
                if ((status & (LibC.TIOCPKT_FLUSHREAD | LibC.TIOCPKT_FLUSHWRITE)) != 0) {
                    resetLine();
                }
                return 0;
            }
            System.arraycopy(packet, 1, into, 0, (int) n - 1);
            return (int) n - 1;
        } finally {
            closing.readLock().unlock();
        }
    }

    /**
     * Puts the terminal side back in raw mode without parity checks, as when it was made. The gateway's serial library
     * leaves its line settings on the terminal when it closes it; with parity checks among them, its next open of the
     * same pseudo-terminal fails (EINVAL from {@code tcsetattr}), which no real serial port does. Called when the
     * gateway flushes the line, which jSerialComm does as it closes it; only readers of the port see that.
     */
    private void resetLine() {
        byte[] termios = new byte[LibC.TERMIOS_SIZE];
        if (C.tcgetattr(terminal, termios) == 0) {
            C.cfmakeraw(termios);
            C.tcsetattr(terminal, LibC.TCSANOW, termios);
        }
    }

    /**
     * Bytes written to the device side that the gateway has not read yet, as far as the terminal's line discipline
     * holds them (it counts up to its 4 KiB buffer; more waits in the kernel's flip buffers, uncounted).
     */
    public synchronized int unreadBytes() throws IOException {
        ensureOpen();
        int[] count = new int[1];
        if (C.ioctl(terminal, new NativeLong(LibC.FIONREAD), count) != 0) {
            throw error("ioctl FIONREAD on " + devicePath);
        }
        return count[0];
    }

    /** Bytes that could not be written because nobody read them. */
    public synchronized long droppedBytes() {
        return droppedBytes;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(devicePath + " is closed");
        }
    }

    /** Closes both sides: the gateway's reads on the port now fail, as when a cable is pulled. */
    @Override
    public synchronized void close() {
        closing.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                C.close(master);
                C.close(terminal);
            }
        } finally {
            closing.writeLock().unlock();
        }
    }

    private static void check(int rc, String call) throws IOException {
        if (rc != 0) {
            throw error(call);
        }
    }

    private static IOException error(String call) {
        int errno = Native.getLastError();
        return new IOException(call + " failed: " + C.strerror(errno) + " (errno " + errno + ")");
    }
}
