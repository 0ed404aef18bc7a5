package org.bedside.hl7.pcd;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.mllp.OutboundMessage;
import org.bedside.hl7.mllp.SendResult;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class Pcd04EncoderTest {
    private static final DeviceId BED = DeviceId.of("bed12-spo2");
    private static final Instant ONSET = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant NOTIFIED = Instant.parse("2026-11-22T10:00:15Z");
    private static final Pcd04Encoder ENCODER = new Pcd04Encoder(
            new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", "HOSP"),
            new CareLocation("ICU", "12", "1", ""));

    private final Hl7Parser parser = new Hl7Parser();

    static AlertReport lowSpo2(int count, AlertReport.Phase phase) {
        return new AlertReport(
                BED,
                "bed12-spo2/150456-low/1795428000000000",
                "150456-low",
                count,
                phase,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlertReport.Priority.MEDIUM,
                AlarmEvent.Priority.UNKNOWN,
                phase == AlertReport.Phase.END ? AlertReport.AlarmState.INACTIVE : AlertReport.AlarmState.ACTIVE,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.GATEWAY,
                Metrics.SPO2,
                new BigDecimal("88"),
                UcumUnit.PERCENT,
                new BigDecimal("90"),
                null,
                "SpO2 low (below 90 %)",
                "SpO2 88 % below 90 % for 15s",
                0,
                ONSET,
                phase == AlertReport.Phase.END ? NOTIFIED.plusSeconds(20) : null,
                null,
                NOTIFIED.plusSeconds(count * 30L));
    }

    private ORU_R01 parsedBack(ORU_R01 built) throws Exception {
        String text = parser.pipeParser().encode(built);
        Hl7Parser.Parsed p = parser.parse(text, StandardCharsets.UTF_8).value();
        assertThat(p.message()).isInstanceOf(ORU_R01.class); // ORU_R40 read with the structure it shares
        return (ORU_R01) p.message();
    }

    private static List<String> rows(ORU_R01 m) throws Exception {
        List<String> out = new ArrayList<>();
        var order = m.getPATIENT_RESULT().getORDER_OBSERVATION();
        for (int i = 0; i < order.getOBSERVATIONReps(); i++) {
            OBX obx = order.getOBSERVATION(i).getOBX();
            out.add(obx.getObservationIdentifier().getIdentifier().getValue() + " "
                    + obx.getObservationSubID().getValue() + " "
                    + obx.getObservationValue(0).getData().encode());
        }
        return out;
    }

    @Test
    void aStartIsAReportAlertWithTheTfHeaderAndTheAcmFacets() throws Exception {
        ORU_R01 m = parsedBack(ENCODER.encode(lowSpo2(0, AlertReport.Phase.START), NOTIFIED, null));

        MSH msh = m.getMSH();
        assertThat(msh.getMessageType().encode()).isEqualTo("ORU^R40^ORU_R40");
        assertThat(msh.getAcceptAcknowledgmentType().getValue()).isEqualTo("AL");
        assertThat(msh.getApplicationAcknowledgmentType().getValue()).isEqualTo("NE");
        assertThat(msh.getMessageProfileIdentifier(0).encode())
                .isEqualTo("IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO");
        assertThat(msh.getMessageControlID().getValue()).isEqualTo("bed12-spo2/150456-low/1795428000000000#0");
        assertThat(m.getPATIENT_RESULT().getPATIENT().getPID().getPatientIdentifierListReps())
                .as("no patient until one is confirmed")
                .isZero();
        assertThat(m.getPATIENT_RESULT()
                        .getPATIENT()
                        .getVISIT()
                        .getPV1()
                        .getAssignedPatientLocation()
                        .encode())
                .isEqualTo("ICU^12^1");
        OBR obr = m.getPATIENT_RESULT().getORDER_OBSERVATION().getOBR();
        assertThat(obr.getUniversalServiceIdentifier().encode()).isEqualTo("196616^MDC_EVT_ALARM^MDC");
        assertThat(obr.getFillerOrderNumber().getEntityIdentifier().getValue())
                .isEqualTo("bed12-spo2/150456-low/1795428000000000#0");
        assertThat(obr.getOBRParent().encode())
                .as("no parent on the first indication")
                .isEmpty();
        assertThat(rows(m))
                .containsExactly(
                        "196670 1.0.0.1.1 SpO2 low (below 90 %)",
                        "150456 1.0.0.1.2 88",
                        "68481 1.0.0.1.3 start",
                        "68482 1.0.0.1.4 active",
                        "68483 1.0.0.1.5 enabled",
                        "68484 1.0.0.1.6 PM",
                        "68485 1.0.0.1.7 SP");
        OBX source =
                m.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(1).getOBX();
        assertThat(source.getReferencesRange().getValue()).isEqualTo("90-");
        assertThat(source.getUnits().encode()).isEqualTo("262688^MDC_DIM_PERCENT^MDC^%^%^UCUM");
        assertThat(m.getPATIENT_RESULT().getORDER_OBSERVATION().getNTEReps()).isZero();
    }

    @Test
    void anUpdateNamesTheInitialIndicationAndALateOneSaysSo() throws Exception {
        ORU_R01 end = parsedBack(
                ENCODER.encode(lowSpo2(2, AlertReport.Phase.END), NOTIFIED.plusSeconds(300), Duration.ofSeconds(240)));

        OBR obr = end.getPATIENT_RESULT().getORDER_OBSERVATION().getOBR();
        assertThat(obr.getFillerOrderNumber().getEntityIdentifier().getValue()).endsWith("#2");
        assertThat(obr.getOBRParent()
                        .getFillerAssignedIdentifier()
                        .getEntityIdentifier()
                        .getValue())
                .isEqualTo("bed12-spo2/150456-low/1795428000000000#0");
        assertThat(rows(end)).contains("68481 1.0.0.1.3 end", "68482 1.0.0.1.4 inactive");
        assertThat(rows(end).get(0)).startsWith("196670 1.0.0.1.1 LATE: ");
        assertThat(end.getPATIENT_RESULT()
                        .getORDER_OBSERVATION()
                        .getNTE()
                        .getComment(0)
                        .getValue())
                .startsWith("LATE: decided ")
                .contains("delivered 240 s later");
    }

    @Test
    void aTechnicalAlarmWithoutAValueNamesItsSource() throws Exception {
        AlertReport s = lowSpo2(0, AlertReport.Phase.START);
        AlertReport link = new AlertReport(
                BED,
                "bed12-spo2/status:link/1795428000000000",
                "status:link",
                0,
                AlertReport.Phase.START,
                AlarmEvent.Kind.TECHNICAL,
                AlertReport.Priority.MEDIUM,
                AlarmEvent.Priority.UNKNOWN,
                AlertReport.AlarmState.ACTIVE,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.GATEWAY,
                null,
                null,
                null,
                null,
                null,
                "bed12-spo2: link lost",
                "no data for 10s",
                0,
                s.onset(),
                null,
                null,
                s.receivedAt());
        ORU_R01 m = parsedBack(ENCODER.encode(link, NOTIFIED, null));
        assertThat(rows(m))
                .startsWith("196616 1.0.0.1.1 bed12-spo2: link lost", "68480 1.0.0.1.2 bed12-spo2")
                .contains("68485 1.0.0.1.7 ST");
    }

    /** The monitor's own desaturation alarm, as the engine notifies it while latched and when reset. */
    private static AlertReport latchedDesat(
            int count,
            AlertReport.Phase phase,
            AlertReport.AlarmState state,
            @org.jspecify.annotations.Nullable Instant conditionEnd) {
        return new AlertReport(
                BED,
                "bed12-spo2/device:p-4bb8-0c10/1795428000000000",
                "device:p-4bb8-0c10",
                count,
                phase,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlertReport.Priority.HIGH,
                AlarmEvent.Priority.HIGH,
                state,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.DEVICE,
                Metrics.SPO2,
                null,
                null,
                null,
                null,
                "Desat",
                phase == AlertReport.Phase.RESET ? "reset at the device" : "latched at the device",
                0,
                ONSET,
                conditionEnd,
                null,
                NOTIFIED.plusSeconds(count * 30L));
    }

    @Test
    void aLatchedUpdateAndItsResetCarryTheirAcmPhaseAndState() throws Exception {
        ORU_R01 latched = parsedBack(ENCODER.encode(
                latchedDesat(1, AlertReport.Phase.UPDATE, AlertReport.AlarmState.LATCHED, null), NOTIFIED, null));
        assertThat(rows(latched))
                .contains(
                        "68481 1.0.0.1.3 update",
                        "68482 1.0.0.1.4 latched",
                        "68483 1.0.0.1.5 enabled",
                        "68484 1.0.0.1.6 PH",
                        "68485 1.0.0.1.7 SP");
        ORU_R01 reset = parsedBack(ENCODER.encode(
                latchedDesat(2, AlertReport.Phase.RESET, AlertReport.AlarmState.INACTIVE, ONSET.plusSeconds(9)),
                NOTIFIED,
                null));
        assertThat(rows(reset)).contains("68481 1.0.0.1.3 reset", "68482 1.0.0.1.4 inactive");
        OBR obr = reset.getPATIENT_RESULT().getORDER_OBSERVATION().getOBR();
        assertThat(obr.getFillerOrderNumber().getEntityIdentifier().getValue()).endsWith("#2");
        assertThat(obr.getOBRParent()
                        .getFillerAssignedIdentifier()
                        .getEntityIdentifier()
                        .getValue())
                .isEqualTo("bed12-spo2/device:p-4bb8-0c10/1795428000000000#0");
        // a reset of an alarm first seen already latched: its condition's end is not known, and need not be
        assertThat(rows(parsedBack(ENCODER.encode(
                        latchedDesat(1, AlertReport.Phase.RESET, AlertReport.AlarmState.INACTIVE, null),
                        NOTIFIED,
                        null))))
                .contains("68481 1.0.0.1.3 reset");
    }

    @Test
    void theWatchdogCarriesMdcEvtActiveAndItsTimeout() throws Exception {
        ORU_R01 m = parsedBack(ENCODER.heartbeat("hb-1", NOTIFIED, Duration.ofSeconds(90)));
        assertThat(m.getMSH().getMessageType().encode()).isEqualTo("ORU^R40^ORU_R40");
        assertThat(rows(m))
                .containsExactly("196614 1.0.0.0.1 gateway active", "67860 1.0.0.0.2 90", "68481 1.0.0.0.3 present");
    }

    @Test
    void theListenerCommitAcceptsAPcd04AndHapiReadsItBack() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (MllpListener am = new MllpListener(
                                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                        .build(),
                                in -> {
                                    received.add(in.text());
                                    return Decision.accept();
                                })
                        .start();
                MllpClient client = new MllpClient(
                        MllpClientConfig.of("127.0.0.1", am.localAddress().getPort()))) {
            OutboundMessage out = OutboundMessage.of(
                    ENCODER.encode(lowSpo2(0, AlertReport.Phase.START), NOTIFIED, null), parser.pipeParser());
            assertThat(client.send(out))
                    .isEqualTo(new SendResult.Accepted("bed12-spo2/150456-low/1795428000000000#0", AckCode.CA));
        }
        ORU_R01 back = (ORU_R01)
                parser.parse(received.get(0), StandardCharsets.UTF_8).value().message();
        assertThat(rows(back)).contains("68481 1.0.0.1.3 start");
    }
}
