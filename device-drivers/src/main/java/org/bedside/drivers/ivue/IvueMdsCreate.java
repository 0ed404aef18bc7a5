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
 * @param model the manufacturer and model number from ID_MODEL ("Philips M8000"), or null
 */
record IvueMdsCreate(
        long eventTime,
        @Nullable LocalDateTime absoluteTime,
        long relativeTime,
        @Nullable String model) {

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
        String model = null;
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
                case IvueWire.NOM_ATTR_ID_MODEL -> model = model(a.reader());
                default -> {
                    // system id, localisation, bed label...: not needed to read the numerics
                }
            }
        }
        return new IvueMdsCreate(eventTime, abs, rel, model);
    }

    /** SystemModel: manufacturer and model number, each a VariableLabel (u16 length, ASCII, NUL-padded). */
    private static @Nullable String model(IvueReader r) {
        try {
            String manufacturer = label(r);
            String number = label(r);
            String both = (manufacturer + " " + number).trim();
            return both.isEmpty() ? null : both;
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
