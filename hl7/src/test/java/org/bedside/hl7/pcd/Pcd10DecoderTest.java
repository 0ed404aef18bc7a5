package org.bedside.hl7.pcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

/** PCD-10 in: the IHE PCD TF-2 rev 9.0 example M.1.2.2 (src/test/resources/ihe-pcd, SOURCE.txt) and its faults. */
class Pcd10DecoderTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");
    private static final DeviceId PUMP = DeviceId.of("icu3002-pump");
    /** OBR-7 20151015132106-0500: the example has no OBX-14, so every time is the order's. */
    private static final Instant OBR7 = Instant.parse("2015-10-15T18:21:06Z");

    private final Hl7Parser parser = new Hl7Parser();

    private Hl7Result<Pcd10Report> decode(String text) {
        Hl7Result<Hl7Parser.Parsed> p = parser.parse(text, StandardCharsets.UTF_8);
        assertThat(p.isOk()).as("%s", p).isTrue();
        return new Pcd10Decoder().decode(p.value().message(), p.value().header());
    }

    private static String example() {
        return TestMessages.pumpDeliveryStartPcd10();
    }

    private static CompoundReading.Component value(MetricCode metric, String digits, UcumUnit unit) {
        return new CompoundReading.Component(metric, new BigDecimal(digits), unit, Quality.VALID);
    }

    private static MetricCode mdc(int code, String refId, String label) {
        return MetricCode.mdc(code, refId, null, label);
    }

    /**
     * The TF example as printed: the pump, the event and its source, the source's state, drug label and every number
     * with its MDC code, its UCUM unit and its digits; the patient and the bed as PCD-01 reads them.
     */
    @Test
    void theIheDeliveryStartExampleDecodesToEveryValue() {
        Hl7Result<Pcd10Report> r = decode(example());
        assertThat(r.isOk()).as("%s", r).isTrue();
        Pcd10Report report = r.value();

        assertThat(report.header().type()).isEqualTo("ORU^R42");
        assertThat(report.header().controlId()).isEqualTo("6358051206735492253");
        assertThat(report.header().acceptAckType()).isEqualTo("AL");
        assertThat(report.header().applicationAckType()).isEqualTo("NE");
        assertThat(report.patientIdentifiers()).containsExactly(new PatientIdentifier("HO2009002", "IHE", "", "PI"));
        assertThat(report.location()).isEqualTo(new CareLocation("3 West ICU", "3002", "1", ""));

        assertThat(report.pumpSetId()).isEqualTo(1);
        assertThat(report.pump()).isEqualTo(new Equipment("E0002", "", "0012210000000000", "EUI-64"));
        assertThat(report.pumpEui64()).isEqualTo("0012210000000000");
        assertThat(report.pumpType()).isEqualTo("70049 MDC_DEV_PUMP_INFUS_LVP_MDS");

        assertThat(report.event())
                .isEqualTo(new Pcd10Report.PumpEvent(
                        3,
                        197288,
                        "MDC_EVT_PUMP_DELIV_START",
                        InfusionEvent.Kind.DELIVERY_START,
                        "",
                        "1.1.2.0",
                        OBR7,
                        "20151015132106-0500"));

        UcumUnit mlPerHour = new UcumUnit("mL/h", "mL/h");
        UcumUnit ml = new UcumUnit("mL", "mL");
        assertThat(report.sources()).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo("1.1.2.0");
            assertThat(s.channel()).isEqualTo("1.1.2");
            assertThat(s.code()).isEqualTo(70071);
            assertThat(s.state()).isEqualTo(InfusionStatus.State.INFUSING);
            assertThat(s.stateReason()).isEmpty();
            assertThat(s.drugLabel()).isEqualTo("Dopamine");
            assertThat(s.values())
                    .containsExactly(
                            value(InfusionMetrics.RATE, "15.4", mlPerHour),
                            value(
                                    mdc(157924, "MDC_RATE_DOSE", "Dose rate"),
                                    "5.00",
                                    new UcumUnit("ug/kg/min", "µg/kg/min")),
                            value(InfusionMetrics.VOLUME_TO_BE_INFUSED, "250.0", ml),
                            value(InfusionMetrics.VOLUME_INFUSED, "0.0", ml),
                            value(
                                    mdc(157872, "MDC_VOL_FLUID_TBI_REMAIN", "Volume to be infused remaining"),
                                    "250.0",
                                    ml),
                            value(InfusionMetrics.REMAINING_TIME, "974", new UcumUnit("min", "min")),
                            value(
                                    mdc(157760, "MDC_CONC_DRUG", "Drug concentration"),
                                    "1.6",
                                    new UcumUnit("mg/mL", "mg/mL")),
                            value(
                                    mdc(68063, "MDC_ATTR_PT_WEIGHT", "Patient weight (as entered on the pump)"),
                                    "82.0",
                                    new UcumUnit("kg", "kg")));
        });
        assertThat(report.skipped())
                .as("drug library, the delivery information's current flow and sources, status, mode, label, care area")
                .extracting(Pcd01Report.Skipped::setId)
                .containsExactly(2, 8, 9, 11, 12, 13, 22);
        assertThat(report.skipped())
                .filteredOn(s -> s.setId() == 8)
                .singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("1.1.1.2").contains("no infusate source"));

        List<Reading> readings = report.readings(PUMP, RECEIVED);
        assertThat(readings)
                .as("the source's status (no serial number: PCD-10 has none), the event, the pump's EUI-64")
                .containsExactly(
                        new InfusionStatus(
                                PUMP,
                                "1.1.2",
                                InfusionStatus.State.INFUSING,
                                "Dopamine",
                                null,
                                report.sources().get(0).values(),
                                OBR7,
                                RECEIVED),
                        new InfusionEvent(
                                PUMP,
                                "1.1.2",
                                197288,
                                "MDC_EVT_PUMP_DELIV_START",
                                InfusionEvent.Kind.DELIVERY_START,
                                "",
                                OBR7,
                                RECEIVED),
                        new DeviceIdentity(PUMP, null, "00-12-21-00-00-00-00-00", null, null, OBR7, RECEIVED));
        assertThat(((InfusionEvent) readings.get(1)).describe())
                .isEqualTo("197288 MDC_EVT_PUMP_DELIV_START (delivery start), source 1.1.2");
        assertThat(((InfusionStatus) readings.get(0)).value(InfusionMetrics.RATE))
                .hasValueSatisfying(c -> assertThat(c.value()).hasToString("15.4"));
    }

    @Test
    void anEventOtherThanTheRequiredOnesIsKeptAsSentAndUnknownWithTheReason() {
        Pcd10Report report = decode(example().replace("197288^MDC_EVT_PUMP_DELIV_START", "196999^MDC_EVT_PUMP_X"))
                .value();

        assertThat(report.event().kind()).isEqualTo(InfusionEvent.Kind.UNKNOWN);
        assertThat(report.event().code()).isEqualTo(196999);
        assertThat(report.event().refId()).isEqualTo("MDC_EVT_PUMP_X");
        assertThat(report.event().reason()).contains("196999").contains("none of the PCD-10 required events");
        assertThat(report.event().reading(PUMP, RECEIVED).describe()).startsWith("196999 MDC_EVT_PUMP_X (unknown: ");
    }

    @Test
    void anEventOfThePumpItselfHasNoChannelAndAPumpWithoutAnEui64NoIdentity() {
        Pcd10Report report = decode(example()
                        .replace("OBX|4|ST|68488^MDC_ATTR_EVT_SOURCE^MDC|1.0.0.3|1.1.2.0||||||R\r", "")
                        .replace("E0002^^0012210000000000^EUI-64", "E0002^^PUMP-7^EUI-64"))
                .value();
        List<Reading> readings = report.readings(PUMP, RECEIVED);
        assertThat(readings)
                .filteredOn(r -> r instanceof InfusionEvent)
                .singleElement()
                .satisfies(e -> assertThat(((InfusionEvent) e).describe()).endsWith("source the pump"));
        assertThat(readings)
                .as("'PUMP-7' is not 16 hexadecimal digits: no EUI-64, none made up")
                .noneMatch(r -> r instanceof DeviceIdentity);
    }

    @Test
    void aReferenceIdThatIsNoMdcReferenceIdFailsTheMessageNamingTheComponent() {
        var r = decode(example().replace("197288^MDC_EVT_PUMP_DELIV_START", "197288^MDC EVT <start>"));
        assertThat(r.isOk()).isFalse();
        assertThat(r.failure().reason()).isEqualTo(org.bedside.hl7.FailureReason.BAD_VALUE);
        assertThat(r.failure().detail()).contains("OBX[3]-5.2");
    }

    @Test
    void aStopAndACompletionAreKnownByTheirReferenceIds() {
        assertThat(decode(example().replace("197288^MDC_EVT_PUMP_DELIV_START", "1^MDC_EVT_PUMP_DELIV_STOP"))
                        .value()
                        .event()
                        .kind())
                .isEqualTo(InfusionEvent.Kind.DELIVERY_STOP);
        assertThat(decode(example().replace("197288^MDC_EVT_PUMP_DELIV_START", "2^MDC_EVT_PUMP_DELIV_COMP"))
                        .value()
                        .event()
                        .kind())
                .isEqualTo(InfusionEvent.Kind.DELIVERY_COMPLETE);
    }

    @Test
    void aStateNotMappedHereIsUnknownWithTheReasonNeverGuessed() {
        Pcd10Report.Source s = decode(example().replace("^pump-status-infusing", "^pump-status-paused"))
                .value()
                .sources()
                .get(0);

        assertThat(s.state()).isEqualTo(InfusionStatus.State.UNKNOWN);
        assertThat(s.stateReason()).contains("OBX[7]").contains("pump-status-paused");
    }

    @Test
    void aMessageWithoutAnEventIsRefusedNamingTheSegment() {
        String noEvent = example()
                .replace(
                        "OBX|3|CWE|68487^MDC_ATTR_EVT_COND^MDC|1.0.0.2|197288^MDC_EVT_PUMP_DELIV_START^MDC||||||R\r",
                        "");
        assertThat(noEvent).isNotEqualTo(example());
        Hl7Failure f = decode(noEvent).failure();

        assertThat(f.reason()).isEqualTo(FailureReason.MISSING_SEGMENT);
        assertThat(f.location()).hasToString("OBX");
        assertThat(f.detail()).contains("68487^MDC_ATTR_EVT_COND");
    }

    @Test
    void malformedRowsAreRefusedNamingTheField() {
        Hl7Failure notACode = decode(example()
                        .replace("|197288^MDC_EVT_PUMP_DELIV_START^MDC|", "|start^MDC_EVT_PUMP_DELIV_START^MDC|"))
                .failure();
        assertThat(notACode.reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(notACode.location()).hasToString("OBX[3]-5.1");
        assertThat(notACode.detail()).contains("is not an MDC event code");

        Hl7Failure twoEvents = decode(example()
                        .replace(
                                "OBX|4|ST|68488",
                                "OBX|4|CWE|68487^MDC_ATTR_EVT_COND^MDC|1.0.0.4|197288^MDC_EVT_PUMP_DELIV_START^MDC||||||R\r"
                                        + "OBX|4|ST|68488"))
                .failure();
        assertThat(twoEvents.reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(twoEvents.location()).hasToString("OBX[4]-3");

        Hl7Failure badSource = decode(example().replace("|1.0.0.3|1.1.2.0|", "|1.0.0.3|1.9.9.0|"))
                .failure();
        assertThat(badSource.reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(badSource.location()).hasToString("OBX[4]-5");
        assertThat(badSource.detail()).contains("'1.9.9.0' names no device row");

        Hl7Failure badRate =
                decode(example().replace("|1.1.2.4|15.4|", "|1.1.2.4|1x4|")).failure();
        assertThat(badRate.reason()).as("a number is read as PCD-01 reads it").isEqualTo(FailureReason.BAD_VALUE);
        assertThat(badRate.location()).hasToString("OBX[14]-5");
    }

    @Test
    void aMessageThatIsNotAnR42IsUnsupported() {
        Hl7Failure f = decode(TestMessages.philipsPcd01()).failure();

        assertThat(f.reason()).isEqualTo(FailureReason.UNSUPPORTED_MESSAGE_TYPE);
        assertThat(f.location()).hasToString("MSH-9");
        assertThat(f.detail()).contains("ORU^R42^ORU_R01").contains("ORU^R01");
    }

    @Test
    void anR42WithoutTheStructureInMsh9IsReadAsOruR01() {
        Pcd10Report report =
                decode(example().replace("|ORU^R42^ORU_R01|", "|ORU^R42|")).value();

        assertThat(report.sources()).hasSize(1);
    }
}
