package org.bedside.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.mllp.MllpFrameDecoder;
import org.bedside.hl7.pcd.Pcd01Decoder;
import org.bedside.hl7.pcd.Pcd01Report;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * PCD-01 in: the IHE PCD TF-2 E.1.1 example ({@code pcd01_E1-1_philips_physiological_monitor.hl7}, an {@code ORU^R01}
 * of a Philips monitor: NIBP and heart rate under the MDS/VMD/channel rows, 1,260 bytes with MLLP framing) through the
 * path of the gateway's listener on one thread, without the socket and the store: {@link MllpFrameDecoder} (the bounded
 * MLLP framing), {@link Hl7Parser} (HAPI's pipe parser, v2.6 structures, the MSH read), {@link Pcd01Decoder} (the OBX
 * hierarchy, MDC codes, UCUM units, statuses, times) and the readings of its one patient result. The score is messages
 * per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class Pcd01InboundBenchmark {
    private static final DeviceId DEVICE = DeviceId.of("or1-monitor");

    private byte[] framed;
    private MllpFrameDecoder framer;
    private Hl7Parser parser;
    private Pcd01Decoder decoder;
    private Instant receivedAt;
    private Blackhole blackhole;
    private int expectedReadings;

    private final FrameSink sink = new FrameSink() {
        @Override
        public void frame(ByteBuffer message) {
            List<Reading> readings = decode(message);
            if (readings.size() != expectedReadings) {
                throw new IllegalStateException(readings.toString());
            }
            blackhole.consume(readings);
        }

        @Override
        public void failure(DecodeFailure failure) {
            throw new IllegalStateException(failure.toString());
        }
    };

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        blackhole = bh;
        receivedAt = Instant.now();
        parser = new Hl7Parser();
        decoder = new Pcd01Decoder();
        framer = new MllpFrameDecoder();
        String text;
        try (InputStream in = Pcd01InboundBenchmark.class.getResourceAsStream(
                "/ihe-pcd/pcd01_E1-1_philips_physiological_monitor.hl7")) {
            if (in == null) {
                throw new IllegalStateException("the IHE PCD-01 example is not on the class path");
            }
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Segments end with CR on the wire; the file has its lines.
        String message = String.join("\r", text.strip().split("\r?\n")) + "\r";
        framed = MllpFrameDecoder.wrap(message.getBytes(StandardCharsets.ISO_8859_1));
        expectedReadings = decode(ByteBuffer.wrap(message.getBytes(StandardCharsets.ISO_8859_1)))
                .size();
        if (expectedReadings == 0) {
            throw new IllegalStateException("the example gave no readings");
        }
    }

    private List<Reading> decode(ByteBuffer message) {
        Hl7Result<Hl7Parser.Parsed> parsed = parser.parse(message);
        if (!parsed.isOk()) {
            throw new IllegalStateException(parsed.failure().toString());
        }
        Hl7Result<Pcd01Report> report =
                decoder.decode(parsed.value().message(), parsed.value().header());
        if (!report.isOk()) {
            throw new IllegalStateException(report.failure().toString());
        }
        return report.value().results().get(0).readings(DEVICE, receivedAt);
    }

    /** MLLP framing, HAPI's parse, the PCD-01 decoder: one message from the wire to its readings. */
    @Benchmark
    public void decodeMessage() {
        framer.feed(ByteBuffer.wrap(framed), sink);
    }
}
