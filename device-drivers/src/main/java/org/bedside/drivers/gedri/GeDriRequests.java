package org.bedside.drivers.gedri;

import java.util.List;

/**
 * The records the gateway sends to the monitor (protocols.md 2.3), framed for the wire. Transmission requests carry a
 * 40-byte header with one sub-record of type 0 (a request) and the request body.
 *
 * <pre>
 * displayed values every 5 s, all classes, level 2015:
 * 7E 31 00 00 0B 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 FF 00 ... 00 01 05 00 0E 00 00 00 00 00 4F 7E
 *    └ r_len 49             └ r_maintype 0 └ sr_desc[0] {0, 0}, sr_desc[1] end └ body: type 1, interval, classes    └ checksum
 * </pre>
 */
final class GeDriRequests {
    static final int PHDB_REQUEST_LENGTH = 49;
    static final int WAVE_REQUEST_LENGTH = 72;
    static final int WAVE_REQUEST_START = 0;
    static final int WAVE_REQUEST_STOP = 1;
    private static final int WAVE_TYPES = 8;

    private GeDriRequests() {}

    /**
     * A request for displayed values every {@code intervalSeconds} (0 stops the transmission, -1 asks for one record).
     *
     * @param classes the {@code phdb_class_bf} bits: {@link GeDriCodes#REQUEST_EXT1} and so on; basic is always sent
     */
    static byte[] displayedValues(int level, int intervalSeconds, int classes) {
        byte[] r = header(PHDB_REQUEST_LENGTH, level, GeDriCodes.MAINTYPE_PHDB, GeDriCodes.PH_XMIT_REQUEST);
        int at = GeDriCodes.HEADER_LENGTH;
        r[at] = (byte) GeDriCodes.PH_DISPLAYED;
        put16(r, at + 1, intervalSeconds);
        put16(r, at + 3, classes);
        put16(r, at + 5, classes >>> 16);
        return r;
    }

    /** Stops the displayed-values transmission. */
    static byte[] stopDisplayedValues(int level) {
        return displayedValues(level, 0, 0);
    }

    /** Starts or stops the continuous transmission of up to eight waveforms. */
    static byte[] waveforms(int level, int requestType, List<Integer> waveIds) {
        if (waveIds.size() > WAVE_TYPES) {
            throw new IllegalArgumentException("at most " + WAVE_TYPES + " waveforms per request");
        }
        byte[] r = header(WAVE_REQUEST_LENGTH, level, GeDriCodes.MAINTYPE_WAVE, 0);
        int at = GeDriCodes.HEADER_LENGTH;
        put16(r, at, requestType);
        for (int i = 0; i < waveIds.size(); i++) {
            r[at + 4 + i] = (byte) (int) waveIds.get(i);
        }
        if (waveIds.size() < WAVE_TYPES) {
            r[at + 4 + waveIds.size()] = (byte) GeDriCodes.SR_END_OF_LIST;
        }
        return r;
    }

    private static byte[] header(int length, int level, int mainType, int subrecordType) {
        byte[] r = new byte[length];
        put16(r, GeDriCodes.OFFSET_R_LEN, length);
        r[GeDriCodes.OFFSET_DRI_LEVEL] = (byte) level;
        put16(r, GeDriCodes.OFFSET_MAINTYPE, mainType);
        // sr_desc[0] = {offset 0, type}; sr_desc[1] ends the list.
        r[GeDriCodes.OFFSET_SR_DESC + 2] = (byte) subrecordType;
        r[GeDriCodes.OFFSET_SR_DESC + GeDriCodes.SR_DESC_SIZE + 2] = (byte) GeDriCodes.SR_END_OF_LIST;
        return r;
    }

    private static void put16(byte[] r, int at, int value) {
        r[at] = (byte) value;
        r[at + 1] = (byte) (value >>> 8);
    }

    /** Frames a record: flag, the record and its checksum with 7E and 7D stuffed, flag. */
    static byte[] frame(byte[] record) {
        byte[] out = new byte[2 * record.length + 4];
        int n = 0;
        out[n++] = GeDriCodes.FLAG;
        int sum = 0;
        for (byte b : record) {
            sum += b;
            n = stuff(out, n, b);
        }
        n = stuff(out, n, (byte) sum);
        out[n++] = GeDriCodes.FLAG;
        return java.util.Arrays.copyOf(out, n);
    }

    private static int stuff(byte[] out, int n, byte b) {
        if (b == GeDriCodes.FLAG || b == GeDriCodes.ESCAPE) {
            out[n] = GeDriCodes.ESCAPE;
            out[n + 1] = (byte) (b ^ GeDriCodes.ESCAPE_XOR);
            return n + 2;
        }
        out[n] = b;
        return n + 1;
    }
}
