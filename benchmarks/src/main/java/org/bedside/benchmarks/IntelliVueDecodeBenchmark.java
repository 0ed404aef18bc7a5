package org.bedside.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.framing.Crc16X25;
import org.bedside.drivers.ivue.IntelliVueSerialDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceSession;
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
 * IntelliVue numerics results through the driver on one thread. One operation is one serial frame of an extended-poll
 * numerics result as the simulated monitor sends it each second (heart rate, SpO2, pulse, perfusion, respiration,
 * temperature and the NIBP compound with its time stamp: 7 objects, 206 bytes framed); the score is frames per second.
 *
 * <ul>
 *   <li>{@code decode}: serial framer (transparency, CRC-16/X-25) + the stateless message decoder ({@code bedside
 *       replay}'s path);
 *   <li>{@code session}: serial framer + the session's {@code onFrame}, the gateway's path (label cache, clock
 *       baseline, NIBP reported once per measurement).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class IntelliVueDecodeBenchmark {
    private static final int DISTINCT = 256;
    private static final long BASE_REL = 0x0100_0000L;

    private byte[][] frames;
    private FrameDecoder framer;
    private FrameDecoder sessionFramer;
    private MessageDecoder decoder;
    private DeviceSession session;
    private Instant receivedAt;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        IntelliVueSerialDriver driver = new IntelliVueSerialDriver();
        DriverOptions options = DriverOptions.parse(driver.info(), Map.of("device-time-zone", "Europe/Berlin"));
        DeviceId device = DeviceId.of("bed12-monitor");
        framer = driver.newFrameDecoder(options);
        sessionFramer = driver.newFrameDecoder(options);
        decoder = driver.newMessageDecoder(device, options);
        session = driver.newSession(device, options);
        receivedAt = Instant.now();
        frames = new byte[DISTINCT][];
        for (int i = 0; i < DISTINCT; i++) {
            frames[i] = frame(numerics(i));
        }
        session.start(message -> {}, 0);
        feedSession(frame(hex("0e 05 05 08 13 01 00")), 0); // an association accept (its body is not read)
        feedSession(frame(mdsCreate()), 1);
        DecodeResult r = decoder.decode(ByteBuffer.wrap(numerics(0)), receivedAt);
        if (!(r instanceof DecodeResult.Decoded d) || d.readings().size() != 7) {
            throw new IllegalStateException("the benchmark's message does not decode to 7 readings: " + r);
        }
    }

    private void feedSession(byte[] wire, long now) {
        sessionFramer.feed(ByteBuffer.wrap(wire), new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                try {
                    session.onFrame(frame, receivedAt, now);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void failure(DecodeFailure failure) {
                throw new IllegalStateException(failure.toString());
            }
        });
    }

    @Benchmark
    public void decode(Blackhole bh) {
        framer.feed(ByteBuffer.wrap(frames[next++ & (DISTINCT - 1)]), new FrameSink() {
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

    @Benchmark
    public void session(Blackhole bh) {
        sessionFramer.feed(ByteBuffer.wrap(frames[next++ & (DISTINCT - 1)]), new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                try {
                    bh.consume(session.onFrame(frame, receivedAt, 2));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void failure(DecodeFailure failure) {
                throw new IllegalStateException(failure.toString());
            }
        });
    }

    // ---- the messages (protocols.md §1.5, §1.7, §1.9) ----

    private static byte[] numerics(int i) {
        ByteBuffer objects = ByteBuffer.allocate(512);
        int count = 0;
        int[][] numerics = {
            {0x0842, 0x4182, 0x0AA0, 60 + i % 40, 0},
            {0x07B7, 0x4BB8, 0x0220, 950 + i % 50, -1},
            {0x07BD, 0x4822, 0x0AA0, 60 + i % 40, 0},
            {0x07C1, 0x4BB0, 0x0200, 100 + i % 300, -2},
            {0x0849, 0x500A, 0x0AE0, 10 + i % 10, 0},
            {0x0850, 0x4B48, 0x17A0, 365 + i % 10, -1}
        };
        for (int[] n : numerics) {
            objects.putShort((short) n[0]).putShort((short) 1).putShort((short) 14);
            objects.putShort((short) 0x0950).putShort((short) 10);
            objects.putShort((short) n[1])
                    .putShort((short) 0)
                    .putShort((short) n[2])
                    .putInt(n[4] << 24 | n[3]);
            count++;
        }
        // NIBP: time stamp and the compound systolic/diastolic/mean
        objects.putShort((short) 0x0B2C).putShort((short) 2).putShort((short) (12 + 38));
        objects.putShort((short) 0x0990).putShort((short) 8).put(hex("2026 1122 0955 0000"));
        objects.putShort((short) 0x094B)
                .putShort((short) 34)
                .putShort((short) 3)
                .putShort((short) 30);
        for (int[] p : new int[][] {{0x4A05, 120}, {0x4A06, 78}, {0x4A07, 92}}) {
            objects.putShort((short) p[0])
                    .putShort((short) 0)
                    .putShort((short) 0x0F20)
                    .putInt(p[1]);
        }
        count++;
        byte[] obs = java.util.Arrays.copyOf(objects.array(), objects.position());
        ByteBuffer reply = ByteBuffer.allocate(1024);
        reply.putShort((short) 1).putShort((short) i).putInt((int) (BASE_REL + 8000L * (i + 1)));
        reply.put(hex("ffffffffffffffff"))
                .putShort((short) 1)
                .putShort((short) 6)
                .putShort((short) 0);
        reply.putShort((short) 1).putShort((short) (6 + obs.length));
        reply.putShort((short) 1)
                .putShort((short) count)
                .putShort((short) obs.length)
                .put(obs);
        return operation(5, 0xF13B, java.util.Arrays.copyOf(reply.array(), reply.position()));
    }

    private static byte[] operation(int roType, int action, byte[] reply) {
        ByteBuffer m = ByteBuffer.allocate(reply.length + 32);
        int argument = 10 + reply.length;
        m.putShort((short) 0xE100).putShort((short) 2).putShort((short) roType).putShort((short) (8 + argument));
        m.put((byte) 2).put((byte) 1).putShort((short) 1).putShort((short) 7).putShort((short) argument);
        m.putShort((short) 0x21)
                .putInt(0)
                .putShort((short) action)
                .putShort((short) reply.length)
                .put(reply);
        return java.util.Arrays.copyOf(m.array(), m.position());
    }

    private static byte[] mdsCreate() {
        byte[] attributes = hex("0002 0014 0987 0008 2026 1122 0955 0000 098F 0004 0100 0000");
        ByteBuffer info = ByteBuffer.allocate(64);
        info.putShort((short) 0x21).putInt(0).put(attributes);
        byte[] i = java.util.Arrays.copyOf(info.array(), info.position());
        ByteBuffer event = ByteBuffer.allocate(128);
        event.putShort((short) 0x21).putInt(0).putInt((int) BASE_REL).putShort((short) 0x0D06);
        event.putShort((short) i.length).put(i);
        byte[] e = java.util.Arrays.copyOf(event.array(), event.position());
        ByteBuffer m = ByteBuffer.allocate(256);
        m.putShort((short) 0xE100).putShort((short) 2).putShort((short) 1).putShort((short) (6 + e.length));
        m.putShort((short) 1).putShort((short) 1).putShort((short) e.length).put(e);
        return java.util.Arrays.copyOf(m.array(), m.position());
    }

    /** Serial framing (§1.2): header, user data, FCS low byte first, transparency, BOF and EOF. */
    private static byte[] frame(byte[] userData) {
        byte[] plain = new byte[4 + userData.length + 2];
        plain[0] = 0x11;
        plain[1] = 0x01;
        plain[2] = (byte) (userData.length >> 8);
        plain[3] = (byte) userData.length;
        System.arraycopy(userData, 0, plain, 4, userData.length);
        int fcs = Crc16X25.fcs(plain, 0, plain.length - 2);
        plain[plain.length - 2] = (byte) fcs;
        plain[plain.length - 1] = (byte) (fcs >> 8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0xC0);
        for (byte b : plain) {
            if (b == (byte) 0xC0 || b == (byte) 0xC1 || b == (byte) 0x7D) {
                out.write(0x7D);
                out.write(b ^ 0x20);
            } else {
                out.write(b);
            }
        }
        out.write(0xC1);
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
    }
}
