package org.bedside.drivers.ivue;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds monitor-to-host messages for tests, from the layouts of ../shared/design/protocols.md §1.3–§1.9 (not from
 * the decoder): AVAs, objects, poll results, the MDS create event.
 */
final class IvueTestMessages {
    private IvueTestMessages() {}

    static final byte[] NO_ABSOLUTE_TIME = HexFormat.of().parseHex("ffffffffffffffff");

    record Ava(int id, byte[] value) {}

    record Obj(int handle, List<Ava> attributes) {}

    record Context(int id, List<Obj> objects) {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Bytes u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static Ava ava(int id, byte[] value) {
        return new Ava(id, value);
    }

    static byte[] nu(int physio, int state, int unit, int rawFloat) {
        return new Bytes()
                .u16(physio)
                .u16(state)
                .u16(unit)
                .u32(rawFloat & 0xFFFFFFFFL)
                .bytes();
    }

    static int f(String decimal) {
        return IvueFloat.encode(new BigDecimal(decimal));
    }

    static Ava nuValObs(int physio, int state, int unit, int rawFloat) {
        return ava(IvueWire.NOM_ATTR_NU_VAL_OBS, nu(physio, state, unit, rawFloat));
    }

    static Ava compound(byte[]... values) {
        Bytes b = new Bytes().u16(values.length).u16(values.length * 10);
        for (byte[] v : values) {
            b.raw(v);
        }
        return ava(IvueWire.NOM_ATTR_NU_CMPD_VAL_OBS, b.bytes());
    }

    static byte[] string(String s, int bytes) {
        byte[] text = s.getBytes(StandardCharsets.UTF_16BE);
        byte[] padded = new byte[bytes];
        System.arraycopy(text, 0, padded, 0, Math.min(text.length, bytes));
        return new Bytes().u16(bytes).raw(padded).bytes();
    }

    static byte[] attributeList(List<Ava> attributes) {
        Bytes list = new Bytes();
        for (Ava a : attributes) {
            list.u16(a.id).u16(a.value.length).raw(a.value);
        }
        byte[] body = list.bytes();
        return new Bytes().u16(attributes.size()).u16(body.length).raw(body).bytes();
    }

    static byte[] pollInfo(List<Context> contexts) {
        Bytes info = new Bytes();
        for (Context c : contexts) {
            Bytes objs = new Bytes();
            for (Obj o : c.objects) {
                objs.u16(o.handle).raw(attributeList(o.attributes));
            }
            byte[] ob = objs.bytes();
            info.u16(c.id).u16(c.objects.size()).u16(ob.length).raw(ob);
        }
        byte[] body = info.bytes();
        return new Bytes().u16(contexts.size()).u16(body.length).raw(body).bytes();
    }

    /**
     * A poll result message (user data).
     *
     * @param linkedState 0 for RORS, 1..3 for ROLRS
     */
    static byte[] pollResult(
            boolean extended,
            int invokeId,
            int linkedState,
            int pollNumber,
            int sequence,
            long relTime,
            byte[] absTime,
            int objectType,
            int attributeGroup,
            List<Context> contexts) {
        Bytes reply = new Bytes().u16(pollNumber);
        if (extended) {
            reply.u16(sequence);
        }
        reply.u32(relTime)
                .raw(absTime)
                .u16(IvueWire.NOM_PART_OBJ)
                .u16(objectType)
                .u16(attributeGroup);
        reply.raw(pollInfo(contexts));
        byte[] r = reply.bytes();
        byte[] action = new Bytes()
                .u16(IvueWire.NOM_MOC_VMS_MDS)
                .u16(0)
                .u16(0)
                .u16(extended ? IvueWire.NOM_ACT_POLL_MDIB_DATA_EXT : IvueWire.NOM_ACT_POLL_MDIB_DATA)
                .u16(r.length)
                .raw(r)
                .bytes();
        return remoteOperation(
                linkedState == 0 ? IvueWire.RORS : IvueWire.ROLRS,
                linkedState,
                invokeId,
                IvueWire.CMD_CONFIRMED_ACTION,
                action);
    }

