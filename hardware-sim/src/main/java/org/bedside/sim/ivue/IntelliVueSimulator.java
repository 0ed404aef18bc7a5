package org.bedside.sim.ivue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.bedside.drivers.framing.EscapedFrameDecoder;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.sim.FaultInjector;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.VitalSigns;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Philips IntelliVue monitor with Data Export on its MIB/RS-232 port (a pseudo-terminal behind a by-id symlink) or
 * on the LAN (a UDP socket on loopback), driven by a {@link Scenario}, on one daemon thread.
 *
 * <pre>{@code
 * IntelliVueSimulator sim = IntelliVueSimulator.builder("bed7-monitor", Scenarios.parse("steady"))
 *         .transport(IntelliVueSimulator.Transport.UDP)
 *         .period(Duration.ofMillis(200))
 *         .build();                 // the port or socket exists from here: give sim.endpoint() to the gateway
 * sim.start();
 * sim.faults().abortAssociation();
 * sim.awaitAssociations(2, Duration.ofSeconds(20));
 * sim.stop();
 * }</pre>
 *
 * <p>The protocol behaviour (association, MDS create event, single and extended polls, the inactivity timeout) is
 * {@link SimulatedMonitor}'s; this class adds the transport and the faults: line noise, a corrupt FCS, a truncated
 * frame, refused associations, an abort, silence and a pulled cable (on UDP: the socket closes, and the gateway's
 * datagrams meet an ICMP "port unreachable"). Faults are applied on the simulator's thread. Thread-safe.
 */
