package org.bedside.drivers.medibus;

import java.util.Locale;

/**
 * The messages of the slow-data protocol (protocols.md 3): a command is {@code ESC code [arguments] checksum CR}, a
 * response {@code SOH echoed-code [data] checksum CR}; the checksum is the sum of every byte from ESC or SOH through
 * the last data byte, mod 256, as two upper-case hex characters.
 *
 * <pre>
 * ICC                  1B 51 36 43 0D      ESC 'Q' "6C" CR
 * answer to ICC        01 51 35 32 0D      SOH 'Q' "52" CR
 * NOP                  1B 30 34 42 0D
 * measured data CP1    1B 24 33 46 0D
 * </pre>
 */
final class MedibusMessages {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MedibusMessages() {}

    static byte[] command(int code, byte[] arguments) {
        return message(MedibusCodes.ESC, code, arguments);
    }

    static byte[] command(int code) {
        return command(code, new byte[0]);
    }

    static byte[] response(int code, byte[] data) {
        return message(MedibusCodes.SOH, code, data);
    }

    private static byte[] message(byte start, int code, byte[] body) {
        byte[] m = new byte[body.length + 5];
        m[0] = start;
        m[1] = (byte) code;
        System.arraycopy(body, 0, m, 2, body.length);
        int sum = 0;
        for (int i = 0; i < body.length + 2; i++) {
            sum += m[i] & 0xFF;
        }
        m[body.length + 2] = HEX[(sum >> 4) & 0xF];
        m[body.length + 3] = HEX[sum & 0xF];
        m[body.length + 4] = MedibusCodes.CR;
        return m;
    }

    /** A hex digit's value, or -1 (either case is accepted on receipt). */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    static String hex(int code) {
        return String.format(Locale.ROOT, "0x%02X", code);
    }
}
