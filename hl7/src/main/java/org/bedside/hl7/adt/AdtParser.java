package org.bedside.hl7.adt;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.v26.datatype.CX;
import ca.uhn.hl7v2.model.v26.segment.EVN;
import ca.uhn.hl7v2.model.v26.segment.MRG;
import ca.uhn.hl7v2.model.v26.segment.PID;
import ca.uhn.hl7v2.model.v26.segment.PV1;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.Hl7Time;
import org.bedside.hl7.MessageHeader;
import org.bedside.hl7.PatientIdentifier;
import org.jspecify.annotations.Nullable;

/**
 * Reads an ADT message, parsed by HAPI (any version from 2.3, with the v2.6 structures: {@code ADT_A01} for A01, A04,
 * A08, A13; {@code ADT_A02}, {@code ADT_A03}, {@code ADT_A06} for A06/A07, {@code ADT_A09} for A11, {@code ADT_A12},
 * {@code ADT_A15}, {@code ADT_A17}, {@code ADT_A21} for A21, A22, A26, {@code ADT_A39} for A40), into an {@link
 * AdtEvent}. Pure; a message that cannot be read gives an {@link Hl7Failure} naming the field.
 *
 * <p>The PID, PV1 and MRG segments are collected in message order wherever the structure puts them (A17 has two PID
 * and PV1 pairs, A40 a PATIENT group per merge), so one reader serves every trigger.
 *
 * <p>Hospital feeds commonly send local times without a zone offset; those are read in the zone given to the parser
 * (the hospital's). A time with an offset is taken as sent.
 */
public final class AdtParser {
    private final ZoneId hospitalZone;

    /** @param hospitalZone the zone of the ADT feed's local times, for times sent without an offset */
    public AdtParser(ZoneId hospitalZone) {
        this.hospitalZone = hospitalZone;
    }

    private static final class Failure extends Exception {
        final Hl7Failure failure;

        Failure(FailureReason reason, Hl7Location location, String detail) {
            super(detail, null, false, false);
            this.failure = Hl7Failure.at(reason, location, detail);
        }
    }

    public Hl7Result<AdtEvent> parse(Message message, MessageHeader header) {
        try {
            return Hl7Result.ok(read(message, header));
        } catch (Failure f) {
            return Hl7Result.failed(f.failure);
        } catch (HL7Exception | RuntimeException e) {
            return Hl7Result.failed(Hl7Failure.of(
                    FailureReason.UNPARSEABLE,
                    "the ADT structure could not be read: " + e.getClass().getSimpleName()));
        }
    }

    private AdtEvent read(Message message, MessageHeader header) throws HL7Exception, Failure {
        if (!header.messageCode().equals("ADT")) {
            throw new Failure(
                    FailureReason.UNSUPPORTED_MESSAGE_TYPE,
                    Hl7Location.component("MSH", 1, 9, 1),
                    "an ADT message was expected; MSH-9 is " + header.type());
        }
        List<Segment> segments = new ArrayList<>();
        collect(message, segments);
        EVN evn = first(segments, EVN.class);
        String code = header.triggerEvent();
        if (code.isEmpty() && evn != null) {
            code = text(evn.getEventTypeCode().getValue());
        }
        String triggerCode = code;
        AdtTrigger trigger = AdtTrigger.parse(code)
                .orElseThrow(() -> new Failure(
                        FailureReason.UNSUPPORTED_EVENT,
                        Hl7Location.component("MSH", 1, 9, 2),
                        "ADT trigger '" + printable(triggerCode) + "' is not one the patient association reads"));
        AdtEvent.Header h = new AdtEvent.Header(
                trigger,
                header.controlId(),
                header.sendingApplication(),
                header.sendingFacility(),
                time(header.dateTime(), Hl7Location.field("MSH", 7)),
                evn == null ? null : time(evn.getRecordedDateTime().getValue(), Hl7Location.field("EVN", 2)),
                evn == null ? null : time(evn.getEventOccurred().getValue(), Hl7Location.field("EVN", 6)));

        List<AdtEvent.Patient> patients = new ArrayList<>();
        List<List<PatientIdentifier>> merged = new ArrayList<>();
        int pidRep = 0;
        int mrgRep = 0;
        PID pid = null;
        PV1 pv1 = null;
        List<PatientIdentifier> mrg = null;
        for (Segment s : segments) {
            if (s instanceof PID p) {
                if (pid != null) {
                    patients.add(patient(pid, pidRep, pv1));
                    merged.add(mrg);
                }
                pid = p;
                pidRep++;
                pv1 = null;
                mrg = null;
            } else if (s instanceof PV1 v && pid != null && pv1 == null) {
                pv1 = v;
            } else if (s instanceof MRG m && pid != null && mrg == null) {
                mrgRep++;
                mrg = mergedIdentifiers(m, mrgRep);
            }
        }
        if (pid == null) {
            throw new Failure(
                    FailureReason.MISSING_SEGMENT,
                    Hl7Location.segment("PID"),
                    "the " + trigger + " message has no PID");
        }
        patients.add(patient(pid, pidRep, pv1));
        merged.add(mrg);

        switch (trigger) {
            case A17 -> {
                if (patients.size() != 2) {
                    throw new Failure(
                            FailureReason.MISSING_SEGMENT,
                            Hl7Location.segment("PID"),
                            "A17 swaps two patients; the message has " + patients.size() + " PID");
                }
                return new AdtEvent.Swap(h, patients.get(0), patients.get(1));
            }
            case A40 -> {
                List<AdtEvent.MergedPatient> merges = new ArrayList<>();
                for (int i = 0; i < patients.size(); i++) {
                    List<PatientIdentifier> ids = merged.get(i);
                    if (ids == null || ids.isEmpty()) {
                        throw new Failure(
                                FailureReason.MISSING_FIELD,
                                Hl7Location.field("MRG", i + 1, 1),
                                "A40 patient " + (i + 1) + " has no MRG-1 (the identifiers merged into it)");
                    }
                    merges.add(new AdtEvent.MergedPatient(patients.get(i), ids));
                }
                return new AdtEvent.Merge(h, merges);
            }
            default -> {
                return new AdtEvent.PatientEvent(h, patients.get(0));
            }
        }
    }

