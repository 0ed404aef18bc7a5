package org.bedside.drivers.ivue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bedside.drivers.ivue.IvueTestMessages.Context;
import org.bedside.drivers.ivue.IvueTestMessages.Obj;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

/** The serial framing, and the properties of framer + decoder together (FrameDecoder contract, DecoderHarness). */
class IvueSerialFrameDecoderTest {
    private static final IntelliVueSerialDriver DRIVER = new IntelliVueSerialDriver();
    private static final DriverOptions OPTIONS = DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC"));

    private static FrameDecoder framer() {
        return DRIVER.newFrameDecoder(OPTIONS);
    }

    private static MessageDecoder decoder() {
        return DRIVER.newMessageDecoder(DeviceId.of("bed7-monitor"), OPTIONS);
    }

    @Test
    void framesTheWorkedSinglePollExampleByteForByte() {
        byte[] framed = IvueSerialFrameDecoder.frame(IvueRequests.singlePoll(0, 1, 6, 0));
        assertThat(HexFormat.ofDelimiter(" ").withUpperCase().formatHex(framed))
                .isEqualTo("C0 11 01 00 24 E1 00 00 02 00 01 00 1C 00 00 00 07 00 16 00 21 00 00 00 00 00 00 00 00 0C"
                        + " 16 00 08 00 01 00 01 00 06 00 00 8E 95 C1");
    }

    @Test
    void escapesFcsBytesThatLookLikeDelimitersAndChecksThemAfterUnescaping() {
        // find a message whose FCS contains C0, C1 or 7D: VSCaptureMP's writer forgets to escape those
        int found = 0;
        for (int n = 0; n < 5000 && found < 3; n++) {
            byte[] m = IvueRequests.singlePoll(n, n, 6, 0);
            byte[] plain = new byte[4 + m.length];
            plain[0] = 0x11;
            plain[1] = 0x01;
            plain[3] = (byte) m.length;
            System.arraycopy(m, 0, plain, 4, m.length);
            int fcs = org.bedside.drivers.framing.Crc16X25.fcs(plain, 0, plain.length);
            List<Integer> special = List.of(0xC0, 0xC1, 0x7D);
            if (!special.contains(fcs & 0xFF) && !special.contains(fcs >> 8)) {
                continue;
            }
            byte[] framed = IvueSerialFrameDecoder.frame(m);
            assertThat(framed.length).isGreaterThan(plain.length + 4); // at least one escape in the FCS
            found++;
            for (int i = 1; i < framed.length - 1; i++) {
                assertThat(framed[i]).isNotIn((byte) 0xC0, (byte) 0xC1);
            }
            List<byte[]> frames = new ArrayList<>();
            framer().feed(java.nio.ByteBuffer.wrap(framed), new org.bedside.drivers.spi.FrameSink() {
                @Override
                public void frame(java.nio.ByteBuffer frame) {
                    byte[] b = new byte[frame.remaining()];
                    frame.get(b);
                    frames.add(b);
                }

                @Override
                public void failure(DecodeFailure failure) {
                    throw new AssertionError(failure.toString());
                }
            });
            assertThat(frames).singleElement().isEqualTo(m);
        }
        assertThat(found).isEqualTo(3);
    }

