package org.bedside.drivers.gedri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

class GeDriRecordDecoderTest {
    private static final GeDriDriver DRIVER = new GeDriDriver();
    private static final DriverOptions UTC = DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC"));
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static MessageDecoder decoder() {
        return DRIVER.newMessageDecoder(DeviceId.of("bed7-monitor"), UTC);
    }

    private static FrameDecoder framer() {
        return DRIVER.newFrameDecoder(UTC);
    }

    private static DecodeResult decode(byte[] frameWithChecksum) {
        return decoder().decode(ByteBuffer.wrap(frameWithChecksum), DecoderHarness.RECEIVED_AT);
    }

    private static List<Reading> readings(byte[] record) {
        DecodeResult r = decode(GeDriFrames.withChecksum(record));
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private static DecodeFailure failure(byte[] frameWithChecksum) {
        DecodeResult r = decode(frameWithChecksum);
        assertThat(r).isInstanceOf(DecodeFailure.class);
        return (DecodeFailure) r;
    }

    /** The first displayed-values record of the 2009 capture, to change in place. */
    private static byte[] realRecord() {
        return REAL_RECORD.clone();
    }

    private static final byte[] REAL_RECORD =
            GeDriFrames.records(GeDriFrames.DB00, 0).get(0);

    private static NumericReading numeric(List<Reading> readings, org.bedside.model.MetricCode metric) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().equals(metric))
                .findFirst()
                .orElseThrow();
    }

    // ---- checksum and framing vectors (protocols.md 2.3 and 7.3) ----

    @Test
    void theDisplayedValuesRequestIsTheVectorOfTheProtocolNotes() {
        byte[] frame = GeDriRequests.frame(GeDriRequests.displayedValues(0x0B, 5, 0x0E));
        assertThat(HEX.formatHex(frame))
                .isEqualTo("7e 31 00 00 0b 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff 00 00 00 00 00 00"
                        + " 00 00 00 00 00 00 00 00 00 00 00 00 01 05 00 0e 00 00 00 00 00 4f 7e");
    }

    @Test
    void theWaveformRequestHasTheChecksumOfTheProtocolNotes() {
        byte[] frame =
                GeDriRequests.frame(GeDriRequests.waveforms(0x0B, GeDriRequests.WAVE_REQUEST_START, List.of(1, 8)));
        assertThat(frame).hasSize(72 + 3);
        assertThat(HEX.formatHex(frame, 0, 23))
                .isEqualTo("7e 48 00 00 0b 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 ff");
        assertThat(HEX.formatHex(frame, 41, 48)).isEqualTo("00 00 00 00 01 08 ff");
        assertThat(frame[frame.length - 2]).isEqualTo((byte) 0x5B);
    }

    @Test
    void stuffsFlagAndEscapeBytesIncludingTheChecksum() {
        // An interval of 126 s is a 0x7E inside the record; its checksum then is 0x7D + ... = stuffed as well.
        byte[] record = GeDriRequests.displayedValues(0x0B, 0x7E, 0);
        byte[] wire = GeDriRequests.frame(record);
        assertThat(HEX.formatHex(wire, 41, 45)).isEqualTo("01 7d 5e 00");
        List<byte[]> frames = GeDriFrames.frames(wire);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f).isEqualTo(GeDriFrames.withChecksum(record)));
    }

    // ---- failures ----

    @Test
    void rejectsABadChecksumWithBothSums() {
        byte[] frame = GeDriFrames.withChecksum(realRecord());
        frame[frame.length - 1]++;
        DecodeFailure f = failure(frame);
        assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.BAD_CHECKSUM);
        assertThat(f.detail()).matches("checksum 0x[0-9A-F]{2}, but the record's bytes sum to 0x[0-9A-F]{2}");
        assertThat(f.length()).isEqualTo(1153);
    }

    @Test
    void rejectsARecordWhoseLengthFieldDisagrees() {
        byte[] record = realRecord();
        byte[] cut = java.util.Arrays.copyOf(record, 1000);
        assertThat(failure(GeDriFrames.withChecksum(cut)).detail())
                .isEqualTo("the header says 1152 bytes but the record has 1000");
        assertThat(failure(GeDriFrames.withChecksum(cut)).reason()).isEqualTo(DecodeFailure.Reason.TRUNCATED);
        byte[] longer = java.util.Arrays.copyOf(record, 1160);
        assertThat(failure(GeDriFrames.withChecksum(longer)).reason()).isEqualTo(DecodeFailure.Reason.MALFORMED);
        assertThat(failure(GeDriFrames.withChecksum(new byte[12])).detail())
                .isEqualTo("record of 12 bytes is shorter than its 40-byte header");
        assertThat(failure(new byte[] {5}).reason()).isEqualTo(DecodeFailure.Reason.TRUNCATED);
    }

    @Test
    void rejectsLevelsOlderThan2009AndAlarmRecordsSayingSo() {
        byte[] old = realRecord();
        old[3] = 0x09;
        assertThat(failure(GeDriFrames.withChecksum(old)))
                .extracting(DecodeFailure::reason, DecodeFailure::detail)
                .containsExactly(
                        DecodeFailure.Reason.UNSUPPORTED_VERSION,
                        "DRI level 9 (2005): only 2009 (10) and later records are decoded");
        byte[] alarm = realRecord();
        alarm[14] = 4;
        assertThat(failure(GeDriFrames.withChecksum(alarm)))
                .extracting(DecodeFailure::reason, DecodeFailure::detail)
                .containsExactly(
                        DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE, "alarm records (main type 4) are not supported");
    }

    @Test
    void rejectsASubrecordThatDoesNotFit() {
        byte[] record = realRecord();
        GeDriFrames.put16(record, 16 + 3 * 3, 900); // the fourth sub-record would end past the record
        assertThat(failure(GeDriFrames.withChecksum(record)).detail())
                .isEqualTo("displayed-values sub-record at offset 900 does not fit in the record");
    }

    // ---- values ----

    @Test
    void specialValuesBecomeReadingsWithoutAValueAndWithTheReason() {
        Map<Integer, String> expected = Map.of(
                -32767, "INVALID no valid data (DRI -32767)",
                -32766, "NOT_AVAILABLE not updated (DRI -32766)",
                -32765, "CALIBRATING data discontinuity (calibration) (DRI -32765)",
                -32764, "UNDER_RANGE below the measurement range (DRI -32764)",
                -32763, "OVER_RANGE above the measurement range (DRI -32763)",
                -32762, "INVALID not calibrated (DRI -32762)",
                -32100, "INVALID special value -32100 (undocumented)");
        expected.forEach((raw, text) -> {
            byte[] record = realRecord();
            GeDriFrames.put16(record, GeDriFrames.BASIC + 10, raw); // heart rate
            NumericReading hr = numeric(readings(record), Metrics.HEART_RATE_ECG);
            assertThat(hr.value()).isNull();
            assertThat(hr.quality().flags().iterator().next() + " "
                            + hr.quality().reason())
                    .isEqualTo(text);
        });
    }

    @Test
    void aValueOfAMeasurementThatIsNotActiveKeepsItsDigitsButIsInvalid() {
        byte[] record = realRecord();
        GeDriFrames.put32(record, GeDriFrames.BASIC + 122, 0x1); // SpO2 group: exists, not active
        NumericReading spo2 = numeric(readings(record), Metrics.SPO2);
        assertThat(spo2.value()).isEqualByComparingTo("100.00");
        assertThat(spo2.isValid()).isFalse();
        assertThat(spo2.quality().reason()).isEqualTo("SpO2 measurement not active (group status 0x00000001)");
    }

    @Test
    void convertsEtco2ToAPartialPressureWithTheAmbientPressureOfTheRecord() {
        byte[] record = realRecord();
        GeDriFrames.put32(record, GeDriFrames.BASIC + 136, 0x3); // CO2 group exists and is active
        GeDriFrames.put16(record, GeDriFrames.BASIC + 142, 530); // EtCO2 5.30 %
        GeDriFrames.put16(record, GeDriFrames.BASIC + 148, 7598); // 759.8 mmHg
        List<Reading> r = readings(record);
        NumericReading etco2 = numeric(r, Metrics.END_TIDAL_CO2);
        assertThat(etco2.value()).hasToString("40.3"); // 5.30 % of 759.8 mmHg = 40.2694
        assertThat(etco2.unit().code()).isEqualTo("mm[Hg]");
        assertThat(etco2.isValid()).isTrue();

        GeDriFrames.put16(record, GeDriFrames.BASIC + 148, 6000); // at altitude: 600.0 mmHg
        assertThat(numeric(readings(record), Metrics.END_TIDAL_CO2).value()).hasToString("31.8");

        GeDriFrames.put16(record, GeDriFrames.BASIC + 148, -32767);
        NumericReading noAmbient = numeric(readings(record), Metrics.END_TIDAL_CO2);
        assertThat(noAmbient.value()).isNull();
        assertThat(noAmbient.quality().reason())
                .isEqualTo("EtCO2 5.30 % cannot be converted to a partial pressure: ambient pressure no valid data"
                        + " (DRI -32767)");
    }

    @Test
    void appliesTheConfiguredDeviceTimeZone() {
        MessageDecoder berlin = DRIVER.newMessageDecoder(
                DeviceId.of("bed7-monitor"),
                DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "Europe/Berlin")));
        DecodeResult r =
                berlin.decode(ByteBuffer.wrap(GeDriFrames.withChecksum(realRecord())), DecoderHarness.RECEIVED_AT);
        assertThat(((DecodeResult.Decoded) r).readings().get(0).deviceTime())
                .isEqualTo(java.time.Instant.parse("2018-08-02T12:30:20Z"));
    }

    // ---- properties of framer + decoder ----

    @Test
    void anyChunkingOfTheCaptureGivesTheSameReadings() {
        byte[] stream = java.util.Arrays.copyOf(GeDriFrames.resource(GeDriFrames.DB00), 200_000);
        Output whole = DecoderHarness.run(framer(), decoder(), stream);
        assertThat(whole.readings()).hasSizeGreaterThan(3000);
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Output chunked = DecoderHarness.run(framer(), decoder(), DecoderHarness.randomChunks(stream, random, 700));
            assertThat(chunked.readings()).isEqualTo(whole.readings());
            assertThat(chunked.failures()).isEqualTo(whole.failures());
        }
        Output bytes = DecoderHarness.run(framer(), decoder(), DecoderHarness.byteByByte(stream));
        assertThat(bytes.readings()).isEqualTo(whole.readings());
    }

    @Test
    void garbageBetweenFramesLosesAtMostTheFrameItTouches() {
        List<byte[]> records = GeDriFrames.records(GeDriFrames.NO_PATIENT, 0);
        Random random = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
            int damaged = 0;
            for (byte[] record : records) {
                if (random.nextInt(3) == 0) {
                    byte[] noise = new byte[1 + random.nextInt(40)];
                    random.nextBytes(noise);
                    stream.writeBytes(noise);
                    damaged++;
                }
                stream.writeBytes(GeDriFrames.wire(record));
            }
            Output out = DecoderHarness.run(framer(), decoder(), stream.toByteArray());
            long decodedRecords = out.readings().stream()
                    .filter(r -> r instanceof NumericReading n && n.metric().equals(Metrics.HEART_RATE_ECG))
                    .count();
            assertThat(decodedRecords).as("trial %d", trial).isGreaterThanOrEqualTo(records.size() - damaged);
            assertThat(out.failures()).as("trial %d", trial).hasSizeLessThanOrEqualTo(2 * damaged);
        }
    }

    @Test
    void arbitraryBytesAndMutatedFramesNeverThrow() {
        Random random = new Random(3);
        byte[] valid = GeDriFrames.wire(realRecord());
        for (int i = 0; i < 5_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(3000)];
                random.nextBytes(input);
                for (int k = 0; k < input.length / 200; k++) {
                    input[random.nextInt(input.length)] = 0x7E; // frames of random length
                }
            } else {
                input = valid.clone();
                for (int flips = 1 + random.nextInt(5); flips > 0; flips--) {
                    input[1 + random.nextInt(input.length - 2)] = (byte) random.nextInt(256);
                }
            }
            byte[] in = input;
            assertThatCode(() -> DecoderHarness.run(framer(), decoder(), in)).doesNotThrowAnyException();
        }
        // Mutated records with a correct checksum reach every branch of the decoder.
        for (int i = 0; i < 5_000; i++) {
            byte[] record = realRecord();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                record[random.nextInt(64)] = (byte) random.nextInt(256);
            }
            assertThatCode(() -> decode(GeDriFrames.withChecksum(record))).doesNotThrowAnyException();
        }
    }

    @Test
    void aStreamWithoutFlagsOrEndsNeverGrowsTheFramer() {
        byte[] noFlags = new byte[1_000_000];
        new Random(5).nextBytes(noFlags);
        for (int i = 0; i < noFlags.length; i++) {
            if (noFlags[i] == 0x7E) {
                noFlags[i] = 0;
            }
        }
        Output out = DecoderHarness.run(framer(), decoder(), noFlags);
        assertThat(out.frames()).isZero();
        assertThat(out.failureReasons())
                .containsOnly(DecodeFailure.Reason.GARBAGE)
                .hasSize(1_000_000 / 1491);
        assertThat(out.failures()).allMatch(f -> f.excerpt().length <= DecodeFailure.MAX_EXCERPT);

        byte[] endless = noFlags.clone();
        endless[0] = 0x7E;
        Output started = DecoderHarness.run(framer(), decoder(), endless);
        assertThat(started.frames()).isZero();
        assertThat(started.failureReasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
    }

    @Test
    void decodesWhatTheRequestsAndRecordsFramedBackToBackContain() {
        List<byte[]> chunks = new ArrayList<>();
        for (byte[] record : GeDriFrames.records(GeDriFrames.NO_PATIENT, 0)) {
            chunks.add(GeDriFrames.wire(record));
        }
        Output out = DecoderHarness.run(framer(), decoder(), chunks);
        assertThat(out.failures()).isEmpty();
        assertThat(out.frames()).isEqualTo(21);
    }
}
