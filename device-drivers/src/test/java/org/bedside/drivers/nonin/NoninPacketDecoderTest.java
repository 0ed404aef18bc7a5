package org.bedside.drivers.nonin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;
import org.junit.jupiter.api.Test;

class NoninPacketDecoderTest {
    private static final DeviceId DEVICE = DeviceId.of("bed3-spo2");
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static Output run(DeviceDriver driver, List<byte[]> chunks) {
        DriverOptions options = DriverOptions.defaults(driver.info());
        return DecoderHarness.run(driver.newFrameDecoder(options), driver.newMessageDecoder(DEVICE, options), chunks);
    }

    private static Output df13(byte[]... chunks) {
        return run(new NoninDf13Driver(), List.of(chunks));
    }

    private static Output df2(byte[]... chunks) {
        return run(new NoninDf2Driver(), List.of(chunks));
    }

    private static NumericReading numeric(List<Reading> readings, org.bedside.model.MetricCode metric) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().equals(metric))
                .findFirst()
                .orElseThrow();
    }

    private static List<DeviceStatus.Code> statuses(List<Reading> readings) {
        return readings.stream()
                .filter(DeviceStatus.class::isInstance)
                .map(r -> ((DeviceStatus) r).code())
                .toList();
    }

    // ---- golden vectors ----

    @Test
    void theDataFormat2VectorOfTheProtocolNotesDecodesToHr72AndSpo297() {
        NoninPackets b = new NoninPackets(NoninFormat.DF2);
        byte[] packet = b.packet();
        // protocols.md 4.2: the first two frames of the vector, byte for byte.
        assertThat(HEX.formatHex(packet, 0, 10)).isEqualTo("01 81 64 00 e6 01 80 65 48 2e");
        assertThat(HEX.formatHex(b.frame(0), 1, 4)).isEqualTo("81 64 00");
        byte[] vector = packet.clone();
        System.arraycopy(HEX.parseHex("01 81 01 00 83 01 80 01 48 ca"), 0, vector, 0, 10);
        Output out = df2(vector);
        assertThat(out.failures()).isEmpty();
        assertThat(numeric(out.readings(), Metrics.PULSE_RATE_OXIMETRY).value()).isEqualByComparingTo("72");
        assertThat(numeric(out.readings(), Metrics.SPO2).value()).isEqualByComparingTo("97");
        assertThat(numeric(out.readings(), Metrics.SPO2).isValid()).isTrue();
        assertThat(out.readings()).hasSize(3);
    }

    @Test
    void aDataFormat13PacketDecodesToSpo2PulseAndTheSixteenBitPleth() {
        NoninPackets b = new NoninPackets(NoninFormat.DF13);
        b.heartRate = 130; // needs the ninth bit: MSB 0x01, LSB 0x02
        b.spo2 = 94;
        Output out = df13(b.packet());
        assertThat(out.failures()).isEmpty();
        List<Reading> r = out.readings();
        assertThat(numeric(r, Metrics.PULSE_RATE_OXIMETRY).value()).isEqualByComparingTo("130");
        assertThat(numeric(r, Metrics.SPO2).value()).isEqualByComparingTo("94");
        assertThat(r.get(0).deviceTime()).isNull();
        WaveformSegment pleth = (WaveformSegment) r.get(2);
        assertThat(pleth.sampleCount()).isEqualTo(25);
        assertThat(pleth.samples()[0]).isEqualTo(30_000);
        assertThat(pleth.samples()[24]).isEqualTo(32_400);
        assertThat(pleth.samplePeriod().toNanos()).isEqualTo(13_333_333);
    }

    @Test
    void missingValuesAreNotAvailableWithTheReasonNeverZero() {
        NoninPackets b = new NoninPackets(NoninFormat.DF13);
        b.heartRate = 511;
        b.spo2 = 127;
        List<Reading> r = df13(b.packet()).readings();
        NumericReading spo2 = numeric(r, Metrics.SPO2);
        assertThat(spo2.value()).isNull();
        assertThat(spo2.quality().flags()).containsExactly(QualityFlag.NOT_AVAILABLE);
        assertThat(spo2.quality().reason()).isEqualTo("no value (127 is Nonin's missing value)");
        assertThat(numeric(r, Metrics.PULSE_RATE_OXIMETRY).quality().reason())
                .isEqualTo("no value (511 is Nonin's missing value)");
    }

    @Test
    void aSensorAlarmInvalidatesTheValuesEvenWithDigitsAndReportsSensorOff() {
        NoninPackets b = new NoninPackets(NoninFormat.DF2);
        b.status = NoninCodes.STATUS_SENSOR_ALARM | NoninCodes.STATUS_SENSOR_DISCONNECT;
        List<Reading> r = df2(b.packet()).readings();
        NumericReading spo2 = numeric(r, Metrics.SPO2);
        assertThat(spo2.value()).isEqualByComparingTo("97");
        assertThat(spo2.isValid()).isFalse();
        assertThat(spo2.quality().reason())
                .isEqualTo("sensor alarm: unusable data, finger removed? (status 0x08); sensor disconnected (status"
                        + " 0x40)");
        assertThat(statuses(r)).containsExactly(DeviceStatus.Code.SENSOR_OFF);
        assertThat(((WaveformSegment) r.get(2)).quality().isValid()).isFalse();
    }

    @Test
    void artifactOutOfTrackAndLowPerfusionMakeValuesQuestionable() {
        NoninPackets b = new NoninPackets(NoninFormat.DF13);
        b.status = NoninCodes.STATUS_ARTIFACT | NoninCodes.STATUS_OUT_OF_TRACK;
        b.pulseStatus = NoninCodes.STATUS_RED_PERFUSION;
        List<Reading> r = df13(b.packet()).readings();
        NumericReading pulse = numeric(r, Metrics.PULSE_RATE_OXIMETRY);
        assertThat(pulse.isValid()).isTrue();
        assertThat(pulse.quality().flags()).containsExactly(QualityFlag.QUESTIONABLE);
        assertThat(pulse.quality().reason())
                .isEqualTo("out of track: no consecutive good pulses (status 0x10); artifact (status 0x20); low"
                        + " perfusion: a low or no pulse signal (red, status 0x04)");
        assertThat(statuses(r))
                .containsExactly(
                        DeviceStatus.Code.LOW_SIGNAL_QUALITY,
                        DeviceStatus.Code.INTERFERENCE,
                        DeviceStatus.Code.LOW_PERFUSION);
    }

    @Test
    void marginalPerfusionAndLowBatteryAreStatusesOnly() {
        NoninPackets b = new NoninPackets(NoninFormat.DF13);
        b.pulseStatus = NoninCodes.STATUS_RED_PERFUSION | NoninCodes.STATUS_GREEN_PERFUSION;
        b.status2 = NoninCodes.STATUS2_LOW_BATTERY;
        List<Reading> r = df13(b.packet()).readings();
        assertThat(numeric(r, Metrics.SPO2).quality()).isEqualTo(org.bedside.model.Quality.VALID);
        assertThat(r)
                .filteredOn(DeviceStatus.class::isInstance)
                .extracting(x -> ((DeviceStatus) x).code() + " " + ((DeviceStatus) x).detail())
                .containsExactly(
                        "LOW_SIGNAL_QUALITY marginal perfusion (yellow, status 0x06)",
                        "LOW_BATTERY low battery (status 2 0x01)");
        // Data Format 2 has no status 2: frame 7's data byte is reserved there.
        NoninPackets df2 = new NoninPackets(NoninFormat.DF2);
        assertThat(statuses(df2(df2.packet()).readings())).isEmpty();
    }

    @Test
    void aRateAboveWhatTheOximeterReportsIsKeptButInvalid() {
        NoninPackets b = new NoninPackets(NoninFormat.DF13);
        b.heartRate = 400;
        NumericReading pulse = numeric(df13(b.packet()).readings(), Metrics.PULSE_RATE_OXIMETRY);
        assertThat(pulse.value()).isEqualByComparingTo("400");
        assertThat(pulse.quality().reason()).isEqualTo("400 is outside what the oximeter reports (0 to 321)");
    }

    @Test
    void theDecoderChecksAPacketItIsGivenDirectly() {
        MessageDecoderCheck.assertFailure(
                new NoninPacketDecoder(DEVICE, NoninFormat.DF13)
                        .decode(ByteBuffer.allocate(10), DecoderHarness.RECEIVED_AT),
                DecodeFailure.Reason.TRUNCATED);
        byte[] noSync = new NoninPackets(NoninFormat.DF13).packet();
        noSync[0] &= ~0x01;
        noSync[4]--;
        MessageDecoderCheck.assertFailure(
                new NoninPacketDecoder(DEVICE, NoninFormat.DF13)
                        .decode(ByteBuffer.wrap(noSync), DecoderHarness.RECEIVED_AT),
                DecodeFailure.Reason.MALFORMED);
        byte[] badSum = new NoninPackets(NoninFormat.DF13).packet();
        badSum[54]++;
        MessageDecoderCheck.assertFailure(
                new NoninPacketDecoder(DEVICE, NoninFormat.DF13)
                        .decode(ByteBuffer.wrap(badSum), DecoderHarness.RECEIVED_AT),
                DecodeFailure.Reason.BAD_CHECKSUM);
    }

    /** Small assertion helper. */
    private static final class MessageDecoderCheck {
        static void assertFailure(DecodeResult r, DecodeFailure.Reason reason) {
            assertThat(r)
                    .isInstanceOfSatisfying(
                            DecodeFailure.class, f -> assertThat(f.reason()).isEqualTo(reason));
        }
    }

    // ---- the framer ----

    private static byte[] stream(NoninFormat format, int packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NoninPackets b = new NoninPackets(format);
        for (int i = 0; i < packets; i++) {
            b.spo2 = 90 + i % 10;
            b.heartRate = 60 + i % 90;
            out.writeBytes(b.packet());
        }
        return out.toByteArray();
    }

    @Test
    void findsThePacketsAfterGarbageAndAPartialPacket() {
        byte[] packets = stream(NoninFormat.DF13, 3);
        byte[] stream = new byte[7 + 60 + packets.length];
        new Random(1).nextBytes(stream);
        // seven random bytes, the last 60 bytes of a packet (mid-packet start), then three packets
        System.arraycopy(packets, 65, stream, 7, 60);
        System.arraycopy(packets, 0, stream, 67, packets.length);
        Output out = df13(stream);
        assertThat(out.frames()).isEqualTo(3);
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.GARBAGE);
        assertThat(out.failures().get(0).length()).isEqualTo(67);
    }

    @Test
    void aBadFrameCostsItsPacketAndALostByteIsResynchronised() {
        byte[] good = stream(NoninFormat.DF2, 4);
        byte[] bad = good.clone();
        bad[125 + 40 + 3]++; // a data byte in frame 8 of packet 2: its checksum fails
        Output out = df2(bad);
        assertThat(out.frames()).isEqualTo(3);
        assertThat(out.failureReasons()).contains(DecodeFailure.Reason.BAD_CHECKSUM);

        byte[] lost = new byte[good.length - 1];
        System.arraycopy(good, 0, lost, 0, 300);
        System.arraycopy(good, 301, lost, 300, good.length - 301); // a byte of packet 3 lost on the line
        Output resynced = df2(lost);
        assertThat(resynced.frames()).isEqualTo(3);
        assertThat(numeric(resynced.readings(), Metrics.SPO2).value()).isEqualByComparingTo("90");
    }

    @Test
    void aPacketCutShortByTheNextSyncIsTruncated() {
        byte[] packets = stream(NoninFormat.DF13, 2);
        byte[] cut = new byte[50 + 125];
        System.arraycopy(packets, 0, cut, 0, 50);
        System.arraycopy(packets, 125, cut, 50, 125);
        Output out = df13(cut);
        assertThat(out.frames()).isEqualTo(1);
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.TRUNCATED);
    }

    @Test
    void anyChunkingGivesTheSameReadingsAndFailures() {
        byte[] stream = stream(NoninFormat.DF13, 60);
        stream[500] ^= 0x55;
        stream[3000] ^= 0x01;
        Output whole = df13(stream);
        assertThat(whole.frames()).isEqualTo(58);
        Random random = new Random(9);
        for (int i = 0; i < 100; i++) {
            Output chunked = run(new NoninDf13Driver(), DecoderHarness.randomChunks(stream, random, 37));
            assertThat(chunked.readings()).isEqualTo(whole.readings());
            assertThat(chunked.failures()).isEqualTo(whole.failures());
        }
        assertThat(run(new NoninDf13Driver(), DecoderHarness.byteByByte(stream)).readings())
                .isEqualTo(whole.readings());
    }

    @Test
    void garbageBetweenPacketsLosesAtMostThePacketItTouches() {
        Random random = new Random(4);
        for (int trial = 0; trial < 200; trial++) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            NoninPackets b = new NoninPackets(trial % 2 == 0 ? NoninFormat.DF13 : NoninFormat.DF2);
            int damaged = 0;
            for (int i = 0; i < 20; i++) {
                if (random.nextInt(4) == 0) {
                    byte[] noise = new byte[1 + random.nextInt(30)];
                    random.nextBytes(noise);
                    s.writeBytes(noise);
                    damaged++;
                }
                b.spo2 = 80 + i;
                s.writeBytes(b.packet());
            }
            Output out = run(trial % 2 == 0 ? new NoninDf13Driver() : new NoninDf2Driver(), List.of(s.toByteArray()));
            assertThat(out.frames()).as("trial %d", trial).isGreaterThanOrEqualTo(20 - damaged);
        }
    }

    @Test
    void arbitraryBytesNeverThrowAndNeverGrowTheFramer() {
        Random random = new Random(3);
        byte[] valid = stream(NoninFormat.DF13, 3);
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(600)];
                random.nextBytes(input);
            } else {
                input = valid.clone();
                for (int flips = 1 + random.nextInt(5); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            byte[] in = input;
            assertThatCode(() -> df13(in)).doesNotThrowAnyException();
            assertThatCode(() -> df2(in)).doesNotThrowAnyException();
        }
        byte[] zeros = new byte[1_000_000]; // bit 7 never set: never a frame
        Output out = df13(zeros);
        assertThat(out.frames()).isZero();
        // one report per 1,000 bytes skipped; the last four bytes wait in the window for a fifth
        assertThat(out.failureReasons())
                .containsOnly(DecodeFailure.Reason.GARBAGE)
                .hasSize(999);
    }
}
