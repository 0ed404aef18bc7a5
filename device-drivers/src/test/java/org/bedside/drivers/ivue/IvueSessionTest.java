package org.bedside.drivers.ivue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bedside.drivers.ivue.IvueTestMessages.hex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.ivue.IvueTestMessages.Ava;
import org.bedside.drivers.ivue.IvueTestMessages.Context;
import org.bedside.drivers.ivue.IvueTestMessages.Obj;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.SessionLink;
import org.bedside.drivers.spi.SessionLostException;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scripted conversations: the session is driven with a fake clock and a link that records what it sends, no threads.
 * Each step gives the monitor's message or a tick, then checks the exact bytes the session answers with.
 */
class IvueSessionTest {
    private static final DeviceId DEVICE = DeviceId.of("bed7-monitor");
    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 5_000 * SECOND; // an arbitrary nanoTime origin

    private final List<String> sent = new ArrayList<>();
    private final SessionLink link = message -> sent.add(HexFormat.of().formatHex(message));
    private long now = T0;
    private DeviceSession session;

    private static DeviceSession session(Map<String, String> options) {
        IntelliVueLanDriver driver = new IntelliVueLanDriver();
        return driver.newSession(DEVICE, DriverOptions.parse(driver.info(), options));
    }

    @BeforeEach
    void newSession() {
        session = session(Map.of("device-time-zone", "UTC", "poll-period", "30s"));
    }

