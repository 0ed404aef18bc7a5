package org.bedside.hl7.pcd;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.util.Terser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.Hl7Time;
import org.bedside.hl7.MessageHeader;
import org.jspecify.annotations.Nullable;

/**
 * Reads an IHE PCD-05 Report Alert Status ({@code ORA^R41^ORA_R41}, TF-2 3.5.4.1.4) that HAPI parsed into its v2.6
 * {@code ORU_R01} structure ({@link org.bedside.hl7.Hl7Parser} maps {@code ORA_R41} to it, as {@code ORU_R40}).
 *
 * <p>Per OBR: OBR-3 names the alert indication the status is about (the PCD-04's notification id, under the sender's
 * application and EUI-64), OBR-29 the alert's first indication. Per PRT segment under it (HL7 v2.7, which HAPI's v2.6
 * structure keeps as a non-standard segment where it stands; its fields are read with HAPI's {@link Terser}, never
 * split by hand): PRT-3.2 the status of Table B.10.2-2 ({@code Received}, {@code Delivered}, {@code Read},
 * {@code Accepted}, {@code Rejected}...), PRT-1 the Alert Manager's dissemination id, PRT-5 the recipient, PRT-10 or
 * PRT-15 the endpoint, PRT-11 the time.
 *
 * <p>Bad input is a value naming the field: a message that is not {@code ^R41}, no OBR, an empty OBR-3, an OBR without
 * any PRT (nothing to report), a PRT-3.2 outside the table, a PRT-11 that is not an HL7 time.
 */
public final class Pcd05Decoder {

    public Hl7Result<Pcd05Report> decode(Message message, MessageHeader header) {
        try {
            return read(message, header);
        } catch (HL7Exception e) {
            return Hl7Result.failed(
                    FailureReason.UNPARSEABLE, Hl7Location.segment("MSH"), "HAPI could not read the PCD-05: " + e);
        }
    }

    private Hl7Result<Pcd05Report> read(Message message, MessageHeader h) throws HL7Exception {
        if (!(h.messageCode().equals("ORA") || h.messageCode().equals("ORU"))
                || !h.triggerEvent().equals("R41")) {
            return Hl7Result.failed(
                    FailureReason.UNSUPPORTED_MESSAGE_TYPE,
                    Hl7Location.field("MSH", 9),
                    "a PCD-05 is ORA^R41^ORA_R41; this message is " + h.type());
        }
        if (!(message instanceof ORU_R01 oru)) {
            return Hl7Result.failed(
                    FailureReason.UNSUPPORTED_MESSAGE_TYPE,
                    Hl7Location.field("MSH", 9),
                    "MSH-9.3 '" + h.structure() + "' is not the ORA_R41 structure of a PCD-05");
        }
        List<Pcd05Report.AlertStatus> alerts = new ArrayList<>();
        int obrNumber = 0;
        for (ORU_R01_PATIENT_RESULT result : oru.getPATIENT_RESULTAll()) {
            for (ORU_R01_ORDER_OBSERVATION order : result.getORDER_OBSERVATIONAll()) {
                OBR obr = order.getOBR();
                if (obr.isEmpty()) {
                    continue;
                }
                obrNumber++;
                String indication =
                        value(obr.getFillerOrderNumber().getEntityIdentifier().getValue());
                if (indication.isEmpty()) {
                    return Hl7Result.failed(
                            FailureReason.MISSING_FIELD,
                            Hl7Location.component("OBR", obrNumber, 3, 1),
                            "OBR-3 must name the alert indication (the PCD-04's OBR-3) the status is about");
                }
                String initial = value(obr.getOBRParent()
                        .getFillerAssignedIdentifier()
                        .getEntityIdentifier()
                        .getValue());
                List<Segment> prts = new ArrayList<>();
                collect(order, "PRT", prts);
                if (prts.isEmpty()) {
                    return Hl7Result.failed(
                            FailureReason.MISSING_SEGMENT,
                            Hl7Location.segment("PRT"),
                            "OBR " + obrNumber + " ('" + indication + "') has no PRT segment: PRT-3.2 carries the"
                                    + " status (IHE PCD TF-2 B.10.2)");
                }
                List<Pcd05Report.Status> statuses = new ArrayList<>();
                int n = 0;
                for (Segment prt : prts) {
                    n++;
                    Hl7Result<Pcd05Report.Status> s = status(prt, n);
                    if (!s.isOk()) {
                        return Hl7Result.failed(s.failure());
                    }
                    statuses.add(s.value());
                }
                alerts.add(new Pcd05Report.AlertStatus(
                        obrNumber,
                        indication,
                        value(obr.getFillerOrderNumber().getNamespaceID().getValue()),
                        value(obr.getFillerOrderNumber().getUniversalID().getValue()),
                        initial.isEmpty() ? null : initial,
                        statuses));
            }
        }
        if (alerts.isEmpty()) {
            return Hl7Result.failed(
                    FailureReason.MISSING_SEGMENT,
                    Hl7Location.segment("OBR"),
                    "a PCD-05 has an OBR naming the alert (OBR-3)");
        }
        Instant sentAt = null;
        try {
            Hl7Time.Dtm t = Hl7Time.parse(h.dateTime());
            sentAt = t == null ? null : t.instant(null);
        } catch (DataTypeException e) {
            // MSH-7 is only informative here: the status times are PRT-11's
        }
        return Hl7Result.ok(new Pcd05Report(h.controlId(), sentAt, alerts));
    }

