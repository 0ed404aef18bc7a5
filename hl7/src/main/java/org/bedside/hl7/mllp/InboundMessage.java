package org.bedside.hl7.mllp;

import ca.uhn.hl7v2.model.Message;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Instant;
import org.bedside.hl7.MessageHeader;
import org.jspecify.annotations.Nullable;

/**
 * One message the listener received and HAPI parsed, as its handler sees it.
 *
 * @param message the parsed message (v2.6 structures, whatever MSH-12 says; see {@link org.bedside.hl7.Hl7Parser})
 * @param text the message as received, decoded; for a handler that stores the raw message
 * @param source the sender's address
 * @param peer the sender's TLS client certificate subject, when TLS with client certificates is in use
 * @param receivedAt when the message's end block arrived, by the listener's clock
 */
public record InboundMessage(
        Message message,
        MessageHeader header,
        String text,
        InetSocketAddress source,
        @Nullable Principal peer,
        Instant receivedAt) {

    /** MSH-10, the control id the acknowledgement echoes; a sender's retransmission carries the same one. */
    public String controlId() {
        return header.controlId();
    }
}