    private AdtEvent.Patient patient(PID pid, int rep, @Nullable PV1 pv1) throws HL7Exception, Failure {
        List<PatientIdentifier> ids = new ArrayList<>();
        for (CX cx : pid.getPatientIdentifierList()) {
            PatientIdentifier id = PatientIdentifier.of(cx);
            if (id != null) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            throw new Failure(
                    FailureReason.MISSING_FIELD,
                    Hl7Location.field("PID", rep, 3),
                    "PID" + (rep > 1 ? "[" + rep + "]" : "") + "-3 (patient identifier list) is empty");
        }
        return new AdtEvent.Patient(ids, pv1 == null ? null : visit(pv1, rep));
    }

    private AdtEvent.Visit visit(PV1 pv1, int rep) throws Failure {
        return new AdtEvent.Visit(
                text(pv1.getPatientClass().getValue()),
                CareLocation.of(pv1.getAssignedPatientLocation()),
                CareLocation.of(pv1.getPriorPatientLocation()),
                time(pv1.getAdmitDateTime().getValue(), Hl7Location.field("PV1", rep, 44)),
                time(pv1.getDischargeDateTime().getValue(), Hl7Location.field("PV1", rep, 45)));
    }

    private static List<PatientIdentifier> mergedIdentifiers(MRG mrg, int rep) throws Failure {
        List<PatientIdentifier> ids = new ArrayList<>();
        for (CX cx : mrg.getPriorPatientIdentifierList()) {
            PatientIdentifier id = PatientIdentifier.of(cx);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private @Nullable Instant time(@Nullable String value, Hl7Location where) throws Failure {
        try {
            Hl7Time.Dtm dtm = Hl7Time.parse(value);
            return dtm == null ? null : dtm.instant(hospitalZone);
        } catch (DataTypeException | RuntimeException e) {
            throw new Failure(
                    FailureReason.BAD_VALUE,
                    where,
                    where + " '" + printable(value == null ? "" : value) + "' is not an HL7 date/time");
        }
    }

    /** Every non-empty segment of the message, in structure order, however deep in groups. */
    private static void collect(Group group, List<Segment> out) throws HL7Exception {
        for (String name : group.getNames()) {
            for (Structure s : group.getAll(name)) {
                if (s.isEmpty()) {
                    continue;
                }
                if (s instanceof Segment seg) {
                    out.add(seg);
                } else if (s instanceof Group g) {
                    collect(g, out);
                }
            }
        }
    }

    private static <T> @Nullable T first(List<Segment> segments, Class<T> type) {
        Optional<Segment> s = segments.stream().filter(type::isInstance).findFirst();
        return s.map(type::cast).orElse(null);
    }

    private static String text(@Nullable String v) {
        return v == null ? "" : v.strip();
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
