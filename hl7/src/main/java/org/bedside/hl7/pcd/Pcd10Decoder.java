package org.bedside.hl7.pcd;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.Hl7Time;
import org.bedside.hl7.MessageHeader;
import org.bedside.model.CompoundReading;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.jspecify.annotations.Nullable;

/**
 * Reads an IHE PCD-10 {@code ORU^R42^ORU_R01} (Communicate Infusion Event Data, IHE PCD TF-2 rev 9.0 3.10 and the
 * example M.1.2.2), parsed by HAPI, into a {@link Pcd10Report}. Pure: no I/O, no clock; never throws for bad content,
 * returns an {@link Hl7Failure} naming the field.
 *
 * <pre>
 *   OBX|1||70049^MDC_DEV_PUMP_INFUS_LVP_MDS^MDC|1.0.0.0|||||||X|||||N0002||E0002^^0012210000000000^EUI-64   the pump
 *   OBX|3|CWE|68487^MDC_ATTR_EVT_COND^MDC|1.0.0.2|197288^MDC_EVT_PUMP_DELIV_START^MDC||||||R             the event
 *   OBX|4|ST|68488^MDC_ATTR_EVT_SOURCE^MDC|1.0.0.3|1.1.2.0||||||R                                         its source
 *   OBX|7|CWE|184519^MDC_PUMP_INFUSING_STATUS^MDC|1.1.1.1|^pump-status-infusing||||||R                    the state
 *   OBX|10||70071^MDC_DEV_PUMP_INFUSATE_SOURCE_PRIMARY^MDC|1.1.2.0|||||||X                                a source
 *   OBX|14|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.2.4|15.4|265266^MDC_DIM_MILLI_L_PER_HR^MDC^mL/h^mL/h^UCUM ...  its rate
 * </pre>
 *
 * <ul>
 *   <li><b>One way to read a number.</b> The numeric rows, the patient (PID-3), the bed (PV1-3), OBX-18 inheritance,
 *       units, OBX-8/OBX-11 quality and OBX-14/OBR-7 times are read by {@link Pcd01Decoder} itself, so a PCD-10 value
 *       means exactly what the same row means in a PCD-01, and fails the message the same way.
 *   <li><b>The pump</b> is the MDS row ({@code x.0.0.0}): its OBX-18 (EUI-64) chooses the device.
 *   <li><b>The event</b>: exactly one {@code 68487 MDC_ATTR_EVT_COND} (a message without one, or with two, fails), an
 *       MDC code; a code other than the three the TF requires is kept as sent with the reason, never guessed at. Its
 *       source ({@code 68488 MDC_ATTR_EVT_SOURCE}) must name a device row of the message.
 *   <li><b>Infusate sources</b>: each channel row other than {@code 70067 MDC_DEV_PUMP_DELIVERY_INFO} is one source,
 *       with the numbers below it (pump terms by {@link MdcTerms#pumpMetric}), the drug label {@code 184514} as the
 *       pump shows it, and the state of its VMD's {@code 184519 MDC_PUMP_INFUSING_STATUS}: {@code pump-status-infusing}
 *       is infusing; any other value, or none, is unknown with the reason (no value set is printed in a source here).
 *   <li>Everything else (drug library, care area, delivery mode, numbers of the delivery information such as the
 *       current flow) is listed in {@link Pcd10Report#skipped()} with the reason.
 * </ul>
 */
