package org.bedside.patients.tools;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.AbstractMessage;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ADT_A01;
import ca.uhn.hl7v2.model.v26.message.ADT_A02;
import ca.uhn.hl7v2.model.v26.message.ADT_A03;
import ca.uhn.hl7v2.model.v26.message.ADT_A09;
import ca.uhn.hl7v2.model.v26.message.ADT_A12;
import ca.uhn.hl7v2.model.v26.message.ADT_A21;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.time.Instant;
import org.bedside.hl7.Hl7Time;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientKey;
import org.jspecify.annotations.Nullable;

/**
 * ADT messages built with HAPI's v2.6 model (fields set through HAPI's {@link Terser}), as an interface engine sends
 * them: MSH, EVN (EVN-2 recorded and EVN-6 occurred), PID (PID-3 {@code MRN^^^AA^MR}, name), PV1 (class, PV1-3 the
 * bed, PV1-6 the prior bed).
 */
public final class AdtMessages {
    private AdtMessages() {}

    /** What goes into one message. */
    public record Spec(
            AdtTrigger trigger,
            String controlId,
            PatientKey patient,
            @Nullable BedLocation bed,
            @Nullable BedLocation priorBed,
            Instant occurredAt,
            @Nullable String familyName,
            @Nullable String givenName) {}

    /**
     * @param context makes the message, so that its control-id generator is the context's (HAPI's default one writes an
     *     {@code id_file} into the working directory)
     */
    public static Message build(Spec s, HapiContext context) throws HL7Exception, IOException {
        Class<? extends AbstractMessage> type = switch (s.trigger()) {
            case A01, A04, A08, A13 -> ADT_A01.class;
            case A02 -> ADT_A02.class;
            case A03 -> ADT_A03.class;
            case A11 -> ADT_A09.class;
            case A12 -> ADT_A12.class;
            case A21, A22 -> ADT_A21.class;
            default ->
                throw new IllegalArgumentException(
                        "this tool sends A01, A02, A03, A04, A08, A11, A12, A13, A21 and A22, not " + s.trigger());
        };
        AbstractMessage m = context.newMessage(type);
        m.initQuickstart("ADT", s.trigger().name(), "P");
        Terser t = new Terser(m);
        t.set("MSH-3-1", "BEDSIDE_ADT");
        t.set("MSH-4-1", s.patient().authority());
        t.set("MSH-10", s.controlId());
        t.set("EVN-1", s.trigger().name());
        t.set("EVN-2", Hl7Time.format(s.occurredAt()));
        t.set("EVN-6", Hl7Time.format(s.occurredAt()));
        t.set("PID-3-1", s.patient().mrn());
        t.set("PID-3-4-1", s.patient().authority());
        t.set("PID-3-5", "MR");
        if (s.familyName() != null) {
            t.set("PID-5-1-1", s.familyName());
        }
        if (s.givenName() != null) {
            t.set("PID-5-2", s.givenName());
        }
        t.set("PV1-2", "I");
        location(t, "PV1-3", s.bed());
        location(t, "PV1-6", s.priorBed());
        return m;
    }

    private static void location(Terser t, String field, @Nullable BedLocation bed) throws HL7Exception {
        if (bed != null) {
            t.set(field + "-1", bed.pointOfCare());
            t.set(field + "-2", bed.room());
            t.set(field + "-3", bed.bed());
        }
    }
}
