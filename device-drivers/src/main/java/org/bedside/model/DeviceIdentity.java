package org.bedside.model;

import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which physical unit is behind a configured device, as the unit itself said it on the wire: its serial number (a
 * Masimo line's {@code SN=}), or its system id (an IntelliVue MDS's {@code NOM_ATTR_SYS_ID}), with its manufacturer
 * and model when it sent them. A {@link DeviceId} names a slot at the bedside; this names the monitor in it, so that a
 * wrong value can be traced to the unit that measured it and a monitor swapped at the bed is not taken for the one
 * before it.
 *
 * <p><b>It travels with the readings it vouches for.</b> A driver adds it to the readings of every frame whose unit it
 * knows (the Masimo decoder to each line that carries {@code SN=}; the IntelliVue session to each poll result of an
 * association whose MDS create event carried a system id), so that a record of the buffer says by itself which unit
 * its readings came from: a consumer never carries an identity from one record to the next, and so can neither lose
 * it when it starts again mid-stream nor lend it to the readings of another unit put in the slot. A frame whose unit
 * is not known has none: nothing is ever guessed.
 *
 * <p>Identifiers are kept only when they are plain ({@link #isPlainIdentifier}): they become part of FHIR identifiers
 * and search URLs.
 *
 * @param serialNumber the unit's serial number as sent, or null when the wire does not carry one
 * @param systemId the unit's system identifier (IEEE 11073 MDS system id, upper-case hexadecimal octets joined by
 *     {@code -}), or null
 * @param manufacturer the manufacturer as the unit names itself, or null
 * @param model the model number as the unit names it, or null
 */
public record DeviceIdentity(
        DeviceId device,
        @Nullable String serialNumber,
        @Nullable String systemId,
        @Nullable String manufacturer,
        @Nullable String model,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public DeviceIdentity {
        if (serialNumber == null && systemId == null) {
            throw new IllegalArgumentException("a device identity needs a serial number or a system id");
        }
        if (serialNumber != null && !isPlainIdentifier(serialNumber)) {
            throw new IllegalArgumentException("not a plain serial number: '" + serialNumber + "'");
        }
        if (systemId != null && !isPlainIdentifier(systemId)) {
            throw new IllegalArgumentException("not a plain system id: '" + systemId + "'");
        }
        if (manufacturer != null && manufacturer.isBlank()) {
            throw new IllegalArgumentException("a manufacturer is null or not blank");
        }
        if (model != null && model.isBlank()) {
            throw new IllegalArgumentException("a model is null or not blank");
        }
    }

    /** 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (as a {@link DeviceId}). */
    public static boolean isPlainIdentifier(String s) {
        return PLAIN.matcher(s).matches();
    }

    /**
     * What tells this unit from another of the same slot, as it appears in identifiers: {@code sn-<serial>}, or
     * {@code sysid-<system id>} when there is no serial number.
     */
    public String unitKey() {
        return serialNumber != null ? "sn-" + serialNumber : "sysid-" + systemId;
    }

    /** The same unit, as it vouches for the readings of another frame. */
    public DeviceIdentity at(@Nullable Instant deviceTime, Instant receivedAt) {
        return new DeviceIdentity(device, serialNumber, systemId, manufacturer, model, deviceTime, receivedAt);
    }

    @Override
    public DeviceIdentity withReceivedAt(Instant t) {
        return at(deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return "identity";
    }
}
