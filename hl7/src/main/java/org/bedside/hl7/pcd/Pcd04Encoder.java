package org.bedside.hl7.pcd;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v26.datatype.CWE;
import ca.uhn.hl7v2.model.v26.datatype.EI;
import ca.uhn.hl7v2.model.v26.datatype.NM;
import ca.uhn.hl7v2.model.v26.datatype.PL;
import ca.uhn.hl7v2.model.v26.datatype.ST;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import ca.uhn.hl7v2.model.v26.segment.PV1;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Hl7Time;
import org.bedside.model.AlertReport;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * Writes an alert notification as an IHE PCD-04 Report Alert, {@code ORU^R40^ORU_R40} (IHE PCD TF-2 3.4, B.8.5), and
 * the Alert Manager's watchdog ({@code MDC_EVT_ACTIVE}), built with HAPI.
 *
 * <p><b>How the message is modelled.</b> HAPI's v2.6 structures have no {@code ORU_R40} class. The PCD TF gives PCD-04
 * the segment grammar of {@code ORU^R01} (MSH, PID, PV1, OBR, NTE, OBX), so the message is built with HAPI's v2.6
 * {@link ORU_R01} structure and MSH-9 set to {@code ORU^R40^ORU_R40}; {@link org.bedside.hl7.Hl7Parser} maps the
 * structure name {@code ORU_R40} to the same class when it parses one, so a PCD-04 is
 * read back as a typed message, never as HAPI's generic one.
 *
 * <pre>
 *   MSH|^~\&amp;|BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64|ICU|AM||20261122100016+0000||ORU^R40^ORU_R40|bed12-spo2/150456-low/1763805600000000#0|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO
 *   PID|1
 *   PV1||I|ICU^12^1
 *   OBR|1|&lt;notification&gt;^BEDSIDE_GATEWAY^...|&lt;notification&gt;^BEDSIDE_GATEWAY^...|196616^MDC_EVT_ALARM^MDC|||20261122100016.0000+0000|...|^&lt;alert&gt;#0&amp;BEDSIDE_GATEWAY... (OBR-29, on every notification after the first)
 *   OBX|1|ST|196670^MDC_EVT_LO^MDC|1.0.0.1.1|SpO2 low (below 90 %)||||||F|||20261122100016.0000+0000||||bed12-spo2^BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64
 *   OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1.2|88|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|90-||||F
 *   OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.0.0.1.3|start||||||F
 *   OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.0.0.1.4|active||||||F
 *   OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC|1.0.0.1.5|enabled||||||F
 *   OBX|6|ST|68484^MDC_ATTR_ALARM_PRIORITY^MDC|1.0.0.1.6|PM||||||F
 *   OBX|7|ST|68485^MDC_ATTR_ALERT_TYPE^MDC|1.0.0.1.7|SP||||||F
 * </pre>
 *
 * <p>The attribute codes are those of IHE PCD TF-2 rev 9.0 Table B.8.5-1 (see docs/alarms.md for the published
 * examples that differ). No patient: PID carries no identifier until the gateway's patient association confirms one,
 * and an alert is never held back for want of a patient — the bed's location (PV1-3) says where it is.
 *
 * <p><b>Late.</b> A notification delivered long after it was decided (the Alert Manager was unreachable) is written as
 * such: an NTE under the OBR, {@code LATE: decided <time>, delivered <n> s later}, and the event text prefixed
 * {@code LATE:}, so that no Alert Manager pages it as live.
 */
public final class Pcd04Encoder {
    /** MSH-21 for PCD-04 (TF-2 B.1 table). */
    public static final String PROFILE_ID = "IHE_PCD_ACM_001";

    public static final String PROFILE_OID = "1.3.6.1.4.1.19376.1.6.1.4.1";
    /** The NTE of a notification decided while the gateway's wall clock was not synchronised. */
    public static final String CLOCK_NOTE = "CLOCK NOT SYNCHRONISED: decided while the gateway's clock was not"
            + " synchronised (NTP); its times are as that clock read and may be wrong";

    /** OBR-4 of every PCD-04. */
    public static final int MDC_EVT_ALARM = 196616;
    /** The watchdog's event (Dräger ACM reference messages, as protocols.md §6.4 reports them). */
    public static final int MDC_EVT_ACTIVE = 196614;

    public static final int MDC_ATTR_CONFIRM_TIMEOUT = 67860;
    public static final int MDC_EVT_LO = 196670;
    public static final int MDC_EVT_HI = 196648;
    public static final int MDC_ATTR_ALERT_SOURCE = 68480;
    public static final int MDC_ATTR_EVENT_PHASE = 68481;
    public static final int MDC_ATTR_ALARM_STATE = 68482;
    public static final int MDC_ATTR_ALARM_INACTIVATION_STATE = 68483;
    public static final int MDC_ATTR_ALARM_PRIORITY = 68484;
    public static final int MDC_ATTR_ALERT_TYPE = 68485;

