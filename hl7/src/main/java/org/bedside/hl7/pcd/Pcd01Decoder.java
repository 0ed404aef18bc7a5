package org.bedside.hl7.pcd;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.v26.datatype.CWE;
import ca.uhn.hl7v2.model.v26.datatype.CX;
import ca.uhn.hl7v2.model.v26.datatype.EI;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.Hl7Time;
import org.bedside.hl7.MessageHeader;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.model.MetricCode;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads an IHE PCD-01 {@code ORU^R01} (IHE PCD TF-2 3.1 and Appendix B.8), parsed by HAPI, into a {@link
 * Pcd01Report}. Pure: no I/O, no clock; never throws for bad content, returns an {@link Hl7Failure} naming the field.
 *
 * <pre>
 *   OBX|4|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.1.1.5|117|266016^MDC_DIM_MMHG^MDC|90-160||||R|||20150122115000+0000
 *        │    └ OBX-3 MDC code                   └ OBX-4  └5  └ OBX-6 unit        └7 limits └11 status └14 time
 * </pre>
 *
 * <ul>
 *   <li><b>Hierarchy (OBX-4):</b> a path of four levels ending in 0 ({@code 1.0.0.0} MDS, {@code 1.1.0.0} VMD, {@code
 *       1.1.1.0} channel), or of fewer levels, is a device row: not a reading, but its OBX-18 (the equipment's
 *       EUI-64) is inherited by the metrics below it. Four levels ending in a non-zero number are a metric; five and
 *       more are facets (PCD-04, PCD-10), skipped here.
 *   <li><b>Codes (OBX-3):</b> an MDC code the gateway knows ({@link MdcTerms}) becomes its metric; any other code is
 *       kept as a vendor metric {@code X_MDC_<code>} (buffered, never charted as a standard term), or {@code
 *       X_<system>_<code>} for another coding system.
 *   <li><b>Units (OBX-6):</b> a UCUM coding (first or alternate triplet) is taken as sent; an MDC dimension is
 *       translated by {@link MdcTerms}; a row whose unit has no UCUM equivalent is skipped, with the reason.
 *   <li><b>Values (OBX-5):</b> only value type NM (and SN of the form {@code ^number}) are readings; the digits are
 *       kept as sent. A value that is not a number fails the message ({@link FailureReason#BAD_VALUE}): nothing of a
 *       message that is wrong is half-taken.
 *   <li><b>Quality:</b> OBX-8 measurement-status codes (protocols.md 6.6, PoCD IG) map to the quality flags one to one;
 *       TEST and DEMO data are also invalid (they must never be charted as a patient's); {@code <} and {@code >} are
 *       under and over range. OBX-11 X (results cannot be obtained), W (wrong) and D (deleted) make the value
 *       invalid with the reason, digits kept; an empty OBX-11 makes it questionable. An empty OBX-5 is "no value".
 *   <li><b>Time:</b> OBX-14, else OBR-7 (TF B.8.7). A time without a zone offset is not placed on the time line (null)
 *       unless the decoder was given the zone to assume for that sender.
 * </ul>
 */
public final class Pcd01Decoder {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

    private final @Nullable ZoneId assumedZone;

    /** A decoder that places no time without a zone offset. */
    public Pcd01Decoder() {
        this(null);
    }

    /** @param assumedZone the zone of a sender that omits offsets (a misconfigured DOR), or null */
    public Pcd01Decoder(@Nullable ZoneId assumedZone) {
        this.assumedZone = assumedZone;
    }

    /** Stackless early exit inside the decoder, turned into a value at {@link #decode}. */
    private static final class Failure extends Exception {
        final Hl7Failure failure;

        Failure(FailureReason reason, Hl7Location location, String detail) {
            super(detail, null, false, false);
            this.failure = Hl7Failure.at(reason, location, detail);
        }
    }

    public Hl7Result<Pcd01Report> decode(Message message, MessageHeader header) {
        if (!(message instanceof ORU_R01 oru)) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.UNSUPPORTED_MESSAGE_TYPE,
                    Hl7Location.field("MSH", 9),
                    "PCD-01 is ORU^R01^ORU_R01; this message is " + header.type()
                            + (header.structure().isEmpty() ? "" : " (" + header.structure() + ")")));
        }
        try {
            return Hl7Result.ok(read(oru, header));
        } catch (Failure f) {
            return Hl7Result.failed(f.failure);
        } catch (HL7Exception | RuntimeException e) {
            return Hl7Result.failed(Hl7Failure.of(
                    FailureReason.UNPARSEABLE,
                    "the ORU^R01 structure could not be read: " + e.getClass().getSimpleName()));
        }
    }

    private Pcd01Report read(ORU_R01 oru, MessageHeader header) throws HL7Exception, Failure {
        if (hasStray(oru, "OBX")) {
            throw new Failure(
                    FailureReason.MISSING_SEGMENT,
                    Hl7Location.segment("OBR"),
                    "an OBX segment comes before any OBR: each observation belongs to an OBR");
        }
        List<Pcd01Report.PatientResult> results = new ArrayList<>();
        List<Pcd01Report.Skipped> skipped = new ArrayList<>();
        int[] obxCount = {0};
        int obrCount = 0;
        for (ORU_R01_PATIENT_RESULT result : oru.getPATIENT_RESULTAll()) {
            List<PatientIdentifier> ids = new ArrayList<>();
            CareLocation location = null;
            ORU_R01_PATIENT patient = result.getPATIENT();
            if (!patient.isEmpty()) {
                for (CX cx : patient.getPID().getPatientIdentifierList()) {
                    PatientIdentifier id = PatientIdentifier.of(cx);
                    if (id != null) {
                        ids.add(id);
                    }
                }
                location = CareLocation.of(patient.getVISIT().getPV1().getAssignedPatientLocation());
            }
            List<Pcd01Report.Observation> observations = new ArrayList<>();
            for (ORU_R01_ORDER_OBSERVATION order : result.getORDER_OBSERVATIONAll()) {
                if (order.getOBR().isEmpty() && order.getOBSERVATIONAll().isEmpty()) {
                    continue;
                }
                obrCount++;
                readOrder(order, obrCount, obxCount, observations, skipped);
            }
            results.add(new Pcd01Report.PatientResult(ids, location, observations));
        }
        if (obrCount == 0) {
            throw new Failure(FailureReason.MISSING_SEGMENT, Hl7Location.segment("OBR"), "the message has no OBR");
        }
        if (obxCount[0] == 0) {
            throw new Failure(FailureReason.MISSING_SEGMENT, Hl7Location.segment("OBX"), "the message has no OBX");
        }
        return new Pcd01Report(header, results, skipped);
    }

    private void readOrder(
            ORU_R01_ORDER_OBSERVATION order,
            int obrIndex,
            int[] obxCount,
            List<Pcd01Report.Observation> out,
            List<Pcd01Report.Skipped> skipped)
            throws HL7Exception, Failure {
        OBR obr = order.getOBR();
        if (obr.isEmpty()) {
            throw new Failure(
                    FailureReason.MISSING_SEGMENT, Hl7Location.segment("OBR"), "observations without their OBR");
        }
        String obr7 = text(obr.getObservationDateTime().getValue());
        Hl7Time.Dtm obrTime = time(obr7, Hl7Location.field("OBR", obrIndex, 7));
        Map<String, Equipment> deviceEquipment = new HashMap<>();
        for (ORU_R01_OBSERVATION observation : order.getOBSERVATIONAll()) {
            OBX obx = observation.getOBX();
            obxCount[0]++;
            int rep = obxCount[0];
            String path = text(obx.getObservationSubID().getValue());
            String[] levels = path.isEmpty() ? new String[0] : path.split("\\.", -1);
            Equipment own = equipment(obx);
            if (isDeviceRow(levels)) {
                if (own != null) {
                    deviceEquipment.put(path, own);
                }
                continue;
            }
            Optional<Pcd01Report.Observation> o =
                    metric(obx, rep, path, levels, obrTime, own, deviceEquipment, skipped);
            o.ifPresent(out::add);
        }
    }

    private Optional<Pcd01Report.Observation> metric(
            OBX obx,
            int rep,
            String path,
            String[] levels,
            Hl7Time.@Nullable Dtm obrTime,
            @Nullable Equipment own,
            Map<String, Equipment> deviceEquipment,
            List<Pcd01Report.Skipped> skipped)
            throws HL7Exception, Failure {
        int setId = setId(obx, rep);
        CWE code = obx.getObservationIdentifier();
        String codeText = text(code.getIdentifier().getValue());
        String name = text(code.getText().getValue());
        String label = codeText + (name.isEmpty() ? "" : " " + name);
        if (levels.length > 4) {
            skipped.add(new Pcd01Report.Skipped(setId, label, "OBX-4 '" + path + "' is a facet, not a metric"));
            return Optional.empty();
        }
        String valueType = text(obx.getValueType().getValue());
        if (!valueType.equals("NM") && !valueType.equals("SN")) {
            skipped.add(new Pcd01Report.Skipped(
                    setId,
                    label,
                    "value type " + (valueType.isEmpty() ? "(empty)" : valueType)
                            + " is not a number; only numeric observations become readings"));
            return Optional.empty();
        }
        if (codeText.isEmpty()) {
            throw new Failure(
                    FailureReason.MISSING_FIELD,
                    Hl7Location.component("OBX", rep, 3, 1),
                    "OBX[" + rep + "]-3 has no observation code");
        }
        MetricCode metric = metricOf(code, codeText, name, rep);
        Optional<UcumUnit> unit = unitOf(obx.getUnits());
        if (unit.isEmpty()) {
            String u = text(obx.getUnits().getIdentifier().getValue()) + " "
                    + text(obx.getUnits().getText().getValue());
            skipped.add(new Pcd01Report.Skipped(
                    setId, label, "OBX-6 unit '" + u.strip() + "' has no UCUM equivalent known here"));
            return Optional.empty();
        }
        BigDecimal value = value(obx, rep, valueType);
        EnumSet<QualityFlag> flags = EnumSet.noneOf(QualityFlag.class);
        List<String> reasons = new ArrayList<>();
        List<String> abnormal = new ArrayList<>();
        for (var flag : obx.getAbnormalFlags()) {
            String f = text(flag.getValue());
            if (!f.isEmpty() && !measurementStatus(f, flags, reasons)) {
                abnormal.add(f);
            }
        }
        String status = text(obx.getObservationResultStatus().getValue());
        resultStatus(status, flags, reasons);
        if (value == null) {
            flags.add(QualityFlag.NOT_AVAILABLE);
            reasons.add("OBX-5 empty: no value");
        }
        Quality quality = flags.isEmpty() ? Quality.VALID : new Quality(flags, String.join("; ", reasons));
        String obx14 = text(obx.getDateTimeOfTheObservation().getValue());
        Hl7Time.Dtm when = obx14.isEmpty() ? obrTime : time(obx14, Hl7Location.field("OBX", rep, 14));
        Instant instant = when == null ? null : when.instant(assumedZone);
        Equipment equipment = own != null ? own : inherited(levels, deviceEquipment);
        return Optional.of(new Pcd01Report.Observation(
                setId,
                path,
                metric,
                value,
                unit.get(),
                quality,
                instant,
                when == null ? "" : when.text(),
                equipment,
                status,
                text(obx.getReferencesRange().getValue()),
                abnormal));
    }

    private static boolean isDeviceRow(String[] levels) {
        if (levels.length == 0) {
            return false;
        }
        if (levels.length < 4) {
            return true;
        }
        return levels.length == 4 && levels[3].equals("0");
    }

    private static @Nullable Equipment inherited(String[] levels, Map<String, Equipment> deviceEquipment) {
        if (levels.length != 4) {
            return null;
        }
        String[] candidates = {
            levels[0] + "." + levels[1] + "." + levels[2] + ".0",
            levels[0] + "." + levels[1] + ".0.0",
            levels[0] + ".0.0.0",
            levels[0] + "." + levels[1] + "." + levels[2],
            levels[0] + "." + levels[1],
            levels[0]
        };
        for (String c : candidates) {
            Equipment e = deviceEquipment.get(c);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** The first equipment identifier of OBX-18 that names one (also read by {@link Pcd10Decoder}). */
    static @Nullable Equipment equipment(OBX obx) throws HL7Exception {
        for (EI ei : obx.getEquipmentInstanceIdentifier()) {
            Equipment e = Equipment.of(ei);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    private static int setId(OBX obx, int rep) {
        String v = text(obx.getSetIDOBX().getValue());
        try {
            return v.isEmpty() ? rep : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return rep;
        }
    }

    private static MetricCode metricOf(CWE code, String codeText, String name, int rep) throws Failure {
        String system = text(code.getNameOfCodingSystem().getValue());
        boolean mdc = system.equals("MDC") || (system.isEmpty() && name.startsWith("MDC_"));
        if (mdc) {
            int number;
            try {
                number = Integer.parseInt(codeText);
            } catch (NumberFormatException e) {
                throw new Failure(
                        FailureReason.BAD_VALUE,
                        Hl7Location.component("OBX", rep, 3, 1),
                        "OBX[" + rep + "]-3.1 '" + printable(codeText) + "' is not an MDC code number");
            }
            Optional<MetricCode> known = MdcTerms.metric(number);
            if (known.isPresent()) {
                return known.get();
            }
            return MetricCode.vendor("X_MDC_" + number, name.isEmpty() ? "MDC " + number : name);
        }
        String sys =
                system.isEmpty() ? "LOCAL" : system.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        String id = codeText.replaceAll("[^A-Za-z0-9._-]", "_");
        return MetricCode.vendor("X_" + sys + "_" + id, name.isEmpty() ? system + " " + codeText : name);
    }

    private static Optional<UcumUnit> unitOf(CWE units) {
        String id = text(units.getIdentifier().getValue());
        String display = text(units.getText().getValue());
        String system = text(units.getNameOfCodingSystem().getValue());
        if (system.equals("UCUM") && !id.isEmpty()) {
            return Optional.of(new UcumUnit(id, display.isEmpty() ? id : display));
        }
        String altId = text(units.getAlternateIdentifier().getValue());
        String altText = text(units.getAlternateText().getValue());
        String altSystem = text(units.getNameOfAlternateCodingSystem().getValue());
        if (altSystem.equals("UCUM") && !altId.isEmpty()) {
            // The MDC table's display tells beats from breaths; UCUM itself does not.
            Optional<MdcTerms.Unit> mdc = mdcUnit(id, system, display);
            if (mdc.isPresent() && mdc.get().ucum().code().equals(altId)) {
                return Optional.of(mdc.get().ucum());
            }
            return Optional.of(new UcumUnit(altId, altText.isEmpty() ? altId : altText));
        }
        return mdcUnit(id, system, display).map(MdcTerms.Unit::ucum);
    }

    private static Optional<MdcTerms.Unit> mdcUnit(String id, String system, String display) {
        if (!system.equals("MDC") && !(system.isEmpty() && display.startsWith("MDC_DIM"))) {
            return Optional.empty();
        }
        try {
            return MdcTerms.unit(Integer.parseInt(id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static @Nullable BigDecimal value(OBX obx, int rep, String valueType) throws HL7Exception, Failure {
        if (obx.getObservationValue().length == 0) {
            return null;
        }
        String raw = obx.getObservationValue(0).encode().strip();
        if (raw.isEmpty() || raw.equals("\"\"")) {
            return null;
        }
        if (obx.getObservationValue().length > 1) {
            throw new Failure(
                    FailureReason.BAD_VALUE,
                    Hl7Location.field("OBX", rep, 5),
                    "OBX[" + rep + "]-5 repeats: a numeric observation has one value");
        }
        String number = raw;
        if (valueType.equals("SN")) {
            // SN is comparator^num1^separator^num2; only a plain number (^117) is a reading.
            String[] parts = raw.split("\\^", -1);
            boolean plain = parts.length >= 2
                    && parts[0].isEmpty()
                    && (parts.length < 3 || (parts[2].isEmpty() && (parts.length < 4 || parts[3].isEmpty())));
            if (!plain) {
                throw new Failure(
                        FailureReason.BAD_VALUE,
                        Hl7Location.field("OBX", rep, 5),
                        "OBX[" + rep + "]-5 structured numeric '" + printable(raw)
                                + "' is not a plain number (a comparator or range is not a reading)");
            }
            number = parts[1];
        }
        if (!NUMBER.matcher(number).matches()) {
            throw new Failure(
                    FailureReason.BAD_VALUE,
                    Hl7Location.field("OBX", rep, 5),
                    "OBX[" + rep + "]-5 '" + printable(number) + "' is not a number (value type " + valueType + ")");
        }
        return new BigDecimal(number.startsWith("+") ? number.substring(1) : number);
    }

    /** OBX-8 measurement status (protocols.md 6.6); false when the code is an abnormal flag instead. */
    private static boolean measurementStatus(String code, Set<QualityFlag> flags, List<String> reasons) {
        switch (code) {
            case "INV" -> add(flags, reasons, QualityFlag.INVALID, "OBX-8 INV: the device marks the value invalid");
            case "QUES" -> add(flags, reasons, QualityFlag.QUESTIONABLE, "OBX-8 QUES: the device doubts the value");
            case "NAV" -> add(flags, reasons, QualityFlag.NOT_AVAILABLE, "OBX-8 NAV: not available");
            case "CAL" -> add(flags, reasons, QualityFlag.CALIBRATING, "OBX-8 CAL: calibration ongoing");
            case "TEST" -> {
                add(flags, reasons, QualityFlag.TEST_DATA, "OBX-8 TEST: test data, not a patient's");
                flags.add(QualityFlag.INVALID);
            }
            case "DEMO" -> {
                add(flags, reasons, QualityFlag.DEMO_DATA, "OBX-8 DEMO: demo data, not a patient's");
                flags.add(QualityFlag.INVALID);
            }
            case "VAL" -> add(flags, reasons, QualityFlag.VALIDATED, "OBX-8 VAL: validated");
            case "EARLY" -> add(flags, reasons, QualityFlag.EARLY_INDICATION, "OBX-8 EARLY: early indication");
            case "BUSY" -> add(flags, reasons, QualityFlag.MEASUREMENT_ONGOING, "OBX-8 BUSY: measurement ongoing");
            case "ALACT" -> add(flags, reasons, QualityFlag.IN_ALARM, "OBX-8 ALACT: in alarm");
            case "ALINH" -> add(flags, reasons, QualityFlag.ALARMS_INHIBITED, "OBX-8 ALINH: alarms inhibited");
            case "<" -> add(flags, reasons, QualityFlag.UNDER_RANGE, "OBX-8 <: below the instrument's scale");
            case ">" -> add(flags, reasons, QualityFlag.OVER_RANGE, "OBX-8 >: above the instrument's scale");
            default -> {
                return false;
            }
        }
        return true;
    }

    /** OBX-11 (HL7 table 0085 as the IHE PCD TF B.8 selects it). */
    private static void resultStatus(String status, Set<QualityFlag> flags, List<String> reasons) {
        switch (status) {
            case "F", "R", "P", "S", "C", "U" -> {
                // Final, unverified, preliminary, partial, corrected, status change: a usable value.
            }
            case "X" -> add(flags, reasons, QualityFlag.INVALID, "OBX-11 X: results cannot be obtained");
            case "W" -> add(flags, reasons, QualityFlag.INVALID, "OBX-11 W: the sender marks the result wrong");
            case "D" -> add(flags, reasons, QualityFlag.INVALID, "OBX-11 D: the sender deletes the result");
            case "N" -> add(flags, reasons, QualityFlag.INVALID, "OBX-11 N: not asked, no result");
            case "" -> add(flags, reasons, QualityFlag.QUESTIONABLE, "OBX-11 empty: result status not sent");
            default ->
                add(flags, reasons, QualityFlag.QUESTIONABLE, "OBX-11 '" + printable(status) + "': unknown status");
        }
    }

    private static void add(Set<QualityFlag> flags, List<String> reasons, QualityFlag flag, String reason) {
        flags.add(flag);
        reasons.add(reason);
    }

    private static Hl7Time.@Nullable Dtm time(String value, Hl7Location where) throws Failure {
        try {
            return Hl7Time.parse(value);
        } catch (DataTypeException | RuntimeException e) {
            throw new Failure(
                    FailureReason.BAD_VALUE, where, where + " '" + printable(value) + "' is not an HL7 date/time");
        }
    }

    private static boolean hasStray(Message message, String segment) throws HL7Exception {
        for (String name : message.getNames()) {
            if (name.equals(segment)) {
                Structure[] s = message.getAll(name);
                return s.length > 0 && !s[0].isEmpty();
            }
        }
        return false;
    }

    private static String text(@Nullable String v) {
        return v == null ? "" : v.strip();
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
