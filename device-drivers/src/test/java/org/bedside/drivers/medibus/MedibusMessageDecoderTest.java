package org.bedside.drivers.medibus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

class MedibusMessageDecoderTest {
    private static final MedibusDriver DRIVER = new MedibusDriver();
    private static final DriverOptions OPTIONS = DriverOptions.defaults(DRIVER.info());
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static DecodeResult decode(byte[] message) {
        return DRIVER.newMessageDecoder(DeviceId.of("bed5-vent"), OPTIONS)
                .decode(ByteBuffer.wrap(MedibusTestMessages.frame(message)), DecoderHarness.RECEIVED_AT);
    }

    private static List<Reading> readings(byte[] message) {
        DecodeResult r = decode(message);
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private static DecodeFailure failure(byte[] message) {
        DecodeResult r = decode(message);
        assertThat(r).isInstanceOf(DecodeFailure.class);
        return (DecodeFailure) r;
    }

    private static Output stream(List<byte[]> chunks) {
        return DecoderHarness.run(
                DRIVER.newFrameDecoder(OPTIONS), DRIVER.newMessageDecoder(DeviceId.of("bed5-vent"), OPTIONS), chunks);
    }

    private static NumericReading byLabel(List<Reading> r, String refId) {
        return r.stream()
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().refId().equals(refId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + refId + " in " + r));
    }

    // ---- vectors of protocols.md section 3 ----

