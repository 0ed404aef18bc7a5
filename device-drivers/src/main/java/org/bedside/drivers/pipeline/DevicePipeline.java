package org.bedside.drivers.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.common.Backoff;
import org.bedside.common.RateLimitedLog;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.Transport;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one device on its own thread: opens the link (retrying with back-off and jitter while the port is missing),
 * feeds what arrives through the driver's framer and decoder, and hands each frame's readings to the sink (the store).
 * The link's own story is recorded as readings too: {@code CONNECTED}, {@code DISCONNECTED} with the cause, and {@code
 * NO_DATA} after the idle timeout, so that a gap in a chart can be explained later.
 *
 * <p>Each frame is stamped with a receive time that strictly increases per device at microsecond resolution (the
 * clock's value, or one microsecond after the previous frame's): readings' keys are unique even when two frames arrive
 * in the same read.
 *
 * <p>Nothing the device sends stops the pipeline: decode failures are counted per reason and logged at most once a
 * minute, without payload (some monitors send patient demographics).
 */
public final class DevicePipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevicePipeline.class);
    /** Reads return at least this often, so that the session can poll and time out requests. */
    private static final Duration SESSION_TICK = Duration.ofMillis(100);

    /** How a pipeline is set up. */
    public record Settings(Duration idleTimeout, Duration reconnectInitialDelay, Duration reconnectMaxDelay) {
        public static final Settings DEFAULT =
                new Settings(Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    private final DeviceId device;
    private final String driverCode;
    private final Transport transport;
    private final FrameDecoder framer;
    private final DeviceDriver driver;
    private final DriverOptions options;
    private final ReadingSink sink;
    private final InstantSource clock;
    private final Settings settings;
    private final Backoff backoff;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    private final Object wakeUp = new Object();

    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();
    /** The unit named by the last frame with data (for the status page); null when it named none or the link is down. */
    private volatile @Nullable DeviceIdentity unit;

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Map<DecodeFailure.Reason, AtomicLong> failures = new EnumMap<>(DecodeFailure.Reason.class);

    private volatile LinkState state = LinkState.CONNECTING;
    private volatile String detail = "starting";
    private volatile Instant since;
    private volatile @Nullable Instant lastFrameAt;
    private volatile boolean running;
    /** {@link System#nanoTime()} when the pipeline's thread last went round its loop: a watchdog sees it turning. */
    private volatile long lastTurnNanos = System.nanoTime();

    private volatile @Nullable Link link;
    /** Sees the link's bytes while a capture runs; null otherwise. */
    private volatile @Nullable ByteTap tap;

    /** Told of every decode failure after it was counted (the gateway audits some); null: nobody. */
    private volatile java.util.function.@Nullable Consumer<DecodeFailure> failureListener;

    private volatile @Nullable DeviceSession session;
    /** The installation's key for the fingerprint of patient demographics; null: none (then none is made). */
    private volatile org.bedside.drivers.spi.@Nullable DemographicsFingerprint demographicsKey;

    private @Nullable Thread thread;
    private Instant lastStamp = Instant.EPOCH;

    public DevicePipeline(
            DeviceId device,
            DeviceDriver driver,
            DriverOptions options,
            Transport transport,
            ReadingSink sink,
            InstantSource clock,
            Settings settings) {
        this.device = device;
        this.driverCode = driver.info().code();
        this.transport = transport;
        this.framer = driver.newFrameDecoder(options);
        this.driver = driver;
        this.options = options;
        this.sink = sink;
        this.clock = clock;
        this.settings = settings;
        this.backoff = new Backoff(settings.reconnectInitialDelay(), settings.reconnectMaxDelay());
        this.since = clock.instant();
        for (DecodeFailure.Reason r : DecodeFailure.Reason.values()) {
            failures.put(r, new AtomicLong());
        }
    }

    public DeviceId device() {
        return device;
    }

    /**
     * Who is told of each decode failure, on the pipeline's thread, after it was counted and before the message is
     * acknowledged (the gateway audits {@link DecodeFailure.Reason#OTHER_DEVICE}). A listener that throws is logged and
     * changes nothing: the failure stays counted, the message is acknowledged as any bad payload.
     */
    public void failureListener(java.util.function.@Nullable Consumer<DecodeFailure> listener) {
        this.failureListener = listener;
    }

    /**
     * The installation's key with which a driver that reads patient demographics fingerprints them, for the sessions
     * started from now on (docs/patients.md, "Signs from the devices").
     */
    public void demographicsKey(org.bedside.drivers.spi.@Nullable DemographicsFingerprint key) {
        this.demographicsKey = key;
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("pipeline of " + device + " already started");
        }
        running = true;
        Thread t = new Thread(this::run, "device-" + device);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Stops the pipeline and closes the link; waits for the thread to end. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        Link l = link;
        if (l != null) {
            l.close();
        }
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        setState(LinkState.STOPPED, "stopped");
    }

    /** Whether the pipeline's thread runs (false before start, after close, or if it ended: it never should). */
    public boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** {@link System#nanoTime()} of the thread's last turn: at least every read timeout (100 ms) or back-off slice. */
    public long lastTurnNanos() {
        return lastTurnNanos;
    }

    /**
     * Puts a tap on the link's bytes ({@code bedside capture}), or removes it with null. It sees what is read and
     * written from the next read on; a tap already in place is replaced.
     */
    public void tap(@Nullable ByteTap newTap) {
        tap = newTap;
    }

    public PipelineStatus status() {
        Map<DecodeFailure.Reason, Long> counts = new EnumMap<>(DecodeFailure.Reason.class);
        failures.forEach((reason, count) -> counts.put(reason, count.get()));
        DeviceSession s = session;
        return new PipelineStatus(
                device,
                driverCode,
                transport.describe(),
                state,
                detail,
                s == null ? null : s.state(),
                since,
                lastFrameAt,
                frames.get(),
                readings.get(),
                bytes.get(),
                storeFailures.get(),
                reconnects.get(),
                counts,
                unit);
    }

    private void run() {
        boolean reportedDown = false;
        while (running) {
            lastTurnNanos = System.nanoTime();
            Link opened;
            try {
                opened = transport.open();
            } catch (IOException | RuntimeException e) {
                String why = "cannot open " + transport.describe() + ": " + e.getMessage();
                if (!reportedDown) {
                    LOG.warn("Device {}: {}", device, why);
                    record(DeviceStatus.Code.DISCONNECTED, why);
                    reportedDown = true;
                }
                setState(LinkState.DISCONNECTED, why);
                pause(backoff.nextDelay());
                continue;
            }
            link = opened;
            reportedDown = false;
            if (!running) {
                opened.close();
                break;
            }
            backoff.reset();
            reconnects.incrementAndGet();
            LOG.info("Device {}: connected to {}", device, transport.describe());
            setState(LinkState.CONNECTED, "connected to " + transport.describe());
            record(DeviceStatus.Code.CONNECTED, "connected to " + transport.describe());
            toTap(t -> t.opened(transport.describe()));
            String why = readUntilLost(opened);
            opened.close();
            link = null;
            toTap(t -> t.closed(why));
            if (running) {
                LOG.warn("Device {}: {}", device, why);
                setState(LinkState.DISCONNECTED, why);
                record(DeviceStatus.Code.DISCONNECTED, why);
                reportedDown = true;
                pause(backoff.nextDelay());
            }
        }
    }

    /** Reads and decodes until the link is lost or the pipeline stops; returns why it ended. */
    private String readUntilLost(Link l) {
        framer.reset();
        DeviceSession s;
        try {
            s = driver.newSession(device, options, demographicsKey);
        } catch (RuntimeException e) {
            return "session not started: " + e.getMessage();
        }
        session = s;
        try {
            s.start(
                    message -> {
                        l.write(ByteBuffer.wrap(message));
                        toTap(t -> t.written(ByteBuffer.wrap(message).asReadOnlyBuffer()));
                    },
                    System.nanoTime());
            return read(l, s);
        } catch (IOException | RuntimeException e) {
            return "session ended: " + e.getMessage();
        } finally {
            s.stop();
        }
    }

    private String read(Link l, DeviceSession s) throws IOException {
        // Message transports (UDP, MQTT) hand over a whole message per read: one more byte than the longest frame lets
        // the identity framer see, and report, a message that is too long.
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(4096, driver.info().maxFrameLength() + 1));
        IOException[] sessionError = {null};
        FrameSink frameSink = new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                if (sessionError[0] == null) {
                    try {
                        onSessionFrame(s, frame);
                    } catch (IOException e) {
                        sessionError[0] = e;
                    }
                }
            }

            @Override
            public void failure(DecodeFailure failure) {
                onFailure(failure);
            }
        };
        long lastGoodFrameNanos = System.nanoTime();
        long lastBytesNanos = lastGoodFrameNanos;
        boolean idleReported = false;
        long framesBefore = frames.get();
        while (running) {
            lastTurnNanos = System.nanoTime();
            buffer.clear();
            int n;
            try {
                n = l.read(buffer, SESSION_TICK);
            } catch (IOException | RuntimeException e) {
                return "link lost: " + e.getMessage();
            }
            long now = System.nanoTime();
            if (n > 0) {
                bytes.addAndGet(n);
                lastBytesNanos = now;
                buffer.flip();
                ByteBuffer read = buffer.asReadOnlyBuffer();
                toTap(t -> t.read(read));
                long storeFailuresBefore = storeFailures.get();
                framer.feed(buffer, frameSink);
                if (sessionError[0] != null) {
                    throw sessionError[0];
                }
                // Only now may an MQTT link acknowledge the message to its broker: its readings are in the store.
                l.afterDelivery(storeFailures.get() == storeFailuresBefore);
                long f = frames.get();
                if (f != framesBefore) {
                    framesBefore = f;
                    lastGoodFrameNanos = now;
                    if (idleReported) {
                        idleReported = false;
                        setState(LinkState.CONNECTED, "data resumed from " + transport.describe());
                        record(DeviceStatus.Code.CONNECTED, "data resumed from " + transport.describe());
                    }
                }
            }
            s.onTick(System.nanoTime());
            if (!idleReported
                    && now - lastGoodFrameNanos > settings.idleTimeout().toNanos()) {
                idleReported = true;
                String why = now - lastBytesNanos > settings.idleTimeout().toNanos()
                        ? "no data for " + settings.idleTimeout().toSeconds() + " s on " + transport.describe()
                                + ": is the device switched on and set to send (" + driverCode + ")?"
                        : "bytes arrive on " + transport.describe() + " but no valid frame for "
                                + settings.idleTimeout().toSeconds() + " s: wrong baud rate, or the device is set to"
                                + " another protocol than " + driverCode + "?";
                LOG.warn("Device {}: {}", device, why);
                setState(LinkState.NO_DATA, why);
                record(DeviceStatus.Code.NO_DATA, why);
            }
        }
        return "stopped";
    }

    /** Hands something to the tap, if there is one; a tap that throws is removed: a capture never stops a device. */
    private void toTap(java.util.function.Consumer<ByteTap> call) {
        ByteTap t = tap;
        if (t == null) {
            return;
        }
        try {
            call.accept(t);
        } catch (RuntimeException e) {
            tap = null;
            LOG.warn("Device {}: the capture's tap failed and was removed: {}", device, e.toString());
        }
    }

    private void onSessionFrame(DeviceSession s, ByteBuffer frame) throws IOException {
        Instant receivedAt = stamp();
        DecodeResult result;
        try {
            result = s.onFrame(frame, receivedAt, System.nanoTime());
        } catch (RuntimeException e) {
            // A decoder or session bug must not take the device down; the frame is counted as malformed.
            result = DecodeFailure.of(DecodeFailure.Reason.MALFORMED, "decoder error: " + e, frame);
        }
        handle(result, receivedAt);
    }

    private void handle(DecodeResult result, Instant receivedAt) {
        if (result instanceof DecodeResult.Decoded decoded) {
            frames.incrementAndGet();
            lastFrameAt = receivedAt;
            if (!decoded.readings().isEmpty()) {
                deliver(decoded.readings());
            }
        } else if (result instanceof DecodeFailure failure) {
            onFailure(failure);
        }
    }

    private void onFailure(DecodeFailure failure) {
        failures.get(failure.reason()).incrementAndGet();
        failureLog.warn(
                failure.reason().name(),
                "Device " + device + ": " + failure.reason().label() + ", " + failure.length() + " bytes: "
                        + failure.detail());
        java.util.function.Consumer<DecodeFailure> l = failureListener;
        if (l != null) {
            try {
                l.accept(failure);
            } catch (RuntimeException e) {
                failureLog.warn("listener", "Device " + device + ": the decode failure's listener failed: " + e);
            }
        }
    }

    private void deliver(List<Reading> batch) {
        noteUnit(batch);
        try {
            sink.accept(batch);
            readings.addAndGet(batch.size());
        } catch (IOException | RuntimeException e) {
            storeFailures.incrementAndGet();
            failureLog.warn(
                    "store",
                    "Device " + device + ": " + batch.size() + " readings could not be stored and are" + " lost: "
                            + e.getMessage());
        }
    }

    /**
     * Which unit the device is now, for the status page: the one a frame with data names, or none when such a frame
     * names none (another monitor in the slot, which does not name itself) or the link is lost.
     */
    private void noteUnit(List<Reading> batch) {
        DeviceIdentity named = null;
        boolean data = false;
        for (Reading r : batch) {
            if (r instanceof DeviceIdentity id) {
                named = id;
            } else if (r instanceof DeviceStatus s) {
                if (s.code() == DeviceStatus.Code.DISCONNECTED) {
                    unit = null;
                    return;
                }
            } else {
                data = true;
            }
        }
        if (named != null || data) {
            unit = named;
        }
    }

    private void record(DeviceStatus.Code code, String text) {
        deliver(List.of(new DeviceStatus(device, code, text, null, stamp())));
    }

    /** A receive time that strictly increases for this device, at microsecond resolution. */
    private synchronized Instant stamp() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (!now.isAfter(lastStamp)) {
            now = lastStamp.plus(1, ChronoUnit.MICROS);
        }
        lastStamp = now;
        return now;
    }

    private void setState(LinkState newState, String newDetail) {
        if (state != newState) {
            since = clock.instant();
        }
        state = newState;
        detail = newDetail;
    }

    private void pause(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (wakeUp) {
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                lastTurnNanos = System.nanoTime();
                try {
                    wakeUp.wait(Math.max(1, Math.min(1000, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }
}
