package org.bedside.drivers.ivue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The messages the gateway sends to the monitor (user data; the transport frames them). Byte layouts are those of
 * §1.4–§1.6; each builder's Javadoc gives the example they reproduce.
 */
final class IvueRequests {
    private IvueRequests() {}

    /**
     * The association request Philips' own Data Export Test Tool sent on a real serial line (§1.4), verbatim except
     * the 4-byte min_poll_period. Changing the structure would mean patching three nested lengths; overwriting a value
     * in place needs none.
     */
    private static final byte[] AARQ_TEMPLATE = hex("""
            0d ec 05 08 13 01 00 16 01 02 80 00 14 02 00 02
            c1 dc 31 80 a0 80 80 01 01 00 00 a2 80 a0 03 00
            00 01 a4 80 30 80 02 01 01 06 04 52 01 00 01 30
            80 06 02 51 01 00 00 00 00 30 80 02 01 02 06 0c
            2a 86 48 ce 14 02 01 00 00 00 01 01 30 80 06 0c
            2a 86 48 ce 14 02 01 00 00 00 02 01 00 00 00 00
            00 00 61 80 30 80 02 01 01 a0 80 60 80 a1 80 06
            0c 2a 86 48 ce 14 02 01 00 00 00 03 01 00 00 be
            80 28 80 06 0c 2a 86 48 ce 14 02 01 00 00 00 01
            01 02 01 02 81 48 80 00 00 00 40 00 00 00 00 00
            00 00 80 00 00 00 20 00 00 00 00 00 00 00 00 01
            00 2c 00 01 00 28 80 00 00 00 00 0f de 80 00 00
            03 e8 00 00 03 e8 00 00 00 00 60 00 00 00 00 01
            00 0c f0 01 00 08 89 00 00 00 00 00 00 00 00 00
            00 00 00 00 00 00 00 00 00 00 00 00 00 00
            """);

    /** Offset of MDSEUserInfoStd.supported_aprofiles...min_poll_period in the template (§1.4 dump: 0x00BA). */
    static final int AARQ_MIN_POLL_PERIOD_OFFSET = 0xBA;

    /**
     * The association request, asking for a minimum poll period. Below 3.3 s the monitor ends the association after 10
     * s without traffic from us (§1.4), which the session's keep-alive prevents.
     */
    static byte[] associationRequest(Duration minPollPeriod) {
        byte[] m = AARQ_TEMPLATE.clone();
        putU32(m, AARQ_MIN_POLL_PERIOD_OFFSET, ticks(minPollPeriod));
        return m;
    }

    /** The template's length, for tests: 238 bytes (LI 0xEC plus the two SPDU header bytes). */
    static int associationRequestLength() {
        return AARQ_TEMPLATE.length;
    }

    /** Release request (§1.4, VSCaptureMP's constant). */
    static byte[] releaseRequest() {
        return hex("09 18 c1 16 61 80 30 80 02 01 01 a0 80 62 80 80 01 00 00 00 00 00 00 00 00 00");
    }

    /**
     * The MDS create event result (§1.5): {@code E1 00 00 02 | 00 02 00 14 | invoke 00 01 00 0E | 00 21 00 00 00 00
     * | current time | 0D 06 00 00}.
     */
    static byte[] mdsCreateResult(int invokeId, long currentTime) {
        return eventReportResult(invokeId, IvueWire.NOM_MOC_VMS_MDS, 0, 0, currentTime, IvueWire.NOM_NOTI_MDS_CREAT);
    }

    /** The result of any confirmed event report: its object and event type echoed, no data. */
    static byte[] eventReportResult(
            int invokeId, int objectClass, int context, int handle, long currentTime, int eventType) {
        Writer w = new Writer(28);
        w.u16(IvueWire.SESSION_ID_DATA_EXPORT).u16(IvueWire.PRESENTATION_CONTEXT);
        w.u16(IvueWire.RORS).u16(20);
        w.u16(invokeId).u16(IvueWire.CMD_CONFIRMED_EVENT_REPORT).u16(14);
        w.u16(objectClass).u16(context).u16(handle);
        w.u32(currentTime).u16(eventType).u16(0);
        return w.bytes();
    }

    /** Release response (§1.4): the release request with 0x0A first and 0x63 for 0x62. */
    static byte[] releaseResponse() {
        return hex("0a 18 c1 16 61 80 30 80 02 01 01 a0 80 63 80 80 01 00 00 00 00 00 00 00 00 00");
    }