    private List<Reading> receive(byte[] message) throws IOException {
        DecodeResult r = session.onFrame(ByteBuffer.wrap(message), RECEIVED, now);
        assertThat(r).as("decoded").isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private void tickAt(long seconds) throws IOException {
        now = T0 + seconds * SECOND;
        session.onTick(now);
    }

    private List<String> takeSent() {
        List<String> s = List.copyOf(sent);
        sent.clear();
        return s;
    }

    private static String h(String spaced) {
        return spaced.replace(" ", "").toLowerCase();
    }

    /** Start, accept, MDS create: the session answers and sends its first poll. */
    private void associate() throws IOException {
        session.start(link, now);
        receive(IvueTestMessages.associationAccept());
        receive(IvueTestMessages.mdsCreate(1, "2025 0301 0420 4800", 88_467_456L));
        sent.clear();
    }

    private static byte[] numericsPush(int invokeId, int linkedState, int sequence, long rel, List<Ava> attributes) {
        return IvueTestMessages.pollResult(
                true,
                invokeId,
                linkedState,
                1,
                sequence,
                rel,
                IvueTestMessages.NO_ABSOLUTE_TIME,
                IvueWire.NOM_MOC_VMO_METRIC_NU,
                0,
                List.of(new Context(1, List.of(new Obj(0x7B7, attributes)))));
    }

    private static byte[] spo2Push(int invokeId, int sequence, String value) {
        return numericsPush(
                invokeId,
                IvueWire.RORLS_NOT_FIRST_NOT_LAST,
                sequence,
                88_467_456L + 8000L * (sequence + 1),
                List.of(IvueTestMessages.nuValObs(0x4BB8, 0, 0x0220, IvueTestMessages.f(value))));
    }

    private static byte[] alertsPush(int invokeId) {
        return IvueTestMessages.pollResult(
                true,
                invokeId,
                IvueWire.RORLS_FIRST,
                2,
                0,
                88_467_456L,
                IvueTestMessages.NO_ABSOLUTE_TIME,
                IvueWire.NOM_MOC_VMO_AL_MON,
                IvueWire.NOM_ATTR_GRP_AL_MON,
                List.of(new Context(
                        0,
                        List.of(new Obj(
                                0,
                                List.of(IvueTestMessages.ava(
                                        IvueWire.NOM_ATTR_AL_MON_T_AL_LIST, hex("0000 0000"))))))));
    }

    /** Answers the keep-alives among {@code messages} as the monitor would; returns the other messages. */
    private List<String> answerKeepAlives(List<String> messages) throws IOException {
        List<String> others = new ArrayList<>();
        for (String m : messages) {
            if (m.contains(h("0C 16 00 08"))) {
                receive(IvueTestMessages.pollResult(
                        false,
                        Integer.parseInt(m.substring(16, 20), 16),
                        0,
                        0,
                        0,
                        0,
                        IvueTestMessages.NO_ABSOLUTE_TIME,
                        IvueWire.NOM_MOC_VMO_AL_MON,
                        IvueWire.NOM_ATTR_GRP_VMO_STATIC,
                        List.of()));
            } else {
                others.add(m);
            }
        }
        return others;
    }

    @Test
    void associatesAnswersTheMdsCreateEventAndPollsNumericsThenAlertsOneRequestAtATime() throws IOException {
        session.start(link, now);
        List<String> aarq = takeSent();
        assertThat(aarq).hasSize(1);
        byte[] request = HexFormat.of().parseHex(aarq.get(0));
        assertThat(request).hasSize(238);
        assertThat(request[0]).isEqualTo((byte) 0x0D);
        // min_poll_period 1 s (8000 × 125 µs) in place of the template's 130 s
        assertThat(HexFormat.of().formatHex(request, 0xBA, 0xBE)).isEqualTo("00001f40");
        assertThat(session.state()).isEqualTo("associating");

        assertThat(receive(IvueTestMessages.associationAccept())).isEmpty();
        assertThat(takeSent()).isEmpty();
        assertThat(session.state()).isEqualTo("associated, waiting for the MDS create event");

        now += SECOND / 10;
        assertThat(receive(IvueTestMessages.mdsCreate(1, "2025 0301 0420 4800", 88_467_456L)))
                .isEmpty();
        List<String> answer = takeSent();
        assertThat(answer).hasSize(2);
        assertThat(answer.get(0)).startsWith(h("E1 00 00 02 00 02 00 14 00 01 00 01 00 0E 00 21 00 00 00 00"));
        assertThat(answer.get(0)).endsWith(h("0D 06 00 00")).hasSize(56);
        assertThat(answer.get(1))
                .isEqualTo(h("E1 00 00 02 00 01 00 28 00 01 00 07 00 22 00 21 00 00 00 00 00 00 00 00 F1 3B 00 14"
                        + " 00 01 00 01 00 06 00 00 00 01 00 08 F1 3E 00 04 00 03 A9 80"));
        assertThat(session.state()).isEqualTo("associated with Philips M8000, polling numerics and alerts");

        tickAt(1);
        assertThat(takeSent()).as("the numerics poll is still unanswered").isEmpty();

        List<Reading> r = receive(numericsPush(
                1,
                IvueWire.RORLS_FIRST,
                0,
                88_467_456L + 8000,
                List.of(IvueTestMessages.nuValObs(0x4BB8, 0, 0x0220, IvueTestMessages.f("97.5")))));
        assertThat(r).singleElement().satisfies(x -> {
            NumericReading n = (NumericReading) x;
            assertThat(n.metric()).isEqualTo(Metrics.SPO2);
            assertThat(n.value()).isEqualByComparingTo("97.5");
            // the baseline: 04:20:48 at rel 88467456, this push 8000 ticks (1 s) later
            assertThat(n.deviceTime()).isEqualTo(Instant.parse("2025-03-01T04:20:49Z"));
            assertThat(n.receivedAt()).isEqualTo(RECEIVED);
        });
        tickAt(1);
        assertThat(takeSent())
                .containsExactly(h("E1 00 00 02 00 01 00 28 00 02 00 07 00 22 00 21 00 00 00 00 00 00 00 00 F1 3B 00"
                        + " 14 00 02 00 01 00 36 08 01 00 01 00 08 F1 3E 00 04 00 03 A9 80"));
    }

    @Test
    void sendsTheKeepAliveWhenNothingWasSentForThreeSecondsAndGivesUpWhenItIsNotAnswered() throws IOException {
        associate(); // numerics poll sent at T0
        receive(spo2Push(1, 0, "97"));
        tickAt(0);
        assertThat(takeSent()).hasSize(1); // alerts poll, at T0
        receive(alertsPush(2));
        tickAt(2);
        assertThat(takeSent()).isEmpty();
        receive(spo2Push(1, 1, "97"));
        tickAt(3);
        assertThat(takeSent())
                .containsExactly(h("E1 00 00 02 00 01 00 1C 00 03 00 07 00 16 00 21 00 00 00 00 00 00 00 00 0C 16 00"
                        + " 08 00 03 00 01 00 36 08 11"));
        // the monitor keeps pushing numerics but never answers the keep-alive
        for (int s = 4; s <= 8; s++) {
            receive(spo2Push(1, s, "96"));
            tickAt(s);
        }
        assertThat(takeSent()).isEmpty();
        receive(spo2Push(1, 9, "96"));
        assertThatThrownBy(() -> tickAt(9))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("no answer to the keep-alive within 5 s");
        assertThat(session.state()).isEqualTo("no answer to the keep-alive within 5 s");
        session.stop();
        assertThat(takeSent()).as("no release after the session was lost").isEmpty();
    }

    @Test
    void asksForTheDemographicsEveryTenSecondsInPlaceOfAKeepAliveAndKeepsOnlyTheirStateAndFingerprint()
            throws IOException {
        IntelliVueLanDriver driver = new IntelliVueLanDriver();
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 7);
        session = driver.newSession(
                DEVICE,
                DriverOptions.parse(driver.info(), Map.of("device-time-zone", "UTC")),
                org.bedside.drivers.spi.DemographicsFingerprint.withKey(key));
        associate();
        receive(spo2Push(1, 0, "97"));
        tickAt(0);
        receive(alertsPush(2));
        List<String> demographics = new ArrayList<>();
        for (int s = 1; s <= 13; s++) {
            receive(spo2Push(1, s, "97"));
            receive(alertsPush(2));
            tickAt(s);
            for (String m : takeSent()) {
                if (m.contains(h("00 01 00 2A 08 07"))) {
                    demographics.add(s + ":" + m);
                } else {
                    answerKeepAlives(List.of(m));
                }
            }
        }
        // The keep-alives go at 3, 6 and 9 s; the first one due 10 s after the polls began is the demographics poll.
        assertThat(demographics)
                .as("one single poll of the demographics object, in place of the keep-alive of 12 s")
                .singleElement()
                .asString()
                .startsWith("12:")
                .contains(h("0C 16 00 08"));
        String request = demographics.get(0).substring(3);
        byte[] frame = IvueGoldenTest.realFrame();
        byte[] answer = java.util.Arrays.copyOfRange(frame, 5, frame.length - 3);
        int invokeId = Integer.parseInt(request.substring(16, 20), 16);
        answer[8] = (byte) (invokeId >> 8);
        answer[9] = (byte) invokeId;
        List<Reading> readings = receive(answer);
        // (this test's MDS create event names no system id: no DeviceIdentity follows)
        assertThat(readings).singleElement().isInstanceOfSatisfying(org.bedside.model.PatientDemographics.class, d -> {
            assertThat(d.state()).isEqualTo(org.bedside.model.PatientDemographics.State.ADMITTED);
            assertThat(d.fingerprint()).matches("[0-9a-f]{32}");
            assertThat(d.receivedAt()).isEqualTo(RECEIVED);
        });
        assertThat(readings.toString()).doesNotContain("Koenig");
        tickAt(14);
        assertThat(takeSent())
                .as("answered: nothing in flight, nothing more asked")
                .isEmpty();
    }

