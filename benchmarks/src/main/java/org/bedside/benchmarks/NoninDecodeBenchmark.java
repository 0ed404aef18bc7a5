package org.bedside.benchmarks;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.nonin.NoninDf13Driver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.DeviceId;
import org.bedside.sim.nonin.NoninPacketEncoder;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.Scenarios;
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
 * Nonin Data Format 13 packets through the driver's framer and decoder on one thread: each operation is one packet (25
 * frames, 125 bytes, a third of a second of the device's stream), decoded to SpO2, pulse rate and a 25-sample pleth
 * segment. The packets are the simulator's (written from the format description, not from the decoder), 20 minutes of
 * the desaturation scenario, so the values and status bits vary as on a patient. The score is packets per second; the
 * device sends three.
 *
 * <p>The framer has no delimiter to look for: it checks each frame's checksum and SYNC bit, so this also measures the
 * content-synchronising framer in its steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class NoninDecodeBenchmark {
    /** 20 minutes at three packets a second. */
    private static final int PACKETS = 3 * 60 * 20;

    private byte[][] packets;
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
    public void setUp(Blackhole bh) {
        NoninDf13Driver driver = new NoninDf13Driver();
        DriverOptions options = DriverOptions.parse(driver.info(), Map.of());
        framer = driver.newFrameDecoder(options);
        decoder = driver.newMessageDecoder(DeviceId.of("bed9-spo2"), options);
        receivedAt = Instant.now();
        blackhole = bh;
        Scenario scenario = Scenarios.parse("desaturation");
        NoninPacketEncoder encoder = new NoninPacketEncoder(NoninPacketEncoder.Format.DF13);
        packets = new byte[PACKETS][];
        for (int i = 0; i < PACKETS; i++) {
            // As the simulator does: packet n carries the vitals of second n / 3, a pulse in every third packet.
            packets[i] = encoder.packet(scenario.at(i / 3), i % 3 == 0);
        }
    }

    /** Framer and decoder: one packet from the wire to its readings. */
    @Benchmark
    public void decodePacket() {
        framer.feed(ByteBuffer.wrap(packets[next]), sink);
        next = next + 1 == packets.length ? 0 : next + 1;
    }
}
