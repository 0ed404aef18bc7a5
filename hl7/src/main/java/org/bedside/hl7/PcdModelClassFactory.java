package org.bedside.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;

/**
 * HAPI's v2.6 structures for every version, plus the IHE PCD structures that v2.6 does not define: {@code ORU_R40}
 * (PCD-04 Report Alert) has the segment grammar of {@code ORU_R01} (IHE PCD TF-2 3.4), so it is read with HAPI's
 * {@link ORU_R01} class rather than as a generic message; so is {@code ORA_R41} (PCD-05 Report Alert Status, TF-2
 * 3.5.4.1.4: MSH, PID, PV1, [ORC], {OBR, [PRT...], [OBX...]}, [NTE]), whose PRT segments (HL7 v2.7, absent from v2.6)
 * HAPI keeps as non-standard segments where they stand (after their OBR). HL7 v2.6's own {@code ORA^R41} is an
 * acknowledgement (MSH, MSA, ERR); the PCD TF's is an observation report, hence the mapping. {@code ORU_R41} is taken
 * the same way, since TF-2 B.1 writes MSH-9 of PCD-05 so. {@code ORU_R42} (PCD-10 Communicate Infusion Event Data)
 * is read so too: CP-PCD-062 gives it the structure {@code ORU_R01} ({@code ORU^R42^ORU_R01}), and a sender that leaves
 * MSH-9.3 empty would otherwise get a generic message.
 */
final class PcdModelClassFactory extends CanonicalModelClassFactory {
    private static final long serialVersionUID = 1L;

    PcdModelClassFactory() {
        super("2.6");
    }

    @Override
    public Class<? extends Message> getMessageClass(String name, String version, boolean isExplicit)
            throws HL7Exception {
        if ("ORU_R40".equals(name) || "ORA_R41".equals(name) || "ORU_R41".equals(name) || "ORU_R42".equals(name)) {
            return ORU_R01.class;
        }
        return super.getMessageClass(name, version, isExplicit);
    }
}