    @Test
    void theKeepAliveAnswerLetsTheNextOneGoThreeSecondsLater() throws IOException {
        associate();
        receive(spo2Push(1, 0, "97"));
        tickAt(0);
        assertThat(takeSent()).hasSize(1); // alerts
        receive(alertsPush(2));
        tickAt(3);
        assertThat(takeSent()).hasSize(1); // keep-alive
        receive(IvueTestMessages.pollResult(
                false,
                3,
                0,
                3,
                0,
                88_467_456L,
                IvueTestMessages.NO_ABSOLUTE_TIME,
                IvueWire.NOM_MOC_VMO_AL_MON,
                IvueWire.NOM_ATTR_GRP_VMO_STATIC,
                List.of()));
        for (int s = 4; s <= 5; s++) {
            receive(spo2Push(1, s, "97"));
            receive(alertsPush(2));
            tickAt(s);
        }
        assertThat(takeSent()).isEmpty();
        receive(spo2Push(1, 6, "97"));
        receive(alertsPush(2));
        tickAt(6);
        assertThat(takeSent()).singleElement().asString().contains(h("0C 16 00 08 00 04 00 01 00 36 08 11"));
    }

    @Test
    void aRefusedAssociationEndsTheSessionSayingWhy() throws IOException {
        session.start(link, now);
        assertThatThrownBy(() -> receive(IvueTestMessages.refuse()))
                .isInstanceOf(SessionLostException.class)
                .hasMessageStartingWith("the monitor refused the association");
    }

