package org.bedside.common;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Logs a message at most once per interval per key (device and reason, say), adding how many were suppressed since:
 * a monitor spewing garbage must not fill the disk with logs.
 */
public final class RateLimitedLog {
    private final Logger logger;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        volatile long lastLoggedNanos;
        final AtomicLong suppressed = new AtomicLong();
        volatile boolean logged;
    }

    public RateLimitedLog(Logger logger, Duration interval) {
        this.logger = logger;
        this.intervalNanos = interval.toNanos();
    }

    public void warn(String key, String message) {
        warn(key, message, null);
    }

    /** With the cause's stack trace, logged with the message (so once per interval per key too). */
    public void warn(String key, String message, @Nullable Throwable cause) {
        Window w = windows.computeIfAbsent(key, k -> new Window());
        long now = System.nanoTime();
        synchronized (w) {
            if (w.logged && now - w.lastLoggedNanos < intervalNanos) {
                w.suppressed.incrementAndGet();
                return;
            }
            long suppressed = w.suppressed.getAndSet(0);
            w.logged = true;
            w.lastLoggedNanos = now;
            String text = suppressed == 0 ? message : message + " (" + suppressed + " more like it not logged)";
            if (cause == null) {
                logger.warn(text);
            } else {
                logger.warn(text, cause);
            }
        }
    }
}
