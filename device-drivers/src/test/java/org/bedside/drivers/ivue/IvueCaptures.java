package org.bedside.drivers.ivue;

import java.io.ByteArrayOutputStream;

/** Raw monitor-to-host serial captures for tests outside this package (replay, benchmarks). */
public final class IvueCaptures {
    private IvueCaptures() {}

    /**
     * The real MX800 session of the log, as it was on the serial line: every message the monitor sent, framed (header,
     * FCS, transparency). The association response is the log's, the rest rebuilt as {@link IvueSessionLog} documents.
     */
    public static byte[] realSessionOnTheSerialLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (IvueSessionLog.Message m : IvueSessionLog.load()) {
            if (m.userData().length > 0) {
                out.writeBytes(IvueSerialFrameDecoder.frame(m.userData()));
            } else if (m.json().path("SessionHeader").path("Type").asText().equals("AssociationAccepted")) {
                out.writeBytes(IvueSerialFrameDecoder.frame(IvueTestMessages.associationAccept()));
            }
        }
        return out.toByteArray();
    }
}