    private static final String ALERT_PATH = "1.0.0.1.";
    private static final int MAX_CONTROL_ID = 199;

    private final Pcd01Encoder.Sender sender;
    private final @Nullable CareLocation location;

    /**
     * @param location the bed (PV1-3), or null when the gateway has none configured
     */
    public Pcd04Encoder(Pcd01Encoder.Sender sender, @Nullable CareLocation location) {
        this.sender = sender;
        this.location = location;
    }

    /**
     * MSH-10 of an alert's notification: its notification id (stable, so that a message resent after a lost
     * acknowledgement or a crash has the same control id and the Alert Manager can drop the repeat).
     */
    public static String controlId(AlertReport alert) {
        String id = alert.notificationId();
        if (id.length() > MAX_CONTROL_ID) {
            // A device id and a condition this long do not exist today; keep the end, which holds the count.
            id = id.substring(id.length() - MAX_CONTROL_ID);
        }
        return id;
    }

    /**
     * One notification as a PCD-04.
     *
     * @param messageTime MSH-7, the moment it is sent
     * @param lateBy how long after it was decided it is delivered, when that is late; null when live
     */
    public ORU_R01 encode(AlertReport alert, Instant messageTime, @Nullable Duration lateBy) throws HL7Exception {
        return encode(alert, messageTime, lateBy, false);
    }

    /**
     * One notification as a PCD-04, saying when its times were read on a wall clock that was not synchronised yet: an
     * alert is never held back for the clock (docs/alarms.md), so the Alert Manager is told that its times may be off.
     *
     * @param clockUnsynchronised the gateway's clock was not trusted when the alert was decided: an NTE says so
     */
    public ORU_R01 encode(
            AlertReport alert, Instant messageTime, @Nullable Duration lateBy, boolean clockUnsynchronised)
            throws HL7Exception {
        ORU_R01 oru = new ORU_R01();
        header(oru.getMSH(), controlId(alert), messageTime);
        patientAndBed(oru);
        ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        OBR obr = order.getOBR();
        obr.getSetIDOBR().setValue("1");
        PcdFields.orderNumber(obr.getPlacerOrderNumber(), alert.notificationId(), sender);
        PcdFields.orderNumber(obr.getFillerOrderNumber(), alert.notificationId(), sender);
        PcdFields.code(obr.getUniversalServiceIdentifier(), MDC_EVT_ALARM, "MDC_EVT_ALARM");
        obr.getObservationDateTime().setValue(Hl7Time.format(alert.receivedAt()));
        if (alert.updateCount() > 0) {
            // OBR-29: the initial indication of this alert (TF-2 B.8.5: updates refer to the first notification)
            EI parent = obr.getOBRParent().getFillerAssignedIdentifier();
            parent.getEntityIdentifier().setValue(alert.alertId() + "#0");
            parent.getNamespaceID().setValue(sender.application());
            parent.getUniversalID().setValue(sender.eui64());
            parent.getUniversalIDType().setValue("EUI-64");
        }
        if (lateBy != null) {
            order.getNTE().getSetIDNTE().setValue("1");
            order.getNTE()
                    .getComment(0)
                    .setValue("LATE: decided " + alert.receivedAt() + ", delivered " + lateBy.toSeconds()
                            + " s later (the Alert Manager could not be reached)");
        }
        if (clockUnsynchronised) {
            int rep = order.getNTEReps();
            order.getNTE(rep).getSetIDNTE().setValue(String.valueOf(rep + 1));
            order.getNTE(rep).getComment(0).setValue(CLOCK_NOTE);
        }

        int n = 0;
        OBX event = order.getOBSERVATION(n++).getOBX();
        row(event, n, "ST", ALERT_PATH + "1");
        eventCode(event.getObservationIdentifier(), alert);
        st(oru, event, 0, (lateBy != null ? "LATE: " : "") + alert.text());
        event.getDateTimeOfTheObservation().setValue(Hl7Time.format(alert.receivedAt()));
        EI equipment = event.getEquipmentInstanceIdentifier(0);
        equipment.getEntityIdentifier().setValue(alert.device().value());
        equipment.getNamespaceID().setValue(sender.application());
        equipment.getUniversalID().setValue(sender.eui64());
        equipment.getUniversalIDType().setValue("EUI-64");

        OBX source = order.getOBSERVATION(n++).getOBX();
        if (alert.source() != null) {
            BigDecimal value = alert.value();
            row(source, n, value != null ? "NM" : "", ALERT_PATH + "2");
            PcdFields.code(
                    source.getObservationIdentifier(),
                    alert.source().mdc(),
                    alert.source().refId());
            if (value != null) {
                NM nm = new NM(oru);
                nm.setValue(value.toPlainString());
                source.getObservationValue(0).setData(nm);
            }
            UcumUnit unit = alert.unit();
            if (unit != null) {
                PcdFields.unit(source.getUnits(), unit);
            }
            String range = range(alert.lowLimit(), alert.highLimit());
            if (!range.isEmpty()) {
                source.getReferencesRange().setValue(range);
            }
        } else {
            row(source, n, "ST", ALERT_PATH + "2");
            PcdFields.code(source.getObservationIdentifier(), MDC_ATTR_ALERT_SOURCE, "MDC_ATTR_ALERT_SOURCE");
            st(oru, source, 0, alert.device().value());
        }
        attribute(
                oru,
                order.getOBSERVATION(n++).getOBX(),
                n,
                3,
                MDC_ATTR_EVENT_PHASE,
                "MDC_ATTR_EVENT_PHASE",
                alert.phase().acmCode());
        attribute(
                oru,
                order.getOBSERVATION(n++).getOBX(),
                n,
                4,
                MDC_ATTR_ALARM_STATE,
                "MDC_ATTR_ALARM_STATE",
                alert.alarmState().acmCode());
        attribute(
                oru,
                order.getOBSERVATION(n++).getOBX(),
                n,
                5,
                MDC_ATTR_ALARM_INACTIVATION_STATE,
                "MDC_ATTR_ALARM_INACTIVATION_STATE",
                alert.inactivationState().acmCode());
        attribute(
                oru,
                order.getOBSERVATION(n++).getOBX(),
                n,
                6,
                MDC_ATTR_ALARM_PRIORITY,
                "MDC_ATTR_ALARM_PRIORITY",
                alert.priority().acmCode());
        String type = alert.acmAlertType();
        if (type != null) {
            attribute(oru, order.getOBSERVATION(n++).getOBX(), n, 7, MDC_ATTR_ALERT_TYPE, "MDC_ATTR_ALERT_TYPE", type);
        }
        return oru;
    }

