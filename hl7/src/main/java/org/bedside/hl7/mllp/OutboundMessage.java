package org.bedside.hl7.mllp;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.PipeParser;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.bedside.hl7.MessageHeader;

/**
 * A message ready to send: encoded once, so that sending it again after a failure sends the same bytes with the same
 * control id (MSH-10), which is how a receiver recognises a retransmission. Keep this object (or its text) until the
 * message is acknowledged.
 *
 * @param controlId MSH-10, which the acknowledgement's MSA-2 must echo
 * @param text the encoded message, segments separated by CR
 * @param charset the character set of MSH-18 (ASCII when it is empty)
 */
public record OutboundMessage(String controlId, String text, Charset charset) {

    public OutboundMessage {
        if (controlId.isBlank()) {
            throw new IllegalArgumentException("a message to send needs a control id (MSH-10)");
        }
    }

    /** Encodes a HAPI message with HAPI's pipe parser. */
    public static OutboundMessage of(Message message, PipeParser parser) throws HL7Exception {
        MessageHeader header = MessageHeader.of((Segment) message.get("MSH"));
        if (header.controlId().isBlank()) {
            throw new HL7Exception("the message has no control id (MSH-10): its acknowledgement could not be matched");
        }
        Charset charset = header.characterSet().equals("UNICODE UTF-8")
                        || header.characterSet().equals("UNICODE")
                ? StandardCharsets.UTF_8
                : header.characterSet().equals("8859/1") ? StandardCharsets.ISO_8859_1 : StandardCharsets.US_ASCII;
        return new OutboundMessage(header.controlId(), parser.encode(message), charset);
    }

    public byte[] bytes() {
        return text.getBytes(charset);
    }
}