    @Test
    void theCommandsAreTheVectorsOfTheProtocolNotes() {
        assertThat(HEX.formatHex(MedibusMessages.command(MedibusCodes.ICC))).isEqualTo("1b 51 36 43 0d");
        assertThat(HEX.formatHex(MedibusMessages.response(MedibusCodes.ICC, new byte[0])))
                .isEqualTo("01 51 35 32 0d");
        assertThat(HEX.formatHex(MedibusMessages.command(MedibusCodes.NOP))).isEqualTo("1b 30 34 42 0d");
        assertThat(HEX.formatHex(MedibusMessages.command(MedibusCodes.MEASURED_CP1)))
                .isEqualTo("1b 24 33 46 0d");
        assertThat(MedibusMessages.response(0x24, "EB  97".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isEqualTo(MedibusTestMessages.response(0x24, "EB  97"));
    }

    // ---- measured data ----

    @Test
    void measuredDataBecomeReadingsWithTheirCodesUnitsAndPrecision() {
        List<Reading> r = readings(MedibusTestMessages.response(
                0x24, "EB  97" + "E1  72" + "E6  38" + "D6  14" + "7D25.5" + "88 450" + "B90.55" + "F0  21"));
        assertThat(r).hasSize(8).allMatch(x -> ((NumericReading) x).isValid() && x.deviceTime() == null);
        NumericReading spo2 = (NumericReading) r.get(0);
        assertThat(spo2.metric()).isEqualTo(Metrics.SPO2);
        assertThat(spo2.value()).isEqualByComparingTo("97");
        assertThat(spo2.unit().code()).isEqualTo("%");
        assertThat(((NumericReading) r.get(1)).metric()).isEqualTo(Metrics.PULSE_RATE_OXIMETRY);
        NumericReading etco2 = (NumericReading) r.get(2);
        assertThat(etco2.metric()).isEqualTo(Metrics.END_TIDAL_CO2);
        assertThat(etco2.unit().code()).isEqualTo("mm[Hg]");
        assertThat(((NumericReading) r.get(3)).metric()).isEqualTo(Metrics.AIRWAY_RESPIRATION_RATE);
        NumericReading peak = byLabel(r, "X_DRAEGER_CP1_PEAK_BREATHING_PRESSURE");
        assertThat(peak.value()).hasToString("25.5");
        assertThat(peak.unit().code()).isEqualTo("mbar");
        assertThat(peak.metric().label()).isEqualTo("Peak breathing pressure");
        assertThat(byLabel(r, "X_DRAEGER_CP1_TIDAL_VOLUME").unit().code()).isEqualTo("mL");
        assertThat(byLabel(r, "X_DRAEGER_CP1_RESPIRATORY_MINUTE_VOLUME_FRAC").value())
                .hasToString("0.55");
        assertThat(byLabel(r, "X_DRAEGER_CP1_INSP_O2").metric().label()).isEqualTo("Insp O2");
    }

    @Test
    void aValueTheDeviceCannotGiveIsNotAvailableAndOneThatIsNotANumberIsInvalidNeverZero() {
        List<Reading> r = readings(MedibusTestMessages.response(0x24, "EB ---" + "E1    " + "E61x.3" + "D6 -.-"));
        assertThat(r).extracting(x -> ((NumericReading) x).value()).containsOnlyNulls();
        assertThat(((NumericReading) r.get(0)).quality().flags()).containsExactly(QualityFlag.NOT_AVAILABLE);
        assertThat(((NumericReading) r.get(0)).quality().reason()).isEqualTo("no value (' ---')");
        assertThat(((NumericReading) r.get(1)).quality().reason()).isEqualTo("no value ('    ')");
        assertThat(((NumericReading) r.get(2)).quality().flags()).containsExactly(QualityFlag.INVALID);
        assertThat(((NumericReading) r.get(2)).quality().reason()).isEqualTo("'1x.3' is not a number");
        assertThat(((NumericReading) r.get(3)).quality().flags()).containsExactly(QualityFlag.NOT_AVAILABLE);
    }

    @Test
    void aCodeWithoutAKnownUnitKeepsItsDigitsButIsInvalid() {
        List<Reading> r = readings(MedibusTestMessages.response(0x24, "07  42" + "01 3.5"));
        NumericReading compliance = (NumericReading) r.get(0);
        assertThat(compliance.value()).isEqualByComparingTo("42");
        assertThat(compliance.isValid()).isFalse();
        assertThat(compliance.quality().reason()).isEqualTo("unit not known for Medibus CP1 code 0x07");
        NumericReading unknown = (NumericReading) r.get(1);
        assertThat(unknown.metric().refId()).isEqualTo("X_DRAEGER_CP1_01");
        assertThat(unknown.quality().reason()).isEqualTo("unit not known for Medibus CP1 code 0x01");
    }

    @Test
    void codePage2AndSettingsHaveTheirOwnTables() {
        NumericReading vte = (NumericReading)
                readings(MedibusTestMessages.response(0x2B, "21 480")).get(0);
        assertThat(vte.metric().refId()).isEqualTo("X_DRAEGER_CP2_EXPIRATORY_TIDAL_VOLUME_VTE");
        assertThat(vte.unit().code()).isEqualTo("mL");
        List<Reading> settings = readings(MedibusTestMessages.response(0x29, "01 40.0" + "0B  5.0" + "0A   14"));
        assertThat(settings)
                .extracting(x -> ((NumericReading) x).metric().refId() + "=" + ((NumericReading) x).value() + " "
                        + ((NumericReading) x).unit().code())
                .containsExactly(
                        "X_DRAEGER_SET_OXYGEN=40.0 %",
                        "X_DRAEGER_SET_PEEP=5.0 mbar", "X_DRAEGER_SET_FREQUENCY_IPPV=14 /min");
    }

    @Test
    void alarmsBecomeAlarmEventsWithTheDevicesPhrase() {
        List<Reading> r = readings(MedibusTestMessages.response(0x27, "39ADISCONNECT  " + "24BLOW BATTERY "));
        assertThat(r)
                .extracting(x ->
                        ((AlarmEvent) x).code() + " " + ((AlarmEvent) x).text() + " " + ((AlarmEvent) x).priority())
                .containsExactly("cp1-9a DISCONNECT UNKNOWN", "cp1-4b LOW BATTERY UNKNOWN");
        assertThat(readings(MedibusTestMessages.response(0x27, ""))).isEmpty();
        assertThat(readings(MedibusTestMessages.response(0x2E, "123DATA INVALID")))
                .singleElement()
                .satisfies(a -> assertThat(((AlarmEvent) a).code()).isEqualTo("cp2-23"));
    }

    @Test
    void answersWithoutDataAndCommandsFromTheDeviceDecodeToNothing() {
        assertThat(readings(MedibusTestMessages.response(0x51, ""))).isEmpty();
        assertThat(readings(MedibusTestMessages.command(0x30, ""))).isEmpty();
        assertThat(readings(MedibusTestMessages.response(0x52, "0161'Evita4'04.03      ")))
                .isEmpty();
    }

    @Test
    void rejectsWhatBreaksTheGrammarSayingWhy() {
        byte[] bad = MedibusTestMessages.response(0x24, "EB  97");
        bad[bad.length - 2] = 'F';
        assertThat(failure(bad).reason()).isEqualTo(DecodeFailure.Reason.BAD_CHECKSUM);
        byte[] notHex = MedibusTestMessages.response(0x24, "EB  97");
        notHex[notHex.length - 3] = 'Z';
        assertThat(failure(notHex).detail()).isEqualTo("the checksum characters are not hexadecimal");
        assertThat(failure(MedibusTestMessages.response(0x24, "EB  97E1")).detail())
                .isEqualTo("measured data CP1: 8 characters of data are not whole 6-character records");
        assertThat(failure(MedibusTestMessages.response(0x24, "EB  97EB  96")).detail())
                .isEqualTo("CP1 code 0xEB appears twice in one answer");
        assertThat(failure(MedibusTestMessages.response(0x24, "G1  97")).detail())
                .isEqualTo("code 'G1' is not hexadecimal");
        assertThat(failure(new byte[] {0x01, 0x24, 0x0D}).reason()).isEqualTo(DecodeFailure.Reason.TRUNCATED);
    }

    // ---- framer + decoder ----

    private static byte[] conversation(int n) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            s.writeBytes(MedibusTestMessages.command(0x30, ""));
            s.writeBytes(MedibusTestMessages.response(
                    0x24, String.format("EB %3dE1 %3d7D%4.1f", 90 + i % 10, 60 + i, 20 + i / 10.0)));
            s.writeBytes(MedibusTestMessages.response(0x27, i % 2 == 0 ? "" : "39ADISCONNECT  "));
        }
        return s.toByteArray();
    }