    @Test
    void noAnswerToTheAssociationRequestEndsTheSessionWithTheSetupHint() throws IOException {
        session.start(link, now);
        tickAt(5);
        assertThatThrownBy(() -> tickAt(6))
                .isInstanceOf(SessionLostException.class)
                .hasMessageContaining("no answer to the association request within 5 s")
                .hasMessageContaining("UDP port 24105");
    }

    @Test
    void anAcceptedAssociationWithoutMdsCreateEventTimesOut() throws IOException {
        session.start(link, now);
        receive(IvueTestMessages.associationAccept());
        assertThatThrownBy(() -> tickAt(6))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("associated, but no MDS create event within 5 s");
    }

    @Test
    void anAbortMidStreamEndsTheSessionAndAReleaseByTheMonitorIsAnswered() throws IOException {
        associate();
        receive(spo2Push(1, 0, "97"));
        assertThatThrownBy(() -> receive(IvueTestMessages.abort()))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("the monitor aborted the association");

        newSession();
        associate();
        assertThatThrownBy(() -> receive(IvueTestMessages.releaseRequest()))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("the monitor released the association");
        assertThat(takeSent()).containsExactly(HexFormat.of().formatHex(IvueRequests.releaseResponse()));
    }

    @Test
    void aSilentMonitorEndsTheSession() throws IOException {
        associate();
        receive(spo2Push(1, 0, "97"));
        tickAt(0);
        receive(alertsPush(2));
        tickAt(3); // keep-alive out
        assertThatThrownBy(() -> tickAt(11))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("the monitor sent nothing for 10 s");
    }

    @Test
    void stopReleasesAnAssociationThatIsUp() throws IOException {
        associate();
        session.stop();
        assertThat(takeSent())
                .containsExactly("0918c11661803080020101a0806280800100000000000000000000".substring(0, 52));
        assertThat(session.state()).isEqualTo("released");
    }

    @Test
    void anExtendedPollIsRenewedWhenTheMonitorEndsItOrItsPeriodIsOver() throws IOException {
        associate();
        receive(spo2Push(1, 0, "97"));
        tickAt(0);
        assertThat(takeSent()).hasSize(1); // alerts
        receive(alertsPush(2));
        // the last linked push, then the empty result that ends the numerics poll
        receive(numericsPush(1, IvueWire.RORLS_LAST, 5, 88_500_000L, List.of()));
        tickAt(1);
        List<String> renewed = takeSent();
        assertThat(renewed).singleElement().asString().startsWith(h("E1 00 00 02 00 01 00 28 00 03 00 07"));
        assertThat(renewed.get(0)).contains(h("F1 3B 00 14 00 03 00 01 00 06"));

        // the renewed poll pushes; the alerts poll never ends by itself: after 30 s + 3 s it is renewed anyway
        receive(spo2Push(3, 0, "97"));
        List<Integer> alertsRenewedAt = new ArrayList<>();
        for (int s = 2; s <= 36; s++) {
            receive(spo2Push(3, s, "97"));
            receive(alertsPush(2));
            tickAt(s);
            for (String m : answerKeepAlives(takeSent())) {
                assertThat(m).contains(h("F1 3B 00 14")).contains(h("00 01 00 36 08 01"));
                alertsRenewedAt.add(s);
            }
        }
        // sent at second 0 for 30 s: taken as over when more than 30 + 3 s have passed without an end
        assertThat(alertsRenewedAt).containsExactly(34);
    }

    @Test
    void aRefusedPollIsRetriedLaterWhileTheRestGoesOn() throws IOException {
        associate();
        receive(spo2Push(1, 0, "97"));
        tickAt(0);
        assertThat(takeSent()).hasSize(1); // alerts, invoke 2
        receive(IvueTestMessages.error(2, 9));
        assertThat(session.state()).endsWith("the alerts poll was refused by the monitor (remote operation error 9)");
        for (int s = 1; s <= 29; s++) {
            receive(spo2Push(1, s, "97"));
            tickAt(s);
            assertThat(answerKeepAlives(takeSent())).as("keep-alives only").isEmpty();
        }
        receive(spo2Push(1, 30, "97"));
        tickAt(30);
        assertThat(takeSent()).singleElement().asString().contains(h("00 01 00 36 08 01"));
    }

