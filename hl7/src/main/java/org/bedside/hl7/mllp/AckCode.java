package org.bedside.hl7.mllp;

import java.util.Optional;

/**
 * MSA-1, the acknowledgement code (HL7 table 0008). The A codes are original-mode (application) acknowledgements, the
 * C codes enhanced-mode accept (commit) acknowledgements.
 *
 * <table>
 *   <caption>HL7 table 0008</caption>
 *   <tr><th>code</th><th>meaning</th></tr>
 *   <tr><td>AA / CA</td><td>accepted: processed / the receiver took responsibility for it</td></tr>
 *   <tr><td>AE</td><td>the receiver found an error in the message's content</td></tr>
 *   <tr><td>AR</td><td>rejected for a reason unrelated to content (unsupported type or version, the receiver's system
 *       down); the sender decides whether to send it again</td></tr>
 *   <tr><td>CE</td><td>the receiver cannot accept the message for any other reason</td></tr>
 *   <tr><td>CR</td><td>rejected: message type, version or processing id not supported</td></tr>
 * </table>
 */
public enum AckCode {
    AA,
    AE,
    AR,
    CA,
    CE,
    CR;

    /** True for CA, CE, CR: an enhanced-mode accept acknowledgement. */
    public boolean isCommit() {
        return this == CA || this == CE || this == CR;
    }

    public boolean isAccept() {
        return this == AA || this == CA;
    }

    public static Optional<AckCode> parse(String msa1) {
        for (AckCode c : values()) {
            if (c.name().equals(msa1.strip())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
