package org.bedside.sim.serial;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.bedside.sim.SimulatedDevice;
import org.bedside.sim.SimulatorStatus;
import org.bedside.sim.pty.VirtualSerialPort;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated serial device on a virtual port, on one daemon thread that, every tick, when its next frame is due
 * ({@link #nanosUntilNextFrame}) or as soon as bytes arrive, hands the gateway's bytes to {@link #onBytes} and then
 * lets {@link #onTick} send what is due. A device that only streams ({@link #listens()} false) reads nothing: its
 * thread waits for the next frame, a fault or a stop, whichever comes first. Subclasses only encode and answer; this
 * class owns the thread, the port, the log of what was sent, the listeners, the pacing at the line's baud rate and the
 * faults:
 *
 * <ul>
 *   <li>garbage between frames (sent at once) or inside the next frame;
 *   <li>a wrong checksum on the next frame ({@link #corruptChecksum}), for a device whose frames have one;
 *   <li>silence: frames due are not sent (a request/response device does not answer);
 *   <li>a pulled cable: the port disappears, the gateway's reads fail, nothing is heard or sent until it is back.
 * </ul>
 *
 * <p>Thread-safe: faults, status and the log may be used from any thread.
 *
 * @param <V> what a frame carries, as the simulator's model holds it (for the log)
 */
public abstract class SerialDeviceSimulator<V> implements SimulatedDevice {
    private static final Logger LOG = LoggerFactory.getLogger(SerialDeviceSimulator.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** 9600 baud 8N1: a start bit, eight data bits and a stop bit per byte. */
    private static final int BITS_PER_BYTE = 10;

    /** The baud rate of {@link SerialSimulatorBuilder#baudPacing}: about 1.04 ms a byte. */
    public static final int PACING_BAUD_RATE = 9600;
    /** Bytes per write when pacing: small enough that the gateway sees frames arrive in pieces, as on a real line. */
    private static final int PACED_CHUNK = 8;

    /**
     * Settings every serial simulator has.
     *
     * @param tick the longest wait between two calls of {@link #onTick}
     * @param baudPacing whether frames are written a few bytes at a time at {@link #PACING_BAUD_RATE} instead of at once
     */
    public record Settings(
            String name,
            Duration tick,
            ZoneId zone,
            InstantSource wallClock,
            @Nullable LocalDateTime simulatedClockStart,
            long seed,
            int logCapacity,
            boolean baudPacing) {
        public Settings {
            requireValidName(name);
            if (tick.isNegative() || tick.isZero()) {
                throw new IllegalArgumentException("tick must be positive: " + tick);
            }
            if (logCapacity < 1) {
                throw new IllegalArgumentException("log capacity must be positive: " + logCapacity);
            }
        }

        /**
         * @throws IllegalArgumentException unless {@code name} is 1 to 64 letters, digits, '.', '_' or '-', starting
         *     with a letter or digit
         */
        public static void requireValidName(String name) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a simulator name is 1 to 64 letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit; got '" + name + "'");
            }
        }

        /** {@code <java.io.tmpdir>/bedside-sim/serial/by-id}. */
        public static Path defaultPortDirectory() {
            return Path.of(System.getProperty("java.io.tmpdir"), "bedside-sim", "serial", "by-id");
        }
    }

    private final Settings settings;
    private final VirtualSerialPort port;
    private final Faults faults = new Faults();
    private final ReentrantLock lock = new ReentrantLock();
    /** Wakes threads waiting for frames. */
    private final Condition emitted = lock.newCondition();
    /** Wakes the simulator's thread while it waits without reading or paces a write: a fault to apply or a stop. */
    private final Condition wake = lock.newCondition();

    private final List<Consumer<EmittedFrame<V>>> listeners = new CopyOnWriteArrayList<>();
    private final long nanosPerByte;

    // Guarded by lock.
    private final Random random;
    private final ArrayDeque<EmittedFrame<V>> log = new ArrayDeque<>();
    private final ArrayDeque<Integer> garbageBetweenFrames = new ArrayDeque<>();
    private int garbageInsideNextFrame;
    private boolean corruptNextChecksum;
    private long framesEmitted;
    private long framesSilenced;
    private long silentUntilNanos;
    private boolean silenced;
    private long replugAtNanos;
    private boolean replugPending;
    private @Nullable Thread thread;
    private boolean started;
    private volatile boolean stopping;

    protected SerialDeviceSimulator(Settings settings, VirtualSerialPort port) {
        this.settings = settings;
        this.port = port;
        this.random = new Random(settings.seed());
        this.nanosPerByte = settings.baudPacing() ? TimeUnit.SECONDS.toNanos(BITS_PER_BYTE) / PACING_BAUD_RATE : 0;
    }

    // ---- what a protocol provides ----

    /** The gateway sent bytes (a request, a keep-alive, a piece of one): parse and answer through {@code out}. */
    protected abstract void onBytes(byte[] bytes, int length, Output<V> out, long nowNanos);

    /** Called after every read, at least once a tick: send what is due through {@code out}. */
    protected abstract void onTick(Output<V> out, long nowNanos);

    /** The frame with its checksum (or check bytes) made wrong, for {@link SerialFaultInjector#corruptNextChecksum}. */
    protected abstract byte[] corruptChecksum(byte[] frame);

    /** Where a subclass sends its frames. */
    public interface Output<V> {
        /** Sends one frame, subject to the faults, and logs it. */
        void send(long index, String kind, LocalDateTime deviceTime, V values, byte[] frame);
    }

    /** Called on the simulator's thread when it starts, before the first read; a subclass may send at once. */
    protected void onStart(Output<V> out, long nowNanos) {}

    /**
     * How long until the next frame is due, so that the thread wakes for it rather than at the next tick; by default
     * the device keeps no schedule and is called every tick.
     */
    protected long nanosUntilNextFrame(long nowNanos) {
        return Long.MAX_VALUE;
    }

    /**
     * False for a device that only streams and never reads the gateway's bytes: its thread waits on a condition (woken
     * by faults at once, to the nanosecond for the next frame) instead of polling the port; {@link #onBytes} is never
     * called.
     */
    protected boolean listens() {
        return true;
    }

    /** False for a device whose frames carry no checksum: {@link SerialFaultInjector#corruptNextChecksum} refuses. */
    protected boolean hasChecksum() {
        return true;
    }

    /**
     * How many bytes end a frame (an end byte, CR LF): injected garbage goes after the frame's first byte and before
     * these. One by default.
     */
    protected int frameEndLength() {
        return 1;
    }

    /** The device's clock for a frame: the simulated clock {@code index} seconds on, or the wall clock. */
    protected LocalDateTime deviceTime(long secondsSinceStart) {
        LocalDateTime start = settings.simulatedClockStart();
        return start != null
                ? start.plusSeconds(secondsSinceStart)
                : LocalDateTime.ofInstant(settings.wallClock().instant(), settings.zone())
                        .truncatedTo(ChronoUnit.SECONDS);
    }

    // ---- SimulatedDevice ----

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public Path portPath() {
        return port.link();
    }

    public VirtualSerialPort port() {
        return port;
    }

    @Override
    public SerialFaultInjector faults() {
        return faults;
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("simulator " + name() + " was already started (or stopped)");
            }
            started = true;
            Thread t = new Thread(this::run, getClass().getSimpleName() + "-" + name());
            t.setDaemon(true);
            thread = t;
            t.start();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop() {
        Thread t;
        lock.lock();
        try {
            started = true; // a stopped simulator cannot be started
            stopping = true;
            t = thread;
            emitted.signalAll();
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            port.close();
        } catch (IOException e) {
            LOG.warn("simulator {}: cannot remove port {}: {}", name(), port.link(), e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        lock.lock();
        try {
            Thread t = thread;
            return t != null && t.isAlive() && !stopping;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SimulatorStatus status() {
        lock.lock();
        try {
            return new SimulatorStatus(
                    name(),
                    port.link(),
                    port.devicePath().orElse(null),
                    thread != null && !stopping,
                    silenced && System.nanoTime() - silentUntilNanos < 0,
                    framesEmitted,
                    framesSilenced,
                    port.bytesWritten(),
                    port.bytesDropped());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called on the simulator's thread after each frame is written and logged (silenced frames are not produced); a
     * listener that throws is logged and kept.
     */
    public void addListener(Consumer<EmittedFrame<V>> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(Consumer<EmittedFrame<V>> listener) {
        listeners.remove(listener);
    }

    /** Frames produced so far (silenced ones are not produced). */
    public long framesEmitted() {
        lock.lock();
        try {
            return framesEmitted;
        } finally {
            lock.unlock();
        }
    }

    /** The most recent frames, oldest first, up to the log capacity. */
    public List<EmittedFrame<V>> emittedFrames() {
        lock.lock();
        try {
            return List.copyOf(log);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} frames have been produced since start.
     *
     * @return false if the timeout passed or the simulator stopped first
     */
    public boolean awaitFrames(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (framesEmitted < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopping) {
                    return false;
                }
                emitted.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- the thread ----

    private final Output<V> output = this::emit;

    private void run() {
        byte[] buffer = new byte[4096];
        try {
            onStart(output, System.nanoTime());
            while (!stopping) {
                applyImmediateFaults();
                long now = System.nanoTime();
                long wait = waitNanos(now);
                int n = 0;
                if (!listens()) {
                    awaitWake(wait);
                } else {
                    try {
                        n = port.read(buffer, Duration.ofNanos(wait));
                    } catch (IOException e) {
                        // The pseudo-terminal failed in a way a pulled cable does not explain: wait and go on.
                        LOG.warn("simulator {}: read from {} failed: {}", name(), port, e.toString());
                        sleep(settings.tick());
                    }
                }
                now = System.nanoTime();
                if (n > 0 && !stopping) {
                    onBytes(buffer, n, output, now);
                }
                if (!stopping) {
                    onTick(output, now);
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("simulator {} stopped by an error", name(), e);
            throw e;
        }
    }

    /** Until the next tick, frame or timed replug, whichever comes first. */
    private long waitNanos(long nowNanos) {
        long wait = Math.min(settings.tick().toNanos(), Math.max(0, nanosUntilNextFrame(nowNanos)));
        lock.lock();
        try {
            return replugPending ? Math.min(wait, Math.max(0, replugAtNanos - nowNanos)) : wait;
        } finally {
            lock.unlock();
        }
    }

    /** Waits without reading, unless a fault came in since they were applied (its signal would be lost). */
    private void awaitWake(long nanos) {
        lock.lock();
        try {
            if (nanos > 0 && !stopping && garbageBetweenFrames.isEmpty()) {
                wake.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void applyImmediateFaults() {
        lock.lock();
        try {
            while (!garbageBetweenFrames.isEmpty()) {
                writeQuietly(garbage(garbageBetweenFrames.poll()));
            }
            if (replugPending && System.nanoTime() - replugAtNanos >= 0) {
                replugPending = false;
                try {
                    port.replug();
                    LOG.info("simulator {}: cable plugged back in at {}", name(), port);
                } catch (IOException e) {
                    LOG.warn("simulator {}: cannot plug the cable back in: {}", name(), e.toString());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void emit(long index, String kind, LocalDateTime deviceTime, V values, byte[] frame) {
        EmittedFrame<V> sentFrame;
        lock.lock();
        try {
            if (silenced) {
                if (System.nanoTime() - silentUntilNanos < 0) {
                    framesSilenced++;
                    return;
                }
                silenced = false;
            }
            byte[] sent = frame;
            if (corruptNextChecksum) {
                sent = corruptChecksum(sent);
                corruptNextChecksum = false;
            }
            if (garbageInsideNextFrame > 0) {
                sent = insertGarbage(sent, garbage(garbageInsideNextFrame));
                garbageInsideNextFrame = 0;
            }
            int taken = nanosPerByte == 0 ? writeQuietly(sent) : writePaced(sent);
            if (log.size() == settings.logCapacity()) {
                log.removeFirst();
            }
            sentFrame = new EmittedFrame<>(index, kind, deviceTime, values, frame, sent, taken);
            log.addLast(sentFrame);
            framesEmitted++;
            emitted.signalAll();
        } finally {
            lock.unlock();
        }
        notifyListeners(sentFrame);
    }

    /** Writes in small pieces at the line's baud rate. Called with the lock held; the waits release it. */
    private int writePaced(byte[] bytes) {
        int taken = 0;
        long next = System.nanoTime();
        try {
            for (int offset = 0; offset < bytes.length && !stopping; offset += PACED_CHUNK) {
                int n = Math.min(PACED_CHUNK, bytes.length - offset);
                taken += writeQuietly(Arrays.copyOfRange(bytes, offset, offset + n));
                next += n * nanosPerByte;
                for (long left = next - System.nanoTime(); left > 0 && !stopping; left = next - System.nanoTime()) {
                    wake.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
        return taken;
    }

    private void notifyListeners(EmittedFrame<V> frame) {
        for (Consumer<EmittedFrame<V>> l : listeners) {
            try {
                l.accept(frame);
            } catch (RuntimeException e) {
                LOG.warn(
                        "simulator {}: listener failed on {} {}: {}",
                        name(),
                        frame.kind(),
                        frame.index(),
                        e.toString());
                LOG.debug("listener failure", e);
            }
        }
    }

    private int writeQuietly(byte[] bytes) {
        try {
            return port.write(bytes);
        } catch (IOException e) {
            LOG.warn("simulator {}: write to {} failed: {}", name(), port, e.toString());
            return 0;
        }
    }

    private byte[] garbage(int length) {
        byte[] garbage = new byte[length];
        random.nextBytes(garbage);
        return garbage;
    }

    /** Puts {@code garbage} strictly inside the frame: after its first byte and before its {@link #frameEndLength}. */
    private byte[] insertGarbage(byte[] frame, byte[] garbage) {
        int end = frameEndLength();
        int at = frame.length < end + 2 ? frame.length : 1 + random.nextInt(frame.length - end - 1);
        byte[] out = new byte[frame.length + garbage.length];
        System.arraycopy(frame, 0, out, 0, at);
        System.arraycopy(garbage, 0, out, at, garbage.length);
        System.arraycopy(frame, at, out, at + garbage.length, frame.length - at);
        return out;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + ", " + port + "]";
    }

    private final class Faults implements SerialFaultInjector {

        @Override
        public void injectGarbage(int length, GarbagePlacement placement) {
            if (length <= 0) {
                throw new IllegalArgumentException("garbage length must be positive: " + length);
            }
            lock.lock();
            try {
                switch (placement) {
                    case BETWEEN_LINES -> garbageBetweenFrames.add(length);
                    case INSIDE_LINE -> garbageInsideNextFrame += length;
                }
                wake.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void corruptNextChecksum() {
            if (!hasChecksum()) {
                throw new UnsupportedOperationException(
                        "simulator " + name() + ": its frames carry no checksum to corrupt");
            }
            lock.lock();
            try {
                corruptNextChecksum = true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void silence(Duration duration) {
            lock.lock();
            try {
                silenced = true;
                silentUntilNanos = System.nanoTime() + duration.toNanos();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void unplug() throws IOException {
            lock.lock();
            try {
                replugPending = false;
                port.unplug();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void replug() throws IOException {
            lock.lock();
            try {
                replugPending = false;
                port.replug();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void unplugFor(Duration duration) throws IOException {
            lock.lock();
            try {
                port.unplug();
                replugPending = true;
                replugAtNanos = System.nanoTime() + duration.toNanos();
                wake.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
