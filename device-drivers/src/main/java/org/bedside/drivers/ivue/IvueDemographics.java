package org.bedside.drivers.ivue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DemographicsFingerprint;
import org.bedside.model.DeviceId;
import org.bedside.model.PatientDemographics;
import org.jspecify.annotations.Nullable;

/**
 * The patient demographics object (§1.6, object type {@code NOM_MOC_PT_DEMOG}, attribute group 0x0807) reduced to a
 * {@link PatientDemographics}: the admission state ({@code NOM_ATTR_PT_DEMOG_ST}) and a fingerprint of the identifying
 * attributes. Pure. The names, the id and the birth date are read only to be hashed; they leave this class in no other
 * form, and a decode failure names the attribute, never its value.
 */
final class IvueDemographics {
    static final int NOM_ATTR_PT_DEMOG_ST = 0x0957;
    static final int NOM_ATTR_PT_DOB = 0x0958;
    static final int NOM_ATTR_PT_ID = 0x095A;
    static final int NOM_ATTR_PT_NAME_FAMILY = 0x095C;
    static final int NOM_ATTR_PT_NAME_GIVEN = 0x095D;
    static final int NOM_ATTR_PT_NAME_MIDDLE = 0x095F;

    /** What tells one patient from another, in the order they are hashed. */
    private static final int[] IDENTIFYING = {
        NOM_ATTR_PT_ID, NOM_ATTR_PT_NAME_FAMILY, NOM_ATTR_PT_NAME_GIVEN, NOM_ATTR_PT_NAME_MIDDLE, NOM_ATTR_PT_DOB
    };

    private IvueDemographics() {}

    /** Whether a poll result reports the demographics object. */
    static boolean isDemographics(IvuePollResult poll) {
        return poll.objectType() == IvueWire.NOM_MOC_PT_DEMOG;
    }

    /**
     * One reading per demographics object of the poll result (a monitor has one).
     *
     * @param fingerprints the installation's key; null (a replay of a capture) gives the state without a fingerprint
     */
    static List<PatientDemographics> decode(
            DeviceId device,
            IvuePollResult poll,
            @Nullable DemographicsFingerprint fingerprints,
            @Nullable Instant deviceTime,
            Instant receivedAt)
            throws DecodeException {
        List<PatientDemographics> out = new ArrayList<>();
        for (IvuePollResult.Observation o : poll.observations()) {
            IvueAttribute st = IvueAttribute.find(o.attributes(), NOM_ATTR_PT_DEMOG_ST);
            if (st == null) {
                continue; // an object without its state says nothing about admission: nothing is guessed
            }
            IvueReader.expect(st.length() == 2, "PT_DEMOG_ST of " + st.length() + " bytes, not 2");
            PatientDemographics.State state = state(st.reader().u16("PT_DEMOG_ST"));
            String fingerprint = fingerprints == null ? null : fingerprints.of(identifying(o.attributes()));
            out.add(new PatientDemographics(device, state, fingerprint, deviceTime, receivedAt));
        }
        return out;
    }

    /** {@code PatDmgState}: 0 empty, 1 pre-admitted, 2 admitted, 8 discharged. */
    static PatientDemographics.State state(int value) {
        return switch (value) {
            case 0 -> PatientDemographics.State.EMPTY;
            case 1 -> PatientDemographics.State.PRE_ADMITTED;
            case 2 -> PatientDemographics.State.ADMITTED;
            case 8 -> PatientDemographics.State.DISCHARGED;
            default -> PatientDemographics.State.UNKNOWN;
        };
    }

    /** The identifying attributes in a canonical form: trimmed text, the birth date as a date, null when absent. */
    private static List<@Nullable String> identifying(List<IvueAttribute> attributes) throws DecodeException {
        List<@Nullable String> fields = new ArrayList<>(IDENTIFYING.length);
        for (int id : IDENTIFYING) {
            IvueAttribute a = IvueAttribute.find(attributes, id);
            if (a == null) {
                fields.add(null);
            } else if (id == NOM_ATTR_PT_DOB) {
                IvueReader.expect(a.length() == 8, "PT_DOB of " + a.length() + " bytes, not 8");
                // All zeros or all 0xFF (no date entered) read as no date.
                LocalDateTime dob = IvueTime.absolute(a.reader().bytes(8, "PT_DOB"), 0);
                fields.add(dob == null ? null : dob.toLocalDate().toString());
            } else {
                String s = IvueObservationDecoder.string(a.reader());
                fields.add(s.isEmpty() ? null : s);
            }
        }
        return fields;
    }
}