    /**
     * The watchdog: a PCD-04 whose event is {@code 196614^MDC_EVT_ACTIVE}, with {@code 67860^MDC_ATTR_CONFIRM_TIMEOUT}
     * saying within how long the next one comes; an Alert Manager that does not hear one in that time knows the gateway
     * is silent.
     */
    public ORU_R01 heartbeat(String controlId, Instant messageTime, Duration confirmTimeout) throws HL7Exception {
        ORU_R01 oru = new ORU_R01();
        header(oru.getMSH(), controlId, messageTime);
        patientAndBed(oru);
        ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        OBR obr = order.getOBR();
        obr.getSetIDOBR().setValue("1");
        PcdFields.orderNumber(obr.getPlacerOrderNumber(), controlId, sender);
        PcdFields.orderNumber(obr.getFillerOrderNumber(), controlId, sender);
        PcdFields.code(obr.getUniversalServiceIdentifier(), MDC_EVT_ALARM, "MDC_EVT_ALARM");
        obr.getObservationDateTime().setValue(Hl7Time.format(messageTime));
        OBX event = order.getOBSERVATION(0).getOBX();
        row(event, 1, "ST", "1.0.0.0.1");
        PcdFields.code(event.getObservationIdentifier(), MDC_EVT_ACTIVE, "MDC_EVT_ACTIVE");
        st(oru, event, 0, "gateway active");
        event.getDateTimeOfTheObservation().setValue(Hl7Time.format(messageTime));
        OBX timeout = order.getOBSERVATION(1).getOBX();
        row(timeout, 2, "NM", "1.0.0.0.2");
        PcdFields.code(timeout.getObservationIdentifier(), MDC_ATTR_CONFIRM_TIMEOUT, "MDC_ATTR_CONFIRM_TIMEOUT");
        NM nm = new NM(oru);
        nm.setValue(Long.toString(confirmTimeout.toSeconds()));
        timeout.getObservationValue(0).setData(nm);
        PcdFields.code(timeout.getUnits(), 264320, "MDC_DIM_SEC");
        timeout.getUnits().getAlternateIdentifier().setValue("s");
        timeout.getUnits().getAlternateText().setValue("s");
        timeout.getUnits().getNameOfAlternateCodingSystem().setValue("UCUM");
        attribute(oru, order.getOBSERVATION(2).getOBX(), 3, 3, MDC_ATTR_EVENT_PHASE, "MDC_ATTR_EVENT_PHASE", "present");
        order.getOBSERVATION(2).getOBX().getObservationSubID().setValue("1.0.0.0.3");
        return oru;
    }

