package org.bedside.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;

/**
 * HAPI's v2.6 structures for every version, plus the IHE PCD structure that v2.6 does not define: {@code ORU_R40}
 * (PCD-04 Report Alert) has the segment grammar of {@code ORU_R01} (IHE PCD TF-2 3.4), so it is read with HAPI's
 * {@link ORU_R01} class rather than as a generic message.
 */
final class PcdModelClassFactory extends CanonicalModelClassFactory {
    private static final long serialVersionUID = 1L;

    PcdModelClassFactory() {
        super("2.6");
    }

    @Override
    public Class<? extends Message> getMessageClass(String name, String version, boolean isExplicit)
            throws HL7Exception {
        if ("ORU_R40".equals(name)) {
            return ORU_R01.class;
        }
        return super.getMessageClass(name, version, isExplicit);
    }
}
