package org.bedside.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.bbraun.BccDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.DeviceId;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The real SpaceCom frame ({@code bcc_rack_response_part1.bin}: 1,152 bytes, 70 records of one pump and the rack) through
 * the {@code bbraun-bcc} driver's framer and decoder on one thread: length and checksum checked, the records read, one
 * {@code InfusionStatus} with five values. The score is frames per second; the gateway polls a rack every 5 s by
 * default.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class BccDecodeBenchmark {
    private byte[] frame;
    private FrameDecoder framer;
    private MessageDecoder decoder;
    private Instant receivedAt;
    private Blackhole blackhole;

    private final FrameSink sink = new FrameSink() {
        @Override
        public void frame(ByteBuffer f) {
            DecodeResult r = decoder.decode(f, receivedAt);
            if (!(r instanceof DecodeResult.Decoded d) || d.readings().size() != 1) {
                throw new IllegalStateException(r.toString());
            }
            blackhole.consume(r);
        }

        @Override
        public void failure(DecodeFailure failure) {
            throw new IllegalStateException(failure.toString());
        }
    };

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        BccDriver driver = new BccDriver();
        DriverOptions options = DriverOptions.parse(driver.info(), Map.of());
        framer = driver.newFrameDecoder(options);
        decoder = driver.newMessageDecoder(DeviceId.of("bed12-pumps"), options);
        receivedAt = Instant.now();
        blackhole = bh;
        try (InputStream in =
                BccDecodeBenchmark.class.getResourceAsStream("/captures/bbraun-bcc/bcc_rack_response_part1.bin")) {
            if (in == null) {
                throw new IllegalStateException("the SpaceCom capture is not on the class path");
            }
            frame = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Framer and decoder: one frame from the wire to its readings. */
    @Benchmark
    public void decodeFrame() {
        framer.feed(ByteBuffer.wrap(frame), sink);
    }
}