    private static Hl7Result<Pcd05Report.Status> status(Segment prt, int n) throws HL7Exception {
        String code = value(Terser.get(prt, 3, 0, 2, 1));
        if (code.isEmpty()) {
            code = value(Terser.get(prt, 3, 0, 1, 1)); // a sender that puts the value in the identifier
        }
        Optional<Pcd05Report.Disposition> disposition = Pcd05Report.Disposition.ofCode(code);
        if (disposition.isEmpty()) {
            return Hl7Result.failed(
                    code.isEmpty() ? FailureReason.MISSING_FIELD : FailureReason.BAD_VALUE,
                    Hl7Location.component("PRT", n, 3, 2),
                    (code.isEmpty() ? "PRT-3.2 is empty" : "PRT-3.2 '" + code + "' is not a status")
                            + " of IHE PCD TF-2 Table B.10.2-2 ("
                            + String.join(
                                    ", ",
                                    Arrays.stream(Pcd05Report.Disposition.values())
                                            .map(Pcd05Report.Disposition::code)
                                            .toList())
                            + ")");
        }
        String time = value(Terser.get(prt, 11, 0, 1, 1));
        Instant at = null;
        if (!time.isEmpty()) {
            try {
                Hl7Time.Dtm t = Hl7Time.parse(time);
                at = t == null ? null : t.instant(null);
            } catch (DataTypeException e) {
                return Hl7Result.failed(
                        FailureReason.BAD_VALUE,
                        Hl7Location.field("PRT", n, 11),
                        "PRT-11 '" + time + "' is not an HL7 date/time");
            }
        }
        String person = value(Terser.get(prt, 5, 0, 1, 1));
        if (person.isEmpty()) {
            person = (value(Terser.get(prt, 5, 0, 3, 1)) + " " + value(Terser.get(prt, 5, 0, 2, 1))).strip();
        }
        String endpoint = value(Terser.get(prt, 10, 0, 1, 1));
        if (endpoint.isEmpty()) {
            endpoint = value(Terser.get(prt, 15, 0, 4, 1));
        }
        String id = value(Terser.get(prt, 1, 0, 1, 1));
        return Hl7Result.ok(new Pcd05Report.Status(
                n,
                disposition.get(),
                id.isEmpty() ? null : id,
                person.isEmpty() ? null : person,
                endpoint.isEmpty() ? null : endpoint,
                at));
    }

    /** Every segment called {@code name} in the group and its subgroups, in order. */
    private static void collect(Group group, String name, List<Segment> out) throws HL7Exception {
        for (String n : group.getNames()) {
            for (Structure s : group.getAll(n)) {
                if (s instanceof Segment seg && seg.getName().equals(name) && !seg.isEmpty()) {
                    out.add(seg);
                } else if (s instanceof Group g) {
                    collect(g, name, out);
                }
            }
        }
    }

    private static String value(@Nullable String s) {
        return s == null ? "" : s.strip();
    }
}
