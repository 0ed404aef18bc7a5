package org.bedside.runtime.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's notification socket, {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace): each
 * {@link #send} is one datagram of {@code KEY=value} lines, such as {@code READY=1}. A socket of its own per message,
 * so that nothing stays open between watchdog pings and a restarted systemd is found again.
 */
public final class NotifySocket {
    private final String name;
    private final UnixAddress address;

    NotifySocket(String name) {
        this.name = name;
        this.address = UnixAddress.of(name);
    }

    /** The socket systemd gave this process; empty when it was not started by systemd with {@code Type=notify}. */
    public static Optional<NotifySocket> fromEnvironment(Map<String, String> env) {
        String name = env.get("NOTIFY_SOCKET");
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new NotifySocket(name));
    }

    public String name() {
        return name;
    }

    /** Sends one message; its lines are {@code KEY=value} assignments (sd_notify(3)). */
    public void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot make an AF_UNIX socket: errno " + e.getErrorCode(), e);
        }
        try {
            LibC.INSTANCE.sendto(
                    fd, bytes, new NativeLong(bytes.length), LibC.MSG_NOSIGNAL, address.bytes(), address.length());
        } catch (LastErrorException e) {
            throw new IOException("cannot send to the notification socket " + name + ": errno " + e.getErrorCode(), e);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }
}
