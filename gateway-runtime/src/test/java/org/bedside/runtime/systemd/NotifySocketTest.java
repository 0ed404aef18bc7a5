package org.bedside.runtime.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifySocketTest {
    @TempDir
    Path dir;

    @Test
    void sendsDatagramsToAPathSocket() throws Exception {
        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            NotifySocket socket = NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.name()))
                    .orElseThrow();
            socket.send("READY=1\nSTATUS=running");
            socket.send("WATCHDOG=1");
            systemd.await("WATCHDOG=1", 0, Duration.ofSeconds(5));
            assertThat(systemd.received()).containsExactly("READY=1\nSTATUS=running", "WATCHDOG=1");
        }
    }

    @Test
    void sendsToAnAbstractSocket() throws Exception {
        String name = "@bedside-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyListener systemd = new NotifyListener(name)) {
            NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", name))
                    .orElseThrow()
                    .send("READY=1");
            systemd.await("READY=1", 0, Duration.ofSeconds(5));
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        assertThat(NotifySocket.fromEnvironment(Map.of())).isEmpty();
        assertThat(NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", " "))).isEmpty();
    }

    @Test
    void aSocketNobodyListensOnIsAnErrorNamingIt() {
        NotifySocket socket = new NotifySocket(dir.resolve("nobody").toString());
        assertThatThrownBy(() -> socket.send("READY=1"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("nobody").toString());
    }

    @Test
    void watchdogIntervalIsForThisProcessOnly() {
        assertThat(SystemdNotifications.watchdogInterval(Map.of("WATCHDOG_USEC", "90000000"), 42))
                .contains(Duration.ofSeconds(90));
        assertThat(SystemdNotifications.watchdogInterval(Map.of("WATCHDOG_USEC", "90000000", "WATCHDOG_PID", "42"), 42))
                .contains(Duration.ofSeconds(90));
        assertThat(SystemdNotifications.watchdogInterval(Map.of("WATCHDOG_USEC", "90000000", "WATCHDOG_PID", "7"), 42))
                .isEmpty();
        assertThat(SystemdNotifications.watchdogInterval(Map.of(), 42)).isEmpty();
        assertThat(SystemdNotifications.watchdogInterval(Map.of("WATCHDOG_USEC", "soon"), 42))
                .isEmpty();
    }

    @Test
    void aLoopThatStopsTurningOrDiesIsStalled() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        AtomicLong deviceTurn = new AtomicLong(now.get());
        AtomicLong consumerTurn = new AtomicLong(now.get());
        boolean[] consumerAlive = {true};
        Watchdog w = new Watchdog(
                List.of(
                        new Watchdog.Loop("device bed1", () -> true, deviceTurn::get),
                        new Watchdog.Loop("consumer uplink", () -> consumerAlive[0], consumerTurn::get)),
                Duration.ofSeconds(60),
                now::get);
        assertThat(w.stalled()).isEmpty();

        now.addAndGet(Duration.ofSeconds(61).toNanos());
        deviceTurn.set(now.get() - Duration.ofMillis(100).toNanos());
        assertThat(w.stalled()).containsExactly("consumer uplink: no turn for 61 s");

        consumerTurn.set(now.get());
        assertThat(w.stalled()).isEmpty();
        consumerAlive[0] = false;
        assertThat(w.stalled()).containsExactly("consumer uplink: its thread is not running");
    }
}
