package org.bedside.drivers.ivue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.drivers.ivue.IvueTestMessages.hex;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.ivue.IvueTestMessages.Ava;
import org.bedside.drivers.ivue.IvueTestMessages.Context;
import org.bedside.drivers.ivue.IvueTestMessages.Obj;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class IvueObservationDecoderTest {
    private static final IntelliVueLanDriver DRIVER = new IntelliVueLanDriver();

    private static DecodeResult decode(byte[] message) {
        return DRIVER.newMessageDecoder(
                        DeviceId.of("bed7"), DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC")))
                .decode(ByteBuffer.wrap(message), DecoderHarness.RECEIVED_AT);
    }

    private static byte[] poll(byte[] absTime, List<Ava> attributes) {
        return IvueTestMessages.pollResult(
                false,
                1,
                0,
                1,
                0,
                1234,
                absTime,
                IvueWire.NOM_MOC_VMO_METRIC_NU,
                0,
                List.of(new Context(1, List.of(new Obj(9, attributes)))));
    }

    private static NumericReading single(int physio, int state, int unit, int raw) {
        DecodeResult r = decode(
                poll(IvueTestMessages.NO_ABSOLUTE_TIME, List.of(IvueTestMessages.nuValObs(physio, state, unit, raw))));
        List<Reading> readings = ((DecodeResult.Decoded) r).readings();
        assertThat(readings).hasSize(1);
        return (NumericReading) readings.get(0);
    }

    @Test
    void mapsTheTablesPhysioIdsAndUnitsToMdcLoincAndUcum() {
        NumericReading rr = single(0x500A, 0, 0x0AE0, IvueTestMessages.f("14"));
        assertThat(rr.metric()).isEqualTo(Metrics.RESPIRATION_RATE);
        assertThat(rr.unit().code()).isEqualTo("/min");
        NumericReading temp = single(0x4B48, 0, 0x17A0, IvueTestMessages.f("36.8"));
        assertThat(temp.metric()).isEqualTo(Metrics.TEMPERATURE);
        assertThat(temp.unit()).isEqualTo(UcumUnit.CELSIUS);
        assertThat(temp.value()).isEqualTo(new java.math.BigDecimal("36.8"));
        NumericReading pulse = single(0x4822, 0, 0x0AA0, IvueTestMessages.f("61"));
        assertThat(pulse.metric().mdc()).isEqualTo(149530);
        assertThat(pulse.metric().loinc()).isEqualTo("8889-8");
    }

    @Test
    void anUnknownPhysioIdIsAVendorMetricThatClaimsNoStandardCode() {
        NumericReading x = single(0x50B0, 0, 0x0F20, IvueTestMessages.f("38"));
        assertThat(x.metric().isStandard()).isFalse();
        assertThat(x.metric().refId()).isEqualTo("X_PHILIPS_PHYSIO_0x50B0");
        assertThat(x.isValid()).isTrue();
    }

    @Test
    void floatSpecialsAreInvalidWithTheReason() {
        NumericReading nres = single(0x4BB8, 0, 0x0220, IvueFloat.NRES);
        assertThat(nres.value()).isNull();
        assertThat(nres.quality().flags()).containsExactly(QualityFlag.INVALID);
        assertThat(nres.quality().reason()).isEqualTo("not at this resolution (FLOAT NRes)");
        NumericReading over = single(0x4BB8, 0, 0x0220, IvueFloat.POSITIVE_INFINITY);
        assertThat(over.quality().flags()).containsExactly(QualityFlag.OVER_RANGE);
        assertThat(over.isValid()).isFalse();
        NumericReading under = single(0x4BB8, 0, 0x0220, IvueFloat.NEGATIVE_INFINITY);
        assertThat(under.quality().flags()).containsExactly(QualityFlag.UNDER_RANGE);
    }

    @Test
    void measurementStateBitsBecomeQualityFlagsAndDemoDataIsNeverValid() {
        NumericReading q = single(0x4BB8, 0x4000 | 0x0002, 0x0220, IvueTestMessages.f("88"));
        assertThat(q.isValid()).isTrue();
        assertThat(q.quality().flags()).containsExactlyInAnyOrder(QualityFlag.QUESTIONABLE, QualityFlag.IN_ALARM);
        assertThat(q.quality().reason()).isEqualTo("measurement state 0x4002");

        NumericReading demo = single(0x4BB8, 0x0400, 0x0220, IvueTestMessages.f("97"));
        assertThat(demo.value()).isEqualByComparingTo("97");
        assertThat(demo.isValid()).isFalse();
        assertThat(demo.quality().flags()).containsExactlyInAnyOrder(QualityFlag.DEMO_DATA, QualityFlag.INVALID);
        assertThat(demo.quality().reason()).startsWith("demo data: the monitor is in demo mode");

        NumericReading calibrating = single(0x4BB8, 0x1000, 0x0220, IvueTestMessages.f("97"));
        assertThat(calibrating.isValid()).isFalse();
        assertThat(calibrating.quality().flags()).containsExactly(QualityFlag.CALIBRATING);
    }

    @Test
    void anAbsoluteTimeInThePollResultIsTheDeviceTimeInTheConfiguredZone() {
        DecodeResult r = decode(poll(
                hex("2026 1122 0959 5825"),
                List.of(IvueTestMessages.nuValObs(0x4BB8, 0, 0x0220, IvueTestMessages.f("97")))));
        assertThat(((DecodeResult.Decoded) r).readings().get(0).deviceTime())
                .isEqualTo(Instant.parse("2026-11-22T09:59:58.25Z"));
        DecodeResult badBcd = decode(poll(
                hex("2026 1322 0959 5800"),
                List.of(IvueTestMessages.nuValObs(0x4BB8, 0, 0x0220, IvueTestMessages.f("97")))));
        assertThat(((DecodeResult.Decoded) badBcd).readings().get(0).deviceTime())
                .isNull();
    }

    @Test
    void aBrokenMessageFailsWithAReasonInsteadOfThrowing() {
        byte[] m = poll(
                IvueTestMessages.NO_ABSOLUTE_TIME,
                List.of(IvueTestMessages.ava(IvueWire.NOM_ATTR_NU_VAL_OBS, hex("4bb8 0000 0220"))));
        DecodeResult r = decode(m);
        assertThat(r).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) r).reason()).isEqualTo(DecodeFailure.Reason.MALFORMED);
        assertThat(((DecodeFailure) r).detail()).isEqualTo("NU_VAL_OBS of 6 bytes, not 10");

        DecodeResult truncated = decode(java.util.Arrays.copyOf(m, 30));
        assertThat(truncated).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) truncated).reason()).isEqualTo(DecodeFailure.Reason.TRUNCATED);

        DecodeResult unknown = decode(hex("42 00 01"));
        assertThat(((DecodeFailure) unknown).reason()).isEqualTo(DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE);
    }

    /** One DevAlarmEntry of an alert list (§1.7), with the monitor's text (STR_ALMON_INFO). */
    private static byte[] alertEntry(int source, int code, int type, int state, String text) {
        byte[] shown = IvueTestMessages.string(text, 2 * text.length() + 2);
        byte[] info = new IvueTestMessages.Bytes()
                .u16(1) // alarm instance
                .u32(0x00001234L) // text id
                .u16(0) // priority
                .u16(0x1800) // flags: VISUAL_LATCHING, AUDIBLE_LATCHING
                .raw(shown)
                .bytes();
        return new IvueTestMessages.Bytes()
                .u16(source)
                .u16(code)
                .u16(type)
                .u16(state)
                .u16(IvueWire.NOM_MOC_VMO_AL_MON)
                .u16(0)
                .u16(1) // the alarm object
                .u16(IvueWire.STR_ALMON_INFO)
                .u16(info.length)
                .raw(info)
                .bytes();
    }

    private static List<AlarmEvent> alerts(byte[]... entries) {
        IvueTestMessages.Bytes list = new IvueTestMessages.Bytes();
        int length = 0;
        for (byte[] e : entries) {
            length += e.length;
        }
        list.u16(entries.length).u16(length);
        for (byte[] e : entries) {
            list.raw(e);
        }
        DecodeResult r = decode(IvueTestMessages.pollResult(
                false,
                1,
                0,
                1,
                0,
                1234,
                IvueTestMessages.NO_ABSOLUTE_TIME,
                IvueWire.NOM_MOC_VMO_AL_MON,
                IvueWire.NOM_ATTR_GRP_AL_MON,
                List.of(new Context(
                        1,
                        List.of(new Obj(
                                1,
                                List.of(IvueTestMessages.ava(IvueWire.NOM_ATTR_AL_MON_P_AL_LIST, list.bytes()))))))));
        return ((DecodeResult.Decoded) r)
                .readings().stream().map(AlarmEvent.class::cast).toList();
    }

    @Test
    void aLatchedAlertIsReportedLatchedWhateverElseItsStateSays() {
        int desat = 0x4BB8; // SpO2
        List<AlarmEvent> a = alerts(
                alertEntry(desat, 0x0C10, IvueWire.HI_PRI_P_AL, IvueWire.AL_LATCHED, "Desat"),
                alertEntry(desat, 0x0C11, IvueWire.MED_PRI_P_AL, IvueWire.AL_LATCHED | IvueWire.AL_SILENCED_RESET, "x"),
                alertEntry(desat, 0x0C12, IvueWire.MED_PRI_P_AL, IvueWire.AL_LATCHED | IvueWire.AL_SUSPENDED, "y"));
        assertThat(a).extracting(AlarmEvent::state).containsOnly(AlarmEvent.State.LATCHED);
        assertThat(a.get(0).code()).isEqualTo("p-4bb8-0c10");
        assertThat(a.get(0).priority()).isEqualTo(AlarmEvent.Priority.HIGH);
        assertThat(a.get(0).kind()).isEqualTo(AlarmEvent.Kind.PHYSIOLOGICAL);
        assertThat(a.get(0).source()).isEqualTo(Metrics.SPO2);
        assertThat(a.get(0).text()).isEqualTo("Desat");
    }

    @Test
    void inhibitedIsAlarmOffSuspendedAlarmPausedSilencedResetItsSoundOnlyAndNoStateBitsActive() {
        List<AlarmEvent> a = alerts(
                alertEntry(0x4BB8, 0x0C10, IvueWire.MED_PRI_P_AL, IvueWire.AL_SILENCED_RESET, "a"),
                alertEntry(0x4BB8, 0x0C11, IvueWire.MED_PRI_P_AL, IvueWire.AL_INHIBITED, "b"),
                alertEntry(
                        0x4BB8, 0x0C12, IvueWire.MED_PRI_P_AL, IvueWire.AL_SUSPENDED | IvueWire.AL_SILENCED_RESET, "c"),
                alertEntry(0x4BB8, 0x0C13, IvueWire.MED_PRI_P_AL, 0x0008, "d"), // AL_NEW_ALERT only
                alertEntry(0x4BB8, 0x0C14, IvueWire.MED_PRI_P_AL, IvueWire.AL_SUSPENDED, "e"),
                alertEntry(0x4BB8, 0x0C15, IvueWire.MED_PRI_P_AL, IvueWire.AL_INHIBITED | IvueWire.AL_SUSPENDED, "f"));
        assertThat(a)
                .extracting(AlarmEvent::state)
                .containsExactly(
                        AlarmEvent.State.SILENCED_RESET,
                        AlarmEvent.State.ALARM_OFF,
                        AlarmEvent.State.ALARM_PAUSED, // paused wins over its sound silenced: it says more
                        AlarmEvent.State.ACTIVE,
                        AlarmEvent.State.ALARM_PAUSED,
                        AlarmEvent.State.ALARM_OFF); // off, of no set end, wins over paused
    }
}
