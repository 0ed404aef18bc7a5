package org.bedside.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.gedri.GeDriDriver;
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
 * GE DRI displayed-values records through the driver's framer and decoder on one thread: each operation is one real
 * record of the 2009 capture ({@code db00.raw}, 1,152 bytes, about 1,160 on the wire with stuffing), decoded to its 70
 * readings (55 basic-class values including the NIBP compound and EtCO2, 12 ext1, 3 ext2). The score is records per
 * second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class GeDriDecodeBenchmark {
    private byte[][] records;
    private FrameDecoder framer;
    private MessageDecoder decoder;
    private Instant receivedAt;
    private int next;
    private Blackhole blackhole;

    private final FrameSink sink = new FrameSink() {
        @Override
        public void frame(ByteBuffer frame) {
            DecodeResult r = decoder.decode(frame, receivedAt);
            if (!(r instanceof DecodeResult.Decoded)) {
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
    public void setUp(Blackhole bh) throws IOException {
        GeDriDriver driver = new GeDriDriver();
        DriverOptions options = DriverOptions.parse(driver.info(), Map.of("device-time-zone", "Europe/Berlin"));
        framer = driver.newFrameDecoder(options);
        decoder = driver.newMessageDecoder(DeviceId.of("bed7-monitor"), options);
        receivedAt = Instant.now();
        blackhole = bh;
        byte[] capture;
        try (InputStream in = GeDriDecodeBenchmark.class.getResourceAsStream("/captures/ge-dri/db00.raw")) {
            capture = in.readAllBytes();
        }
        // The wire bytes of each displayed-values record: from its opening flag to its closing flag.
        List<byte[]> found = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < capture.length; i++) {
            if (capture[i] == 0x7E) {
                if (start >= 0 && i - start > 1000) {
                    found.add(Arrays.copyOfRange(capture, start, i + 1));
                }
                start = i;
            }
        }
        records = found.toArray(byte[][]::new);
    }

    /** Framer and decoder: one displayed-values record from the wire to its readings. */
    @Benchmark
    public void decodeRecord() {
        framer.feed(ByteBuffer.wrap(records[next]), sink);
        next = next + 1 == records.length ? 0 : next + 1;
    }
}
