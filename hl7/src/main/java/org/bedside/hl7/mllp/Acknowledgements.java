package org.bedside.hl7.mllp;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.model.v26.segment.ERR;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.parser.ModelClassFactory;
import ca.uhn.hl7v2.util.DeepCopy;
import ca.uhn.hl7v2.util.Terser;
import java.nio.charset.Charset;
import java.time.Instant;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Time;
import org.jspecify.annotations.Nullable;

/**
 * Builds acknowledgements as HAPI {@code ACK} structures, with the code the mode asks for. HAPI's own servers answer
 * everything with AA ({@code Message.generateACK()}); an IHE PCD-01 sender asks for a commit accept (CA), so the code is
 * chosen by {@link AckMode#codeFor(Decision)} and set here.
 *
 * <pre>
 *   MSH|^~\&amp;|BEDSIDE_GATEWAY||PAT_DEVICE_PHILIPS_C|Philips|20261122100000.0000+0000||ACK^R01^ACK|ACK-1|P|2.6
 *   MSA|CA|HP0122182658686QQ000CND119C0WS61
 *   ERR||OBX^4^5|102^Data type error^HL70357|E||||OBX[4]-5 '1x7' is not a number     (only when not accepted)
 * </pre>
 */
public final class Acknowledgements {
    private Acknowledgements() {}

    /**
     * @param incomingMsh the MSH of the message answered, as HAPI parsed it (or as {@code getCriticalResponseData}
     *     recovered it from a message that did not parse); null when not even that could be read
     * @param failure what was wrong, for the ERR segment; null for an accept
     * @param controlId this acknowledgement's own MSH-10
     * @param sendingApplication this listener's name for MSH-3
     */
    public static ACK build(
            ModelClassFactory factory,
            @Nullable Segment incomingMsh,
            AckCode code,
            @Nullable Hl7Failure failure,
            String controlId,
            Instant now,
            String sendingApplication,
            @Nullable Charset charset)
            throws HL7Exception {
        ACK ack = new ACK(factory);
        MSH msh = ack.getMSH();
        String fieldSeparator = incomingMsh == null ? "|" : orDefault(Terser.get(incomingMsh, 1, 0, 1, 1), "|");
        String encoding = incomingMsh == null ? "^~\\&" : orDefault(Terser.get(incomingMsh, 2, 0, 1, 1), "^~\\&");
        msh.getFieldSeparator().setValue(fieldSeparator);
        msh.getEncodingCharacters().setValue(encoding);
        msh.getSendingApplication().getNamespaceID().setValue(sendingApplication);
        String trigger = "";
        String messageId = "";
        String processingId = "P";
        String version = "2.6";
        if (incomingMsh != null) {
            copy(incomingMsh, 3, msh.getReceivingApplication());
            copy(incomingMsh, 4, msh.getReceivingFacility());
            trigger = orDefault(Terser.get(incomingMsh, 9, 0, 2, 1), "");
            messageId = orDefault(Terser.get(incomingMsh, 10, 0, 1, 1), "");
            processingId = orDefault(Terser.get(incomingMsh, 11, 0, 1, 1), "P");
            version = orDefault(Terser.get(incomingMsh, 12, 0, 1, 1), "2.6");
        }
        msh.getDateTimeOfMessage().setValue(Hl7Time.format(now));
        msh.getMessageType().getMessageCode().setValue("ACK");
        if (!trigger.isEmpty()) {
            msh.getMessageType().getTriggerEvent().setValue(trigger);
        }
        msh.getMessageType().getMessageStructure().setValue("ACK");
        msh.getMessageControlID().setValue(controlId);
        msh.getProcessingID().getProcessingID().setValue(processingId);
        msh.getVersionID().getVersionID().setValue(version);
        if (charset != null) {
            String msh18 = Hl7Parser.msh18Of(charset);
            if (!msh18.isEmpty() && !msh18.equals("ASCII")) {
                msh.getCharacterSet(0).setValue(msh18);
            }
        }
        ack.getMSA().getAcknowledgmentCode().setValue(code.name());
        ack.getMSA().getMessageControlID().setValue(messageId);
        if (failure != null) {
            fillErr(ack.getERR(), failure);
        }
        return ack;
    }

    private static void fillErr(ERR err, Hl7Failure failure) throws HL7Exception {
        Hl7Location at = failure.location();
        if (at != null) {
            err.getErrorLocation(0).getSegmentID().setValue(at.segment());
            err.getErrorLocation(0).getSegmentSequence().setValue(Integer.toString(at.segmentRepetition()));
            if (at.field() > 0) {
                err.getErrorLocation(0).getFieldPosition().setValue(Integer.toString(at.field()));
                err.getErrorLocation(0).getFieldRepetition().setValue("1");
            }
            if (at.component() > 0) {
                err.getErrorLocation(0).getComponentNumber().setValue(Integer.toString(at.component()));
            }
        }
        err.getHL7ErrorCode()
                .getIdentifier()
                .setValue(Integer.toString(failure.reason().errorCode().getCode()));
        err.getHL7ErrorCode().getText().setValue(failure.reason().errorCode().getMessage());
        err.getHL7ErrorCode().getNameOfCodingSystem().setValue("HL70357");
        err.getSeverity().setValue("E");
        err.getDiagnosticInformation().setValue(failure.reason().label());
        err.getUserMessage().setValue(failure.detail());
    }

    private static void copy(Segment from, int field, Type to) throws HL7Exception {
        Type[] reps = from.getField(field);
        if (reps.length > 0) {
            DeepCopy.copy(reps[0], to);
        }
    }

    private static String orDefault(@Nullable String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }
}
