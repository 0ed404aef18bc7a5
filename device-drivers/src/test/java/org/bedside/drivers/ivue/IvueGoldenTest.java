package org.bedside.drivers.ivue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden tests on real IntelliVue data (captures/intellivue, MIT): the one real serial frame byte for byte, and the
 * real MX800 session rebuilt from its log ({@link IvueSessionLog}): every value decoded equals the value the log
 * shows.
 */
class IvueGoldenTest {
    private static final DeviceId DEVICE = DeviceId.of("bed7-monitor");
    private static final IntelliVueSerialDriver DRIVER = new IntelliVueSerialDriver();
    private static final DriverOptions UTC = DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC"));
    private static List<IvueSessionLog.Message> log;

    @BeforeAll
    static void loadLog() {
        log = IvueSessionLog.load();
    }

    private static MessageDecoder decoder() {
        return DRIVER.newMessageDecoder(DEVICE, UTC);
    }

    private static List<Reading> decode(byte[] userData) {
        DecodeResult r = decoder().decode(ByteBuffer.wrap(userData), DecoderHarness.RECEIVED_AT);
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    static byte[] realFrame() throws IOException {
        try (InputStream in = IvueGoldenTest.class.getResourceAsStream(
                "/captures/intellivue/FaultyPatientDemographicsFrame.unescaped.bin")) {
            return in.readAllBytes();
        }
    }

    /** The real frame as it was on the wire: transparency applied to everything between BOF and EOF. */
    static byte[] realFrameOnTheWire() throws IOException {
        byte[] plain = realFrame();
        List<Byte> wire = new ArrayList<>();
        wire.add(plain[0]);
        for (int i = 1; i < plain.length - 1; i++) {
            byte b = plain[i];
            if (b == (byte) 0xC0 || b == (byte) 0xC1 || b == (byte) 0x7D) {
                wire.add((byte) 0x7D);
                wire.add((byte) (b ^ 0x20));
            } else {
                wire.add(b);
            }
        }
        wire.add(plain[plain.length - 1]);
        byte[] out = new byte[wire.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = wire.get(i);
        }
        return out;
    }

    @Test
    void theRealDemographicsFrameFramesWithAValidFcsAndDecodesToItsStateAlone() throws IOException {
        DecoderHarness.Output out = DecoderHarness.run(DRIVER.newFrameDecoder(UTC), decoder(), realFrameOnTheWire());
        assertThat(out.failures()).isEmpty();
        assertThat(out.frames()).isEqualTo(1);
        // Demographics are patient data: the gateway keeps only the state, and without the installation's key (a
        // replay) no fingerprint either.
        assertThat(out.readings())
                .singleElement()
                .isEqualTo(new org.bedside.model.PatientDemographics(
                        DEVICE,
                        org.bedside.model.PatientDemographics.State.ADMITTED,
                        null,
                        null,
                        DecoderHarness.RECEIVED_AT));

        byte[] frame = realFrame();
        byte[] userData = java.util.Arrays.copyOfRange(frame, 5, frame.length - 3);
        assertThat(userData).hasSize(292); // header 11 01 01 24
        IvueMessage m = parse(userData);
        assertThat(m).isInstanceOf(IvueMessage.Result.class);
        IvuePollResult poll = pollResult((IvueMessage.Result) m);
        assertThat(poll.extended()).isFalse();
        assertThat(poll.objectType()).isEqualTo(IvueWire.NOM_MOC_PT_DEMOG);
        assertThat(poll.attributeGroup()).isEqualTo(0x0807);
        assertThat(poll.relativeTime()).isEqualTo(0x059EF200L);
        assertThat(poll.observations()).singleElement().satisfies(o -> {
            assertThat(o.handle()).isEqualTo(0x50);
            assertThat(o.attributes()).hasSize(26);
        });
    }

    @Test
    void theRealFrameWithOneBitFlippedFailsItsFcs() throws IOException {
        byte[] wire = realFrameOnTheWire();
        wire[100] ^= 0x04;
        DecoderHarness.Output out = DecoderHarness.run(DRIVER.newFrameDecoder(UTC), decoder(), wire);
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.BAD_CHECKSUM);
        assertThat(out.frames()).isZero();
    }

    @Test
    void theLogRebuildsAndEveryMessageDecodes() {
        assertThat(log).hasSize(133);
        int decoded = 0;
        for (IvueSessionLog.Message m : log) {
            if (m.userData().length == 0) {
                continue;
            }
            DecodeResult r = decoder().decode(ByteBuffer.wrap(m.userData()), DecoderHarness.RECEIVED_AT);
            assertThat(r).as("line %d", m.line()).isInstanceOf(DecodeResult.Decoded.class);
            decoded++;
        }
        assertThat(decoded).isEqualTo(133 - 6 + 3); // 6 association messages, 3 of them (releases) with bytes
    }