    /** An MDS create event with the clock baseline, the model and the system id of the session log's MX800. */
    private static byte[] mdsCreateWithSystemId(String systemIdAttribute) {
        return IvueTestMessages.mdsCreate(
                1,
                88_467_456L,
                List.of(
                        IvueTestMessages.ava(IvueWire.NOM_ATTR_SYS_ID, hex(systemIdAttribute)),
                        IvueTestMessages.ava(
                                IvueWire.NOM_ATTR_ID_MODEL, hex("0008 5068696c69707300 0006 4d3830303000")),
                        IvueTestMessages.ava(IvueWire.NOM_ATTR_TIME_ABS, hex("2025 0301 0420 4800")),
                        IvueTestMessages.ava(
                                IvueWire.NOM_ATTR_TIME_REL,
                                new IvueTestMessages.Bytes().u32(88_467_456L).bytes())));
    }

    @Test
    void theMdsCreateEventsSystemIdNamesTheMonitorInEveryPollResultOfTheAssociation() throws IOException {
        DeviceIdentity mx800 =
                new DeviceIdentity(DEVICE, null, "00-09-FB-9B-B0-76", "Philips", "M8000", null, RECEIVED);
        session.start(link, now);
        receive(IvueTestMessages.associationAccept());
        assertThat(receive(mdsCreateWithSystemId("0006 0009FB9BB076")))
                .as("the event names the monitor on its own")
                .containsExactly(mx800);

        List<Reading> first = receive(numericsPush(
                1,
                IvueWire.RORLS_FIRST,
                0,
                88_467_456L + 8000,
                List.of(IvueTestMessages.nuValObs(0x4BB8, 0, 0x0220, IvueTestMessages.f("97.5")))));
        assertThat(first).hasSize(2);
        assertThat(first.get(0)).isInstanceOf(NumericReading.class);
        // with the values' times, so that the record stores none for it
        assertThat(first.get(1)).isEqualTo(mx800.at(first.get(0).deviceTime(), RECEIVED));
        List<Reading> next = receive(spo2Push(1, 1, "97"));
        assertThat(next.get(next.size() - 1)).isEqualTo(mx800.at(Instant.parse("2025-03-01T04:20:50Z"), RECEIVED));
    }

    @Test
    void aMonitorWithoutSystemIdIsNamedByNothingEvenWithItsModel() throws IOException {
        associate(); // ID_MODEL "Philips M8000" but no SYS_ID
        List<Reading> r = receive(spo2Push(1, 0, "97"));
        assertThat(r).noneMatch(DeviceIdentity.class::isInstance);
    }

    @Test
    void aSystemIdOfZerosOrOnesIsNoIdentity() throws IOException {
        for (String unset : List.of("0006 000000000000", "0006 FFFFFFFFFFFF", "0000")) {
            newSession();
            session.start(link, now);
            receive(IvueTestMessages.associationAccept());
            assertThat(receive(mdsCreateWithSystemId(unset))).as(unset).isEmpty();
            assertThat(receive(spo2Push(1, 0, "97"))).as(unset).noneMatch(DeviceIdentity.class::isInstance);
        }
    }

    @Test
    void theStatelessDecoderNamesTheMonitorOnlyInTheMdsCreateEvent() {
        IntelliVueLanDriver driver = new IntelliVueLanDriver();
        org.bedside.drivers.spi.MessageDecoder decoder =
                driver.newMessageDecoder(DEVICE, DriverOptions.defaults(driver.info()));
        DecodeResult mds = decoder.decode(ByteBuffer.wrap(mdsCreateWithSystemId("0006 0009FB9BB076")), RECEIVED);
        assertThat(((DecodeResult.Decoded) mds).readings())
                .singleElement()
                .isInstanceOf(DeviceIdentity.class)
                .extracting(x -> ((DeviceIdentity) x).systemId())
                .isEqualTo("00-09-FB-9B-B0-76");
        DecodeResult poll = decoder.decode(ByteBuffer.wrap(spo2Push(1, 0, "97")), RECEIVED);
        assertThat(((DecodeResult.Decoded) poll).readings()).noneMatch(DeviceIdentity.class::isInstance);
    }

