package org.bedside.hl7.pcd;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v26.datatype.CWE;
import ca.uhn.hl7v2.model.v26.datatype.EI;
import java.util.Optional;
import org.bedside.model.UcumUnit;

/** The fields PCD-01 and PCD-04 fill alike: MDC codes, units (MDC with UCUM beside it), the filler order number. */
final class PcdFields {
    private PcdFields() {}

    /** OBR-3: the message's own id under the gateway's application name and EUI-64. */
    static void orderNumber(EI ei, String id, Pcd01Encoder.Sender sender) throws HL7Exception {
        ei.getEntityIdentifier().setValue(id);
        ei.getNamespaceID().setValue(sender.application());
        ei.getUniversalID().setValue(sender.eui64());
        ei.getUniversalIDType().setValue("EUI-64");
    }

    static void code(CWE cwe, int mdc, String refId) throws HL7Exception {
        cwe.getIdentifier().setValue(Integer.toString(mdc));
        cwe.getText().setValue(refId);
        cwe.getNameOfCodingSystem().setValue("MDC");
    }

    /** The MDC unit code where the nomenclature has one, the UCUM code as the alternate (or alone). */
    static void unit(CWE cwe, UcumUnit ucum) throws HL7Exception {
        Optional<MdcTerms.Unit> mdc = MdcTerms.unitOf(ucum);
        if (mdc.isPresent()) {
            code(cwe, mdc.get().mdc(), mdc.get().refId());
            cwe.getAlternateIdentifier().setValue(ucum.code());
            cwe.getAlternateText().setValue(ucum.code());
            cwe.getNameOfAlternateCodingSystem().setValue("UCUM");
        } else {
            cwe.getIdentifier().setValue(ucum.code());
            cwe.getText().setValue(ucum.code());
            cwe.getNameOfCodingSystem().setValue("UCUM");
        }
    }
}
