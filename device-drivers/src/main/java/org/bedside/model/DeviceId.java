package org.bedside.model;

import java.util.regex.Pattern;

/**
 * The name a device has in the gateway's configuration, such as {@code bed12-spo2}: the key of its entry under
 * {@code gateway.devices}. It is part of every reading's identity and of the identifiers written to the FHIR server,
 * so it is restricted to characters that need no escaping anywhere.
 */
public record DeviceId(String value) {
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public DeviceId {
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("a device name is 1 to 64 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit; got '" + value + "'");
        }
    }

    public static DeviceId of(String value) {
        return new DeviceId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
