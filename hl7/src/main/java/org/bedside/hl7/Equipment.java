package org.bedside.hl7;

import ca.uhn.hl7v2.model.v26.datatype.EI;
import org.jspecify.annotations.Nullable;

/**
 * An equipment instance identifier (OBX-18, an EI): which physical device produced an observation. IHE PCD sends the
 * device's EUI-64, either as {@code 0123456789ABCDEF^EUI-64} (entity id, namespace) or as {@code
 * E0002^^0012210000000000^EUI-64} (entity id, universal id and its type).
 */
public record Equipment(String entityId, String namespaceId, String universalId, String universalIdType) {

    /** An EUI-64 as IHE PCD writes it in OBX-18: {@code <eui64>^EUI-64}. */
    public static Equipment eui64(String eui64) {
        return new Equipment(eui64, "EUI-64", "", "");
    }

    public static @Nullable Equipment of(EI ei) {
        String entity = PatientIdentifier.text(ei.getEntityIdentifier().getValue());
        String namespace = PatientIdentifier.text(ei.getNamespaceID().getValue());
        String universal = PatientIdentifier.text(ei.getUniversalID().getValue());
        String type = PatientIdentifier.text(ei.getUniversalIDType().getValue());
        if (entity.isEmpty() && universal.isEmpty()) {
            return null;
        }
        return new Equipment(entity, namespace, universal, type);
    }

    @Override
    public String toString() {
        return universalId.isEmpty()
                ? entityId + "^" + namespaceId
                : entityId + "^" + namespaceId + "^" + universalId + "^" + universalIdType;
    }
}
