package org.bedside.model;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The name a device has in the gateway's configuration, such as {@code bed12-spo2}: the key of its entry under
 * {@code gateway.devices}. It is part of every reading's identity and of the identifiers written to the FHIR server,
 * so it is restricted to characters that need no escaping anywhere.
 */
public record DeviceId(String value) {
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Names already checked, so that {@link #of} checks a name once rather than for every record read back from the
     * buffer (the consumers decode a device name per record). A gateway has a few dozen devices; at this many names
     * (a buffer of many gateways' devices, or a test making names) the cache is emptied and fills again with the names
     * in use, so it never grows without bound.
     */
    private static final int REMEMBERED = 1024;

    private static final ConcurrentMap<String, DeviceId> CHECKED = new ConcurrentHashMap<>();

    public DeviceId {
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("a device name is 1 to 64 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit; got '" + value + "'");
        }
    }

    /**
     * The device of this name; a name seen before is not checked again.
     *
     * @throws IllegalArgumentException for a name that is not a valid device name (never remembered)
     */
    public static DeviceId of(String value) {
        DeviceId known = CHECKED.get(value);
        if (known != null) {
            return known;
        }
        DeviceId checked = new DeviceId(value);
        if (CHECKED.size() >= REMEMBERED) {
            CHECKED.clear(); // start again with the names in use now
        }
        CHECKED.putIfAbsent(value, checked);
        return checked;
    }

    @Override
    public String toString() {
        return value;
    }
}