    /**
     * A single poll (§1.6, the worked example of §1.2 with invoke id 0 and poll number 1, numerics, all attributes):
     * {@code E1 00 00 02 00 01 00 1C 00 00 00 07 00 16 00 21 00 00 00 00 00 00 00 00 0C 16 00 08 00 01 00 01 00 06
     * 00 00}.
     */
    static byte[] singlePoll(int invokeId, int pollNumber, int objectType, int attributeGroup) {
        Writer w = new Writer(36);
        w.u16(IvueWire.SESSION_ID_DATA_EXPORT).u16(IvueWire.PRESENTATION_CONTEXT);
        w.u16(IvueWire.ROIV).u16(28);
        w.u16(invokeId).u16(IvueWire.CMD_CONFIRMED_ACTION).u16(22);
        mds(w);
        w.u32(0); // scope
        w.u16(IvueWire.NOM_ACT_POLL_MDIB_DATA).u16(8);
        w.u16(pollNumber).u16(IvueWire.NOM_PART_OBJ).u16(objectType).u16(attributeGroup);
        return w.bytes();
    }

    /**
     * An extended poll (§1.6): the monitor pushes results for {@code period} (NOM_ATTR_TIME_PD_POLL), numerics about
     * once a second.
     */
    static byte[] extendedPoll(int invokeId, int pollNumber, int objectType, int attributeGroup, Duration period) {
        Writer w = new Writer(48);
        w.u16(IvueWire.SESSION_ID_DATA_EXPORT).u16(IvueWire.PRESENTATION_CONTEXT);
        w.u16(IvueWire.ROIV).u16(40);
        w.u16(invokeId).u16(IvueWire.CMD_CONFIRMED_ACTION).u16(34);
        mds(w);
        w.u32(0);
        w.u16(IvueWire.NOM_ACT_POLL_MDIB_DATA_EXT).u16(20);
        w.u16(pollNumber).u16(IvueWire.NOM_PART_OBJ).u16(objectType).u16(attributeGroup);
        w.u16(1).u16(8); // poll_ext_attr: one AVA of 8 bytes
        w.u16(IvueWire.NOM_ATTR_TIME_PD_POLL).u16(4).u32(ticks(period));
        return w.bytes();
    }

    /**
     * Replaces the monitor's wave priority list (CONFIRMED_SET of NOM_ATTR_POLL_RTSA_PRIO_LIST on the MDS, §1.6): the
     * waves an extended wave poll reports, by label TextId.
     */
    static byte[] setWavePriorityList(int invokeId, List<Long> labels) {
        int textIds = 4 + 4 * labels.size();
        int ava = 4 + textIds;
        int modList = 4 + 2 + ava;
        int argument = 6 + 4 + modList;
        Writer w = new Writer(8 + 6 + argument);
        w.u16(IvueWire.SESSION_ID_DATA_EXPORT).u16(IvueWire.PRESENTATION_CONTEXT);
        w.u16(IvueWire.ROIV).u16(6 + argument);
        w.u16(invokeId).u16(IvueWire.CMD_CONFIRMED_SET).u16(argument);
        mds(w);
        w.u32(0); // scope
        w.u16(1).u16(2 + ava); // ModificationList: one entry
        w.u16(0); // modify_operator REPLACE
        w.u16(IvueWire.NOM_ATTR_POLL_RTSA_PRIO_LIST).u16(textIds);
        w.u16(labels.size()).u16(4 * labels.size());
        for (long label : labels) {
            w.u32(label);
        }
        return w.bytes();
    }

    /** Parses hex digits, ignoring whitespace. */
    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    static long ticks(Duration d) {
        return d.toNanos() / IvueWire.RELATIVE_TIME_TICK_NANOS;
    }

    private static void mds(Writer w) {
        w.u16(IvueWire.NOM_MOC_VMS_MDS).u16(0).u16(0);
    }

    private static void putU32(byte[] m, int at, long v) {
        m[at] = (byte) (v >>> 24);
        m[at + 1] = (byte) (v >>> 16);
        m[at + 2] = (byte) (v >>> 8);
        m[at + 3] = (byte) v;
    }

    /** A big-endian writer of a message of known size. */
    static final class Writer {
        private final byte[] b;
        private int i;

        Writer(int size) {
            b = new byte[size];
        }

        Writer u16(int v) {
            b[i++] = (byte) (v >>> 8);
            b[i++] = (byte) v;
            return this;
        }

        Writer u32(long v) {
            putU32(b, i, v);
            i += 4;
            return this;
        }

        byte[] bytes() {
            if (i != b.length) {
                throw new IllegalStateException("message of " + b.length + " bytes has " + i + " written");
            }
            return b;
        }
    }
}
