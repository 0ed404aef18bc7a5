package org.bedside.hl7.pcd;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v26.datatype.CX;
import ca.uhn.hl7v2.model.v26.datatype.EI;
import ca.uhn.hl7v2.model.v26.datatype.NM;
import ca.uhn.hl7v2.model.v26.datatype.PL;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import ca.uhn.hl7v2.model.v26.segment.PID;
import ca.uhn.hl7v2.model.v26.segment.PV1;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.Hl7Time;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * Writes the gateway's readings of one device as an IHE PCD-01 {@code ORU^R01^ORU_R01} (IHE PCD TF-2 3.1, Appendix B),
 * built with HAPI's v2.6 structures. Pure: the control id and the message time come from the caller, so the same
 * readings always give the same message, and a message resent after a failure is the same message.
 *
 * <pre>
 *   MSH|^~\&amp;|BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64|ICU|ENGINE||20261122100005+0000||ORU^R01^ORU_R01|GW-1|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO
 *   PID|||12345^^^HOSP^MR
 *   PV1||I|ICU^12^1
 *   OBR|1|GW-1^BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64|GW-1^BEDSIDE_GATEWAY^...|182777000^monitoring of patient^SCT|||20261122100000.0000+0000
 *   OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||0123456789ABCDEF^EUI-64
 *   (a unit named in the record first: ...|||||||0000056661^Masimo~bed12-spo2^BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64)
 *   OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|97|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|||||R|||20261122100000.0000+0000||AMEAS^auto-measurement^MDC|0123456789ABCDEF^EUI-64
 * </pre>
 *
 * <ul>
 *   <li>The device is written "flattened" (TF B.8.1): one MDS row, and each metric at {@code 1.0.0.<n>}; the
 *       components of a compound (NIBP) are metrics with their own codes and the compound's time.
 *   <li>OBX-14 is the reading's device time, or its receive time when the device has no clock.
 *   <li>Quality: a valid value is OBX-11 R (device data, not validated; F when the device marked it validated); an
 *       invalid value is sent without its digits, OBX-11 X, its measurement status in OBX-8 (INV, NAV, CAL, TEST,
 *       DEMO, {@code <}, {@code >}) and the reason in an NTE; a questionable value keeps its digits with OBX-8 QUES.
 *   <li>Only standard MDC metrics are written: vendor metrics (MDC code 0), waveforms, alarms (PCD-04's business) and
 *       device status are left out and listed in {@link Encoded#skipped()}.
 * </ul>
 */
public final class Pcd01Encoder {
    /** MSH-21 for PCD-01 (TF-2 B.1). */
    public static final String PROFILE_ID = "IHE_PCD_001";

    public static final String PROFILE_OID = "1.3.6.1.4.1.19376.1.6.1.1.1";

    private static final int MDS_CODE = 69965;
    private static final String MDS_REF_ID = "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS";

    /** Who sends (MSH-3, MSH-4, with the gateway's EUI-64) and to whom (MSH-5, MSH-6). */
    public record Sender(
            String application, String eui64, String facility, String receivingApplication, String receivingFacility) {
        public Sender {
            if (application.isBlank() || !eui64.matches("[0-9A-Fa-f]{16}")) {
                throw new IllegalArgumentException(
                        "a PCD-01 sender needs an application name and an EUI-64 of 16 hex digits: " + eui64);
            }
        }
    }

    /**
     * One message's content.
     *
     * @param controlId MSH-10, chosen by the caller (and kept to resend the same message)
     * @param messageTime MSH-7
     * @param patient the patient's identifier for PID-3 (type MR with its authority), or null when no patient is
     *     associated (PID-3 then stays empty)
     * @param location PV1-3, or null
     * @param equipment the device's identifier for OBX-18, or null to use the gateway's EUI-64
     * @param unit the physical unit the readings' record names ({@link DeviceIdentity#of}), or null: then the MDS row's
     *     OBX-18 names it first ({@link Equipment#of(DeviceIdentity)}), before {@code equipment}
     */
    public record Request(
            String controlId,
            Instant messageTime,
            @Nullable PatientIdentifier patient,
            @Nullable CareLocation location,
            @Nullable Equipment equipment,
            @Nullable DeviceIdentity unit,
            List<Reading> readings) {
        public Request {
            if (controlId.isBlank()) {
                throw new IllegalArgumentException("a PCD-01 message needs a control id (MSH-10)");
            }
            readings = List.copyOf(readings);
        }

        /** Of readings whose record names no unit. */
        public Request(
                String controlId,
                Instant messageTime,
                @Nullable PatientIdentifier patient,
                @Nullable CareLocation location,
                @Nullable Equipment equipment,
                List<Reading> readings) {
            this(controlId, messageTime, patient, location, equipment, null, readings);
        }
    }

    /** The message, and the readings that were not written with the reason. */
    public record Encoded(ORU_R01 message, List<SkippedReading> skipped) {}

    public record SkippedReading(Reading reading, String reason) {}

    private final Sender sender;

    public Pcd01Encoder(Sender sender) {
        this.sender = sender;
    }

    public Encoded encode(Request request) throws HL7Exception {
        ORU_R01 oru = new ORU_R01();
        header(oru.getMSH(), request);
        ORU_R01_PATIENT_RESULT result = oru.getPATIENT_RESULT();
        if (request.patient() != null || request.location() != null) {
            PID pid = result.getPATIENT().getPID();
            pid.getSetIDPID().setValue("1");
            PatientIdentifier p = request.patient();
            if (p != null) {
                CX cx = pid.getPatientIdentifierList(0);
                cx.getIDNumber().setValue(p.value());
                cx.getAssigningAuthority().getNamespaceID().setValue(p.assigningAuthority());
                if (!p.assigningAuthorityId().isEmpty()) {
                    cx.getAssigningAuthority().getUniversalID().setValue(p.assigningAuthorityId());
                    cx.getAssigningAuthority().getUniversalIDType().setValue("ISO");
                }
                cx.getIdentifierTypeCode().setValue(p.type());
            }
            CareLocation l = request.location();
            if (l != null) {
                PV1 pv1 = result.getPATIENT().getVISIT().getPV1();
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
        ORU_R01_ORDER_OBSERVATION order = result.getORDER_OBSERVATION();
        List<SkippedReading> skipped = new ArrayList<>();
        List<Row> rows = rows(request.readings(), skipped);
        OBR obr = order.getOBR();
        obr.getSetIDOBR().setValue("1");
        PcdFields.orderNumber(obr.getPlacerOrderNumber(), request.controlId(), sender);
        PcdFields.orderNumber(obr.getFillerOrderNumber(), request.controlId(), sender);
        obr.getUniversalServiceIdentifier().getIdentifier().setValue("182777000");
        obr.getUniversalServiceIdentifier().getText().setValue("monitoring of patient");
        obr.getUniversalServiceIdentifier().getNameOfCodingSystem().setValue("SCT");
        Instant earliest = rows.stream().map(Row::time).min(Instant::compareTo).orElse(request.messageTime());
        obr.getObservationDateTime().setValue(Hl7Time.format(earliest));

        Equipment equipment = request.equipment() != null ? request.equipment() : Equipment.eui64(sender.eui64());
        OBX mds = order.getOBSERVATION(0).getOBX();
        mds.getSetIDOBX().setValue("1");
        PcdFields.code(mds.getObservationIdentifier(), MDS_CODE, MDS_REF_ID);
        mds.getObservationSubID().setValue("1.0.0.0");
        mds.getObservationResultStatus().setValue("X");
        // The MDS is the physical device (TF-2 B.8): the unit that measured, when the record names it, then the
        // device as the gateway names it, which every metric row carries.
        int rep = 0;
        DeviceIdentity unit = request.unit();
        if (unit != null) {
            equipment(mds.getEquipmentInstanceIdentifier(rep++), Equipment.of(unit));
        }
        equipment(mds.getEquipmentInstanceIdentifier(rep), equipment);
        int n = 1;
        for (Row row : rows) {
            ORU_R01_OBSERVATION group = order.getOBSERVATION(n);
            OBX obx = group.getOBX();
            obx.getSetIDOBX().setValue(Integer.toString(n + 1));
            obx.getValueType().setValue("NM");
            PcdFields.code(
                    obx.getObservationIdentifier(),
                    row.metric().mdc(),
                    row.metric().refId());
            obx.getObservationSubID().setValue("1.0.0." + n);
            boolean valid = row.value() != null && row.quality().isValid();
            if (valid) {
                NM nm = new NM(oru);
                nm.setValue(row.value().toPlainString());
                obx.getObservationValue(0).setData(nm);
            }
            PcdFields.unit(obx.getUnits(), row.unit());
            int flag = 0;
            for (String code : measurementStatus(row.quality())) {
                obx.getAbnormalFlags(flag++).setValue(code);
            }
            obx.getObservationResultStatus()
                    .setValue(valid ? (row.quality().has(QualityFlag.VALIDATED) ? "F" : "R") : "X");
            obx.getDateTimeOfTheObservation().setValue(Hl7Time.format(row.time()));
            obx.getObservationMethod(0).getIdentifier().setValue("AMEAS");
            obx.getObservationMethod(0).getText().setValue("auto-measurement");
            obx.getObservationMethod(0).getNameOfCodingSystem().setValue("MDC");
            equipment(obx.getEquipmentInstanceIdentifier(0), equipment);
            if (!row.quality().reason().isEmpty()) {
                group.getNTE().getSetIDNTE().setValue("1");
                group.getNTE().getComment(0).setValue(row.quality().reason());
            }
            n++;
        }
        return new Encoded(oru, skipped);
    }

    private record Row(MetricCode metric, @Nullable BigDecimal value, UcumUnit unit, Quality quality, Instant time) {}

    private static List<Row> rows(List<Reading> readings, List<SkippedReading> skipped) {
        List<Row> rows = new ArrayList<>();
        for (Reading r : readings) {
            Instant time = r.deviceTime() != null ? r.deviceTime() : r.receivedAt();
            if (r instanceof NumericReading n) {
                if (!n.metric().isStandard()) {
                    skipped.add(
                            new SkippedReading(r, "vendor metric " + n.metric().refId() + ": no MDC term"));
                    continue;
                }
                rows.add(new Row(n.metric(), n.value(), n.unit(), n.quality(), time));
            } else if (r instanceof CompoundReading c) {
                for (CompoundReading.Component part : c.components()) {
                    if (!part.metric().isStandard()) {
                        skipped.add(new SkippedReading(
                                r, "vendor component " + part.metric().refId()));
                        continue;
                    }
                    rows.add(new Row(part.metric(), part.value(), part.unit(), part.quality(), time));
                }
            } else {
                skipped.add(new SkippedReading(
                        r, r.getClass().getSimpleName() + " is not a PCD-01 numeric (alarms travel as PCD-04)"));
            }
        }
        return rows;
    }

    private void header(MSH msh, Request request) throws HL7Exception {
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getSendingApplication().getNamespaceID().setValue(sender.application());
        msh.getSendingApplication().getUniversalID().setValue(sender.eui64());
        msh.getSendingApplication().getUniversalIDType().setValue("EUI-64");
        msh.getSendingFacility().getNamespaceID().setValue(sender.facility());
        msh.getReceivingApplication().getNamespaceID().setValue(sender.receivingApplication());
        msh.getReceivingFacility().getNamespaceID().setValue(sender.receivingFacility());
        msh.getDateTimeOfMessage().setValue(Hl7Time.formatSeconds(request.messageTime()));
        msh.getMessageType().getMessageCode().setValue("ORU");
        msh.getMessageType().getTriggerEvent().setValue("R01");
        msh.getMessageType().getMessageStructure().setValue("ORU_R01");
        msh.getMessageControlID().setValue(request.controlId());
        msh.getProcessingID().getProcessingID().setValue("P");
        msh.getVersionID().getVersionID().setValue("2.6");
        msh.getAcceptAcknowledgmentType().setValue("AL");
        msh.getApplicationAcknowledgmentType().setValue("NE");
        msh.getCharacterSet(0).setValue("UNICODE UTF-8");
        EI profile = msh.getMessageProfileIdentifier(0);
        profile.getEntityIdentifier().setValue(PROFILE_ID);
        profile.getNamespaceID().setValue("IHE PCD");
        profile.getUniversalID().setValue(PROFILE_OID);
        profile.getUniversalIDType().setValue("ISO");
    }

    private static void equipment(EI ei, Equipment e) throws HL7Exception {
        ei.getEntityIdentifier().setValue(e.entityId());
        ei.getNamespaceID().setValue(e.namespaceId());
        ei.getUniversalID().setValue(e.universalId());
        ei.getUniversalIDType().setValue(e.universalIdType());
    }

    /** The reverse of the decoder's OBX-8 mapping (protocols.md 6.6). */
    private static List<String> measurementStatus(Quality q) {
        List<String> codes = new ArrayList<>();
        for (QualityFlag f : q.flags()) {
            codes.add(
                    switch (f) {
                        case INVALID -> "INV";
                        case QUESTIONABLE -> "QUES";
                        case NOT_AVAILABLE -> "NAV";
                        case CALIBRATING -> "CAL";
                        case TEST_DATA -> "TEST";
                        case DEMO_DATA -> "DEMO";
                        case VALIDATED -> "VAL";
                        case EARLY_INDICATION -> "EARLY";
                        case MEASUREMENT_ONGOING -> "BUSY";
                        case IN_ALARM -> "ALACT";
                        case ALARMS_INHIBITED -> "ALINH";
                        case UNDER_RANGE -> "<";
                        case OVER_RANGE -> ">";
                    });
        }
        return codes;
    }
}
