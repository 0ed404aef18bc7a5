package org.bedside.drivers.framing;

/**
 * CRC-16/X-25, the PPP frame check sequence of RFC 1662 (section C.2): reflected polynomial 0x8408 (0x1021), initial
 * value 0xFFFF, result complemented, sent least significant byte first. Philips IntelliVue's serial Data Export uses
 * it (../shared/design/protocols.md §1.2).
 *
 * <p>Check value over ASCII {@code 123456789}: {@code 0x906E}. Running the CRC over data followed by its FCS (as
 * sent, low byte first) leaves {@link #GOOD_RESIDUE} in the register before the final complement, which is how a
 * receiver checks a frame without locating the FCS.
 */
public final class Crc16X25 {
    /** The register after data plus its own FCS (RFC 1662: "PPPGOODFCS16"), before the final complement. */
    public static final int GOOD_RESIDUE = 0xF0B8;

    private static final int INITIAL = 0xFFFF;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc16X25() {}

    /** The register after {@code length} bytes, without the final complement. */
    public static int register(byte[] data, int offset, int length) {
        int crc = INITIAL;
        for (int i = offset, end = offset + length; i < end; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xFF];
        }
        return crc;
    }

    /** The FCS to send after {@code length} bytes: the complemented register, a 16-bit value. */
    public static int fcs(byte[] data, int offset, int length) {
        return ~register(data, offset, length) & 0xFFFF;
    }

    /** True when the bytes end with their correct FCS, low byte first. */
    public static boolean isGood(byte[] dataWithFcs, int offset, int length) {
        return length >= 2 && register(dataWithFcs, offset, length) == GOOD_RESIDUE;
    }
}
