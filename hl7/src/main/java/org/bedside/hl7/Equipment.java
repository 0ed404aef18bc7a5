package org.bedside.hl7;

import ca.uhn.hl7v2.model.v26.datatype.EI;
import org.bedside.model.DeviceIdentity;
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

    /**
     * The physical unit behind a device as OBX-18 names it: its EUI-64 as IHE PCD writes one ({@code
     * 0012210000000000^EUI-64}) when its system id is an EUI-64; otherwise its serial number, or else its system id,
     * in the namespace of its manufacturer when it named one ({@code 0000056661^Masimo}), the form of the TF's PCD-04
     * example ({@code F1519EFX^SHENZHEN_DEVICE^mindray.com^DNS}) without the universal id the unit never sent.
     */
    public static Equipment of(DeviceIdentity unit) {
        String systemId = unit.systemId();
        if (unit.hasEui64() && systemId != null) {
            return eui64(systemId.replace("-", ""));
        }
        String id = unit.serialNumber() != null ? unit.serialNumber() : systemId;
        String manufacturer = unit.manufacturer();
        return new Equipment(java.util.Objects.requireNonNull(id), manufacturer == null ? "" : manufacturer, "", "");
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
