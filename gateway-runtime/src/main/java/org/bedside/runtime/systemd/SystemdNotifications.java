package org.bedside.runtime.systemd;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.common.RateLimitedLog;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.runtime.wiring.Consumers;
import org.bedside.runtime.wiring.Devices;
import org.bedside.runtime.wiring.GatewayLifecycle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd that the gateway is ready (once the lifecycle started the consumers and pipelines), that it is
 * stopping, and, while the unit has {@code WatchdogSec=}, pings the watchdog every quarter of that interval as long as
 * every loop turns ({@link Watchdog}; stalled after three quarters of it). Not started by systemd, it does nothing.
 */
@ApplicationScoped
public class SystemdNotifications {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifications.class);
    /** A socket that refuses one message refuses every ping: said once a minute, not every few seconds. */
    private static final RateLimitedLog SEND_FAILURES = new RateLimitedLog(LOG, Duration.ofMinutes(1));

    @Inject
    Devices devices;

    @Inject
    Consumers consumers;

    private @Nullable NotifySocket socket;
    private @Nullable ScheduledExecutorService pinger;
    private volatile boolean stalledReported;

    void onStart(@Observes @Priority(GatewayLifecycle.STARTUP_PRIORITY + 100) StartupEvent event) {
        Map<String, String> env = System.getenv();
        Optional<NotifySocket> s = NotifySocket.fromEnvironment(env);
        if (s.isEmpty()) {
            return;
        }
        socket = s.get();
        send("READY=1\nSTATUS=running: " + devices.pipelines().size() + " device(s), "
                + consumers.all().size() + " consumer(s)");
        Optional<Duration> interval =
                watchdogInterval(env, ProcessHandle.current().pid());
        if (interval.isEmpty()) {
            return;
        }
        Watchdog watchdog = new Watchdog(loops(), interval.get().multipliedBy(3).dividedBy(4), System::nanoTime);
        ScheduledExecutorService p = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "systemd-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, interval.get().toMillis() / 4);
        p.scheduleAtFixedRate(() -> ping(watchdog), 0, period, TimeUnit.MILLISECONDS);
        pinger = p;
        LOG.info(
                "systemd watchdog: a ping every {} ms while every loop turns (stalled after {} s)",
                period,
                watchdog.stallLimit().toSeconds());
    }

    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        ScheduledExecutorService p = pinger;
        if (p != null) {
            p.shutdownNow();
        }
        if (socket != null) {
            send("STOPPING=1\nSTATUS=stopping: syncing the buffer");
        }
    }

    /** {@code WATCHDOG_USEC}, when {@code WATCHDOG_PID} is absent or this process (sd_watchdog_enabled(3)). */
    static Optional<Duration> watchdogInterval(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) {
            return Optional.empty();
        }
        String forPid = env.get("WATCHDOG_PID");
        if (forPid != null && !forPid.isBlank() && !forPid.trim().equals(Long.toString(pid))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
        } catch (NumberFormatException e) {
            LOG.warn("WATCHDOG_USEC '{}' is not a number: no watchdog pings", usec);
            return Optional.empty();
        }
    }

    private List<Watchdog.Loop> loops() {
        List<Watchdog.Loop> loops = new ArrayList<>();
        for (DevicePipeline d : devices.pipelines()) {
            loops.add(new Watchdog.Loop("device " + d.device(), d::alive, d::lastTurnNanos));
        }
        for (BufferConsumer<?> c : consumers.all()) {
            loops.add(new Watchdog.Loop(
                    "consumer " + c.name(), c::alive, () -> c.status().lastTurnNanos()));
        }
        return loops;
    }

    private void ping(Watchdog watchdog) {
        List<String> stalled = watchdog.stalled();
        if (stalled.isEmpty()) {
            if (stalledReported) {
                stalledReported = false;
                LOG.info("systemd watchdog: every loop turns again");
                send("WATCHDOG=1\nSTATUS=running");
            } else {
                send("WATCHDOG=1");
            }
            return;
        }
        if (!stalledReported) {
            stalledReported = true;
            LOG.error("systemd watchdog: no more pings, systemd will restart the gateway: {}", stalled);
        }
        send("STATUS=stalled: " + String.join("; ", stalled));
    }

    private void send(String message) {
        NotifySocket s = socket;
        if (s == null) {
            return;
        }
        try {
            s.send(message);
        } catch (IOException | RuntimeException e) {
            SEND_FAILURES.warn("send", "systemd notification not sent: " + e.getMessage());
        }
    }
}
