package org.bedside.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.medibus.MedibusDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.DeviceId;
import org.bedside.sim.medibus.MedibusAnswers;
import org.bedside.sim.scenario.MonitorVitals;
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
 * Medibus answers through the driver's framer and decoder on one thread: each operation is the device's side of one
 * poll cycle — the answers to measured data CP1 (8 records), CP2 (2), alarms CP1 (one alarm while SpO2 is low, else
 * none), alarms CP2 (none) and device settings (4), 113 bytes in five messages (128 with an alarm) — decoded to 14
 * numeric readings and any alarm. The answers are the simulator's (written from the format description, not from the
 * decoder's tables), 20 minutes of the desaturation scenario. The score is poll cycles per second; the gateway polls
 * every 5 s by default.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class MedibusDecodeBenchmark {
    private static final int SOH = 0x01;
    private static final int MEASURED_CP1 = 0x24;
    private static final int ALARMS_CP1 = 0x27;
    private static final int SETTINGS = 0x29;
    private static final int MEASURED_CP2 = 0x2B;
    private static final int ALARMS_CP2 = 0x2E;
    /** 20 minutes, one cycle a second. */
    private static final int CYCLES = 60 * 20;

    private byte[][] cycles;
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
        MedibusDriver driver = new MedibusDriver();
        DriverOptions options = DriverOptions.parse(driver.info(), Map.of());
        framer = driver.newFrameDecoder(options);
        decoder = driver.newMessageDecoder(DeviceId.of("bed3-vent"), options);
        receivedAt = Instant.now();
        blackhole = bh;
        Scenario scenario = Scenarios.parse("desaturation");
        cycles = new byte[CYCLES][];
        for (int second = 0; second < CYCLES; second++) {
            MedibusAnswers.Values v = MedibusAnswers.values(MonitorVitals.at(scenario, second), second);
            ByteArrayOutputStream cycle = new ByteArrayOutputStream();
            cycle.writeBytes(MedibusAnswers.message(SOH, MEASURED_CP1, MedibusAnswers.measuredCp1(v)));
            cycle.writeBytes(MedibusAnswers.message(SOH, MEASURED_CP2, MedibusAnswers.measuredCp2(v)));
            cycle.writeBytes(MedibusAnswers.message(SOH, ALARMS_CP1, MedibusAnswers.alarmsCp1(v)));
            cycle.writeBytes(MedibusAnswers.message(SOH, ALARMS_CP2, new byte[0]));
            cycle.writeBytes(MedibusAnswers.message(SOH, SETTINGS, MedibusAnswers.settings(v)));
            cycles[second] = cycle.toByteArray();
        }
    }

    /** Framer and decoder: one poll cycle's answers from the wire to their readings. */
    @Benchmark
    public void decodeCycle() {
        framer.feed(ByteBuffer.wrap(cycles[next]), sink);
        next = next + 1 == cycles.length ? 0 : next + 1;
    }
}
