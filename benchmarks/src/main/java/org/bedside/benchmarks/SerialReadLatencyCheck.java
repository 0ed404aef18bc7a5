package org.bedside.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.bedside.drivers.masimo.MasimoDriver;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.VitalSigns;

/**
 * Where the serial read's time goes (a check, not a test): simulated Masimo oximeters on real pseudo-terminals, half
 * of them read through the gateway's {@link SerialTransport} (jSerialComm, semi-blocking, 200 ms), half by a plain
 * blocking read of the same kind of terminal (raw mode, VMIN 1), at the same time and so under the same load. Each
 * line is tagged by its perfusion index; the clock starts when the simulator asks for the line (right before it
 * encodes and writes it) and stops when the read that carries the line's LF returns.
 *
 * <p>It also shows the matching that {@code bench-alarms} used before: the write time taken by a listener called
 * after the write, and the frame matched to the line written last. When the read wins the race against the listener,
 * that frame gets the previous line's time, one period (200 ms) earlier.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.bedside.benchmarks.SerialReadLatencyCheck [SECONDS]
 * [DEVICES]} (defaults 90 and 6).
 */
public final class SerialReadLatencyCheck {
    private static final Duration PERIOD = Duration.ofMillis(200);
    private static final int TAGS = 100;

    private SerialReadLatencyCheck() {}

    /** One read of a link into a buffer's array from its start: the number of bytes, -1 at the end. */
    private interface Read {
        int read(ByteBuffer into) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 90;
        int devices = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path dir = Files.createTempDirectory("bedside-serial-check");
        List<Double> viaTransport = Collections.synchronizedList(new ArrayList<>());
        List<Double> plainRead = Collections.synchronizedList(new ArrayList<>());
        List<Double> lastWrittenMatch = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger matchedToPrevious = new AtomicInteger();
        List<MasimoSimulator> simulators = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        List<AutoCloseable> links = new ArrayList<>();
        boolean[] stop = {false};
        for (int d = 0; d < devices; d++) {
            AtomicLongArray writeStarted = new AtomicLongArray(TAGS);
            long[] lastWrite = {0};
            MasimoSimulator sim = MasimoSimulator.builder("serial-check-" + d, tagged(writeStarted))
                    .period(PERIOD)
                    .portDirectory(dir)
                    .build();
            sim.addListener(line -> lastWrite[0] = System.nanoTime());
            simulators.add(sim);
            boolean transport = d % 2 == 0;
            Read read;
            if (transport) {
                Link link = new SerialTransport(
                                sim.portPath(), new MasimoDriver().info().defaultSerial())
                        .open();
                links.add(link);
                read = into -> link.read(into, Duration.ofMillis(100));
            } else {
                InputStream plain = Files.newInputStream(sim.portPath().toRealPath());
                links.add(plain);
                read = into -> plain.read(into.array());
            }
            List<Double> sink = transport ? viaTransport : plainRead;
            Thread t = new Thread(
                    () -> {
                        ByteBuffer buffer = ByteBuffer.allocate(4096);
                        StringBuilder line = new StringBuilder();
                        try {
                            while (!stop[0]) {
                                buffer.clear();
                                int n = read.read(buffer);
                                long now = System.nanoTime();
                                for (int i = 0; i < n; i++) {
                                    char c = (char) (buffer.get(i) & 0xFF);
                                    line.append(c);
                                    if (c != '\n') {
                                        continue;
                                    }
                                    int tag = tagOf(line.toString());
                                    line.setLength(0);
                                    if (tag < 0) {
                                        continue;
                                    }
                                    long started = writeStarted.get(tag);
                                    sink.add((now - started) / 1e6);
                                    if (lastWrite[0] != 0) { // not before the first listener call
                                        lastWrittenMatch.add((now - lastWrite[0]) / 1e6);
                                        if (lastWrite[0] < started) {
                                            matchedToPrevious.incrementAndGet();
                                        }
                                    }
                                }
                            }
                        } catch (Exception e) {
                            if (!stop[0]) {
                                System.err.println("reader failed: " + e);
                            }
                        }
                    },
                    "serial-check-reader-" + d);
            t.setDaemon(true);
            readers.add(t);
        }
        readers.forEach(Thread::start);
        simulators.forEach(MasimoSimulator::start);
        Thread.sleep(Duration.ofSeconds(seconds).toMillis());
        stop[0] = true;
        simulators.forEach(MasimoSimulator::stop);
        for (AutoCloseable c : links) {
            try {
                c.close();
            } catch (Exception e) {
                // The simulator's terminal is gone already.
            }
        }
        print("SerialTransport (jSerialComm, semi-blocking 200 ms)", viaTransport);
        print("plain blocking read (VMIN 1)", plainRead);
        print("the old matching (listener after the write, the line written last)", lastWrittenMatch);
        System.out.printf(
                Locale.ROOT,
                "frames the old matching gave the previous line's time: %d of %d%n",
                matchedToPrevious.get(),
                lastWrittenMatch.size());
        System.exit(0);
    }

    private static void print(String what, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.println(what + ": no lines");
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %d lines, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                what,
                sorted.size(),
                sorted.get(sorted.size() / 2),
                sorted.get((int) (sorted.size() * 0.9)),
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.get(sorted.size() - 1));
    }

    /** Steady vitals, line {@code n} tagged with a perfusion index of {@code 1.0 + (n % TAGS) / 10}. */
    private static Scenario tagged(AtomicLongArray writeStarted) {
        return new Scenario() {
            @Override
            public String name() {
                return "tagged";
            }

            @Override
            public VitalSigns at(long second) {
                writeStarted.set((int) (second % TAGS), System.nanoTime());
                return VitalSigns.builder()
                        .spo2(97)
                        .pulseRate(72)
                        .perfusionIndex(1.0 + (second % TAGS) / 10.0)
                        .build();
            }
        };
    }

    /** The tag of a Radical-7 line ({@code ... PI=03.60% ...}), or -1. */
    private static int tagOf(String line) {
        int at = line.indexOf("PI=");
        if (at < 0 || at + 8 > line.length()) {
            return -1;
        }
        try {
            double pi = Double.parseDouble(line.substring(at + 3, at + 8));
            int tag = (int) Math.round((pi - 1.0) * 10);
            return tag >= 0 && tag < TAGS ? tag : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
