package org.bedside.drivers.bbraun;

import java.io.IOException;
import org.bedside.drivers.spi.SessionLink;

/**
 * The only way the BCC session writes to a SpaceCom: an allow-listed {@link BccRequest}, or an ACK or NAK of a frame
 * received. It has no method that takes bytes, so nothing else — no command that sets a rate, starts, stops or
 * programs a pump — can reach the wire (BccReadOnlyTest proves it, also for the session under random input).
 */
final class BccReadOnlyLink {
    private static final byte[] ACK = {BccCodes.ACK};
    private static final byte[] NAK = {BccCodes.NAK};

    private final SessionLink link;

    BccReadOnlyLink(SessionLink link) {
        this.link = link;
    }

    void request(BccRequest request, String bedId) throws IOException {
        link.send(request.frame(bedId));
    }

    void ack() throws IOException {
        link.send(ACK.clone());
    }

    void nak() throws IOException {
        link.send(NAK.clone());
    }
}
