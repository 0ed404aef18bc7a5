package org.bedside.runtime.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A stand-in for systemd's end of {@code NOTIFY_SOCKET}: a real AF_UNIX datagram socket bound through libc, read
 * without blocking, polled with a deadline.
 */
public final class NotifyListener implements AutoCloseable {
    private static final int EAGAIN = 11;

    private final int fd;
    private final String name;
    private final List<String> received = new ArrayList<>();

    /** Binds {@code name}: a path, or {@code @name} in the abstract namespace. */
    public NotifyListener(String name) {
        this.name = name;
        UnixAddress address = UnixAddress.of(name);
        fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        LibC.INSTANCE.bind(fd, address.bytes(), address.length());
    }

    public String name() {
        return name;
    }

    /** Every message received so far, in order. */
    public synchronized List<String> received() {
        drain();
        return List.copyOf(received);
    }

    /** Waits until a message containing {@code line} arrives after the first {@code after} messages; its index. */
    public int await(String line, int after, Duration timeout) throws InterruptedException {
        return await(line::equals, "'" + line + "'", after, timeout);
    }

    /** Waits until a message with a line that {@code matches} arrives after the first {@code after}; its index. */
    public int await(Predicate<String> matches, String what, int after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> all = received();
            for (int i = after; i < all.size(); i++) {
                if (all.get(i).lines().anyMatch(matches)) {
                    return i;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no " + what + " on " + name + " within " + timeout + "; received " + all);
            }
            Thread.sleep(20);
        }
    }

    private void drain() {
        byte[] buffer = new byte[4096];
        while (true) {
            long n;
            try {
                n = LibC.INSTANCE
                        .recv(fd, buffer, new NativeLong(buffer.length), LibC.MSG_DONTWAIT)
                        .longValue();
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return;
                }
                throw e;
            }
            received.add(new String(buffer, 0, (int) n, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