    static byte[] remoteOperation(int roType, int linkedState, int invokeId, int command, byte[] argument) {
        Bytes op = new Bytes();
        if (roType == IvueWire.ROLRS) {
            op.u8(linkedState).u8(1);
        }
        op.u16(invokeId).u16(command).u16(argument.length).raw(argument);
        byte[] o = op.bytes();
        return new Bytes().u16(0xE100).u16(2).u16(roType).u16(o.length).raw(o).bytes();
    }

    static byte[] error(int invokeId, int errorValue) {
        byte[] o = new Bytes().u16(invokeId).u16(errorValue).u16(0).bytes();
        return new Bytes()
                .u16(0xE100)
                .u16(2)
                .u16(IvueWire.ROER)
                .u16(o.length)
                .raw(o)
                .bytes();
    }

    /** The MDS create event report (§1.5) with the given attributes. */
    static byte[] mdsCreate(int invokeId, long eventTime, List<Ava> attributes) {
        byte[] list = attributeList(attributes);
        byte[] info = new Bytes()
                .u16(IvueWire.NOM_MOC_VMS_MDS)
                .u16(0)
                .u16(0)
                .raw(list)
                .bytes();
        byte[] event = new Bytes()
                .u16(IvueWire.NOM_MOC_VMS_MDS)
                .u16(0)
                .u16(0)
                .u32(eventTime)
                .u16(IvueWire.NOM_NOTI_MDS_CREAT)
                .u16(info.length)
                .raw(info)
                .bytes();
        return remoteOperation(IvueWire.ROIV, 0, invokeId, IvueWire.CMD_CONFIRMED_EVENT_REPORT, event);
    }

    /** An MDS create event with a clock baseline and a model, as a monitor sends it. */
    static byte[] mdsCreate(int invokeId, String bcdAbsolute, long relative) {
        List<Ava> attributes = new ArrayList<>();
        attributes.add(ava(IvueWire.NOM_ATTR_ID_MODEL, hex("0008 5068696c69707300 0006 4d3830303000")));
        attributes.add(ava(IvueWire.NOM_ATTR_TIME_ABS, hex(bcdAbsolute)));
        attributes.add(ava(IvueWire.NOM_ATTR_TIME_REL, new Bytes().u32(relative).bytes()));
        return mdsCreate(invokeId, relative, attributes);
    }

    /** An association response as the MX800 of the session log sent it (§1.4; the log's header and user data). */
    static byte[] associationAccept() {
        return hex("0e ce 05 08 13 01 00 16 01 02 80 00 14 02 00 02"
                + "c1 be 31 80 a0 80 80 01 01 00 00 a2 80 a0 03 00 00 01 a5 80 30 80 80 01 00 81 02 51 01 00 00 30"
                + "80 80 01 00 81 0c 2a 86 48 ce 14 02 01 00 00 00 02 01 00 00 00 00 61 80 30 80 02 01 01 a0 80 61"
                + "80 a1 80 06 0c 2a 86 48 ce 14 02 01 00 00 00 03 01 00 00 a2 03 02 01 00 a3 05 a1 03 02 01 00 be"
                + "80 28 80 02 01 02 81 48"
                + "80000000 40000000 00000000 00800000 80000000 00000000 0001002C 00010028 80000000 00000FA0"
                + "000003E4 000003E4 FFFFFFFF 60000000 0001000C F0010008 8E000000 00000000"
                + "00000000000000000000000000000000");
    }

    static byte[] refuse() {
        return hex("0c 03 32 01 00");
    }

    static byte[] abort() {
        return hex("19 2e 11 01 03 c1 29 a0 80 a0 80 30 80 02 01 01 06 02 51 01 00 00 00 00 61 80 30 80 02 01 01 a0 80"
                + " 64 80 80 01 01 00 00 00 00 00 00 00 00 00 00");
    }

    static byte[] releaseRequest() {
        return IvueRequests.releaseRequest();
    }
}
