package org.bedside.runtime.api;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.common.RateLimitedLog;
import org.bedside.runtime.wiring.GatewayLifecycle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the page's {@link RecentReadings} up to date from the buffer: the store's append listener only marks that
 * something was appended (it runs on a device's thread and must return at once); a housekeeping thread then reads the
 * new records through a live cursor — in memory, from the end of the store, committing nothing — at most every
 * {@link #DRAIN_EVERY}, and so does every request for the page before it answers. The page sees what the store
 * accepted, and a device never waits for the page.
 */
@ApplicationScoped
public class PageFeed {
    static final Duration DRAIN_EVERY = Duration.ofMillis(500);
    /** Records read in one go, so that one drain never holds the window for long; the rest wait for the next. */
    private static final int MOST_PER_DRAIN = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(PageFeed.class);

    @Inject
    GuardedStore store;

    private final RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
    private final AtomicBoolean appended = new AtomicBoolean(true);
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    private @Nullable ReadingCursor live;
    private @Nullable ScheduledExecutorService drainer;
    private boolean stopped;

    /** After the lifecycle started the consumers and the pipelines; the page's memory starts now. */
    void onStart(@Observes @Priority(GatewayLifecycle.STARTUP_PRIORITY + 1) StartupEvent event) {
        store.addAppendListener(() -> appended.set(true));
        ScheduledExecutorService d = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "page-feed");
            t.setDaemon(true);
            return t;
        });
        d.scheduleWithFixedDelay(this::drainQuietly, 0, DRAIN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        drainer = d;
    }

    /** Before the store closes (its disposer runs after the shutdown observers). */
    void onStop(@Observes ShutdownEvent event) {
        ScheduledExecutorService d = drainer;
        if (d != null) {
            d.shutdownNow();
        }
        synchronized (this) {
            stopped = true;
            closeLive();
        }
    }

    /** The window, with everything appended until now read into it. */
    RecentReadings recent() {
        drainQuietly();
        return recent;
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (StoreException | RuntimeException e) {
            // The scheduled task must not throw (it would never run again); the cursor is opened afresh next time.
            failures.warn("drain", "The status page cannot read the buffer: " + e.getMessage());
            synchronized (this) {
                closeLive();
            }
            appended.set(true);
        }
    }

    private synchronized void drain() throws StoreException {
        if (stopped || !appended.getAndSet(false)) {
            return;
        }
        ReadingCursor c = live;
        if (c == null) {
            c = store.liveCursor();
            live = c;
        }
        StoredRecord record;
        int read = 0;
        while (read < MOST_PER_DRAIN && (record = c.next()) != null) {
            read++;
            if (record.isReadable()) {
                recent.accept(record.readings());
            }
        }
        if (read == MOST_PER_DRAIN) {
            appended.set(true);
        }
    }

    private void closeLive() {
        ReadingCursor c = live;
        live = null;
        if (c != null) {
            c.close();
        }
    }
}
