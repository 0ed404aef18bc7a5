package org.bedside.drivers.bbraun;

import java.nio.charset.StandardCharsets;

/**
 * The BCC frame, written and checked (protocols.md 5.1):
 *
 * <pre>
 * SOH LLLLL STX &lt;header&gt; '&gt;' &lt;payload&gt; ETX|ETB CCCCC EOT
 *  01 5 digits 02  bedId/1/1            text     03|17  5 digits  04
 * </pre>
 *
 * LLLLL is the whole frame's length from SOH to EOT, CCCCC the sum of the bytes from SOH to ETX (or ETB) modulo 256,
 * both zero-padded decimal. Verified: {@code <SOH>00031<STX>1/1/1>ADMIN:ALIVE<ETX>00061<EOT>}.
 */
final class BccFraming {
    private BccFraming() {}

    /** The frame around {@code text} ({@code <header>><payload>}), ended by ETX when {@code last}, else ETB. */
    static byte[] frame(byte[] text, boolean last) {
        int length = 1 + 5 + 1 + text.length + 1 + 5 + 1;
        if (length > BccCodes.MAX_FRAME) {
            throw new IllegalArgumentException("a BCC frame holds at most " + BccCodes.MAX_FRAME + " bytes");
        }
        byte[] f = new byte[length];
        f[0] = BccCodes.SOH;
        digits(f, 1, length);
        f[6] = BccCodes.STX;
        System.arraycopy(text, 0, f, 7, text.length);
        int end = 7 + text.length;
        f[end] = last ? BccCodes.ETX : BccCodes.ETB;
        digits(f, end + 1, checksum(f, 0, end + 1));
        f[length - 1] = BccCodes.EOT;
        return f;
    }

    /** The sum of {@code bytes[from, to)} modulo 256. */
    static int checksum(byte[] bytes, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += bytes[i] & 0xFF;
        }
        return sum & 0xFF;
    }

    private static void digits(byte[] into, int at, int value) {
        byte[] d = String.format("%05d", value).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, into, at, 5);
    }
}
