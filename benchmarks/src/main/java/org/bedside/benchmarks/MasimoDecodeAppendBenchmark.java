package org.bedside.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.masimo.MasimoDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Masimo "ASCII 1" lines through the gateway's ingest path on one thread: framer, decoder and durable append to the
 * Chronicle store, one record per line (its eight numerics). Each operation is one full Radical-7 line of about 130
 * bytes; the score is lines per second. {@code decode} leaves the store out, {@code append} the decoder.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Dchronicle.analytics.disable=true"})
public class MasimoDecodeAppendBenchmark {
    private static final int DISTINCT_LINES = 4096;

    private byte[][] lines;
    private FrameDecoder framer;
    private MessageDecoder decoder;
    private ChronicleReadingStore store;
    private Path dir;
    private List<Reading> sampleFrame;
    private int next;
    private Instant receivedAt;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        MasimoDriver driver = new MasimoDriver();
        DriverOptions options = DriverOptions.parse(driver.info(), Map.of("device-time-zone", "Europe/Berlin"));
        framer = driver.newFrameDecoder(options);
        decoder = driver.newMessageDecoder(DeviceId.of("bed12-spo2"), options);
        lines = new byte[DISTINCT_LINES][];
        for (int i = 0; i < DISTINCT_LINES; i++) {
            lines[i] = String.format(
                            "11/22/26 %02d:%02d:%02d SN=0000012345 SPO2=%03d%% BPM=%03d PI=%02d.%02d%% SPCO=%02d.%d%%"
                                    + " SPMET=%02d.%d%% DESAT=%02d PIDELTA=%+03d PVI=%03d ALARM=0000 EXC=000800\r\n",
                            (i / 3600) % 24,
                            (i / 60) % 60,
                            i % 60,
                            88 + i % 12,
                            50 + i % 90,
                            i % 20,
                            i % 100,
                            i % 15,
                            i % 10,
                            i % 3,
                            i % 10,
                            i % 20,
                            i % 30 - 15,
                            i % 100)
                    .getBytes(StandardCharsets.US_ASCII);
        }
        dir = Files.createTempDirectory("bedside-bench");
        store = ChronicleReadingStore.open(dir);
        receivedAt = Instant.now();
        sampleFrame = ((DecodeResult.Decoded) decoder.decode(frameOf(lines[0]), receivedAt)).readings();
    }

    private static ByteBuffer frameOf(byte[] line) {
        return ByteBuffer.wrap(line, 0, line.length - 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Framer, decoder and durable append: the whole ingest path of one line. */
    @Benchmark
    public void decodeAndAppend(Blackhole bh) {
        framer.feed(ByteBuffer.wrap(lines[next++ & (DISTINCT_LINES - 1)]), new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                DecodeResult r = decoder.decode(frame, receivedAt);
                if (r instanceof DecodeResult.Decoded d) {
                    try {
                        bh.consume(store.append(d.readings()));
                    } catch (StoreException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public void failure(DecodeFailure failure) {
                throw new IllegalStateException(failure.toString());
            }
        });
    }

    /** Framer and decoder only. */
    @Benchmark
    public void decode(Blackhole bh) {
        framer.feed(ByteBuffer.wrap(lines[next++ & (DISTINCT_LINES - 1)]), new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                bh.consume(decoder.decode(frame, receivedAt));
            }

            @Override
            public void failure(DecodeFailure failure) {
                throw new IllegalStateException(failure.toString());
            }
        });
    }

    /** Durable append of one line's eight readings only. */
    @Benchmark
    public long append() throws StoreException {
        return store.append(sampleFrame);
    }
}