    @Test
    void rejectsAFrameWithABadChecksumAndDecodesTheNextOne() {
        byte[] good = IvueSerialFrameDecoder.frame(numerics(1, "97"));
        byte[] bad = good.clone();
        bad[20] ^= 0x01;
        Output out = DecoderHarness.run(framer(), decoder(), concat(bad, good));
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.BAD_CHECKSUM);
        assertThat(out.readings()).hasSize(1);
    }

    @Test
    void rejectsAHeaderThatIsNotDataExportOrWhoseLengthIsWrong() {
        byte[] plain = HexFormat.of().parseHex("12010000");
        Output out = DecoderHarness.run(framer(), decoder(), frameRaw(plain));
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.UNSUPPORTED_VERSION);
        Output wrongLength =
                DecoderHarness.run(framer(), decoder(), frameRaw(HexFormat.of().parseHex("11010005e100")));
        assertThat(wrongLength.failureReasons()).containsExactly(DecodeFailure.Reason.MALFORMED);
    }

    /** A frame around arbitrary plain content (header included), with a correct FCS. */
    private static byte[] frameRaw(byte[] plain) {
        byte[] withFcs = java.util.Arrays.copyOf(plain, plain.length + 2);
        int fcs = org.bedside.drivers.framing.Crc16X25.fcs(plain, 0, plain.length);
        withFcs[plain.length] = (byte) fcs;
        withFcs[plain.length + 1] = (byte) (fcs >> 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC0);
        for (byte b : withFcs) {
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

    // ---- properties of framer + decoder ----

    static byte[] numerics(int sequence, String spo2) {
        return IvueTestMessages.pollResult(
                true,
                1,
                IvueWire.RORLS_NOT_FIRST_NOT_LAST,
                1,
                sequence,
                1000L + sequence * 8192L,
                IvueTestMessages.NO_ABSOLUTE_TIME,
                IvueWire.NOM_MOC_VMO_METRIC_NU,
                0,
                List.of(new Context(
                        1,
                        List.of(new Obj(
                                100,
                                List.of(IvueTestMessages.nuValObs(0x4BB8, 0, 0x0220, IvueTestMessages.f(spo2))))))));
    }

    private static byte[] stream(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            out.writeBytes(IvueSerialFrameDecoder.frame(numerics(i, (80 + i % 20) + "." + (i % 10))));
        }
        return out.toByteArray();
    }

    @Test
    void anyChunkingOfTheStreamGivesTheSameReadings() {
        byte[] stream = stream(60);
        Output whole = DecoderHarness.run(framer(), decoder(), stream);
        assertThat(whole.readings()).hasSize(60);
        assertThat(whole.failures()).isEmpty();
        Random random = new Random(8);
        for (int i = 0; i < 100; i++) {
            Output chunked = DecoderHarness.run(framer(), decoder(), DecoderHarness.randomChunks(stream, random, 50));
            assertThat(chunked.readings()).isEqualTo(whole.readings());
        }
        assertThat(DecoderHarness.run(framer(), decoder(), DecoderHarness.byteByByte(stream))
                        .readings())
                .isEqualTo(whole.readings());
    }

    @Test
    void garbageBetweenFramesLosesAtMostTheFrameItDamages() {
        Random random = new Random(12);
        for (int trial = 0; trial < 200; trial++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            java.util.Set<Integer> damaged = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                if (random.nextInt(4) == 0) {
                    byte[] noise = new byte[1 + random.nextInt(40)];
                    random.nextBytes(noise);
                    out.writeBytes(noise);
                    damaged.add(i); // noise with a BOF or EOF in it may cut into the next frame
                }
                out.writeBytes(IvueSerialFrameDecoder.frame(numerics(i, "9" + (i % 10))));
            }
            Output result = DecoderHarness.run(framer(), decoder(), out.toByteArray());
            List<BigDecimal> values = result.readings().stream()
                    .map(r -> ((NumericReading) r).value())
                    .toList();
            for (int i = 0; i < 20; i++) {
                if (!damaged.contains(i)) {
                    assertThat(values).as("trial %d frame %d", trial, i).contains(new BigDecimal("9" + (i % 10)));
                }
            }
            assertThat(result.readings()).allMatch(r -> r instanceof NumericReading n && n.isValid());
        }
    }

    @Test
    void aCaptureThatStartsMidFrameLosesOnlyThatFrame() {
        byte[] stream = stream(5);
        byte[] tail = java.util.Arrays.copyOfRange(stream, 17, stream.length);
        Output out = DecoderHarness.run(framer(), decoder(), tail);
        assertThat(out.readings()).hasSize(4);
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.GARBAGE);
    }

    @Test
    void arbitraryAndMutatedBytesNeverThrow() {
        Random random = new Random(3);
        byte[] valid = stream(4);
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(400)];
                random.nextBytes(input);
                if (input.length > 0) {
                    input[0] = (byte) 0xC0;
                }
            } else {
                input = valid.clone();
                for (int flips = 1 + random.nextInt(5); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            byte[] in = input;
            assertThatCode(() -> DecoderHarness.run(framer(), decoder(), in)).doesNotThrowAnyException();
        }
    }

    @Test
    void everyMessageWithAValidFcsButMutatedContentDecodesOrFailsWithAReason() {
        // mutations inside the user data, with the FCS recomputed: the decoder alone must cope
        Random random = new Random(21);
        byte[] base = IvueSessionLog.load().get(2).userData();
        for (int i = 0; i < 20_000; i++) {
            byte[] m = base.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            Output out = DecoderHarness.run(framer(), decoder(), IvueSerialFrameDecoder.frame(m));
            assertThat(out.frames() + out.failures().size()).isPositive();
            out.failures().forEach(f -> assertThat(f.detail()).isNotBlank());
        }
    }

    @Test
    void aStreamWithoutDelimitersKeepsMemoryBounded() {
        // a BOF then 10 MB of bytes that are no delimiter: one FRAME_TOO_LONG, nothing kept beyond the frame limit
        byte[] endless = new byte[10 << 20];
        java.util.Arrays.fill(endless, (byte) 0x11);
        endless[0] = (byte) 0xC0;
        Output out = DecoderHarness.run(framer(), decoder(), endless);
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
        assertThat(out.failures().get(0).length())
                .isEqualTo(
                        IntelliVueSerialDriver.MAX_USER_DATA + IvueWire.SERIAL_HEADER_LENGTH + IvueWire.FCS_LENGTH + 1);
    }

    @Test
    void roundTripsRandomNumericsThroughTheFramer() {
        Random random = new Random(77);
        for (int i = 0; i < 2000; i++) {
            BigDecimal v = BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, random.nextInt(4));
            byte[] m = IvueTestMessages.pollResult(
                    false,
                    i,
                    0,
                    i,
                    0,
                    i,
                    IvueTestMessages.NO_ABSOLUTE_TIME,
                    IvueWire.NOM_MOC_VMO_METRIC_NU,
                    0,
                    List.of(new Context(
                            0,
                            List.of(new Obj(
                                    7, List.of(IvueTestMessages.nuValObs(0x4182, 0, 0x0AA0, IvueFloat.encode(v))))))));
            Output out = DecoderHarness.run(framer(), decoder(), IvueSerialFrameDecoder.frame(m));
            List<Reading> r = out.readings();
            assertThat(r).hasSize(1);
            assertThat(((NumericReading) r.get(0)).value()).isEqualTo(v);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