    @Test
    void laterPushesWithoutTheLabelUseTheOneCachedForTheHandle() throws IOException {
        associate();
        // first push: static attributes (label TextId of an unknown-to-the-table metric and its string) with the value
        List<Reading> first = receive(numericsPush(
                1,
                IvueWire.RORLS_FIRST,
                0,
                88_467_456L,
                List.of(
                        IvueTestMessages.ava(IvueWire.NOM_ATTR_ID_LABEL, hex("0002 4182")),
                        IvueTestMessages.ava(IvueWire.NOM_ATTR_ID_LABEL_STRING, IvueTestMessages.string("HR", 6)),
                        IvueTestMessages.ava(IvueWire.NOM_ATTR_UNIT_CODE, hex("0AA0")),
                        IvueTestMessages.nuValObs(0x4182, 0, 0x0AA0, IvueTestMessages.f("72")))));
        assertThat(((NumericReading) first.get(0)).metric()).isEqualTo(Metrics.HEART_RATE_ECG);
        // later push: physio id NOM_METRIC_NOS and no unit: both from the cache
        List<Reading> later = receive(numericsPush(
                1,
                IvueWire.RORLS_NOT_FIRST_NOT_LAST,
                1,
                88_475_456L,
                List.of(IvueTestMessages.nuValObs(0, 0, 0, IvueTestMessages.f("73")))));
        NumericReading hr = (NumericReading) later.get(0);
        assertThat(hr.metric()).isEqualTo(Metrics.HEART_RATE_ECG);
        assertThat(hr.unit().code()).isEqualTo("/min");
        assertThat(hr.value()).isEqualByComparingTo("73");
        assertThat(hr.isValid()).isTrue();

        // the stateless decoder (replay) does not know the label: a vendor metric, and the unit is unknown
        IntelliVueLanDriver driver = new IntelliVueLanDriver();
        DecodeResult stateless = driver.newMessageDecoder(DEVICE, DriverOptions.defaults(driver.info()))
                .decode(
                        ByteBuffer.wrap(numericsPush(
                                1,
                                IvueWire.RORLS_NOT_FIRST_NOT_LAST,
                                1,
                                88_475_456L,
                                List.of(IvueTestMessages.nuValObs(0, 0, 0, IvueTestMessages.f("73"))))),
                        RECEIVED);
        NumericReading unknown =
                (NumericReading) ((DecodeResult.Decoded) stateless).readings().get(0);
        assertThat(unknown.metric().isStandard()).isFalse();
        assertThat(unknown.isValid()).isFalse();
        assertThat(unknown.quality().reason()).isEqualTo("unit code 0x0000 is unknown to the driver");
    }

    private static byte[] nibpPush(int sequence, String timeStamp, String sys, String dia, String mean) {
        return numericsPush(
                1,
                IvueWire.RORLS_NOT_FIRST_NOT_LAST,
                sequence,
                88_467_456L + 8000L * sequence,
                List.of(
                        IvueTestMessages.ava(IvueWire.NOM_ATTR_TIME_STAMP_ABS, hex(timeStamp)),
                        IvueTestMessages.compound(
                                IvueTestMessages.nu(0x4A05, 0, 0x0F20, IvueTestMessages.f(sys)),
                                IvueTestMessages.nu(0x4A06, 0, 0x0F20, IvueTestMessages.f(dia)),
                                IvueTestMessages.nu(0x4A07, 0, 0x0F20, IvueTestMessages.f(mean)))));
    }

    @Test
    void anNibpMeasurementRepeatedInEveryPushIsReportedOnceAsOneCompoundReading() throws IOException {
        associate();
        List<Reading> first = receive(nibpPush(0, "2025 0301 0415 0000", "120", "80", "93"));
        assertThat(first).singleElement().satisfies(r -> {
            CompoundReading c = (CompoundReading) r;
            assertThat(c.metric()).isEqualTo(Metrics.NIBP);
            assertThat(c.deviceTime()).isEqualTo(Instant.parse("2025-03-01T04:15:00Z"));
            assertThat(c.component(Metrics.NIBP_SYSTOLIC).orElseThrow().value()).isEqualByComparingTo("120");
            assertThat(c.component(Metrics.NIBP_DIASTOLIC).orElseThrow().value())
                    .isEqualByComparingTo("80");
            assertThat(c.component(Metrics.NIBP_MEAN).orElseThrow().value()).isEqualByComparingTo("93");
        });
        assertThat(receive(nibpPush(1, "2025 0301 0415 0000", "120", "80", "93")))
                .isEmpty();
        assertThat(receive(nibpPush(2, "2025 0301 0415 0000", "120", "80", "93")))
                .isEmpty();
        // the next cuff inflation: new time stamp, same values: a new measurement
        assertThat(receive(nibpPush(3, "2025 0301 0430 0000", "120", "80", "93")))
                .hasSize(1);
    }

