package org.bedside.hl7.pcd;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v26.datatype.EI;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.util.Terser;
import java.time.Instant;
import java.util.List;
import org.bedside.hl7.Hl7Time;
import org.jspecify.annotations.Nullable;

/**
 * Writes an IHE PCD-05 Report Alert Status ({@code ORA^R41^ORA_R41}, TF-2 3.5) about a PCD-04 received: what an Alert
 * Manager sends back to the Alert Reporter. The gateway reads these ({@link Pcd05Decoder}); it writes them only as the
 * Alert Manager of its tests and of the demo's stand-in.
 *
 * <p>Built with HAPI's v2.6 {@code ORU_R01} structure (the grammar the TF gives, as for PCD-04) and MSH-9 {@code
 * ORA^R41^ORA_R41}; each status is a PRT segment (HL7 v2.7) inserted as a non-standard segment right after the OBR, as
 * TF-2 B.10.3 places it, its fields set through HAPI's {@link Terser}:
 *
 * <pre>
 *   MSH|^~\&amp;|AM|HOSP|BEDSIDE_GATEWAY|ICU|20261122100020+0000||ORA^R41^ORA_R41|&lt;id&gt;|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_ACM_005^IHE PCD^1.3.6.1.4.1.19376.1.6.1.5.1^ISO
 *   PID|1
 *   PV1||I|ICU^12^1
 *   OBR|1|&lt;notification&gt;^BEDSIDE_GATEWAY^&lt;eui64&gt;^EUI-64|&lt;notification&gt;^BEDSIDE_GATEWAY^&lt;eui64&gt;^EUI-64|196616^MDC_EVT_ALARM^MDC|||...
 *   PRT|&lt;dissemination id&gt;|AD|^Delivered^IHE_PCD_ACM|RO^^^AAP|nurse-7^Doe^Anna||||||pager-12|20261122100019+0000
 * </pre>
 */
public final class Pcd05Encoder {
    /** MSH-21 for PCD-05 (TF-2 B.1 table: ACM PCD-05 Report Alert Status message). */
    public static final String PROFILE_ID = "IHE_PCD_ACM_005";

    public static final String PROFILE_OID = "1.3.6.1.4.1.19376.1.6.1.5.1";

    /**
     * One status to report.
     *
     * @param recipient PRT-5.1, the person, or null
     * @param endpoint PRT-10.1, the endpoint device, or null
     */
    public record Status(
            Pcd05Report.Disposition disposition,
            String disseminationId,
            boolean firstUpdate,
            @Nullable String recipient,
            @Nullable String endpoint,
            Instant at) {}

    private final String application;
    private final String facility;

    /** @param application MSH-3 of the Alert Manager, @param facility MSH-4 */
    public Pcd05Encoder(String application, String facility) {
        this.application = application;
        this.facility = facility;
    }

    /**
     * The PCD-05 about the PCD-04 {@code alert}: its OBR-3 (and OBR-29, OBR-4) and PV1-3 copied, the statuses as PRT
     * segments.
     */
    public ORU_R01 report(ORU_R01 alert, String controlId, Instant messageTime, List<Status> statuses)
            throws HL7Exception {
        ORU_R01 ora = new ORU_R01();
        MSH msh = ora.getMSH();
        MSH in = alert.getMSH();
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getSendingApplication().getNamespaceID().setValue(application);
        msh.getSendingFacility().getNamespaceID().setValue(facility);
        msh.getReceivingApplication()
                .getNamespaceID()
                .setValue(in.getSendingApplication().getNamespaceID().getValue());
        msh.getReceivingFacility()
                .getNamespaceID()
                .setValue(in.getSendingFacility().getNamespaceID().getValue());
        msh.getDateTimeOfMessage().setValue(Hl7Time.formatSeconds(messageTime));
        msh.getMessageType().getMessageCode().setValue("ORA");
        msh.getMessageType().getTriggerEvent().setValue("R41");
        msh.getMessageType().getMessageStructure().setValue("ORA_R41");
        msh.getMessageControlID().setValue(controlId);
        msh.getProcessingID().getProcessingID().setValue("P");
        msh.getVersionID().getVersionID().setValue("2.6");
        // TF-2 B.1: PCD-05, like PCD-04, asks for an accept acknowledgement and no application acknowledgement.
        msh.getAcceptAcknowledgmentType().setValue("AL");
        msh.getApplicationAcknowledgmentType().setValue("NE");
        msh.getCharacterSet(0).setValue("UNICODE UTF-8");
        EI profile = msh.getMessageProfileIdentifier(0);
        profile.getEntityIdentifier().setValue(PROFILE_ID);
        profile.getNamespaceID().setValue("IHE PCD");
        profile.getUniversalID().setValue(PROFILE_OID);
        profile.getUniversalIDType().setValue("ISO");

        ora.getPATIENT_RESULT().getPATIENT().getPID().getSetIDPID().setValue("1");
        ora.getPATIENT_RESULT()
                .getPATIENT()
                .getVISIT()
                .getPV1()
                .parse(alert.getPATIENT_RESULT()
                        .getPATIENT()
                        .getVISIT()
                        .getPV1()
                        .encode());

        ORU_R01_ORDER_OBSERVATION order = ora.getPATIENT_RESULT().getORDER_OBSERVATION();
        OBR obr = order.getOBR();
        OBR sent = alert.getPATIENT_RESULT().getORDER_OBSERVATION().getOBR();
        obr.getSetIDOBR().setValue("1");
        obr.getPlacerOrderNumber().parse(sent.getPlacerOrderNumber().encode());
        obr.getFillerOrderNumber().parse(sent.getFillerOrderNumber().encode());
        obr.getUniversalServiceIdentifier()
                .parse(sent.getUniversalServiceIdentifier().encode());
        obr.getObservationDateTime().setValue(Hl7Time.format(messageTime));
        obr.getOBRParent().parse(sent.getOBRParent().encode());

        int index = 2; // after ORC and OBR in the group's structure: where TF-2 B.10.3 puts PRT
        for (Status s : statuses) {
            String name = order.addNonstandardSegment("PRT", index++);
            Segment prt = (Segment) order.get(name);
            Terser.set(prt, 1, 0, 1, 1, s.disseminationId());
            Terser.set(prt, 2, 0, 1, 1, s.firstUpdate() ? "AD" : "UP");
            Terser.set(prt, 3, 0, 2, 1, s.disposition().code());
            Terser.set(prt, 3, 0, 3, 1, "IHE_PCD_ACM");
            Terser.set(prt, 4, 0, 1, 1, "RO");
            Terser.set(prt, 4, 0, 4, 1, "AAP");
            if (s.recipient() != null) {
                Terser.set(prt, 5, 0, 1, 1, s.recipient());
            }
            if (s.endpoint() != null) {
                Terser.set(prt, 10, 0, 1, 1, s.endpoint());
            }
            Terser.set(prt, 11, 0, 1, 1, Hl7Time.formatSeconds(s.at()));
        }
        return ora;
    }
}
