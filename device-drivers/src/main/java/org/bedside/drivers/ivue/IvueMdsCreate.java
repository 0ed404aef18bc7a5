package org.bedside.drivers.ivue;

import java.time.LocalDateTime;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;
import org.jspecify.annotations.Nullable;

/**
 * The MDS Create Event Report the monitor sends right after accepting the association (§1.5): what the monitor is,
 * and its two clocks at one moment, the baseline that turns every later RelativeTime into wall-clock time.
 *
 * @param eventTime the event's RelativeTime
 * @param absoluteTime TIME_ABS, monitor-local, or null when the monitor sends none (all 0xFF)
 * @param relativeTime TIME_REL at that moment, or -1 when absent
 * @param manufacturer the manufacturer from ID_MODEL ("Philips"), or null
 * @param modelNumber the model number from ID_MODEL ("M8000"), or null
 * @param systemId SYS_ID, the monitor's system identifier (on IntelliVue derived from its MAC address) as upper-case
 *     hexadecimal octets joined by {@code -} ("00-09-FB-9B-B0-76"), or null when absent, empty, all zeros or all ones
 */
record IvueMdsCreate(
        long eventTime,
        @Nullable LocalDateTime absoluteTime,
        long relativeTime,
        @Nullable String manufacturer,
        @Nullable String modelNumber,
        @Nullable String systemId) {

    /** The longest system id taken, in octets (IEEE 11073 gives 8, an EUI-64; IntelliVue sends 6). */
    private static final int MAX_SYSTEM_ID_OCTETS = 16;

    /** Manufacturer and model number together ("Philips M8000"), or null when the monitor sent neither. */
    @Nullable
    String model() {
        String both =
                ((manufacturer == null ? "" : manufacturer) + " " + (modelNumber == null ? "" : modelNumber)).trim();
        return both.isEmpty() ? null : both;
    }

    /** The unit as a reading's identity, or null when the monitor sent no system id (nothing else tells units apart). */
    org.bedside.model.@Nullable DeviceIdentity identity(
            org.bedside.model.DeviceId device, java.time.@Nullable Instant deviceTime, java.time.Instant receivedAt) {
        return systemId == null
                ? null
                : new org.bedside.model.DeviceIdentity(
                        device, null, systemId, manufacturer, modelNumber, deviceTime, receivedAt);
    }

    /**
     * Parses an EventReportArgument whose event type is NOM_NOTI_MDS_CREAT.
     *
     * @return null when the event is another one
     */
    static @Nullable IvueMdsCreate parse(IvueReader r) throws DecodeException {
        r.skip(6, "managed object");
        long eventTime = r.u32("event time");
        int eventType = r.u16("event type");
        int length = r.u16("event info length");
        if (eventType != IvueWire.NOM_NOTI_MDS_CREAT) {
            return null;
        }
        IvueReader info = r.sub(length, "MDS create info");
        info.skip(6, "MDS managed object");
        List<IvueAttribute> attributes = IvueAttribute.readList(info);
        LocalDateTime abs = null;
        long rel = -1;
        String manufacturer = null;
        String modelNumber = null;
        String systemId = null;
        for (IvueAttribute a : attributes) {
            switch (a.id()) {
                case IvueWire.NOM_ATTR_TIME_ABS -> {
                    if (a.length() == 8) {
                        abs = IvueTime.absolute(a.data(), a.offset());
                    }
                }
                case IvueWire.NOM_ATTR_TIME_REL -> {
                    if (a.length() == 4) {
                        rel = a.reader().u32("TIME_REL");
                    }
                }
                case IvueWire.NOM_ATTR_ID_MODEL -> {
                    SystemModel model = model(a.reader());
                    manufacturer = model.manufacturer();
                    modelNumber = model.number();
                }
                case IvueWire.NOM_ATTR_SYS_ID -> systemId = systemId(a.reader());
                default -> {
                    // localisation, bed label...: not needed to read the numerics or to name the monitor
                }
            }
        }
        return new IvueMdsCreate(eventTime, abs, rel, manufacturer, modelNumber, systemId);
    }

    /**
     * SystemModel: manufacturer and model number, each a VariableLabel (u16 length, ASCII, NUL-padded); a part that
     * is empty or not plain text (it becomes part of a FHIR Device) is null. A damaged attribute names nothing: it
     * is not a reason to drop the event, whose clocks matter more.
     */
    private static SystemModel model(IvueReader r) {
        try {
            return new SystemModel(plainOrNull(label(r)), plainOrNull(label(r)));
        } catch (DecodeException e) {
            return new SystemModel(null, null);
        }
    }

    private record SystemModel(
            @Nullable String manufacturer, @Nullable String number) {}

    private static @Nullable String plainOrNull(String label) {
        String t = label.trim();
        return t.isEmpty() || t.indexOf('?') >= 0 ? null : t;
    }

    /** SYS_ID: an OCTET STRING (u16 length, octets). */
    private static @Nullable String systemId(IvueReader r) {
        try {
            int n = r.u16("system id length");
            if (n == 0 || n > MAX_SYSTEM_ID_OCTETS) {
                return null;
            }
            byte[] octets = r.bytes(n, "system id");
            boolean zeros = true;
            boolean ones = true;
            StringBuilder hex = new StringBuilder(n * 3);
            for (byte b : octets) {
                zeros &= b == 0;
                ones &= b == (byte) 0xFF;
                if (hex.length() > 0) {
                    hex.append('-');
                }
                hex.append(String.format(java.util.Locale.ROOT, "%02X", b & 0xFF));
            }
            // All zeros or all ones is "not set", not a unit: two monitors would share it.
            return zeros || ones ? null : hex.toString();
        } catch (DecodeException e) {
            return null;
        }
    }

    private static String label(IvueReader r) throws DecodeException {
        int n = r.u16("label length");
        byte[] b = r.bytes(n, "label");
        StringBuilder sb = new StringBuilder();
        for (byte c : b) {
            if (c == 0) {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }
}