    @Test
    void theReleaseResponseOfTheLogIsTheOneTheDriverKnows() {
        List<byte[]> releases = log.stream()
                .filter(m -> IvueSessionLog.isAssociation(m.json()) && m.userData().length > 0)
                .map(IvueSessionLog.Message::userData)
                .toList();
        assertThat(releases).hasSize(3).allSatisfy(r -> assertThat(r).isEqualTo(IvueRequests.releaseResponse()));
        assertThat(parse(releases.get(0))).isInstanceOf(IvueMessage.ReleaseResponse.class);
    }

    @Test
    void theMdsCreateEventGivesTheMonitorsModelAndClockBaseline() throws DecodeException {
        IvueSessionLog.Message mds = log.get(1);
        IvueMessage m = parse(mds.userData());
        assertThat(m).isInstanceOf(IvueMessage.Invoke.class);
        IvueMessage.Invoke invoke = (IvueMessage.Invoke) m;
        assertThat(invoke.invokeId()).isEqualTo(1);
        assertThat(invoke.command()).isEqualTo(IvueWire.CMD_CONFIRMED_EVENT_REPORT);
        IvueMdsCreate create = IvueMdsCreate.parse(invoke.body());
        assertThat(create).isNotNull();
        assertThat(create.model()).isEqualTo("Philips M8000");
        assertThat(create.manufacturer()).isEqualTo("Philips");
        assertThat(create.modelNumber()).isEqualTo("M8000");
        // SYS_ID of the real MX800: 00 06 | 00 09 FB 9B B0 76 (00:09:FB is a Philips MAC prefix)
        assertThat(create.systemId()).isEqualTo("00-09-FB-9B-B0-76");
        assertThat(create.absoluteTime()).isEqualTo(LocalDateTime.of(2025, 3, 1, 4, 20, 48));
        assertThat(create.relativeTime()).isEqualTo(88_467_456L); // = the event time, 11058.432 s
        assertThat(create.eventTime()).isEqualTo(88_467_456L);
    }

    @Test
    void numericsEqualTheLogsValuesInEveryPollResult() {
        int polls = 0;
        for (IvueSessionLog.Message m : log) {
            JsonNode poll = m.json().path("RemoteOperationData").path("Data").path("Data");
            if (poll.path("ObjectType").path("Code").asInt() != IvueWire.NOM_MOC_VMO_METRIC_NU) {
                continue;
            }
            polls++;
            List<Reading> readings = decode(m.userData());
            List<String> expected = new ArrayList<>();
            for (JsonNode c : poll.get("PollContexts").get("Values")) {
                for (JsonNode o : c.get("Observations").get("Values")) {
                    for (JsonNode a : o.get("Attributes").get("Values")) {
                        JsonNode v = a.get("AttributeValue");
                        if (a.get("AttributeId").asInt() == 0x0950) {
                            expected.add(describe(v));
                        } else if (a.get("AttributeId").asInt() == 0x094B) {
                            List<String> parts = new ArrayList<>();
                            v.get("Values").forEach(x -> parts.add(describe(x)));
                            expected.add(String.join(" / ", parts));
                        }
                    }
                }
            }
            List<String> actual =
                    readings.stream().map(IvueGoldenTest::describe).toList();
            assertThat(actual).as("line %d", m.line()).isEqualTo(expected);
        }
        assertThat(polls).isEqualTo(24);
    }

    /** The log's view of a value: its physio id's name stands for the code the driver must map it to. */
    private static String describe(JsonNode v) {
        String name = v.get("PhysioId").asText();
        int mdc = switch (name) {
            case "NOM_PULS_OXIM_SAT_O2" -> 150456;
            case "NOM_PLETH_PULS_RATE" -> 149530; // MDC_PULS_OXIM_PULS_RATE, not 149538 by arithmetic
            case "NOM_PULS_OXIM_PERF_REL" -> 150448;
            case "NOM_ECG_CARD_BEAT_RATE" -> 147842;
            case "NOM_RESP_RATE" -> 151562;
            case "NOM_PRESS_BLD_NONINV_SYS" -> 150021;
            case "NOM_PRESS_BLD_NONINV_DIA" -> 150022;
            case "NOM_PRESS_BLD_NONINV_MEAN" -> 150023;
            case "NOM_PRESS_BLD_NONINV_PULS_RATE" -> 149546;
            default -> throw new IllegalArgumentException(name);
        };
        String unit = switch (v.get("UnitCode").asInt()) {
            case 544 -> "%";
            case 2720, 2784 -> "/min";
            case 512 -> "1";
            case 3872 -> "mm[Hg]";
            default -> throw new IllegalArgumentException(v.toString());
        };
        String value = v.get("Value").get("Value").asText();
        String state = v.get("State").asText();
        boolean valid = state.equals("VALID") && !value.equals("NaN");
        return mdc + "="
                + (value.equals("NaN")
                        ? "none"
                        : new BigDecimal(value).stripTrailingZeros().toPlainString()) + " " + unit
                + (valid ? " valid" : " invalid");
    }

