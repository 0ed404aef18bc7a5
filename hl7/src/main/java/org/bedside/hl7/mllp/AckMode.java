package org.bedside.hl7.mllp;

import org.bedside.hl7.MessageHeader;

/**
 * How a message asks to be acknowledged (HL7 v2.6 chapter 2.9, MSH-15 and table 0155). With MSH-15 empty the
 * original mode applies: the receiver answers AA, AE or AR after processing. With MSH-15 valued the enhanced mode
 * applies, and MSH-15 says when an accept acknowledgement (CA, CE, CR) is wanted: always ({@code AL}), never ({@code
 * NE}), only on error ({@code ER}) or only on success ({@code SU}). IHE PCD-01 and PCD-04 send {@code AL} with MSH-16
 * {@code NE}: a commit accept, and no application acknowledgement.
 *
 * <p>This listener commits only after its handler stored the message, so its accept acknowledgement already means
 * "stored"; it sends no separate application acknowledgement (MSH-16), which PCD-01 and PCD-04 do not want.
 */
public enum AckMode {
    ORIGINAL,
    /** Enhanced mode, accept acknowledgement always ({@code AL}, and an MSH-15 value outside table 0155). */
    ENHANCED_ALWAYS,
    ENHANCED_NEVER,
    ENHANCED_ON_ERROR,
    ENHANCED_ON_SUCCESS;

    public static AckMode of(MessageHeader header) {
        return switch (header.acceptAckType()) {
            case "" -> ORIGINAL;
            case "NE" -> ENHANCED_NEVER;
            case "ER" -> ENHANCED_ON_ERROR;
            case "SU" -> ENHANCED_ON_SUCCESS;
            default -> ENHANCED_ALWAYS;
        };
    }

    /** Whether an acknowledgement is sent at all, given whether the message was accepted. */
    public boolean answers(boolean accepted) {
        return switch (this) {
            case ORIGINAL, ENHANCED_ALWAYS -> true;
            case ENHANCED_NEVER -> false;
            case ENHANCED_ON_ERROR -> !accepted;
            case ENHANCED_ON_SUCCESS -> accepted;
        };
    }

    /** The code that answers a decision in this mode. */
    public AckCode codeFor(Decision decision) {
        boolean original = this == ORIGINAL;
        if (decision instanceof Decision.Accept) {
            return original ? AckCode.AA : AckCode.CA;
        }
        if (decision instanceof Decision.Error) {
            return original ? AckCode.AE : AckCode.CE;
        }
        if (decision instanceof Decision.Reject) {
            return original ? AckCode.AR : AckCode.CR;
        }
        // RetryLater: AR is "unrelated to content, e.g. the system down"; CE is "cannot accept for any other reason".
        return original ? AckCode.AR : AckCode.CE;
    }
}
