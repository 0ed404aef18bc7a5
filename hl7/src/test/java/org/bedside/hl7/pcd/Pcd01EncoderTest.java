package org.bedside.hl7.pcd;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.HapiPeers;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.OutboundMessage;
import org.bedside.hl7.mllp.SendResult;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class Pcd01EncoderTest {
    private static final DeviceId BED = DeviceId.of("bed12-monitor");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.250Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:01Z");
    private static final Pcd01Encoder ENCODER =
            new Pcd01Encoder(new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "ENGINE", "HOSP"));
    private static final PatientIdentifier MRN = new PatientIdentifier("12345", "HOSP", "", "MR");
    private static final CareLocation BED12 = new CareLocation("ICU", "12", "1", "");

    private final Hl7Parser parser = new Hl7Parser();

    private static List<Reading> readings() {
        return List.of(
                new NumericReading(
                        BED, Metrics.SPO2, new BigDecimal("97"), UcumUnit.PERCENT, Quality.VALID, T0, RECEIVED),
                new NumericReading(
                        BED,
                        Metrics.HEART_RATE_ECG,
                        new BigDecimal("72"),
                        UcumUnit.BEATS_PER_MINUTE,
                        Quality.VALID,
                        T0,
                        RECEIVED),
                new NumericReading(
                        BED,
                        Metrics.TEMPERATURE,
                        new BigDecimal("36.60"),
                        UcumUnit.CELSIUS,
                        Quality.VALID,
                        null,
                        RECEIVED),
                new CompoundReading(
                        BED,
                        Metrics.NIBP,
                        List.of(
                                new CompoundReading.Component(
                                        Metrics.NIBP_SYSTOLIC, new BigDecimal("120"), UcumUnit.MM_HG, Quality.VALID),
                                new CompoundReading.Component(
                                        Metrics.NIBP_DIASTOLIC, new BigDecimal("80"), UcumUnit.MM_HG, Quality.VALID),
                                new CompoundReading.Component(
                                        Metrics.NIBP_MEAN, new BigDecimal("93"), UcumUnit.MM_HG, Quality.VALID)),
                        T0,
                        RECEIVED),
                new NumericReading(
                        BED,
                        Metrics.RESPIRATION_RATE,
                        null,
                        new UcumUnit("/min", "breaths/minute"),
                        Quality.notAvailable("sensor off"),
                        T0,
                        RECEIVED),
                new NumericReading(
                        BED,
                        MetricCode.vendor("X_MASIMO_PVI", "PVI"),
                        new BigDecimal("12"),
                        UcumUnit.PERCENT,
                        Quality.VALID,
                        T0,
                        RECEIVED),
                new AlarmEvent(
                        BED,
                        "spo2-low",
                        Metrics.SPO2,
                        AlarmEvent.Kind.PHYSIOLOGICAL,
                        AlarmEvent.Priority.MEDIUM,
                        AlarmEvent.State.ACTIVE,
                        "SpO2 low",
                        T0,
                        RECEIVED));
    }

    private static Pcd01Encoder.Request request(List<Reading> readings) {
        return new Pcd01Encoder.Request("GW-42", Instant.parse("2026-11-22T10:00:05Z"), MRN, BED12, null, readings);
    }

    @Test
    void theMessageHasThePcd01ShapeAndHapiParsesItBack() throws Exception {
        Pcd01Encoder.Encoded encoded = ENCODER.encode(request(readings()));
        String text = parser.pipeParser().encode(encoded.message());
        String[] segments = text.split("\r");

        assertThat(segments[0])
                .isEqualTo("MSH|^~\\&|BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64|ICU|ENGINE|HOSP|20261122100005+0000||"
                        + "ORU^R01^ORU_R01|GW-42|P|2.6|||AL|NE||UNICODE UTF-8|||"
                        + "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO");
        assertThat(segments[1]).isEqualTo("PID|1||12345^^^HOSP^MR");
        assertThat(segments[2]).isEqualTo("PV1||I|ICU^12^1");
        assertThat(segments[3])
                .isEqualTo(
                        "OBR|1|GW-42^BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64|GW-42^BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64|"
                                + "182777000^monitoring of patient^SCT|||20261122100000.2500+0000");
        assertThat(segments[4])
                .isEqualTo(
                        "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||0123456789ABCDEF^EUI-64");
        assertThat(segments[5])
                .isEqualTo(
                        "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|97|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|||||R|||"
                                + "20261122100000.2500+0000|||AMEAS^auto-measurement^MDC|0123456789ABCDEF^EUI-64");
        assertThat(text)
                .contains("OBX|4|NM|150344^MDC_TEMP^MDC|1.0.0.3|36.60|268192^MDC_DIM_DEGC^MDC^Cel^Cel^UCUM|||||R|||"
                        + "20261122100001.0000+0000");
        assertThat(text)
                .contains(
                        "OBX|8|NM|151562^MDC_RESP_RATE^MDC|1.0.0.7||264928^MDC_DIM_RESP_PER_MIN^MDC^/min^/min^UCUM||NAV|||X");
        assertThat(text).contains("NTE|1||sensor off");
        assertThat(encoded.skipped())
                .extracting(s -> s.reason())
                .containsExactly(
                        "vendor metric X_MASIMO_PVI: no MDC term",
                        "AlarmEvent is not a PCD-01 numeric (alarms travel as PCD-04)");

        Message back = parser.pipeParser().parse(text);
        assertThat(back).isInstanceOf(ORU_R01.class);
        ORU_R01 oru = (ORU_R01) back;
        assertThat(oru.getPATIENT_RESULTReps()).isEqualTo(1);
        assertThat(oru.getPATIENT_RESULT().getORDER_OBSERVATIONReps()).isEqualTo(1);
        assertThat(oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATIONReps())
                .isEqualTo(8);
        assertThat(String.join("|", back.getNames())).doesNotContain("OBX|"); // no OBX outside its group
    }

    @Test
    void whatIsEncodedDecodesToTheSameReadings() throws Exception {
        ORU_R01 oru = ENCODER.encode(request(readings())).message();
        Hl7Parser.Parsed parsed = parser.parse(parser.pipeParser().encode(oru), StandardCharsets.UTF_8)
                .value();

        Pcd01Report report =
                new Pcd01Decoder().decode(parsed.message(), parsed.header()).value();
        List<Reading> back = report.results().get(0).readings(BED, RECEIVED);

        assertThat(report.results().get(0).patientIdentifiers()).containsExactly(MRN);
        assertThat(report.results().get(0).location()).isEqualTo(BED12);
        assertThat(back).hasSize(5);
        assertThat(back.subList(0, 2)).isEqualTo(readings().subList(0, 2));
        assertThat(back.get(2))
                .isEqualTo(new NumericReading(
                        BED,
                        Metrics.TEMPERATURE,
                        new BigDecimal("36.60"),
                        UcumUnit.CELSIUS,
                        Quality.VALID,
                        RECEIVED,
                        RECEIVED));
        assertThat(back.get(3)).isEqualTo(readings().get(3));
        NumericReading resp = (NumericReading) back.get(4);
        assertThat(resp.value()).isNull();
        assertThat(resp.isValid()).isFalse();
        assertThat(report.observations())
                .allSatisfy(o -> assertThat(o.equipment()).isEqualTo(Equipment.eui64("0123456789ABCDEF")));
    }

    @Test
    void theSameReadingsAndControlIdGiveTheSameMessage() throws Exception {
        String first =
                parser.pipeParser().encode(ENCODER.encode(request(readings())).message());
        String second =
                parser.pipeParser().encode(ENCODER.encode(request(readings())).message());

        assertThat(second).isEqualTo(first);
    }

    @Test
    void theUnitTheRecordNamesIsTheMdsRowsFirstEquipmentIdentifier() throws Exception {
        DeviceIdentity masimo = new DeviceIdentity(BED, "0000056661", null, "Masimo", "Radical-7", null, T0);
        String text = parser.pipeParser()
                .encode(ENCODER.encode(new Pcd01Encoder.Request(
                                "GW-44",
                                T0,
                                MRN,
                                BED12,
                                null,
                                masimo,
                                readings().subList(0, 1)))
                        .message());
        String[] segments = text.split("\r");
        assertThat(segments[4])
                .as("the MDS is the monitor: its serial number in its manufacturer's namespace, then the device")
                .isEqualTo("OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||"
                        + "0000056661^Masimo~0123456789ABCDEF^EUI-64");
        assertThat(segments[5])
                .as("the metric rows name the device as before")
                .endsWith("|AMEAS^auto-measurement^MDC|0123456789ABCDEF^EUI-64");

        DeviceIdentity pump = new DeviceIdentity(BED, null, "00-12-21-00-00-00-00-00", null, null, null, T0);
        assertThat(Equipment.of(pump))
                .as("an EUI-64 system id as IHE PCD writes an EUI-64")
                .isEqualTo(Equipment.eui64("0012210000000000"));
        DeviceIdentity intelliVue = new DeviceIdentity(BED, null, "00-09-FB-9B-B0-76", "Philips", "M8000", null, T0);
        assertThat(Equipment.of(intelliVue))
                .as("six octets are no EUI-64")
                .isEqualTo(new Equipment("00-09-FB-9B-B0-76", "Philips", "", ""));

        ORU_R01 back = (ORU_R01) parser.pipeParser().parse(text);
        Pcd01Report report = new Pcd01Decoder()
                .decode(back, parser.parse(text, StandardCharsets.UTF_8).value().header())
                .value();
        assertThat(report.observations())
                .as("read back: the metric rows' own equipment")
                .allSatisfy(o -> assertThat(o.equipment()).isEqualTo(Equipment.eui64("0123456789ABCDEF")));
    }

    @Test
    void withoutAPatientPid3StaysEmpty() throws Exception {
        ORU_R01 oru = ENCODER.encode(new Pcd01Encoder.Request(
                        "GW-43", T0, null, BED12, null, readings().subList(0, 1)))
                .message();

        assertThat(parser.pipeParser().encode(oru)).contains("\rPID|1\rPV1||I|ICU^12^1\r");
    }

    @Test
    void hapisMllpServerReceivesAndAcknowledgesTheMessage() throws Exception {
        List<Message> received = new CopyOnWriteArrayList<>();
        ReceivingApplication<Message> app = new ReceivingApplication<>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                received.add(message);
                try {
                    return message.generateACK();
                } catch (IOException e) {
                    throw new HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        };
        try (HapiPeers.Server server = HapiPeers.server(0, app);
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", server.port()))) {
            OutboundMessage out =
                    OutboundMessage.of(ENCODER.encode(request(readings())).message(), parser.pipeParser());

            assertThat(client.send(out)).isEqualTo(new SendResult.Accepted("GW-42", AckCode.AA));
        }
        assertThat(received).singleElement().isInstanceOf(ORU_R01.class);
        Hl7Parser.Parsed p =
                parser.parse(received.get(0).encode(), StandardCharsets.UTF_8).value();
        assertThat(new Pcd01Decoder().decode(p.message(), p.header()).value().observations())
                .hasSize(7);
    }
}
