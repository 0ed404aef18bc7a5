package org.bedside.sim.ivue;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.HexFormat;

/**
 * The simulated monitor's side of the wire format (protocols.md §1): constants, a big-endian writer, the FLOAT-Type,
 * and the serial framing. Written from the protocol description, independently of the driver's decoder.
 */
final class MonitorWire {
    private MonitorWire() {}

    // Session layer (§1.3)
    static final int CN = 0x0D;
    static final int FN = 0x09;
    static final int AB = 0x19;
    static final int DATA_EXPORT = 0xE1;

    // Remote operations
    static final int ROIV = 1;
    static final int RORS = 2;
    static final int ROER = 3;
    static final int ROLRS = 5;
    static final int LINKED_FIRST = 1;
    static final int LINKED_MIDDLE = 2;
    static final int LINKED_LAST = 3;
    static final int CONFIRMED_EVENT_REPORT = 1;
    static final int GET = 3;
    static final int CONFIRMED_SET = 5;
    static final int CONFIRMED_ACTION = 7;

    // Objects, actions, events, attribute groups
    static final int PART_OBJ = 1;
    static final int MDS = 0x0021;
    static final int NUMERICS = 0x0006;
    static final int WAVES = 0x0009;
    static final int ALERTS = 0x0036;
    static final int DEMOGRAPHICS = 0x002A;
    static final int ATTR_PT_DEMOG_ST = 0x0957;
    static final int ATTR_PT_ID = 0x095A;
    static final int ATTR_PT_NAME_FAMILY = 0x095C;
    static final int ATTR_PT_NAME_GIVEN = 0x095D;
    static final int POLL = 0x0C16;
    static final int POLL_EXT = 0xF13B;
    static final int MDS_CREATE = 0x0D06;
    static final int GROUP_ALL = 0x0000;
    static final int GROUP_VMO_STATIC = 0x0811;

    // Attributes (§1.8)
    static final int ATTR_P_AL_LIST = 0x0902;
    static final int ATTR_T_AL_LIST = 0x0904;
    static final int ATTR_DEV_AL_COND = 0x0916;
    static final int ATTR_HANDLE = 0x0921;
    static final int ATTR_LABEL = 0x0924;
    static final int ATTR_LABEL_STRING = 0x0927;
    static final int ATTR_MODEL = 0x0928;
    static final int ATTR_NU_CMPD_VAL_OBS = 0x094B;
    static final int ATTR_NU_VAL_OBS = 0x0950;
    static final int ATTR_SA_SPECN = 0x096D;
    static final int ATTR_SA_VAL_OBS = 0x096E;
    static final int ATTR_SCALE_SPECN_I16 = 0x096F;
    static final int ATTR_SYS_TYPE = 0x0986;
    static final int ATTR_TIME_ABS = 0x0987;
    static final int ATTR_TIME_PD_SAMP = 0x098D;
    static final int ATTR_TIME_REL = 0x098F;
    static final int ATTR_TIME_STAMP_ABS = 0x0990;
    static final int ATTR_UNIT_CODE = 0x0996;
    static final int ATTR_MDS_STATUS = 0x09A7;
    static final int ATTR_TIME_PD_POLL = 0xF13E;
    static final int ATTR_RTSA_PRIO_LIST = 0xF23A;

    // MeasurementState
    static final int STATE_INVALID = 0x8000;
    static final int STATE_UNAVAILABLE = 0x2000;
    static final int STATE_IN_ALARM = 0x0002;

    // FLOAT-Type reserved value
    static final int FLOAT_NAN = 0x007FFFFF;

    /** RelativeTime ticks per second: 1/8 ms. */
    static final long TICKS_PER_SECOND = 8000;

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    /** A FLOAT-Type for a decimal: mantissa × 10^exponent, the scale kept (97.5 is 0xFF0003CF). */
    static int floatOf(BigDecimal value) {
        long mantissa = value.unscaledValue().longValueExact();
        int exponent = -value.scale();
        while (Math.abs(mantissa) > 0x7FFFFD && mantissa % 10 == 0) {
            mantissa /= 10;
            exponent++;
        }
        if (Math.abs(mantissa) > 0x7FFFFD) {
            throw new IllegalArgumentException(value + " does not fit a FLOAT-Type");
        }
        return (exponent << 24) | (int) (mantissa & 0xFFFFFF);
    }

    /** A big-endian message writer. */
    static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Out u8(int v) {
            b.write(v);
            return this;
        }

        Out u16(int v) {
            b.write(v >>> 8);
            b.write(v);
            return this;
        }

        Out u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        Out bytes(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        /** A length-prefixed block: u16 length, then the bytes. */
        Out block(byte[] v) {
            return u16(v.length).bytes(v);
        }

        int size() {
            return b.size();
        }

        byte[] toBytes() {
            return b.toByteArray();
        }
    }

    // ---- serial framing (§1.2) ----

    static final int BOF = 0xC0;
    static final int EOF = 0xC1;
    static final int ESC = 0x7D;

    /** CRC-16/X-25, bit by bit as RFC 1662 describes it (the driver's is table-driven). */
    static int fcs(byte[] data, int offset, int length) {
        int crc = 0xFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return ~crc & 0xFFFF;
    }

    /**
     * Frames user data for the serial line: BOF, header 11 01 length, user data, FCS low byte first, EOF, with every
     * C0, C1 and 7D between BOF and EOF (the FCS too) escaped as 7D, byte ^ 0x20.
     *
     * @param corruptFcs send a wrong FCS (a fault)
     */
    static byte[] serialFrame(byte[] userData, boolean corruptFcs) {
        Out plain = new Out().u8(0x11).u8(0x01).u16(userData.length).bytes(userData);
        byte[] p = plain.toBytes();
        int fcs = fcs(p, 0, p.length) ^ (corruptFcs ? 0x5A5A : 0);
        Out wire = new Out().u8(BOF);
        for (byte x : new Out().bytes(p).u8(fcs).u8(fcs >>> 8).toBytes()) {
            int v = x & 0xFF;
            if (v == BOF || v == EOF || v == ESC) {
                wire.u8(ESC).u8(v ^ 0x20);
            } else {
                wire.u8(v);
            }
        }
        return wire.u8(EOF).toBytes();
    }
}
