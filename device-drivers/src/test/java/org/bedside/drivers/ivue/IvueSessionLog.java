package org.bedside.drivers.ivue;

import static org.bedside.drivers.ivue.IvueTestMessages.Ava;
import static org.bedside.drivers.ivue.IvueTestMessages.Bytes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The real MX800 session of {@code captures/intellivue/patient-monitor-datalogger-messages.json}, turned back into
 * wire bytes.
 *
 * <p>The log is another program's decoding, not a capture: it keeps the raw bytes of some attributes (Base64: the MDS
 * create event's, Philips-private ones) and shows the others as values. Each message is rebuilt from the layouts of
 * protocols.md §1.3–§1.9: headers and lists from the log's counts and handles, Base64 attributes verbatim, decoded
 * ones re-encoded from the names the logger printed (the tables below; its physio id names are the programming guide's).
 * Every rebuilt attribute, object and list must have the length the log recorded, which checks the reconstruction.
 *
 * <p>Two quirks of the logger are undone: it printed BCD time stamps as the bytes' values (Century 32 is 0x20), and it
 * read alarm texts as UTF-16 little-endian ("\u4500" is 00 45, 'E'); one character it could not read that way (shown
 * as U+FFFD) is taken as 'Ü', 00 DC.
 *
 * <p>The lengths of the lists inside a poll result are written as the monitor declared them (the log keeps them); the
 * outer lengths (remote operation, action result) are recomputed from the content. The log disagrees with itself in
 * one place, the MX800's alert poll results: its three alarm entries parse as 68 bytes each (204), their list
 * announces 213, and the remote-operation header implies 195. The entries are rebuilt as parsed, the inner lengths as
 * announced (so every enclosing list announces 9 bytes more than it holds: the decoder must read lists by their
 * counts) and the outer lengths to fit.
 */
final class IvueSessionLog {
    static final String RESOURCE = "/captures/intellivue/patient-monitor-datalogger-messages.json";

    /** One message of the log: its JSON and the rebuilt user data (null for association messages). */
    record Message(int line, JsonNode json, byte[] userData) {}

    private static final Map<String, Integer> PHYSIO = Map.ofEntries(
            Map.entry("NOM_PULS_OXIM_SAT_O2", 0x4BB8),
            Map.entry("NOM_PLETH_PULS_RATE", 0x4822),
            Map.entry("NOM_PULS_OXIM_PERF_REL", 0x4BB0),
            Map.entry("NOM_ECG_CARD_BEAT_RATE", 0x4182),
            Map.entry("NOM_RESP_RATE", 0x500A),
            Map.entry("NOM_PRESS_BLD_NONINV_SYS", 0x4A05),
            Map.entry("NOM_PRESS_BLD_NONINV_DIA", 0x4A06),
            Map.entry("NOM_PRESS_BLD_NONINV_MEAN", 0x4A07),
            Map.entry("NOM_PRESS_BLD_NONINV_PULS_RATE", 0xF0E5),
            Map.entry("NOM_ECG_ELEC_POTL_II", 0x0102),
            Map.entry("NOM_PLETH", 0x4BB4),
            Map.entry("NOM_RESP", 0x5000),
            Map.entry("NOM_OBJ_NETWORK", 0xF0FD),
            Map.entry("NOM_MOC_VMO_METRIC_SA_RT", 0x0009));

    private static final Map<String, Integer> STATE =
            Map.of("VALID", 0, "INVALID", 0x8000, "UNAVAILABLE", 0x2000, "QUESTIONABLE", 0x4000);

    private static final Map<String, Integer> ALERT_TYPE = Map.of(
            "NO_ALERT", 0,
            "LOW_PRI_T_AL", 1,
            "MED_PRI_T_AL", 2,
            "HI_PRI_T_AL", 4,
            "LOW_PRI_P_AL", 0x100,
            "MED_PRI_P_AL", 0x200,
            "HI_PRI_P_AL", 0x400);

    private static final Map<String, Integer> ALERT_STATE = Map.of(
            "AL_INHIBITED", 0x8000,
            "AL_SUSPENDED", 0x4000,
            "AL_LATCHED", 0x2000,
            "AL_SILENCED_RESET", 0x1000,
            "AL_NEW_ALERT", 0x0008);

    private static final Map<String, Integer> ALERT_FLAGS = Map.of(
            "BEDSIDE_AUDIBLE", 0x4000,
            "CENTRAL_AUDIBLE", 0x2000,
            "VISUAL_LATCHING", 0x1000,
            "AUDIBLE_LATCHING", 0x0800,
            "SHORT_YELLOW_EXTENSION", 0x0400,
            "DERIVED", 0x0200);

    private IvueSessionLog() {}

    static List<Message> load() {
        ObjectMapper mapper = new ObjectMapper();
        List<Message> messages = new ArrayList<>();
        try (InputStream in = IvueSessionLog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                JsonNode json = mapper.readTree(lines[i]);
                messages.add(new Message(i, json, rebuild(json)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }

    static boolean isAssociation(JsonNode json) {
        return "Association".equals(json.path("MessageType").asText());
    }

    static byte[] rebuild(JsonNode json) {
        if (isAssociation(json)) {
            return association(json);
        }
        JsonNode op = json.get("RemoteOperationData");
        int invokeId = op.get("InvokeId").asInt();
        String type = json.get("RemoteOperationHeader").get("Type").asText();
        JsonNode data = op.get("Data");
        if (type.equals("Invoke")) {
            JsonNode mds = data.get("Data");
            byte[] m = IvueTestMessages.mdsCreate(
                    invokeId, data.get("EventTime").get("Ticks").asLong(), exactAttributes(mds.get("AttributeList")));
            return checkLength(
                    m, json.get("RemoteOperationHeader").get("Length").asInt() + 8, "MDS create");
        }
        JsonNode poll = data.get("Data");
        JsonNode contexts = poll.get("PollContexts");
        Bytes info = new Bytes()
                .u16(contexts.get("Count").asInt())
                .u16(contexts.get("Length").asInt());
        for (JsonNode c : contexts.get("Values")) {
            JsonNode observations = c.get("Observations");
            info.u16(c.get("ContextId").asInt())
                    .u16(observations.get("Count").asInt())
                    .u16(observations.get("Length").asInt());
            for (JsonNode o : observations.get("Values")) {
                info.u16(o.get("Handle").asInt()).raw(attributeList(o.get("Attributes")));
            }
        }
        boolean extended = data.get("ActionType").asText().equals("NOM_ACT_POLL_MDIB_DATA_EXT");
        Bytes reply = new Bytes().u16(poll.get("PollNumber").asInt());
        if (extended) {
            reply.u16(poll.get("SequenceNumber").asInt());
        }
        reply.u32(poll.get("RelativeTimeStamp").get("Ticks").asLong())
                .raw(bcd(poll.get("AbsoluteTimeStamp")))
                .u16(IvueWire.NOM_PART_OBJ)
                .u16(poll.get("ObjectType").get("Code").asInt())
                .u16(group(poll.get("AttributeGroup").asText()))
                .raw(info.bytes());
        byte[] r = reply.bytes();
        byte[] action = new Bytes()
                .u16(IvueWire.NOM_MOC_VMS_MDS)
                .u16(0)
                .u16(0)
                .u16(extended ? IvueWire.NOM_ACT_POLL_MDIB_DATA_EXT : IvueWire.NOM_ACT_POLL_MDIB_DATA)
                .u16(r.length)
                .raw(r)
                .bytes();
        byte[] m = IvueTestMessages.remoteOperation(IvueWire.RORS, 0, invokeId, IvueWire.CMD_CONFIRMED_ACTION, action);
        int logged = json.get("RemoteOperationHeader").get("Length").asInt() + 8;
        if (m.length != logged && m.length != logged + 9) {
            throw new IllegalStateException("rebuilt poll result has " + m.length + " bytes, the log says " + logged);
        }
        return m;
    }

    /** An attribute list with the lengths the monitor declared. */
    private static byte[] attributeList(JsonNode list) {
        Bytes b = new Bytes()
                .u16(list.get("Count").asInt())
                .u16(list.get("Length").asInt());
        for (Ava a : attributes(list)) {
            b.raw(a.value());
        }
        return b.bytes();
    }

    /** Association messages whose bytes the log keeps whole: the release response. */
    private static byte[] association(JsonNode json) {
        JsonNode header = json.get("SessionHeader");
        if (!header.get("Type").asText().equals("Released")) {
            return new byte[0];
        }
        Bytes b = new Bytes().u8(0x0A).u8(header.get("Length").get("Length").asInt());
        b.raw(base64(json.get("SessionData").get("Payload")));
        b.raw(base64(json.get("PresentationHeader").get("Payload")));
        b.raw(base64(json.get("PresentationTrailer").get("Payload")));
        return b.bytes();
    }

    private static int group(String name) {
        return switch (name) {
            case "NOM_ATTR_GRP_METRIC_VAL_OBS" -> 0x0803;
            case "NOM_ATTR_GRP_AL_MON" -> 0x0801;
            default -> throw new IllegalArgumentException("attribute group " + name);
        };
    }

    /** The AVAs of a list, each as its whole wire form (id, declared length, value). */
    private static List<Ava> attributes(JsonNode list) {
        List<Ava> out = new ArrayList<>();
        for (JsonNode a : list.get("Values")) {
            int id = a.get("AttributeId").asInt();
            byte[] value = value(id, a.get("AttributeValue"));
            out.add(new Ava(
                    id,
                    new Bytes().u16(id).u16(a.get("Length").asInt()).raw(value).bytes()));
        }
        return out;
    }

    /** The AVAs of the MDS create event, whose lengths are all exact. */
    private static List<Ava> exactAttributes(JsonNode list) {
        List<Ava> out = new ArrayList<>();
        for (JsonNode a : list.get("Values")) {
            int id = a.get("AttributeId").asInt();
            byte[] value = value(id, a.get("AttributeValue"));
            out.add(new Ava(id, checkLength(value, a.get("Length").asInt(), "attribute 0x" + Integer.toHexString(id))));
        }
        return out;
    }

    private static byte[] value(int id, JsonNode v) {
        if (v.has("Data")) {
            return base64(v.get("Data"));
        }
        return switch (id) {
            case 0x0950 -> nu(v);
            case 0x094B -> {
                Bytes b = new Bytes()
                        .u16(v.get("Count").asInt())
                        .u16(v.get("Length").asInt());
                for (JsonNode n : v.get("Values")) {
                    b.raw(nu(n));
                }
                yield b.bytes();
            }
            case 0x0990 -> bcd(v);
            case 0x0916 ->
                new Bytes()
                        .u16(v.get("DeviceAlertState").asInt())
                        .u16(v.get("ChangeCounter").asInt())
                        .u16(ALERT_TYPE.get(v.get("MaximumPhysiologicalAlarm").asText()))
                        .u16(ALERT_TYPE.get(v.get("MaximumTechnicalAlarm").asText()))
                        .u16(ALERT_TYPE.get(v.get("MaximumAuditoryAlarm").asText()))
                        .bytes();
            case 0x0902, 0x0904 -> alarmList(v);
            case 0x096E -> sampleArray(v);
            case 0x0967 -> {
                Bytes b = new Bytes()
                        .u16(v.get("Count").asInt())
                        .u16(v.get("Length").asInt());
                for (JsonNode s : v.get("Values")) {
                    b.raw(sampleArray(s));
                }
                yield b.bytes();
            }
            default -> throw new IllegalArgumentException("attribute 0x" + Integer.toHexString(id) + ": " + v);
        };
    }

    private static byte[] nu(JsonNode n) {
        JsonNode value = n.get("Value").get("Value");
        int raw = value.isTextual() && value.asText().equals("NaN")
                ? IvueFloat.NAN
                : IvueFloat.encode(new BigDecimal(value.asText()));
        return IvueTestMessages.nu(
                physio(n.get("PhysioId")),
                state(n.get("State")),
                n.get("UnitCode").asInt(),
                raw);
    }

    private static byte[] sampleArray(JsonNode s) {
        JsonNode values = s.get("Values");
        Bytes b = new Bytes()
                .u16(physio(s.get("PhysioId")))
                .u16(state(s.get("State")))
                .u16(values.get("Length").asInt());
        for (JsonNode x : values.get("Values")) {
            b.u16(x.asInt());
        }
        return b.bytes();
    }

    private static byte[] alarmList(JsonNode v) {
        Bytes entries = new Bytes();
        for (JsonNode e : v.get("Values")) {
            entries.u16(physio(e.get("Source")))
                    .u16(e.get("Code").asInt())
                    .u16(ALERT_TYPE.get(e.get("Type").asText()))
                    .u16(flags(e.get("State").asText(), ALERT_STATE));
            JsonNode obj = e.get("Object");
            entries.u16(physio(obj.get("ObjectClass")))
                    .u16(obj.get("ObjectInstance").get("ContextId").asInt())
                    .u16(obj.get("ObjectInstance").get("Handle").asInt());
            String infoType = e.get("AdditionalInfoType").asText();
            JsonNode info = e.get("AdditionalInfo");
            Bytes i = new Bytes()
                    .u16(info.get("AlarmInstanceNumber").asInt())
                    .raw(latin1(info.get("AlarmText").get("Label").asText()))
                    .u16(info.get("AlertPriority").asInt())
                    .u16(flags(info.get("Flags").asText(), ALERT_FLAGS));
            if (infoType.equals("STR_ALMON_INFO")) {
                byte[] text =
                        littleEndianMisread(info.get("String").get("Value").asText());
                i.u16(text.length).raw(text);
            }
            byte[] infoBytes = checkLength(i.bytes(), e.get("Length").asInt(), "alert info");
            entries.u16(infoType.equals("STR_ALMON_INFO") ? 0x0204 : 0x0201)
                    .u16(infoBytes.length)
                    .raw(infoBytes);
        }
        byte[] shown = entries.bytes();
        int length = v.get("Length").asInt();
        if (length < shown.length) {
            throw new IllegalStateException("alarm list of " + shown.length + " bytes, the log says " + length);
        }
        // The MX800 announces 213 bytes for its three 68-byte entries; the logger read the entries and never showed
        // the 9 bytes after them. They are rebuilt as zeros: a decoder must read the entries and skip the rest.
        byte[] body = java.util.Arrays.copyOf(shown, length);
        return new Bytes()
                .u16(v.get("Count").asInt())
                .u16(body.length)
                .raw(body)
                .bytes();
    }

    /** Undoes the logger's reading of big-endian UTF-16 as little-endian. */
    private static byte[] littleEndianMisread(String shown) {
        byte[] b = new byte[shown.length() * 2];
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '\uFFFD') {
                c = '\uDC00'; // a lone low surrogate read from 00 DC ('Ü')
            }
            b[2 * i] = (byte) c;
            b[2 * i + 1] = (byte) (c >>> 8);
        }
        return b;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int flags(String names, Map<String, Integer> table) {
        int bits = 0;
        for (String n : names.split(",")) {
            String name = n.trim();
            if (!name.isEmpty()) {
                bits |= table.get(name);
            }
        }
        return bits;
    }

    private static int physio(JsonNode n) {
        if (n.isInt()) {
            return n.asInt();
        }
        Integer code = PHYSIO.get(n.asText());
        if (code == null) {
            throw new IllegalArgumentException("physio id " + n);
        }
        return code;
    }

    private static int state(JsonNode n) {
        return n.isInt() ? n.asInt() : flags(n.asText(), STATE);
    }

    private static byte[] bcd(JsonNode t) {
        return new byte[] {
            (byte) t.get("Century").asInt(),
            (byte) t.get("Year").asInt(),
            (byte) t.get("Month").asInt(),
            (byte) t.get("Day").asInt(),
            (byte) t.get("Hour").asInt(),
            (byte) t.get("Minute").asInt(),
            (byte) t.get("Second").asInt(),
            (byte) t.get("Milliseconds").asInt()
        };
    }

    private static byte[] base64(JsonNode n) {
        return Base64.getDecoder().decode(n.asText());
    }

    private static byte[] checkLength(byte[] b, int expected, String what) {
        if (b.length != expected) {
            throw new IllegalStateException(
                    "rebuilt " + what + " has " + b.length + " bytes, the log says " + expected);
        }
        return b;
    }
}
