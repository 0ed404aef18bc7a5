package org.bedside.drivers.bbraun;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Every request the gateway can make of a SpaceCom: the allow-list. Each one only reads; there is no constructor for
 * anything else, so a command that changes a pump (a rate, a bolus, a start or stop) cannot be expressed.
 *
 * <pre>
 * ADMIN:ALIVE           open the session (bed id "1"); the SpaceCom answers GNACK with its own bed id
 * ADMIN:VERSION         the protocol version
 * MEM:GET               every parameter of every pump
 * MEM:GETSLOT#&lt;P&gt;&lt;S&gt;   the parameters of the pump at pillar P (1-3), slot S (1-9, A-O)
 * </pre>
 */
record BccRequest(String command) {
    static final BccRequest ALIVE = new BccRequest("ADMIN:ALIVE");
    static final BccRequest VERSION = new BccRequest("ADMIN:VERSION");
    static final BccRequest GET_ALL = new BccRequest("MEM:GET");

    /** The bed id the first request goes to, before the SpaceCom named its own. */
    static final String INITIAL_BED_ID = "1";

    private static final Pattern GET_SLOT = Pattern.compile("MEM:GETSLOT#[1-3][1-9A-O]");

    BccRequest {
        if (!isAllowed(command)) {
            throw new IllegalArgumentException("not a reading request of the allow-list: " + command);
        }
    }

    static BccRequest getSlot(int pillar, char slot) {
        return new BccRequest("MEM:GETSLOT#" + pillar + slot);
    }

    static boolean isAllowed(String command) {
        return command.equals(ALIVE_COMMAND)
                || command.equals(VERSION_COMMAND)
                || command.equals(GET_ALL_COMMAND)
                || GET_SLOT.matcher(command).matches();
    }

    private static final String ALIVE_COMMAND = "ADMIN:ALIVE";
    private static final String VERSION_COMMAND = "ADMIN:VERSION";
    private static final String GET_ALL_COMMAND = "MEM:GET";

    /** A bed id as the protocol allows it: 1 to 15 characters in 0x30-0x39 and 0x41-0x7A. */
    static boolean isBedId(String bedId) {
        if (bedId.isEmpty() || bedId.length() > 15) {
            return false;
        }
        for (int i = 0; i < bedId.length(); i++) {
            char c = bedId.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The request framed for the wire: {@code SOH LLLLL STX <bedId>/1/1><command> ETX CCCCC EOT}. The length counts
     * every byte from SOH to EOT; the checksum is the sum of the bytes from SOH to ETX, modulo 256.
     */
    byte[] frame(String bedId) {
        if (!isBedId(bedId)) {
            throw new IllegalArgumentException("not a BCC bed id: " + bedId);
        }
        return BccFraming.frame((bedId + "/1/1>" + command).getBytes(StandardCharsets.US_ASCII), true);
    }

    @Override
    public String toString() {
        return command;
    }
}