    private void header(MSH msh, String controlId, Instant messageTime) throws HL7Exception {
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getSendingApplication().getNamespaceID().setValue(sender.application());
        msh.getSendingApplication().getUniversalID().setValue(sender.eui64());
        msh.getSendingApplication().getUniversalIDType().setValue("EUI-64");
        msh.getSendingFacility().getNamespaceID().setValue(sender.facility());
        msh.getReceivingApplication().getNamespaceID().setValue(sender.receivingApplication());
        msh.getReceivingFacility().getNamespaceID().setValue(sender.receivingFacility());
        msh.getDateTimeOfMessage().setValue(Hl7Time.formatSeconds(messageTime));
        msh.getMessageType().getMessageCode().setValue("ORU");
        msh.getMessageType().getTriggerEvent().setValue("R40");
        msh.getMessageType().getMessageStructure().setValue("ORU_R40");
        msh.getMessageControlID().setValue(controlId);
        msh.getProcessingID().getProcessingID().setValue("P");
        msh.getVersionID().getVersionID().setValue("2.6");
        // TF-2 B.1: PCD-04 asks for an accept acknowledgement (commit: CA/CE/CR) and no application acknowledgement.
        msh.getAcceptAcknowledgmentType().setValue("AL");
        msh.getApplicationAcknowledgmentType().setValue("NE");
        msh.getCharacterSet(0).setValue("UNICODE UTF-8");
        EI profile = msh.getMessageProfileIdentifier(0);
        profile.getEntityIdentifier().setValue(PROFILE_ID);
        profile.getNamespaceID().setValue("IHE PCD");
        profile.getUniversalID().setValue(PROFILE_OID);
        profile.getUniversalIDType().setValue("ISO");
    }

    private void patientAndBed(ORU_R01 oru) throws HL7Exception {
        oru.getPATIENT_RESULT().getPATIENT().getPID().getSetIDPID().setValue("1");
        CareLocation l = location;
        if (l != null) {
            PV1 pv1 = oru.getPATIENT_RESULT().getPATIENT().getVISIT().getPV1();
            pv1.getPatientClass().setValue("I");
            PL pl = pv1.getAssignedPatientLocation();
            pl.getPointOfCare().setValue(l.pointOfCare());
            pl.getRoom().setValue(l.room());
            pl.getBed().setValue(l.bed());
            if (!l.facility().isEmpty()) {
                pl.getFacility().getNamespaceID().setValue(l.facility());
            }
        }
    }

    /** Facet .1: the low/high event for a limit the gateway or the device watched, the generic alarm otherwise. */
    private static void eventCode(CWE cwe, AlertReport alert) throws HL7Exception {
        String condition = alert.condition();
        if (alert.kind() == org.bedside.model.AlarmEvent.Kind.PHYSIOLOGICAL && condition.endsWith("-low")) {
            PcdFields.code(cwe, MDC_EVT_LO, "MDC_EVT_LO");
        } else if (alert.kind() == org.bedside.model.AlarmEvent.Kind.PHYSIOLOGICAL && condition.endsWith("-high")) {
            PcdFields.code(cwe, MDC_EVT_HI, "MDC_EVT_HI");
        } else {
            PcdFields.code(cwe, MDC_EVT_ALARM, "MDC_EVT_ALARM");
        }
    }

    private static void attribute(ORU_R01 oru, OBX obx, int setId, int facet, int mdc, String refId, String value)
            throws HL7Exception {
        row(obx, setId, "ST", ALERT_PATH + facet);
        PcdFields.code(obx.getObservationIdentifier(), mdc, refId);
        st(oru, obx, 0, value);
    }

    private static void row(OBX obx, int setId, String valueType, String subId) throws HL7Exception {
        obx.getSetIDOBX().setValue(Integer.toString(setId));
        if (!valueType.isEmpty()) {
            obx.getValueType().setValue(valueType);
        }
        obx.getObservationSubID().setValue(subId);
        obx.getObservationResultStatus().setValue("F");
    }

    private static void st(ORU_R01 oru, OBX obx, int rep, String text) throws HL7Exception {
        ST st = new ST(oru);
        st.setValue(text);
        obx.getObservationValue(rep).setData(st);
    }

    /** OBX-7 as the TF example writes limits: {@code 90-96}, {@code 90-} (low only), {@code -120} (high only). */
    static String range(@Nullable BigDecimal low, @Nullable BigDecimal high) {
        if (low == null && high == null) {
            return "";
        }
        return (low == null ? "" : low.toPlainString()) + "-" + (high == null ? "" : high.toPlainString());
    }
}