    private static String describe(Reading r) {
        if (r instanceof NumericReading n) {
            return n.metric().mdc() + "="
                    + (n.value() == null
                            ? "none"
                            : n.value().stripTrailingZeros().toPlainString()) + " "
                    + n.unit().code() + (n.isValid() ? " valid" : " invalid");
        }
        CompoundReading c = (CompoundReading) r;
        return String.join(
                " / ",
                c.components().stream()
                        .map(p -> p.metric().mdc() + "="
                                + (p.value() == null
                                        ? "none"
                                        : p.value().stripTrailingZeros().toPlainString()) + " "
                                + p.unit().code() + (p.isValid() ? " valid" : " invalid"))
                        .toList());
    }

    @Test
    void theRealNumericsCarryTheirQualityAndTheNibpItsMeasurementTime() {
        List<Reading> r = decode(log.get(2).userData());
        NumericReading spo2 = numeric(r, Metrics.SPO2.mdc());
        assertThat(spo2.value()).isEqualByComparingTo("100");
        assertThat(spo2.unit()).isEqualTo(UcumUnit.PERCENT);
        assertThat(spo2.isValid()).isTrue();
        // no absolute time in the poll result and no baseline without a session: no device time
        assertThat(spo2.deviceTime()).isNull();

        NumericReading hr = numeric(r, Metrics.HEART_RATE_ECG.mdc());
        assertThat(hr.value()).isNull();
        assertThat(hr.quality().flags())
                .containsExactlyInAnyOrder(
                        QualityFlag.INVALID, QualityFlag.NOT_AVAILABLE, QualityFlag.ALARMS_INHIBITED);
        assertThat(hr.quality().reason()).isEqualTo("no value (FLOAT NaN); measurement state 0x8201");

        CompoundReading nibp = r.stream()
                .filter(CompoundReading.class::isInstance)
                .map(CompoundReading.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(nibp.metric()).isEqualTo(Metrics.NIBP);
        assertThat(nibp.components())
                .extracting(CompoundReading.Component::metric)
                .containsExactly(Metrics.NIBP_SYSTOLIC, Metrics.NIBP_DIASTOLIC, Metrics.NIBP_MEAN);
        assertThat(nibp.components()).allSatisfy(c -> {
            assertThat(c.value()).isNull();
            assertThat(c.quality().flags()).containsExactly(QualityFlag.NOT_AVAILABLE);
            assertThat(c.unit()).isEqualTo(UcumUnit.MM_HG);
        });
        // TIME_STAMP_ABS 2025-02-23 09:00:51: when the last (here: no) NIBP was taken, monitor time, zone UTC
        assertThat(nibp.deviceTime()).isEqualTo(Instant.parse("2025-02-23T09:00:51Z"));
        assertThat(numeric(r, 149546).deviceTime()).isEqualTo(Instant.parse("2025-02-23T09:00:51Z"));
    }

    @Test
    void theRealAlertListsBecomeTechnicalAlarmsWithTheMonitorsTexts() {
        List<Reading> r = decode(log.get(3).userData());
        assertThat(r).hasSize(3).allMatch(AlarmEvent.class::isInstance);
        List<AlarmEvent> alarms = r.stream().map(AlarmEvent.class::cast).toList();
        assertThat(alarms).extracting(AlarmEvent::code).containsExactly("t-0100-0112", "t-5000-0112", "t-f0fd-0047");
        assertThat(alarms).allSatisfy(a -> {
            assertThat(a.kind()).isEqualTo(AlarmEvent.Kind.TECHNICAL);
            assertThat(a.priority()).isEqualTo(AlarmEvent.Priority.MEDIUM);
            assertThat(a.state()).isEqualTo(AlarmEvent.State.SILENCED_RESET); // AL_SILENCED_RESET, not latched
        });
        assertThat(alarms.get(0).text()).isEqualTo("EKG Elektrdn ab");
        assertThat(alarms.get(1).text()).isEqualTo("Resp Elektrdn ab");
        assertThat(alarms.get(2).text()).startsWith("Keine zentr.");
        assertThat(alarms.get(1).source()).isEqualTo(IvueCodes.RESP);
        assertThat(alarms.get(0).source()).isNull(); // 0x0100 is not in the table: nothing is claimed
    }

    @Test
    void realWavesWithoutTheirScalingYieldNoWaveformRatherThanRawCounts() {
        List<Reading> r = decode(log.get(11).userData());
        assertThat(r).isEmpty();
    }

    private static NumericReading numeric(List<Reading> readings, int mdc) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().mdc() == mdc)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + mdc + " in " + readings));
    }

    static IvueMessage parse(byte[] userData) {
        try {
            return IvueMessages.parse(userData, 0, userData.length);
        } catch (DecodeException e) {
            throw new AssertionError(e.getMessage());
        }
    }

    static IvuePollResult pollResult(IvueMessage.Result r) {
        try {
            return IvuePollResult.parse(r.body());
        } catch (DecodeException e) {
            throw new AssertionError(e.getMessage());
        }
    }

    static ZoneOffset utc() {
        return ZoneOffset.UTC;
    }
}