public final class Pcd10Decoder {
    static final int EVENT_CONDITION = 68487;
    static final int EVENT_SOURCE = 68488;
    static final int DELIVERY_INFO = 70067;
    static final int DELIVERY_START = 197288;
    static final String INFUSING = "pump-status-infusing";
    /** An MDC reference id ({@code MDC_EVT_PUMP_DELIV_START}), or none: it is stored and shown as sent. */
    private static final java.util.regex.Pattern REF_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_]{0,64}");

    private final Pcd01Decoder numbers;
    private final @Nullable ZoneId assumedZone;

    /** A decoder that places no time without a zone offset. */
    public Pcd10Decoder() {
        this(null);
    }

    /** @param assumedZone the zone of a sender that omits offsets, or null (as {@link Pcd01Decoder}) */
    public Pcd10Decoder(@Nullable ZoneId assumedZone) {
        this.assumedZone = assumedZone;
        this.numbers = new Pcd01Decoder(assumedZone);
    }

    /** Stackless early exit inside the decoder, turned into a value at {@link #decode}. */
    private static final class Failure extends Exception {
        final Hl7Failure failure;

        Failure(FailureReason reason, Hl7Location location, String detail) {
            super(detail, null, false, false);
            this.failure = Hl7Failure.at(reason, location, detail);
        }
    }

    /** A device row: its OBX-1, OBX-3 and OBX-18. */
    private record DeviceRow(
            int setId, int code, String label, @Nullable Equipment equipment) {}

    private record Status(int setId, String value) {}

    public Hl7Result<Pcd10Report> decode(Message message, MessageHeader header) {
        if (!(message instanceof ORU_R01 oru)
                || !header.messageCode().equals("ORU")
                || !header.triggerEvent().equals("R42")) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.UNSUPPORTED_MESSAGE_TYPE,
                    Hl7Location.field("MSH", 9),
                    "PCD-10 is ORU^R42^ORU_R01; this message is " + header.type()
                            + (header.structure().isEmpty() ? "" : " (" + header.structure() + ")")));
        }
        Hl7Result<Pcd01Report> read = numbers.decode(message, header);
        if (!read.isOk()) {
            return Hl7Result.failed(read.failure());
        }
        try {
            return Hl7Result.ok(read(oru, header, read.value()));
        } catch (Failure f) {
            return Hl7Result.failed(f.failure);
        } catch (HL7Exception | RuntimeException e) {
            return Hl7Result.failed(Hl7Failure.of(
                    FailureReason.UNPARSEABLE,
                    "the ORU^R42 structure could not be read: " + e.getClass().getSimpleName()));
        }
    }

    private Pcd10Report read(ORU_R01 oru, MessageHeader header, Pcd01Report numeric) throws HL7Exception, Failure {
        if (numeric.results().size() != 1) {
            throw new Failure(
                    FailureReason.BAD_VALUE,
                    Hl7Location.segment("PID"),
                    "a PCD-10 message reports one pump event of one patient; this one has "
                            + numeric.results().size() + " patient results");
        }
        Map<String, DeviceRow> devices = new LinkedHashMap<>();
        Map<String, Status> statusByVmd = new HashMap<>();
        Map<String, String> labelByChannel = new HashMap<>();
        Set<Integer> consumed = new TreeSet<>();
        List<Pcd01Report.Skipped> skipped = new ArrayList<>();
        Pcd10Report.PumpEvent event = null;
        int sourceRowRep = 0;
        String sourcePath = null;
        String mdsPath = null;
        int rep = 0;
        ORU_R01_PATIENT_RESULT result = oru.getPATIENT_RESULT();
        for (ORU_R01_ORDER_OBSERVATION order : result.getORDER_OBSERVATIONAll()) {
            String obr7 = text(order.getOBR().getObservationDateTime().getValue());
            for (ORU_R01_OBSERVATION observation : order.getOBSERVATIONAll()) {
                OBX obx = observation.getOBX();
                rep++;
                int setId = setId(obx, rep);
                String path = text(obx.getObservationSubID().getValue());
                String[] levels = path.isEmpty() ? new String[0] : path.split("\\.", -1);
                String codeText =
                        text(obx.getObservationIdentifier().getIdentifier().getValue());
                String refId = text(obx.getObservationIdentifier().getText().getValue());
                int code = number(codeText);
                if (isDeviceRow(levels)) {
                    devices.put(
                            path,
                            new DeviceRow(setId, code, (codeText + " " + refId).strip(), Pcd01Decoder.equipment(obx)));
                    if (mdsPath == null && isMds(levels)) {
                        mdsPath = path;
                    }
                    continue;
                }
                if (levels.length != 4) {
                    continue; // facets: listed by the PCD-01 reading, which skips them with the reason
                }
                switch (code) {
                    case EVENT_CONDITION -> {
                        if (event != null) {
                            throw new Failure(
                                    FailureReason.BAD_VALUE,
                                    Hl7Location.field("OBX", rep, 3),
                                    "OBX[" + rep + "]-3 is a second 68487 MDC_ATTR_EVT_COND (the first is OBX["
                                            + event.setId() + "]): a PCD-10 message reports one event");
                        }
                        event = event(obx, rep, setId, obr7);
                        consumed.add(setId);
                    }
                    case EVENT_SOURCE -> {
                        sourcePath = value(obx, 0);
                        sourceRowRep = rep;
                        if (sourcePath.isEmpty()) {
                            throw new Failure(
                                    FailureReason.MISSING_FIELD,
                                    Hl7Location.field("OBX", rep, 5),
                                    "OBX[" + rep + "]-5 of 68488 MDC_ATTR_EVT_SOURCE is empty: it names the"
                                            + " OBX-4 of the event's source");
                        }
                        consumed.add(setId);
                    }
                    case InfusionMetrics.DRUG_NAME_LABEL -> {
                        String label = value(obx, 0);
                        if (!label.isEmpty()) {
                            labelByChannel.put(levels[0] + "." + levels[1] + "." + levels[2], label);
                        }
                        consumed.add(setId);
                    }
                    case InfusionMetrics.PUMP_INFUSING_STATUS -> {
                        // CWE: the TF example sends the text only (^pump-status-infusing); a code alone is read too.
                        String text = value(obx, 1);
                        statusByVmd.put(
                                levels[0] + "." + levels[1], new Status(setId, text.isEmpty() ? value(obx, 0) : text));
                        consumed.add(setId);
                    }
                    default -> {
                        // a number is read by the PCD-01 reading; anything else is listed as skipped below
                    }
                }
            }
        }
        if (event == null) {
            throw new Failure(
                    FailureReason.MISSING_SEGMENT,
                    Hl7Location.segment("OBX"),
                    "the message has no OBX 68487^MDC_ATTR_EVT_COND: a PCD-10 message reports one event");
        }
        if (sourcePath != null) {
            if (!devices.containsKey(sourcePath)) {
                throw new Failure(
                        FailureReason.BAD_VALUE,
                        Hl7Location.field("OBX", sourceRowRep, 5),
                        "OBX[" + sourceRowRep + "]-5 event source '" + printable(sourcePath)
                                + "' names no device row (OBX-4) of this message");
            }
            event = new Pcd10Report.PumpEvent(
                    event.setId(),
                    event.code(),
                    event.refId(),
                    event.kind(),
                    event.reason(),
                    sourcePath,
                    event.time(),
                    event.timeText());
        }

        // The infusate sources: every channel row but the delivery information's.
        Map<String, String> sourcePathByChannel = new LinkedHashMap<>();
        Map<String, List<CompoundReading.Component>> valuesByChannel = new LinkedHashMap<>();
        devices.forEach((path, row) -> {
            String[] l = path.split("\\.", -1);
            if (l.length == 4 && !l[2].equals("0") && row.code() != DELIVERY_INFO) {
                String channel = l[0] + "." + l[1] + "." + l[2];
                sourcePathByChannel.put(channel, path);
                valuesByChannel.put(channel, new ArrayList<>());
            }
        });
        Set<Integer> numbered = new TreeSet<>();
        for (Pcd01Report.Observation o : numeric.observations()) {
            numbered.add(o.setId());
            List<CompoundReading.Component> values = valuesByChannel.get(o.channel());
            if (values == null) {
                skipped.add(new Pcd01Report.Skipped(
                        o.setId(),
                        o.metric().identityPart() + " " + o.metric().label(),
                        "OBX-4 '" + o.path() + "' is a number of no infusate source (the pump's delivery information"
                                + " or the pump itself): no InfusionStatus carries it"));
                continue;
            }
            values.add(new CompoundReading.Component(pumpMetric(o.metric()), o.value(), o.unit(), o.quality()));
        }
        for (Pcd01Report.Skipped s : numeric.skipped()) {
            if (!consumed.contains(s.setId()) && !numbered.contains(s.setId())) {
                skipped.add(s);
            }
        }
        skipped.sort(java.util.Comparator.comparingInt(Pcd01Report.Skipped::setId));

        List<Pcd10Report.Source> sources = new ArrayList<>();
        for (Map.Entry<String, String> e : sourcePathByChannel.entrySet()) {
            String channel = e.getKey();
            String vmd = channel.substring(0, channel.lastIndexOf('.'));
            Status status = statusByVmd.get(vmd);
            InfusionStatus.State state = InfusionStatus.State.UNKNOWN;
            String stateReason;
            if (status == null) {
                stateReason = "no 184519 MDC_PUMP_INFUSING_STATUS row for VMD " + vmd;
            } else if (status.value().equalsIgnoreCase(INFUSING)) {
                state = InfusionStatus.State.INFUSING;
                stateReason = "";
            } else {
                stateReason = "OBX[" + status.setId() + "] MDC_PUMP_INFUSING_STATUS '" + printable(status.value())
                        + "' is not a value mapped here (only " + INFUSING + " is printed in a source)";
            }
            DeviceRow row = devices.get(e.getValue());
            sources.add(new Pcd10Report.Source(
                    e.getValue(),
                    row.code(),
                    state,
                    stateReason,
                    labelByChannel.get(channel),
                    valuesByChannel.get(channel)));
        }

        DeviceRow mds = mdsPath == null ? null : devices.get(mdsPath);
        Pcd01Report.PatientResult patient = numeric.results().get(0);
        return new Pcd10Report(
                header,
                patient.patientIdentifiers(),
                patient.location(),
                mds == null ? 0 : mds.setId(),
                mds == null ? null : mds.equipment(),
                mds == null ? "" : mds.label(),
                event,
                sources,
                skipped);
    }

    /** A pump term of the PCD-10 example for what the PCD-01 reading keeps as a vendor metric {@code X_MDC_<code>}. */
    private static MetricCode pumpMetric(MetricCode read) {
        if (read.isStandard() || !read.refId().startsWith("X_MDC_")) {
            return read;
        }
        int code = number(read.refId().substring("X_MDC_".length()));
        return code < 0 ? read : MdcTerms.pumpMetric(code).orElse(read);
    }

    private Pcd10Report.PumpEvent event(OBX obx, int rep, int setId, String obr7) throws HL7Exception, Failure {
        String codeText = value(obx, 0);
        String refId = value(obx, 1);
        String system = value(obx, 2);
        if (codeText.isEmpty()) {
            throw new Failure(
                    FailureReason.MISSING_FIELD,
                    Hl7Location.component("OBX", rep, 5, 1),
                    "OBX[" + rep + "]-5 of 68487 MDC_ATTR_EVT_COND has no event code");
        }
        int code = number(codeText);
        if (code < 0 || !(system.isEmpty() || system.equals("MDC"))) {
            throw new Failure(
                    FailureReason.BAD_VALUE,
                    Hl7Location.component("OBX", rep, 5, code < 0 ? 1 : 3),
                    "OBX[" + rep + "]-5 event '" + printable(codeText + "^" + refId + "^" + system)
                            + "' is not an MDC event code");
        }
        if (!REF_ID.matcher(refId).matches()) {
            throw new Failure(
                    FailureReason.BAD_VALUE,
                    Hl7Location.component("OBX", rep, 5, 2),
                    "OBX[" + rep + "]-5.2 reference id of event " + code
                            + " is not an MDC reference id (letters, digits and '_', at most 64)");
        }
        InfusionEvent.Kind kind;
        String reason = "";
        if (code == DELIVERY_START) {
            kind = InfusionEvent.Kind.DELIVERY_START;
        } else if (refId.equals("MDC_EVT_PUMP_DELIV_STOP")) {
            kind = InfusionEvent.Kind.DELIVERY_STOP;
        } else if (refId.equals("MDC_EVT_PUMP_DELIV_COMP")) {
            kind = InfusionEvent.Kind.DELIVERY_COMPLETE;
        } else {
            kind = InfusionEvent.Kind.UNKNOWN;
            reason = "event code " + code + (refId.isEmpty() ? "" : " " + printable(refId))
                    + " is none of the PCD-10 required events (delivery start, stop, complete)";
        }
        String obx14 = text(obx.getDateTimeOfTheObservation().getValue());
        Hl7Time.Dtm when = obx14.isEmpty()
                ? time(obr7, Hl7Location.field("OBR", 7))
                : time(obx14, Hl7Location.field("OBX", rep, 14));
        return new Pcd10Report.PumpEvent(
                setId,
                code,
                refId,
                kind,
                reason,
                null,
                when == null ? null : when.instant(assumedZone),
                when == null ? "" : when.text());
    }

    /** Component {@code index} of OBX-5's first repetition, read through HAPI's type (CWE, ST, or generic). */
    private static String value(OBX obx, int index) throws HL7Exception {
        if (obx.getObservationValue().length == 0) {
            return "";
        }
        Type data = obx.getObservationValue(0).getData();
        if (data instanceof Composite c) {
            Type[] parts = c.getComponents();
            if (index >= parts.length) {
                return "";
            }
            return parts[index] instanceof Primitive p ? text(p.getValue()) : text(parts[index].encode());
        }
        if (data instanceof Primitive p) {
            return index == 0 ? text(p.getValue()) : "";
        }
        return "";
    }

    private static boolean isDeviceRow(String[] levels) {
        if (levels.length == 0) {
            return false;
        }
        return levels.length < 4 || (levels.length == 4 && levels[3].equals("0"));
    }

    private static boolean isMds(String[] levels) {
        for (int i = 1; i < levels.length; i++) {
            if (!levels[i].equals("0")) {
                return false;
            }
        }
        return true;
    }

    private static int setId(OBX obx, int rep) {
        int n = number(text(obx.getSetIDOBX().getValue()));
        return n < 0 ? rep : n;
    }

    private static int number(String s) {
        try {
            return s.isEmpty() ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Hl7Time.@Nullable Dtm time(String value, Hl7Location where) throws Failure {
        try {
            return Hl7Time.parse(value);
        } catch (DataTypeException | RuntimeException e) {
            throw new Failure(
                    FailureReason.BAD_VALUE, where, where + " '" + printable(value) + "' is not an HL7 date/time");
        }
    }

    private static String text(@Nullable String v) {
        return v == null ? "" : v.strip();
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