    @Test
    void wavesWhenAskedForSetThePriorityListThenPollAndScaleTheSamples() throws IOException {
        session = session(Map.of("device-time-zone", "UTC", "waves", "on"));
        associate();
        receive(spo2Push(1, 0, "97"));
        tickAt(0);
        assertThat(takeSent()).hasSize(1); // alerts
        receive(alertsPush(2));
        tickAt(0);
        // CONFIRMED_SET of NOM_ATTR_POLL_RTSA_PRIO_LIST: ECG II, Pleth, Resp
        assertThat(takeSent())
                .containsExactly(h("E1 00 00 02 00 01 00 2A 00 03 00 05 00 24 00 21 00 00 00 00 00 00 00 00 00 01 00"
                        + " 16 00 00 F2 3A 00 10 00 03 00 0C 00 02 01 02 00 02 4B B4 00 02 50 00"));
        receive(IvueTestMessages.remoteOperation(
                IvueWire.RORS, 0, 3, IvueWire.CMD_CONFIRMED_SET, hex("0021 0000 0000 0000 0000")));
        tickAt(0);
        assertThat(takeSent()).singleElement().asString().contains(h("F1 3B 00 14 00 03 00 01 00 09 00 00"));

        byte[] wave = IvueTestMessages.pollResult(
                true,
                4,
                IvueWire.RORLS_FIRST,
                3,
                0,
                88_467_456L,
                IvueTestMessages.NO_ABSOLUTE_TIME,
                IvueWire.NOM_MOC_VMO_METRIC_SA_RT,
                0,
                List.of(new Context(
                        1,
                        List.of(new Obj(
                                0x83B,
                                List.of(
                                        // 16-bit samples, 14 significant bits
                                        IvueTestMessages.ava(IvueWire.NOM_ATTR_SA_SPECN, hex("0004 10 0E 0000")),
                                        // scaled 0..16383 is -40.96..40.955 mV: lower -4096 × 10^-2, upper 4095.5 ×
                                        // 10^-2
                                        IvueTestMessages.ava(
                                                IvueWire.NOM_ATTR_SCALE_SPECN_I16,
                                                new IvueTestMessages.Bytes()
                                                        .u32(IvueTestMessages.f("-40.96") & 0xFFFFFFFFL)
                                                        .u32(IvueTestMessages.f("40.955") & 0xFFFFFFFFL)
                                                        .u16(0)
                                                        .u16(16383)
                                                        .bytes()),
                                        IvueTestMessages.ava(IvueWire.NOM_ATTR_UNIT_CODE, hex("10B2")),
                                        IvueTestMessages.ava(IvueWire.NOM_ATTR_TIME_PD_SAMP, hex("0000 0010")),
                                        IvueTestMessages.ava(
                                                IvueWire.NOM_ATTR_SA_VAL_OBS,
                                                hex("0102 0000 0008 2000 2000 C000 3FFF"))))))));
        List<Reading> r = receive(wave);
        assertThat(r).singleElement().satisfies(x -> {
            WaveformSegment w = (WaveformSegment) x;
            assertThat(w.metric()).isEqualTo(IvueCodes.ECG_II);
            assertThat(w.unit().code()).isEqualTo("mV");
            assertThat(w.samplePeriod()).isEqualTo(Duration.ofMillis(2));
            // 0xC000 has bits above the 14 significant ones: masked to 0
            assertThat(w.samples())
                    .containsExactly(
                            new double[] {0.0, 0.0, -40.96, 40.955}, org.assertj.core.data.Offset.offset(1e-3));
        });
    }

    @Test
    void theSerialDriversSessionFramesWhatItSends() throws IOException {
        IntelliVueSerialDriver driver = new IntelliVueSerialDriver();
        DeviceSession serial = driver.newSession(DEVICE, DriverOptions.defaults(driver.info()));
        serial.start(link, now);
        byte[] aarq = HexFormat.of().parseHex(takeSent().get(0));
        assertThat(aarq[0]).isEqualTo((byte) 0xC0);
        assertThat(aarq[aarq.length - 1]).isEqualTo((byte) 0xC1);
        assertThat(HexFormat.of().formatHex(aarq, 1, 5)).isEqualTo("110100ee"); // 238 bytes of user data
    }
}
