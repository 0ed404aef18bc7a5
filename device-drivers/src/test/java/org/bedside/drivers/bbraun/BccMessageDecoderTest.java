package org.bedside.drivers.bbraun;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

class BccMessageDecoderTest {
    private static final DeviceId DEVICE = DeviceId.of("bed12-pumps");
    private final BccMessageDecoder decoder = new BccMessageDecoder(DEVICE);

    private DecodeResult decode(byte[] frame) {
        return decoder.decode(ByteBuffer.wrap(frame), DecoderHarness.RECEIVED_AT);
    }

    private List<Reading> readings(byte[] frame) {
        DecodeResult r = decode(frame);
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private static BigDecimal value(InfusionStatus s, org.bedside.model.MetricCode m) {
        return s.value(m).map(CompoundReading.Component::value).orElseThrow();
    }

    @Test
    void theRequestsAreTheVerifiedBytes() {
        assertThat(BccRequest.ALIVE.frame("1")).isEqualTo(BccTestFrames.capture("bcc_admin_alive_request.bin"));
        byte[] get = BccRequest.GET_ALL.frame("SpaceSystem");
        String s = new String(get, StandardCharsets.US_ASCII);
        assertThat(get).hasSize(37);
        assertThat(s)
                .startsWith("\u000100037\u0002SpaceSystem/1/1>MEM:GET\u0003")
                .endsWith("00104\u0004");
    }

    @Test
    void theRealRackFrameDecodesToItsPumpStoppedWithItsNumbersAndSerial() throws Exception {
        byte[] real = BccTestFrames.capture("bcc_rack_response_part1.bin");
        BccMessageDecoder.Part part = BccMessageDecoder.part(ByteBuffer.wrap(real));
        assertThat(part.bedId()).isEqualTo("ComSystem");
        assertThat(part.last()).as("ends with ETB: more parts follow").isFalse();

        List<Reading> readings = readings(real);
        assertThat(readings).hasSize(1);
        InfusionStatus pump = (InfusionStatus) readings.get(0);
        assertThat(pump.channel()).isEqualTo("1-1");
        assertThat(pump.state()).as("INM3 (pumping) 0, INM6 (standby) 0").isEqualTo(InfusionStatus.State.STOPPED);
        assertThat(pump.pumpSerial()).isEqualTo("36248");
        assertThat(pump.drugLabel()).as("INSOL and INSOLSN are _NV").isNull();
        assertThat(pump.deviceTime()).as("relative time is no clock").isNull();
        assertThat(pump.values())
                .extracting(c ->
                        c.metric().refId() + "=" + c.value() + " " + c.unit().code())
                .containsExactly(
                        "MDC_FLOW_FLUID_PUMP=0 mL/h",
                        "MDC_VOL_FLUID_DELIV_TOTAL=0 mL",
                        "MDC_TIME_PD_REMAIN=0 s",
                        "X_BBRAUN_BOLUS_RATE=800.00 mL/h",
                        "X_BBRAUN_BOLUS_VOLUME=0.0 mL");
        assertThat(pump.key()).isEqualTo("bed12-pumps/infusion:1-1/" + Reading.epochMicros(DecoderHarness.RECEIVED_AT));
    }

    @Test
    void anInfusingPumpWithItsDrugLabel() {
        List<Reading> r =
                readings(BccTestFrames.answer("SpaceSystem", true, BccTestFrames.pump("50112", true, "5.00")));
        InfusionStatus pump = (InfusionStatus) r.get(0);
        assertThat(pump.channel()).isEqualTo("1-2");
        assertThat(pump.state()).isEqualTo(InfusionStatus.State.INFUSING);
        assertThat(pump.drugLabel()).isEqualTo("Noradrenalin");
        assertThat(value(pump, InfusionMetrics.RATE))
                .isEqualByComparingTo("5.00")
                .hasToString("5.00");
        assertThat(value(pump, InfusionMetrics.VOLUME_TO_BE_INFUSED)).hasToString("50.0");
        assertThat(value(pump, InfusionMetrics.VOLUME_INFUSED)).hasToString("12.5");
        assertThat(value(pump, InfusionMetrics.REMAINING_TIME)).hasToString("5400");
        assertThat(r).hasSize(1).as("no alarm flag set");
    }

    @Test
    void everyAlarmFlagSetIsAnAlarmEventAndAStoppingOneMakesTheStateAlarm() {
        List<Reading> r = readings(BccTestFrames.answer(
                "SpaceSystem", true, BccTestFrames.pump("5012A", false, "0", "INA3", "INA12", "INA7", "INA11")));
        InfusionStatus pump = (InfusionStatus) r.get(0);
        assertThat(pump.channel()).as("slot A is the tenth").isEqualTo("2-10");
        assertThat(pump.state()).isEqualTo(InfusionStatus.State.ALARM);
        assertThat(r.subList(1, r.size()))
                .extracting(x -> ((AlarmEvent) x).code())
                .containsExactly("2-10:occlusion", "2-10:end-of-infusion", "2-10:battery-low", "2-10:near-end");
        AlarmEvent occlusion = (AlarmEvent) r.get(1);
        assertThat(occlusion.kind()).isEqualTo(AlarmEvent.Kind.TECHNICAL);
        assertThat(occlusion.priority()).as("BCC carries no priority").isEqualTo(AlarmEvent.Priority.UNKNOWN);
        assertThat(occlusion.text()).isEqualTo("pump 2-10 (pillar 2, slot 10): occlusion (pressure alarm) (INA3)");
    }

    @Test
    void aPreAlarmAloneLeavesAnInfusingPumpInfusingAndKvoIsReported() {
        String[] records = BccTestFrames.pump("50113", true, "1.0", "INA12");
        records[9] = "300,50113,INM10,1";
        List<Reading> r = readings(BccTestFrames.answer("SpaceSystem", true, records));
        assertThat(((InfusionStatus) r.get(0)).state()).isEqualTo(InfusionStatus.State.INFUSING);
        assertThat(r.subList(1, r.size()))
                .extracting(x -> ((AlarmEvent) x).code() + " " + ((AlarmEvent) x).kind())
                .containsExactly("1-3:near-end TECHNICAL", "1-3:kvo ADVISORY");
    }

    @Test
    void noValueIsNotAvailableNeverZeroAndAValueThatIsNoNumberIsInvalidWithItsReason() {
        List<Reading> r = readings(BccTestFrames.answer(
                "SpaceSystem",
                true,
                "300,50111,INRT,_NV",
                "300,50111,INVI,1x2",
                "300,50111,INRMT,65535",
                "300,50111,INM3,_NV"));
        InfusionStatus pump = (InfusionStatus) r.get(0);
        assertThat(pump.state()).isEqualTo(InfusionStatus.State.UNKNOWN);
        CompoundReading.Component rate = pump.value(InfusionMetrics.RATE).orElseThrow();
        assertThat(rate.value()).isNull();
        assertThat(rate.quality().has(QualityFlag.NOT_AVAILABLE)).isTrue();
        assertThat(rate.quality().reason()).isEqualTo("the pump reports no value (INRT _NV)");
        CompoundReading.Component vi =
                pump.value(InfusionMetrics.VOLUME_INFUSED).orElseThrow();
        assertThat(vi.value()).isNull();
        assertThat(vi.quality().reason()).isEqualTo("INVI value '1x2' is not a number");
        assertThat(vi.isValid()).isFalse();
        assertThat(pump.value(InfusionMetrics.REMAINING_TIME)
                        .orElseThrow()
                        .quality()
                        .reason())
                .isEqualTo("no remaining time (INRMT 65535)");
    }

    @Test
    void aPumpRemovedFromItsSlotIsRemovedWithAStatusThatSaysWhere() {
        List<Reading> r = readings(BccTestFrames.answer("SpaceSystem", true, "400,50112,GNERR,39"));
        assertThat(r).hasSize(2);
        InfusionStatus removed = (InfusionStatus) r.get(0);
        assertThat(removed.state()).isEqualTo(InfusionStatus.State.REMOVED);
        assertThat(removed.values()).isEmpty();
        assertThat(((DeviceStatus) r.get(1)).detail())
                .isEqualTo("pump 1-2 (pillar 1, slot 2) removed from its slot (GNERR 39)");
    }

    @Test
    void unknownParametersAreSkippedAndCountedAndPatientParametersAreNeverRead() throws Exception {
        byte[] frame = BccTestFrames.answer(
                "SpaceSystem",
                true,
                "300,50111,INRT,2.0",
                "300,50111,XYZZY,1",
                "300,50111,NEWPARAM,abc",
                "300,50111,PATID,12345678");
        BccMessageDecoder.Part part = BccMessageDecoder.part(ByteBuffer.wrap(frame));
        BccMessageDecoder.Answer a = decoder.answer(part.text(), DecoderHarness.RECEIVED_AT);
        assertThat(a.unknownParameters()).isEqualTo(2);
        assertThat(a.readings()).hasSize(1);
        assertThat(a.readings().toString()).doesNotContain("12345678");
    }

    @Test
    void aWrongChecksumIsABadChecksumFailureNeverReadings() {
        byte[] frame = BccTestFrames.capture("bcc_rack_response_part1.bin");
        frame[frame.length - 2] = '3'; // checksum 00002 -> 00003
        DecodeResult r = decode(frame);
        assertThat(r).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) r).reason()).isEqualTo(DecodeFailure.Reason.BAD_CHECKSUM);
        assertThat(((DecodeFailure) r).detail()).isEqualTo("checksum field says 3, the bytes sum to 2 (mod 256)");

        byte[] flipped = BccTestFrames.capture("bcc_rack_response_part1.bin");
        flipped[500] ^= 0x01; // a value changed in transit: the sum no longer matches
        assertThat(((DecodeFailure) decode(flipped)).reason()).isEqualTo(DecodeFailure.Reason.BAD_CHECKSUM);
    }

    @Test
    void everySingleBitFlipOfTheRealFrameIsAFailureNeverReadingsAndTheNextFrameIsRead() {
        byte[] real = BccTestFrames.capture("bcc_rack_response_part1.bin");
        byte[] next = BccTestFrames.answer("ComSystem", true, "300,50112,INRT,1.00");
        int runs = 0;
        for (int i = 0; i < real.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] stream = java.util.Arrays.copyOf(real, real.length + next.length);
                System.arraycopy(next, 0, stream, real.length, next.length);
                stream[i] ^= (byte) (1 << bit);
                DecoderHarness.Output out =
                        DecoderHarness.run(new BccFrameDecoder(BccCodes.MAX_FRAME), decoder, stream);
                assertThat(out.readings())
                        .as("byte %d bit %d: only the next frame's pump", i, bit)
                        .singleElement()
                        .satisfies(
                                r -> assertThat(((InfusionStatus) r).channel()).isEqualTo("1-2"));
                assertThat(out.failures()).as("byte %d bit %d", i, bit).isNotEmpty();
                runs++;
            }
        }
        assertThat(runs).isEqualTo(real.length * 8);
    }

    @Test
    void aLengthThatDoesNotMatchIsAFailureNamingBoth() {
        byte[] frame = BccTestFrames.capture("bcc_rack_response_part1.bin");
        byte[] cut = new byte[frame.length - 100];
        System.arraycopy(frame, 0, cut, 0, 500);
        System.arraycopy(frame, 600, cut, 500, frame.length - 600);
        DecodeFailure f = (DecodeFailure) decode(cut);
        assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.TRUNCATED);
        assertThat(f.detail()).isEqualTo("length field says 1152 bytes, the frame has 1052");
    }

    @Test
    void aBrokenRecordOrAddressIsMalformedWithoutShowingTheRecord() {
        DecodeFailure noFields = (DecodeFailure) decode(BccTestFrames.answer("S", true, "300,50111,INRT,1", "PATID"));
        assertThat(noFields.reason()).isEqualTo(DecodeFailure.Reason.MALFORMED);
        assertThat(noFields.detail()).isEqualTo("record 2 is not relTime,address,PARAM[,value]");
        DecodeFailure address = (DecodeFailure) decode(BccTestFrames.answer("S", true, "300,60111,INRT,1"));
        assertThat(address.detail()).isEqualTo("address '60111' is not 501PS");
    }

    @Test
    void aRackErrorOtherThanNoFurtherDataIsADeviceStatus() throws Exception {
        assertThat(readings(BccTestFrames.answer("S", true, "1,50100,GNERR,11")))
                .isEmpty();
        List<Reading> r = readings(BccTestFrames.answer("S", true, "1,50100,GNERR,68"));
        assertThat(((DeviceStatus) r.get(0)).detail()).isEqualTo("SpaceCom error 68 (wrong syntax)");
    }
}
