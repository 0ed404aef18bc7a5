package org.bedside.hl7.pcd;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.TestMessages;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class Pcd01DecoderTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");
    private static final DeviceId BED = DeviceId.of("or1-monitor");
    private static final UcumUnit MS = new UcumUnit("ms", "ms");
    private static final UcumUnit BREATHS = new UcumUnit("/min", "breaths/minute");
    private static final Equipment VMD = new Equipment("0600dc750001", "", "", "");
    private static final Quality X = Quality.invalid("OBX-11 X: results cannot be obtained");

    private final Hl7Parser parser = new Hl7Parser();

    private Hl7Parser.Parsed parse(String text) {
        Hl7Result<Hl7Parser.Parsed> r = parser.parse(text, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(r.isOk()).as("%s", r).isTrue();
        return r.value();
    }

    private Hl7Result<Pcd01Report> decode(String text) {
        Hl7Parser.Parsed p = parse(text);
        return new Pcd01Decoder().decode(p.message(), p.header());
    }

    private static Pcd01Report.Observation obs(
            int setId,
            String path,
            MetricCode metric,
            String value,
            UcumUnit unit,
            Quality quality,
            Instant time,
            String timeText,
            String range) {
        return new Pcd01Report.Observation(
                setId,
                path,
                metric,
                new BigDecimal(value),
                unit,
                quality,
                time,
                timeText,
                VMD,
                quality == X ? "X" : "R",
                range,
                List.of());
    }

    /**
     * The IHE PCD TF-2 E.1.1 example as printed: every value, unit, path, limit and equipment id. The TF prints OBX-11
     * X (results cannot be obtained) on the metric rows too, where real Philips systems send F; X is taken at its
     * word: the digits are kept, the values are invalid and say why. Its times carry no zone offset, so without an
     * assumed zone they are not placed.
     */
    @Test
    void thePhilipsExampleAsPrinted() {
        Pcd01Report report = decode(TestMessages.philipsPcd01()).value();

        assertThat(report.header().controlId()).isEqualTo("HP0122182658686QQ000CND119C0WS61");
        assertThat(report.header().profile()).isEqualTo("IHE_PCD_001");
        assertThat(report.results()).hasSize(1);
        Pcd01Report.PatientResult result = report.results().get(0);
        assertThat(result.patientIdentifiers()).containsExactly(new PatientIdentifier("HO2009001", "", "", "MR"));
        assertThat(result.location()).isEqualTo(new CareLocation("HO Surgery", "OR", "1", ""));
        assertThat(result.observations())
                .containsExactly(
                        obs(
                                4,
                                "1.1.1.5",
                                Metrics.NIBP_SYSTOLIC,
                                "117",
                                UcumUnit.MM_HG,
                                X,
                                null,
                                "20150122115000",
                                "90-160"),
                        obs(5, "1.1.1.6", Metrics.NIBP_DIASTOLIC, "82", UcumUnit.MM_HG, X, null, "20150122115000", ""),
                        obs(6, "1.1.1.7", Metrics.NIBP_MEAN, "90", UcumUnit.MM_HG, X, null, "20150122115000", ""),
                        obs(
                                9,
                                "1.2.1.1",
                                Metrics.HEART_RATE_ECG,
                                "80",
                                UcumUnit.BEATS_PER_MINUTE,
                                X,
                                null,
                                "20150122182656",
                                "50-120"),
                        obs(
                                10,
                                "1.2.1.14",
                                MetricCode.vendor("X_MDC_147232", "MDC_ECG_TIME_PD_QT_GL"),
                                "360",
                                MS,
                                X,
                                null,
                                "20150122182656",
                                ""),
                        obs(
                                11,
                                "1.2.1.15",
                                MetricCode.vendor("X_MDC_147236", "MDC_ECG_TIME_PD_QTc"),
                                "416",
                                MS,
                                X,
                                null,
                                "20150122182656",
                                "<500"),
                        obs(12, "1.2.1.19", Metrics.RESPIRATION_RATE, "30", BREATHS, X, null, "20150122182656", "8-45"),
                        obs(16, "1.3.1.1", Metrics.SPO2, "99", UcumUnit.PERCENT, X, null, "20150122182656", "90-100"),
                        obs(
                                17,
                                "1.3.1.3",
                                Metrics.PERFUSION_INDEX,
                                "3.9",
                                UcumUnit.DIMENSIONLESS,
                                X,
                                null,
                                "20150122182656",
                                ""));
        assertThat(report.skipped())
                .containsExactly(new Pcd01Report.Skipped(
                        13,
                        "184327 MDC_ECG_STAT_RHY",
                        "value type ST is not a number; only numeric observations become readings"));

        List<Reading> readings = result.readings(BED, RECEIVED);
        assertThat(readings).hasSize(7);
        CompoundReading nibp = (CompoundReading) readings.get(0);
        assertThat(nibp.metric()).isEqualTo(Metrics.NIBP);
        assertThat(nibp.components())
                .containsExactly(
                        new CompoundReading.Component(Metrics.NIBP_SYSTOLIC, new BigDecimal("117"), UcumUnit.MM_HG, X),
                        new CompoundReading.Component(Metrics.NIBP_DIASTOLIC, new BigDecimal("82"), UcumUnit.MM_HG, X),
                        new CompoundReading.Component(Metrics.NIBP_MEAN, new BigDecimal("90"), UcumUnit.MM_HG, X));
        assertThat(readings.subList(1, 7))
                .allSatisfy(r -> assertThat(((NumericReading) r).isValid()).isFalse())
                .extracting(r -> ((NumericReading) r).value())
                .containsExactly(
                        new BigDecimal("80"),
                        new BigDecimal("360"),
                        new BigDecimal("416"),
                        new BigDecimal("30"),
                        new BigDecimal("99"),
                        new BigDecimal("3.9"));
        assertThat(readings).allSatisfy(r -> {
            assertThat(r.device()).isEqualTo(BED);
            assertThat(r.receivedAt()).isEqualTo(RECEIVED);
            assertThat(r.deviceTime()).isNull();
        });
    }

    /**
     * The same example with the metric rows' OBX-11 set to R (unverified device data, what PCD-01 senders send; the
     * change is made through HAPI on the parsed message) and UTC assumed for its offset-less times: the readings the
     * TF means, NIBP 117/82 (90), HR 80, QT 360 ms, QTc 416 ms, RR 30, SpO2 99 %, perfusion 3.9, all valid.
     */
    @Test
    void thePhilipsExampleWithUnverifiedStatusAndAnAssumedZone() throws Exception {
        Hl7Parser.Parsed p = parse(TestMessages.philipsPcd01());
        ORU_R01 oru = (ORU_R01) p.message();
        for (var o : oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATIONAll()) {
            OBX obx = o.getOBX();
            if (!obx.getObservationSubID().getValue().endsWith(".0")) {
                obx.getObservationResultStatus().setValue("R");
            }
        }

        Pcd01Report report =
                new Pcd01Decoder(ZoneOffset.UTC).decode(oru, p.header()).value();
        List<Reading> readings = report.results().get(0).readings(BED, RECEIVED);

        Instant nibpTime = Instant.parse("2015-01-22T11:50:00Z");
        Instant obrTime = Instant.parse("2015-01-22T18:26:56Z");
        CompoundReading nibp = (CompoundReading) readings.get(0);
        assertThat(nibp.deviceTime()).isEqualTo(nibpTime);
        assertThat(nibp.components())
                .extracting(CompoundReading.Component::value, CompoundReading.Component::isValid)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(new BigDecimal("117"), true),
                        org.assertj.core.groups.Tuple.tuple(new BigDecimal("82"), true),
                        org.assertj.core.groups.Tuple.tuple(new BigDecimal("90"), true));
        assertThat(readings.subList(1, 7))
                .containsExactly(
                        num(Metrics.HEART_RATE_ECG, "80", UcumUnit.BEATS_PER_MINUTE, obrTime),
                        num(MetricCode.vendor("X_MDC_147232", "MDC_ECG_TIME_PD_QT_GL"), "360", MS, obrTime),
                        num(MetricCode.vendor("X_MDC_147236", "MDC_ECG_TIME_PD_QTc"), "416", MS, obrTime),
                        num(Metrics.RESPIRATION_RATE, "30", BREATHS, obrTime),
                        num(Metrics.SPO2, "99", UcumUnit.PERCENT, obrTime),
                        num(Metrics.PERFUSION_INDEX, "3.9", UcumUnit.DIMENSIONLESS, obrTime));
    }

    private static NumericReading num(MetricCode m, String value, UcumUnit unit, Instant time) {
        return new NumericReading(BED, m, new BigDecimal(value), unit, Quality.VALID, time, RECEIVED);
    }

    private static String withObx(String obx) {
        return "MSH|^~\\&|DOR^0123456789ABCDEF^EUI-64||||20261122100000+0000||ORU^R01^ORU_R01|M1|P|2.6|||AL|NE\r"
                + "PID|||12345^^^HOSP^MR~999^^^SSA^SS\r"
                + "PV1||I|ICU^12^1\r"
                + "OBR|1|||182777000^monitoring of patient^SCT|||20261122095900+0100\r"
                + "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||ABCDEF0123456789^EUI-64\r"
                + obx;
    }

    @Test
    void statusFlagsAndMissingValuesBecomeQualities() {
        Pcd01Report report = decode(withObx(
                        "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|97|262688^MDC_DIM_PERCENT^MDC||DEMO|||R\r"
                                + "OBX|3|NM|147842^MDC_ECG_HEART_RATE^MDC|1.0.0.2||264864^MDC_DIM_BEAT_PER_MIN^MDC||NAV|||R\r"
                                + "OBX|4|NM|151562^MDC_RESP_RATE^MDC|1.0.0.3|12|264928^MDC_DIM_RESP_PER_MIN^MDC||QUES~H|||F|||20261122100001+0000\r"
                                + "OBX|5|NM|150344^MDC_TEMP^MDC|1.0.0.4|45.0|268192^MDC_DIM_DEGC^MDC||>|||R\r"))
                .value();

        List<Pcd01Report.Observation> o = report.observations();
        assertThat(o.get(0).quality().flags()).isEqualTo(Set.of(QualityFlag.DEMO_DATA, QualityFlag.INVALID));
        assertThat(o.get(0).value()).isEqualByComparingTo("97");
        assertThat(o.get(1).value()).isNull();
        assertThat(o.get(1).quality().flags()).isEqualTo(Set.of(QualityFlag.NOT_AVAILABLE));
        assertThat(o.get(1).quality().reason()).contains("NAV").contains("OBX-5 empty");
        assertThat(o.get(2).quality().flags()).isEqualTo(Set.of(QualityFlag.QUESTIONABLE));
        assertThat(o.get(2).quality().isValid()).isTrue();
        assertThat(o.get(2).abnormalFlags()).containsExactly("H");
        assertThat(o.get(2).time()).isEqualTo(Instant.parse("2026-11-22T10:00:01Z"));
        assertThat(o.get(3).quality().flags()).isEqualTo(Set.of(QualityFlag.OVER_RANGE));
        assertThat(o.get(3).quality().isValid()).isFalse();
        assertThat(o.get(0).time()).as("OBR-7 with its +0100 offset").isEqualTo(Instant.parse("2026-11-22T08:59:00Z"));
        assertThat(o).allSatisfy(x -> assertThat(x.equipment()).isEqualTo(Equipment.eui64("ABCDEF0123456789")));
        assertThat(report.results().get(0).patientIdentifiers())
                .containsExactly(
                        new PatientIdentifier("12345", "HOSP", "", "MR"),
                        new PatientIdentifier("999", "SSA", "", "SS"));
    }

    @Test
    void ucumInTheAlternateTripletIsTakenAndAnUnknownUnitIsSkipped() {
        Pcd01Report report = decode(
                        withObx(
                                "OBX|2|NM|158014^MDC_FLOW_FLUID_PUMP_CURRENT^MDC|1.0.0.1|15.40|265266^MDC_DIM_MILLI_L_PER_HR^MDC^mL/h^mL/h^UCUM|||||R\r"
                                        + "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.2|97|furlongs^furlongs^LOCAL|||||R\r"))
                .value();

        assertThat(report.observations()).hasSize(1);
        Pcd01Report.Observation rate = report.observations().get(0);
        assertThat(rate.metric()).isEqualTo(MetricCode.vendor("X_MDC_158014", "MDC_FLOW_FLUID_PUMP_CURRENT"));
        assertThat(rate.value()).isEqualTo(new BigDecimal("15.40"));
        assertThat(rate.unit()).isEqualTo(new UcumUnit("mL/h", "mL/h"));
        assertThat(report.skipped())
                .singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("furlongs").contains("no UCUM"));
    }

    @Test
    void aValueThatIsNotANumberFailsTheMessageNamingTheField() {
        Hl7Failure f = decode(withObx(
                        "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|9x7|262688^MDC_DIM_PERCENT^MDC|||||R\r"))
                .failure();

        assertThat(f.reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(f.location()).hasToString("OBX[2]-5");
        assertThat(f.detail()).isEqualTo("OBX[2]-5 '9x7' is not a number (value type NM)");
    }

    @Test
    void aBadTimeFailsTheMessageNamingTheField() {
        Hl7Failure f = decode(
                        withObx(
                                "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|97|262688^MDC_DIM_PERCENT^MDC|||||R|||yesterday\r"))
                .failure();

        assertThat(f.reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(f.location()).hasToString("OBX[2]-14");
    }

    @Test
    void missingSegmentsAreNamed() {
        String noObr = "MSH|^~\\&|DOR||||20261122100000+0000||ORU^R01^ORU_R01|M2|P|2.6|||AL|NE\rPID|||1^^^H^MR\r";
        assertThat(decode(noObr).failure().detail()).isEqualTo("the message has no OBR");

        String obxFirst = "MSH|^~\\&|DOR||||20261122100000+0000||ORU^R01^ORU_R01|M3|P|2.6|||AL|NE\r"
                + "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|97|262688^MDC_DIM_PERCENT^MDC|||||R\r";
        Hl7Failure f = decode(obxFirst).failure();
        assertThat(f.reason()).isEqualTo(FailureReason.MISSING_SEGMENT);
        assertThat(f.detail()).contains("before any OBR");

        String noObx = "MSH|^~\\&|DOR||||20261122100000+0000||ORU^R01^ORU_R01|M4|P|2.6|||AL|NE\rOBR|1\r";
        assertThat(decode(noObx).failure().detail()).isEqualTo("the message has no OBX");
    }

    @Test
    void anotherMessageTypeIsNotPcd01() {
        Hl7Failure f = decode("MSH|^~\\&|ADT||||20261122100000+0000||ADT^A01^ADT_A01|M5|P|2.6\rEVN||20261122\r")
                .failure();

        assertThat(f.reason()).isEqualTo(FailureReason.UNSUPPORTED_MESSAGE_TYPE);
        assertThat(f.detail()).contains("ADT^A01");
    }
}