    @Test
    void findsMessagesAmongGarbageRealtimeBytesAndFlowControl() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(new byte[] {'x', 'y', 'z'});
        byte[] answer = MedibusTestMessages.response(0x24, "EB  97E1  72");
        s.write(answer, 0, 5);
        s.writeBytes(new byte[] {(byte) 0xC1, (byte) 0x85, 0x11, 0x13}); // realtime sync and data, XON, XOFF
        s.write(answer, 5, answer.length - 5);
        Output out = stream(List.of(s.toByteArray()));
        assertThat(out.frames()).isEqualTo(1);
        assertThat(out.readings()).hasSize(2);
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.GARBAGE);
    }

    @Test
    void aCommandInsideAnAnswerIsDeliveredAndTheAnswerCompleted() {
        byte[] answer = MedibusTestMessages.response(0x24, "EB  97E1  72");
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(answer, 0, 8);
        s.writeBytes(MedibusTestMessages.command(0x30, ""));
        s.write(answer, 8, answer.length - 8);
        Output out = stream(List.of(s.toByteArray()));
        assertThat(out.failures()).isEmpty();
        assertThat(out.frames()).isEqualTo(2);
        assertThat(out.readings()).hasSize(2);
    }

    @Test
    void aMessageCutShortIsTruncatedAndTheNextDecodes() {
        byte[] answer = MedibusTestMessages.response(0x24, "EB  97");
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(answer, 0, 5);
        s.writeBytes(answer);
        Output out = stream(List.of(s.toByteArray()));
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.TRUNCATED);
        assertThat(out.readings()).hasSize(1);
    }

    @Test
    void anyChunkingGivesTheSameReadingsAndFailures() {
        byte[] s = conversation(40);
        s[10] = 'Q'; // inside the first answer: its checksum fails
        Output whole = stream(List.of(s));
        assertThat(whole.failureReasons()).containsExactly(DecodeFailure.Reason.BAD_CHECKSUM);
        Random random = new Random(2);
        for (int i = 0; i < 100; i++) {
            Output chunked = stream(DecoderHarness.randomChunks(s, random, 23));
            assertThat(chunked.readings()).isEqualTo(whole.readings());
            assertThat(chunked.failures()).isEqualTo(whole.failures());
        }
        assertThat(stream(DecoderHarness.byteByByte(s)).readings()).isEqualTo(whole.readings());
    }

    @Test
    void garbageBetweenMessagesLosesAtMostTheMessageItTouches() {
        Random random = new Random(8);
        for (int trial = 0; trial < 200; trial++) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            int damaged = 0;
            for (int i = 0; i < 20; i++) {
                if (random.nextInt(4) == 0) {
                    byte[] noise = new byte[1 + random.nextInt(20)];
                    random.nextBytes(noise);
                    s.writeBytes(noise);
                    damaged++;
                }
                s.writeBytes(MedibusTestMessages.response(0x24, String.format("EB %3d", 80 + i)));
            }
            Output out = stream(List.of(s.toByteArray()));
            assertThat(out.readings().size()).as("trial %d", trial).isGreaterThanOrEqualTo(20 - damaged);
        }
    }

    @Test
    void arbitraryBytesNeverThrowAndAMessageWithoutItsEndNeverGrowsTheFramer() {
        Random random = new Random(6);
        byte[] valid = conversation(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(400)];
                random.nextBytes(input);
            } else {
                input = valid.clone();
                for (int flips = 1 + random.nextInt(5); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            byte[] in = input;
            assertThatCode(() -> stream(List.of(in))).doesNotThrowAnyException();
        }
        byte[] endless = new byte[1_000_000];
        java.util.Arrays.fill(endless, (byte) '5');
        endless[0] = 0x01;
        Output out = stream(List.of(endless));
        assertThat(out.frames()).isZero();
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
    }
}