public final class IntelliVueSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntelliVueSimulator.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_MESSAGE = 8192;

    /** Where the monitor talks. */
    public enum Transport {
        /** The MIB/RS-232 port: a pseudo-terminal, 115200 8N1, serial framing. */
        SERIAL,
        /** The LAN: UDP on 127.0.0.1, one message per datagram. */
        UDP
    }

    /** What the monitor showed in one numerics result: for tests that check that nothing charted was invented. */
    public record Shown(
            long second,
            VitalSigns vitals,
            @Nullable Integer nibpSystolic,
            @Nullable Integer nibpDiastolic,
            @Nullable Integer nibpMean,
            @Nullable LocalDateTime nibpMeasuredAt,
            LocalDateTime shownAt) {}

    /** The faults of a monitor and its link, beyond those of any serial device. */
    public interface Faults extends FaultInjector {
        /** The next frame goes out with a wrong FCS (serial; on UDP, where there is none, its last byte is flipped). */
        void corruptNextFrame();

        /** The next frame is cut in half: no end byte (serial), or half a datagram (UDP). */
        void truncateNextFrame();

        /** Refuses the next {@code count} association requests (another client holds the monitor, say). */
        void refuseAssociations(int count);

        /** Aborts the association now, as a monitor does on an internal error or a settings change. */
        void abortAssociation();
    }

    private final String name;
    private final Transport transport;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final SimulatedMonitor monitor; // guarded by lock
    /** How long a red alarm stays latched after its condition went; zero: no latching. */
    private final Duration latch;

    private final ConcurrentLinkedQueue<Runnable> pendingFaults = new ConcurrentLinkedQueue<>();
    private final FaultsImpl faults = new FaultsImpl();
    private final Random random;
    private final EscapedFrameDecoder framer = new EscapedFrameDecoder(
            (byte) MonitorWire.BOF, (byte) MonitorWire.EOF, (byte) MonitorWire.ESC, 0x20, MAX_MESSAGE);
    private final @Nullable VirtualSerialPort port;
    private final int udpPort;
    private @Nullable DatagramSocket socket;
    private @Nullable SocketAddress peer;
    private @Nullable Thread thread;
    private volatile boolean stopping;
    private boolean started;

    // Faults, on the simulator's thread.
    private long silentUntil;
    private boolean silenced;
    private long replugAt;
    private boolean replugPending;
    private boolean corruptNext;
    private boolean truncateNext;
    private int garbageInsideNext;
    private long messagesSent;
    private long messagesDropped;
    private long badRequests;

    private IntelliVueSimulator(Builder b, @Nullable VirtualSerialPort port, @Nullable DatagramSocket socket) {
        this.name = b.name;
        this.latch = b.latch;
        this.transport = b.transport;
        this.port = port;
        this.socket = socket;
        this.udpPort = socket == null ? 0 : socket.getLocalPort();
        this.random = new Random(b.seed);
        InstantSource clock = b.wallClock;
        ZoneId zone = b.zone;
        this.monitor = new SimulatedMonitor(
                b.scenario,
                b.period,
                b.nibpEverySeconds,
                () -> LocalDateTime.ofInstant(clock.instant(), zone),
                System.nanoTime(),
                b.logCapacity,
                b.latch);
        this.monitor.patients(b.patients);
    }

    public static Builder builder(String name, Scenario scenario) {
        return new Builder(name, scenario);
    }

    public String name() {
        return name;
    }

    public Transport transport() {
        return transport;
    }

    /** What the gateway's {@code port} setting is: the serial port's path, or {@code udp://127.0.0.1:<port>}. */
    public String endpoint() {
        return transport == Transport.SERIAL ? portPath().toString() : "udp://127.0.0.1:" + udpPort;
    }

    /** The serial port's stable path. */
    public Path portPath() {
        VirtualSerialPort p = port;
        if (p == null) {
            throw new IllegalStateException(name + " is on UDP, not on a serial port");
        }
        return p.link();
    }

    /** The UDP port the monitor listens on (its Data Export port), 0 on serial. */
    public int udpPort() {
        return udpPort;
    }

    public Faults faults() {
        return faults;
    }

    public void start() {
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("simulator " + name + " was already started (or stopped)");
            }
            started = true;
            Thread t = new Thread(this::run, "intellivue-sim-" + name);
            t.setDaemon(true);
            thread = t;
            t.start();
        } finally {
            lock.unlock();
        }
    }

    public void stop() {
        Thread t;
        lock.lock();
        try {
            started = true;
            stopping = true;
            t = thread;
            changed.signalAll();
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
        closeTransport();
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && !stopping;
    }

    /** Associations accepted so far. */
    public long associations() {
        return locked(monitor::associations);
    }

    public long refusals() {
        return locked(monitor::refusals);
    }

    /** Associations dropped because the client fell silent. */
    public long drops() {
        return locked(monitor::drops);
    }

    public boolean associated() {
        return locked(monitor::associated);
    }

    /** Numerics results sent (each one scenario second). */
    public long numericPushes() {
        return locked(monitor::numericPushes);
    }

    /** The most recent numerics results, oldest first. */
    public List<Shown> shown() {
        List<SimulatedMonitor.Shown> s = locked(monitor::shown);
        List<Shown> out = new ArrayList<>(s.size());
        for (SimulatedMonitor.Shown x : s) {
            MonitorEncoder.NibpMeasurement n = x.nibp();
            out.add(new Shown(
                    x.second(),
                    x.vitals(),
                    n == null ? null : n.systolic(),
                    n == null ? null : n.diastolic(),
                    n == null ? null : n.mean(),
                    n == null ? null : n.time(),
                    x.time()));
        }
        return out;
    }

    /** Waits until at least {@code count} associations were accepted; false if the timeout passed first. */
    public boolean awaitAssociations(long count, Duration timeout) throws InterruptedException {
        return await(() -> monitor.associations() >= count, timeout);
    }

    /** Waits until at least {@code count} numerics results were sent; false if the timeout passed first. */
    public boolean awaitPushes(long count, Duration timeout) throws InterruptedException {
        return await(() -> monitor.numericPushes() >= count, timeout);
    }

    private boolean await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopping) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(java.util.function.Supplier<T> s) {
        lock.lock();
        try {
            return s.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * One line: {@code bed7 running associated udp://127.0.0.1:40123 associations=2 ... latch=0s}; {@code latch} is how
     * long a red alarm stays latched after its condition went (0s: the monitor does not latch).
     */
    public String status() {
        lock.lock();
        try {
            return String.format(
                    Locale.ROOT,
                    "%s %s %s %s associations=%d refusals=%d drops=%d numerics=%d sent=%d dropped=%d latch=%ds",
                    name,
                    isRunning() ? "running" : "stopped",
                    monitor.associated() ? "associated" : "unassociated",
                    endpoint(),
                    monitor.associations(),
                    monitor.refusals(),
                    monitor.drops(),
                    monitor.numericPushes(),
                    messagesSent,
                    messagesDropped,
                    latch.toSeconds());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "IntelliVueSimulator[" + name + ", " + endpoint() + "]";
    }

    // ---- the simulator's thread ----

    private void run() {
        byte[] buffer = new byte[MAX_MESSAGE];
        try {
            while (!stopping) {
                for (Runnable f = pendingFaults.poll(); f != null; f = pendingFaults.poll()) {
                    f.run();
                }
                long now = System.nanoTime();
                if (replugPending && now - replugAt >= 0) {
                    replugPending = false;
                    plugIn();
                }
                List<byte[]> out;
                long due;
                lock.lock();
                try {
                    out = monitor.onTick(now);
                    due = monitor.nextDue(now);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                send(out, now);
                Duration wait = Duration.ofNanos(Math.max(1_000_000, Math.min(due - now, 20_000_000)));
                for (byte[] request : receive(buffer, wait)) {
                    long at = System.nanoTime();
                    List<byte[]> answers;
                    lock.lock();
                    try {
                        answers = monitor.onMessage(request, at);
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    send(answers, at);
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("simulator {} stopped by an error", name, e);
            throw e;
        }
    }

    private List<byte[]> receive(byte[] buffer, Duration wait) {
        List<byte[]> messages = new ArrayList<>();
        try {
            if (transport == Transport.SERIAL) {
                VirtualSerialPort p = port;
                int n = p == null ? 0 : p.read(buffer, wait);
                if (n > 0) {
                    framer.feed(ByteBuffer.wrap(buffer, 0, n), new FrameSink() {
                        @Override
                        public void frame(ByteBuffer frame) {
                            byte[] userData = checkSerialFrame(frame);
                            if (userData != null) {
                                messages.add(userData);
                            }
                        }

                        @Override
                        public void failure(DecodeFailure failure) {
                            badRequests++;
                        }
                    });
                }
            } else {
                DatagramSocket s = socket;
                if (s == null || s.isClosed()) {
                    Thread.sleep(Math.max(1, wait.toMillis()));
                    return messages;
                }
                s.setSoTimeout((int) Math.max(1, wait.toMillis()));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    s.receive(packet);
                    peer = packet.getSocketAddress();
                    messages.add(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                } catch (SocketTimeoutException e) {
                    // nothing this time
                }
            }
        } catch (IOException e) {
            if (!stopping) {
                LOG.debug("simulator {}: read failed: {}", name, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
        return messages;
    }

    /** The user data of a request frame whose header and FCS are right; null (and counted) otherwise. */
    private byte @Nullable [] checkSerialFrame(ByteBuffer frame) {
        byte[] f = new byte[frame.remaining()];
        frame.get(f);
        if (f.length < 6) {
            badRequests++;
            return null;
        }
        int sentFcs = (f[f.length - 2] & 0xFF) | (f[f.length - 1] & 0xFF) << 8;
        int length = (f[2] & 0xFF) << 8 | (f[3] & 0xFF);
        if (MonitorWire.fcs(f, 0, f.length - 2) != sentFcs || f[0] != 0x11 || f[1] != 0x01 || length != f.length - 6) {
            badRequests++;
            return null;
        }
        return java.util.Arrays.copyOfRange(f, 4, f.length - 2);
    }

    private void send(List<byte[]> messages, long now) {
        for (byte[] m : messages) {
            if (silenced && now - silentUntil < 0) {
                messagesDropped++;
                continue;
            }
            silenced = false;
            byte[] wire;
            if (transport == Transport.SERIAL) {
                wire = MonitorWire.serialFrame(m, corruptNext);
                if (garbageInsideNext > 0) {
                    wire = insertGarbage(wire, garbageInsideNext);
                    garbageInsideNext = 0;
                }
            } else {
                wire = m.clone();
                if (corruptNext) {
                    wire[wire.length - 1] ^= 0x01;
                }
            }
            corruptNext = false;
            if (truncateNext) {
                truncateNext = false;
                wire = java.util.Arrays.copyOf(wire, wire.length / 2);
            }
            write(wire);
        }
    }

    private void write(byte[] wire) {
        try {
            if (transport == Transport.SERIAL) {
                VirtualSerialPort p = port;
                int taken = p == null ? 0 : p.write(wire);
                if (taken == wire.length) {
                    messagesSent++;
                } else {
                    messagesDropped++;
                }
            } else {
                DatagramSocket s = socket;
                SocketAddress to = peer;
                if (s == null || s.isClosed() || to == null) {
                    messagesDropped++;
                    return;
                }
                s.send(new DatagramPacket(wire, wire.length, to));
                messagesSent++;
            }
        } catch (IOException e) {
            messagesDropped++;
            LOG.debug("simulator {}: write failed: {}", name, e.toString());
        }
    }

    private byte[] insertGarbage(byte[] frame, int length) {
        byte[] garbage = new byte[length];
        random.nextBytes(garbage);
        int at = 1 + random.nextInt(frame.length - 2);
        byte[] out = new byte[frame.length + length];
        System.arraycopy(frame, 0, out, 0, at);
        System.arraycopy(garbage, 0, out, at, length);
        System.arraycopy(frame, at, out, at + length, frame.length - at);
        return out;
    }

    private void unplugNow() {
        try {
            if (transport == Transport.SERIAL) {
                VirtualSerialPort p = port;
                if (p != null) {
                    p.unplug();
                }
                framer.reset();
            } else {
                DatagramSocket s = socket;
                if (s != null) {
                    s.close();
                }
                peer = null;
            }
        } catch (IOException e) {
            LOG.warn("simulator {}: unplug failed: {}", name, e.toString());
        }
        lock.lock();
        try {
            monitor.abort(); // the monitor notices its link is gone; nothing can be sent
        } finally {
            lock.unlock();
        }
    }

    private void plugIn() {
        try {
            if (transport == Transport.SERIAL) {
                VirtualSerialPort p = port;
                if (p != null) {
                    p.replug();
                }
            } else {
                DatagramSocket s = socket;
                if (s == null || s.isClosed()) {
                    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort));
                }
            }
        } catch (IOException e) {
            LOG.warn("simulator {}: replug failed: {}", name, e.toString());
        }
    }

    private void closeTransport() {
        VirtualSerialPort p = port;
        if (p != null) {
            try {
                p.close();
            } catch (IOException e) {
                LOG.warn("simulator {}: cannot remove port {}: {}", name, p.link(), e.toString());
            }
        }
        DatagramSocket s = socket;
        if (s != null) {
            s.close();
        }
    }

    private final class FaultsImpl implements Faults {
        private void queue(Runnable fault) {
            pendingFaults.add(fault);
        }

        @Override
        public void injectGarbage(int length, GarbagePlacement placement) {
            if (length <= 0) {
                throw new IllegalArgumentException("garbage length must be positive: " + length);
            }
            queue(() -> {
                if (placement == GarbagePlacement.INSIDE_LINE && transport == Transport.SERIAL) {
                    garbageInsideNext += length;
                } else {
                    byte[] garbage = new byte[length];
                    random.nextBytes(garbage);
                    write(garbage);
                }
            });
        }

        @Override
        public void silence(Duration duration) {
            queue(() -> {
                silenced = true;
                silentUntil = System.nanoTime() + duration.toNanos();
            });
        }

        @Override
        public void unplug() {
            queue(() -> {
                replugPending = false;
                unplugNow();
            });
        }

        @Override
        public void replug() {
            queue(() -> {
                replugPending = false;
                plugIn();
            });
        }

        @Override
        public void unplugFor(Duration duration) {
            queue(() -> {
                unplugNow();
                replugPending = true;
                replugAt = System.nanoTime() + duration.toNanos();
            });
        }

        @Override
        public void corruptNextFrame() {
            queue(() -> corruptNext = true);
        }

        @Override
        public void truncateNextFrame() {
            queue(() -> truncateNext = true);
        }

        @Override
        public void refuseAssociations(int count) {
            if (count <= 0) {
                throw new IllegalArgumentException("count must be positive: " + count);
            }
            queue(() -> {
                lock.lock();
                try {
                    monitor.refuseNext(count);
                } finally {
                    lock.unlock();
                }
            });
        }

        @Override
        public void abortAssociation() {
            queue(() -> {
                List<byte[]> out;
                lock.lock();
                try {
                    out = monitor.abort();
                } finally {
                    lock.unlock();
                }
                send(out, System.nanoTime());
            });
        }
    }

    /** Settings of a simulator; each has a default except the name and the scenario. */
    public static final class Builder {
        private final String name;
        private final Scenario scenario;
        private Transport transport = Transport.SERIAL;
        private Duration period = Duration.ofSeconds(1);
        private int nibpEverySeconds = 300;
        private ZoneId zone = ZoneId.systemDefault();
        private InstantSource wallClock = InstantSource.system();
        private long seed = 1;
        private @Nullable Path link;
        private Path portDirectory = MasimoSimulator.Builder.defaultPortDirectory();
        private int udpPort;
        private int logCapacity = 10_000;
        private Duration latch = Duration.ZERO;
        private List<MonitorPatient> patients = MonitorPatient.ONE_PATIENT;

        private Builder(String name, Scenario scenario) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a simulator name is 1 to 64 letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit; got '" + name + "'");
            }
            this.name = name;
            this.scenario = scenario;
        }

        /** Serial (a pseudo-terminal) by default. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** How often numerics and alerts are sent, one scenario second each; 1 s by default, as the monitor. */
        /**
         * Latch the red (high-priority physiological) alarms as the monitor's alarm latching setting does: once the
         * condition has gone, the alarm is listed with AL_LATCHED until a simulated clinician resets it {@code
         * resetAfter} later (whole seconds). {@link Duration#ZERO}, the default: no latching.
         */
        public Builder latchRedAlarms(Duration resetAfter) {
            if (resetAfter.isNegative() || resetAfter.getNano() != 0) {
                throw new IllegalArgumentException("a latch lasts whole seconds, not " + resetAfter);
            }
            this.latch = resetAfter;
            return this;
        }

        public Builder period(Duration period) {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period must be positive: " + period);
            }
            this.period = period;
            return this;
        }

        /** Scenario seconds between two NIBP measurements; 300 (every 5 minutes) by default. */
        public Builder nibpEvery(int scenarioSeconds) {
            if (scenarioSeconds < 1) {
                throw new IllegalArgumentException("NIBP interval must be positive: " + scenarioSeconds);
            }
            this.nibpEverySeconds = scenarioSeconds;
            return this;
        }

        /** The zone of the monitor's clock; the system zone by default. */
        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        public Builder wallClock(InstantSource clock) {
            this.wallClock = clock;
            return this;
        }

        /** Seeds the injected garbage. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where the serial port's symlink goes, exactly. */
        public Builder link(Path link) {
            this.link = link;
            return this;
        }

        /** The directory of the serial port's by-id style symlink. */
        public Builder portDirectory(Path directory) {
            this.portDirectory = directory;
            return this;
        }

        /** The UDP port to listen on; 0 (the default) takes a free one. The real monitor's is 24105. */
        public Builder udpPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a UDP port: " + port);
            }
            this.udpPort = port;
            return this;
        }

        /**
         * Who the monitor is set up for, from which scenario second: one test patient admitted from the start by
         * default; {@link MonitorPatient#newPatientAt} for a discharge and another patient's admission.
         */
        public Builder patients(List<MonitorPatient> steps) {
            this.patients = List.copyOf(steps);
            return this;
        }

        public Builder logCapacity(int results) {
            if (results < 1) {
                throw new IllegalArgumentException("log capacity must be positive: " + results);
            }
            this.logCapacity = results;
            return this;
        }

        /**
         * Opens the port or the socket; the simulator answers nothing until started.
         *
         * @throws IOException when the pseudo-terminal, the symlink or the socket cannot be made
         */
        public IntelliVueSimulator build() throws IOException {
            if (transport == Transport.SERIAL) {
                Path l = link;
                Path where = l != null
                        ? l
                        : VirtualSerialPort.byIdPath(
                                portDirectory, "Philips", "IntelliVue_MIB", MasimoSimulator.serialNumberFor(name));
                // Results are a few hundred bytes a second; a gateway that stops reading loses them after 16 KB.
                return new IntelliVueSimulator(this, VirtualSerialPort.open(where, 16_000), null);
            }
            DatagramSocket socket =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort));
            return new IntelliVueSimulator(this, null, socket);
        }
    }
}
