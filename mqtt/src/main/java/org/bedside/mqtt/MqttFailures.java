package org.bedside.mqtt;

import java.util.Map;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.jspecify.annotations.Nullable;

/** Paho's failures and MQTT 5 reason codes in words, for logs, states and error messages. */
final class MqttFailures {
    private MqttFailures() {}

    /** MQTT 5 reason codes (section 2.4) that the gateway may meet, in words. */
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(0x10, "no matching subscribers"),
            Map.entry(0x80, "unspecified error"),
            Map.entry(0x81, "malformed packet"),
            Map.entry(0x82, "protocol error"),
            Map.entry(0x83, "implementation specific error"),
            Map.entry(0x84, "unsupported protocol version"),
            Map.entry(0x85, "client identifier not valid"),
            Map.entry(0x86, "bad user name or password"),
            Map.entry(0x87, "not authorized"),
            Map.entry(0x88, "server unavailable"),
            Map.entry(0x89, "server busy"),
            Map.entry(0x8A, "banned"),
            Map.entry(0x8C, "bad authentication method"),
            Map.entry(0x8E, "session taken over by another connection with the same client id"),
            Map.entry(0x8F, "topic filter invalid"),
            Map.entry(0x90, "topic name invalid"),
            Map.entry(0x91, "packet identifier in use"),
            Map.entry(0x93, "receive maximum exceeded"),
            Map.entry(0x95, "packet too large"),
            Map.entry(0x97, "quota exceeded"),
            Map.entry(0x99, "payload format invalid"),
            Map.entry(0x9A, "retain not supported"),
            Map.entry(0x9B, "QoS not supported"),
            Map.entry(0x9F, "connection rate exceeded"));

    /** {@code not authorized (reason code 0x87)}. */
    static String reason(int code) {
        return REASONS.getOrDefault(code, "reason") + " (reason code 0x" + Integer.toHexString(code) + ")";
    }

    /** Reason codes at or above 0x80 that say "not now" rather than "never". */
    static boolean isTransient(int code) {
        return code == 0x80 || code == 0x83 || code == 0x88 || code == 0x89 || code == 0x97 || code == 0x9F;
    }

    /** What went wrong, with the cause that names it (a TLS error, a refused connection). */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof MqttException m) {
            int code = m.getReasonCode();
            if (code >= 0x80 && code <= 0xA2) {
                sb.append(reason(code));
            } else {
                sb.append(m.getMessage());
            }
        } else {
            sb.append(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        Throwable cause = rootCause(e);
        if (cause != null && cause != e) {
            sb.append(": ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                sb.append(' ').append(cause.getMessage());
            }
        }
        return sb.toString();
    }

    private static @Nullable Throwable rootCause(Throwable e) {
        Throwable c = e.getCause();
        if (c == null) {
            return null;
        }
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
