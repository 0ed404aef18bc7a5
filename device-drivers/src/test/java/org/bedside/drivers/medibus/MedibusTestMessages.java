package org.bedside.drivers.medibus;

import java.nio.charset.StandardCharsets;

/**
 * Builds messages from the grammar of protocols.md section 3, for tests: start byte, code, data, the checksum (sum
 * from the start byte through the data, mod 256, two upper-case hex characters), CR. Written here rather than taken
 * from {@link MedibusMessages}, so that the two check each other.
 */
final class MedibusTestMessages {
    private MedibusTestMessages() {}

    static byte[] response(int code, String data) {
        return message(0x01, code, data);
    }

    static byte[] command(int code, String data) {
        return message(0x1B, code, data);
    }

    static byte[] message(int start, int code, String data) {
        byte[] d = data.getBytes(StandardCharsets.ISO_8859_1);
        int sum = start + code;
        for (byte b : d) {
            sum += b & 0xFF;
        }
        String checksum = String.format("%02X", sum & 0xFF);
        byte[] m = new byte[d.length + 5];
        m[0] = (byte) start;
        m[1] = (byte) code;
        System.arraycopy(d, 0, m, 2, d.length);
        m[d.length + 2] = (byte) checksum.charAt(0);
        m[d.length + 3] = (byte) checksum.charAt(1);
        m[d.length + 4] = 0x0D;
        return m;
    }

    /** The message without its CR, as the framer delivers it. */
    static byte[] frame(byte[] message) {
        return java.util.Arrays.copyOf(message, message.length - 1);
    }
}
