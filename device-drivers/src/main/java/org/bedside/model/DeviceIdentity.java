package org.bedside.model;

import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which physical unit is behind a configured device, as the unit itself said it on the wire: its serial number (a
 * Masimo line's {@code SN=}), or its system id (an IntelliVue MDS's {@code NOM_ATTR_SYS_ID}, a PCD-10 pump's EUI-64 from
 * the OBX-18 of its MDS row), with its manufacturer
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
    private static final Pattern EUI64_HEX = Pattern.compile("[0-9A-Fa-f]{16}");
    private static final Pattern EUI64_OCTETS = Pattern.compile("[0-9A-F]{2}(-[0-9A-F]{2}){7}");

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

    /**
     * The unit a record's readings came from, as the record itself names it (its first identity), or null when it names
     * none: every consumer asks the record, never an earlier one.
     */
    public static @Nullable DeviceIdentity of(java.util.List<? extends Reading> record) {
        for (Reading r : record) {
            if (r instanceof DeviceIdentity id) {
                return id;
            }
        }
        return null;
    }

    /** 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (as a {@link DeviceId}). */
    public static boolean isPlainIdentifier(String s) {
        return PLAIN.matcher(s).matches();
    }

    /**
     * The system id of an IEEE EUI-64 written as HL7 v2 sends it (16 hexadecimal digits, OBX-18 {@code
     * 0012210000000000}): {@code 00-12-21-00-00-00-00-00}, the octets as every system id here is kept; null when the
     * text is not 16 hexadecimal digits (then it is no EUI-64, and none is made up from it).
     */
    public static @Nullable String systemIdOfEui64(String hex) {
        if (!EUI64_HEX.matcher(hex).matches()) {
            return null;
        }
        StringBuilder b = new StringBuilder(23);
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                b.append('-');
            }
            b.append(hex.substring(i, i + 2).toUpperCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }

    /**
     * Whether the system id is an IEEE EUI-64 (eight octets), as IEEE 11073 defines the MDS System-Id and as PCD
     * devices name themselves in OBX-18; an IntelliVue's six octets (derived from its MAC address) are not.
     */
    public boolean hasEui64() {
        return systemId != null && EUI64_OCTETS.matcher(systemId).matches();
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
