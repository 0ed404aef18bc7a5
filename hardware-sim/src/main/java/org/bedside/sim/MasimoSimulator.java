package org.bedside.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.VitalSigns;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Masimo Radical-7 (or Radical-5) on a virtual serial port: one "ASCII 1" line per period, from a {@link Scenario},
 * on one daemon thread.
 *
 * <pre>{@code
 * MasimoSimulator sim = MasimoSimulator.builder("bed12-spo2", Scenarios.parse("desaturation"))
 *         .period(Duration.ofMillis(50))
 *         .portDirectory(tempDir)
 *         .build();                  // the port exists from here: give sim.portPath() to the gateway
 * sim.start();
 * sim.faults().unplugFor(Duration.ofSeconds(2));
 * sim.awaitLines(100, Duration.ofSeconds(10));
 * sim.stop();                        // removes the port
 * }</pre>
 *
 * <p>Line {@code n} carries the scenario's vitals at second {@code n}, whatever the period: a shorter period plays the
 * scenario faster. The device clock is either the wall clock in the device's zone, truncated to the second (lines
 * sent faster than once a second then share a time, as they would not on a real device), or a simulated clock that
 * starts at a given time and advances one second per line.
 *
 * <p>Lines are sent at a fixed rate. A simulator that falls more than a period behind (a paused JVM) carries on from
 * now rather than sending the missed lines in a burst. With baud pacing, a line is written a few bytes at a time at the
 * speed of a 9600 baud line (about 1.04 ms a byte, so 150 ms for a Radical-7 line); the period should then exceed that.
 *
 * <p>Every line is recorded ({@link #emittedLines()}, the most recent {@link Builder#logCapacity} of them) and passed
 * to listeners on the simulator's thread. Thread-safe.
 */
public final class MasimoSimulator implements SimulatedDevice {
    private static final Logger LOG = LoggerFactory.getLogger(MasimoSimulator.class);

    /** 9600 baud 8N1: a start bit, eight data bits and a stop bit per byte. */
    private static final int BITS_PER_BYTE = 10;
    /** Bytes per write when pacing: small enough that the gateway sees lines arrive in pieces, as on a real line. */
    private static final int PACED_CHUNK = 8;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final Scenario scenario;
    private final MasimoLineEncoder encoder;
    private final VirtualSerialPort port;
    private final long periodNanos;
    private final ZoneId zone;
    private final InstantSource wallClock;
    private final @Nullable LocalDateTime simulatedClockStart;
    private final long nanosPerByte;
    private final int logCapacity;
    private final List<Consumer<EmittedLine>> listeners = new CopyOnWriteArrayList<>();
    private final Faults faults = new Faults();

    private final ReentrantLock lock = new ReentrantLock();
    /** Wakes the simulator thread: a fault to apply or a stop. */
    private final Condition wake = lock.newCondition();
    /** Wakes threads waiting for lines. */
    private final Condition emitted = lock.newCondition();

    // Guarded by lock.
    private final Random random;
    private final ArrayDeque<EmittedLine> log = new ArrayDeque<>();
    private final ArrayDeque<Integer> garbageBetweenLines = new ArrayDeque<>();
    private int garbageInsideNextLine;
    private long linesEmitted;
    private long linesSilenced;
    private long silentUntilNanos;
    private boolean silenced;
    private long replugAtNanos;
    private boolean replugPending;
    private @Nullable Thread thread;
    private boolean started;
    private boolean stopping;

    private MasimoSimulator(Builder b, VirtualSerialPort port) {
        this.name = b.name;
        this.scenario = b.scenario;
        this.encoder = new MasimoLineEncoder(b.model, b.serialNumber(), b.limits);
        this.port = port;
        this.periodNanos = b.period.toNanos();
        this.zone = b.zone;
        this.wallClock = b.wallClock;
        this.simulatedClockStart = b.simulatedClockStart;
        this.nanosPerByte = b.baudPacing ? TimeUnit.SECONDS.toNanos(BITS_PER_BYTE) / b.baudRate : 0;
        this.logCapacity = b.logCapacity;
        this.random = new Random(b.seed);
    }

    /**
     * @param name the device's name, 1 to 64 letters, digits, '.', '_' or '-'
     */
    public static Builder builder(String name, Scenario scenario) {
        return new Builder(name, scenario);
    }

    /**
     * The serial number a simulator gets when none is set: derived from its name, so the port path stays the same
     * from one run to the next.
     */
    public static String serialNumberFor(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%010d", crc.getValue() % 10_000_000_000L);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path portPath() {
        return port.link();
    }

    public VirtualSerialPort port() {
        return port;
    }

    public Scenario scenario() {
        return scenario;
    }

    public MasimoLineEncoder encoder() {
        return encoder;
    }

    @Override
    public FaultInjector faults() {
        return faults;
    }

    /** Called on the simulator's thread after each line; a listener that throws is logged and kept. */
    public void addListener(Consumer<EmittedLine> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(Consumer<EmittedLine> listener) {
        listeners.remove(listener);
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("simulator " + name + " was already started (or stopped)");
            }
            started = true;
            Thread t = new Thread(this::run, "masimo-sim-" + name);
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
            wake.signalAll();
            emitted.signalAll();
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
            LOG.warn("simulator {}: cannot remove port {}: {}", name, port.link(), e.toString());
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

    /** Lines produced so far (silenced lines are not produced). */
    public long linesEmitted() {
        lock.lock();
        try {
            return linesEmitted;
        } finally {
            lock.unlock();
        }
    }

    /** The most recent lines, oldest first, up to the log capacity. */
    public List<EmittedLine> emittedLines() {
        lock.lock();
        try {
            return List.copyOf(log);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} lines have been produced since start.
     *
     * @return false if the timeout passed or the simulator stopped first
     */
    public boolean awaitLines(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (linesEmitted < count) {
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

    @Override
    public SimulatorStatus status() {
        lock.lock();
        try {
            return new SimulatorStatus(
                    name,
                    port.link(),
                    port.devicePath().orElse(null),
                    thread != null && !stopping,
                    silenced && System.nanoTime() - silentUntilNanos < 0,
                    linesEmitted,
                    linesSilenced,
                    port.bytesWritten(),
                    port.bytesDropped());
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long base = System.nanoTime();
        long tick = 0;
        try {
            while (true) {
                EmittedLine line;
                lock.lock();
                try {
                    long due = base + tick * periodNanos;
                    if (System.nanoTime() - due > periodNanos) {
                        // Fell behind (a paused JVM, a slow machine): carry on from now instead of a burst of lines.
                        base = System.nanoTime() - tick * periodNanos;
                        due = base + tick * periodNanos;
                    }
                    if (!waitUntil(due)) {
                        return;
                    }
                    line = emit(tick);
                } finally {
                    lock.unlock();
                }
                tick++;
                if (line != null) {
                    notifyListeners(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("simulator {} stopped by an error", name, e);
            throw e;
        }
    }

    /**
     * Waits for {@code due}, applying faults that arrive meanwhile. Called with the lock held.
     *
     * @return false when stopping
     */
    private boolean waitUntil(long due) throws InterruptedException {
        while (!stopping) {
            applyImmediateFaults();
            long now = System.nanoTime();
            long wakeAt = replugPending && replugAtNanos - due < 0 ? replugAtNanos : due;
            if (now - due >= 0) {
                return true;
            }
            if (wakeAt - now > 0) {
                wake.awaitNanos(wakeAt - now);
            }
        }
        return false;
    }

    private void applyImmediateFaults() {
        while (!garbageBetweenLines.isEmpty()) {
            byte[] garbage = garbage(garbageBetweenLines.poll());
            writeQuietly(garbage);
        }
        if (replugPending && System.nanoTime() - replugAtNanos >= 0) {
            replugPending = false;
            try {
                port.replug();
                LOG.info("simulator {}: cable plugged back in at {}", name, port);
            } catch (IOException e) {
                LOG.warn("simulator {}: cannot plug the cable back in: {}", name, e.toString());
            }
        }
    }

    /** Produces line {@code tick}, or nothing while silenced. Called with the lock held. */
    private @Nullable EmittedLine emit(long tick) throws InterruptedException {
        if (silenced) {
            if (System.nanoTime() - silentUntilNanos < 0) {
                linesSilenced++;
                return null;
            }
            silenced = false;
        }
        LocalDateTime deviceTime = simulatedClockStart != null
                ? simulatedClockStart.plusSeconds(tick)
                : LocalDateTime.ofInstant(wallClock.instant(), zone).truncatedTo(ChronoUnit.SECONDS);
        VitalSigns vitals = scenario.at(tick);
        byte[] bytes = encoder.encode(vitals, deviceTime);
        byte[] sent = bytes;
        if (garbageInsideNextLine > 0) {
            sent = insertGarbage(bytes, garbage(garbageInsideNextLine));
            garbageInsideNextLine = 0;
        }
        int taken = nanosPerByte == 0 ? writeQuietly(sent) : writePaced(sent);
        EmittedLine line = new EmittedLine(tick, deviceTime, vitals, bytes, sent, taken);
        if (log.size() == logCapacity) {
            log.removeFirst();
        }
        log.addLast(line);
        linesEmitted++;
        emitted.signalAll();
        return line;
    }

    /** Writes in small pieces at the line's baud rate. Called with the lock held; waits release it. */
    private int writePaced(byte[] bytes) throws InterruptedException {
        int taken = 0;
        long next = System.nanoTime();
        for (int offset = 0; offset < bytes.length && !stopping; offset += PACED_CHUNK) {
            int n = Math.min(PACED_CHUNK, bytes.length - offset);
            taken += writeQuietly(Arrays.copyOfRange(bytes, offset, offset + n));
            next += n * nanosPerByte;
            for (long left = next - System.nanoTime(); left > 0 && !stopping; left = next - System.nanoTime()) {
                wake.awaitNanos(left);
            }
        }
        return taken;
    }

    private int writeQuietly(byte[] bytes) {
        try {
            return port.write(bytes);
        } catch (IOException e) {
            // The pseudo-terminal failed in a way a pulled cable does not explain; the bytes are lost like the rest.
            LOG.warn("simulator {}: write to {} failed: {}", name, port, e.toString());
            return 0;
        }
    }

    private byte[] garbage(int length) {
        byte[] garbage = new byte[length];
        random.nextBytes(garbage);
        return garbage;
    }

    /** Puts {@code garbage} somewhere after the line's first byte and before its CR LF. */
    private byte[] insertGarbage(byte[] line, byte[] garbage) {
        int at = 1 + random.nextInt(line.length - MasimoLineEncoder.LINE_END.length - 1);
        byte[] out = new byte[line.length + garbage.length];
        System.arraycopy(line, 0, out, 0, at);
        System.arraycopy(garbage, 0, out, at, garbage.length);
        System.arraycopy(line, at, out, at + garbage.length, line.length - at);
        return out;
    }

    private void notifyListeners(EmittedLine line) {
        for (Consumer<EmittedLine> l : listeners) {
            try {
                l.accept(line);
            } catch (RuntimeException e) {
                LOG.warn("simulator {}: listener failed on line {}: {}", name, line.index(), e.toString());
                LOG.debug("listener failure", e);
            }
        }
    }

    @Override
    public String toString() {
        return "MasimoSimulator[" + name + ", " + scenario.name() + ", " + port + "]";
    }

    private final class Faults implements FaultInjector {

        @Override
        public void injectGarbage(int length, GarbagePlacement placement) {
            if (length <= 0) {
                throw new IllegalArgumentException("garbage length must be positive: " + length);
            }
            lock.lock();
            try {
                switch (placement) {
                    case BETWEEN_LINES -> garbageBetweenLines.add(length);
                    case INSIDE_LINE -> garbageInsideNextLine += length;
                }
                wake.signalAll();
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

    /** Settings of a simulator; each has a default except the name and the scenario. */
    public static final class Builder {
        private final String name;
        private final Scenario scenario;
        private MasimoModel model = MasimoModel.RADICAL_7;
        private @Nullable String serialNumber;
        private AlarmLimits limits = AlarmLimits.ADULT;
        private Duration period = Duration.ofSeconds(1);
        private ZoneId zone = ZoneId.systemDefault();
        private InstantSource wallClock = InstantSource.system();
        private @Nullable LocalDateTime simulatedClockStart;
        private boolean baudPacing;
        private int baudRate = 9600;
        private long seed = 1;
        private @Nullable Path link;
        private Path portDirectory = defaultPortDirectory();
        private int logCapacity = 10_000;
        private int maxUnreadBytes = VirtualSerialPort.DEFAULT_MAX_UNREAD_BYTES;

        private Builder(String name, Scenario scenario) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a simulator name is 1 to 64 letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit; got '" + name + "'");
            }
            this.name = name;
            this.scenario = scenario;
        }

        /** {@code <java.io.tmpdir>/bedside-sim/serial/by-id}. */
        public static Path defaultPortDirectory() {
            return Path.of(System.getProperty("java.io.tmpdir"), "bedside-sim", "serial", "by-id");
        }

        /** Radical-7 (full line) by default. */
        public Builder model(MasimoModel model) {
            this.model = model;
            return this;
        }

        /** Ten digits; by default {@link #serialNumberFor(String) derived from the name}. */
        public Builder serialNumber(String serialNumber) {
            this.serialNumber = serialNumber;
            return this;
        }

        /** {@link AlarmLimits#ADULT} by default. */
        public Builder alarmLimits(AlarmLimits limits) {
            this.limits = limits;
            return this;
        }

        /** One line per period; one second by default, as the device. */
        public Builder period(Duration period) {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period must be positive: " + period);
            }
            this.period = period;
            return this;
        }

        /** The zone of the device's wall clock; the system zone by default. */
        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        /** Where the wall clock reads the time; tests give a fixed source. */
        public Builder wallClock(InstantSource clock) {
            this.wallClock = clock;
            return this;
        }

        /**
         * Replaces the wall clock by a simulated one: line 0 shows {@code start} (truncated to the second), each line
         * after it one second later, whatever the period.
         */
        public Builder simulatedClock(LocalDateTime start) {
            this.simulatedClockStart = start.truncatedTo(ChronoUnit.SECONDS);
            return this;
        }

        /** Writes lines at the speed of a 9600 baud line instead of all at once; off by default. */
        public Builder baudPacing(boolean on) {
            this.baudPacing = on;
            return this;
        }

        /** Seeds the injected garbage. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where the port's symlink goes, exactly; overrides {@link #portDirectory(Path)}. */
        public Builder link(Path link) {
            this.link = link;
            return this;
        }

        /**
         * The directory of the port's by-id style symlink ({@code usb-Masimo_Radical-7_<serial>-if00-port0}); {@link
         * #defaultPortDirectory()} by default.
         */
        public Builder portDirectory(Path directory) {
            this.portDirectory = directory;
            return this;
        }

        /** How many of the most recent lines {@link #emittedLines()} keeps; 10 000 by default. */
        public Builder logCapacity(int lines) {
            if (lines < 1) {
                throw new IllegalArgumentException("log capacity must be positive: " + lines);
            }
            this.logCapacity = lines;
            return this;
        }

        /**
         * Unread bytes beyond which lines are dropped as unheard, so that a gateway that connects late gets fresh
         * lines, as from a real device; {@link VirtualSerialPort#DEFAULT_MAX_UNREAD_BYTES} by default.
         */
        public Builder maxUnreadBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max unread bytes must be positive: " + bytes);
            }
            this.maxUnreadBytes = bytes;
            return this;
        }

        private String serialNumber() {
            String s = serialNumber;
            return s != null ? s : serialNumberFor(name);
        }

        /**
         * Opens the port (its symlink exists when this returns); the simulator sends nothing until started.
         *
         * @throws IOException when the pseudo-terminal or the symlink cannot be made
         */
        public MasimoSimulator build() throws IOException {
            // Validates the serial number before a port is made.
            new MasimoLineEncoder(model, serialNumber(), limits);
            Path l = link;
            Path where = l != null
                    ? l
                    : VirtualSerialPort.byIdPath(portDirectory, "Masimo", model.displayName(), serialNumber());
            return new MasimoSimulator(this, VirtualSerialPort.open(where, maxUnreadBytes));
        }
    }
}
