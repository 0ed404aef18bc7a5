package org.bedside.mqtt;

import org.bedside.model.DeviceId;

/**
 * Where the egress publishes, under a prefix ({@code bedside} by default) and the gateway's name:
 *
 * <pre>
 * bedside/icu-gw-12/status                    online | offline      retained; "offline" is the last will
 * bedside/icu-gw-12/bed12-spo2/readings       SenML pack            numerics and blood pressures
 * bedside/icu-gw-12/bed12-spo2/alarms         SenML pack            alarm events
 * bedside/icu-gw-12/bed12-spo2/status         SenML pack            retained: the device's latest status
 * bedside/icu-gw-12/bed12-spo2/alerts         JSON                  the alarm engine's notifications (AlertJson)
 * bedside/icu-gw-12/bed12-spo2/withdrawals    JSON                  readings associated in error (a cancelled admission)
 * </pre>
 *
 * A subscriber takes one bed's device with {@code bedside/icu-gw-12/bed12-spo2/#}, every gateway's alarms with {@code
 * bedside/+/+/alarms}, every alert of the gateway with {@code bedside/icu-gw-12/+/alerts}.
 */
public record EgressTopics(String prefix, String gatewayId) {
    public static final String DEFAULT_PREFIX = "bedside";

    public EgressTopics {
        if (prefix.isEmpty() || prefix.contains("+") || prefix.contains("#") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("a topic prefix has no wildcards and no trailing '/': " + prefix);
        }
    }

    public String gatewayStatus() {
        return prefix + "/" + gatewayId + "/status";
    }

    public String readings(DeviceId device) {
        return prefix + "/" + gatewayId + "/" + device.value() + "/readings";
    }

    public String alarms(DeviceId device) {
        return prefix + "/" + gatewayId + "/" + device.value() + "/alarms";
    }

    /** The alarm engine's alert notifications about this device (not the device's raw alarm events). */
    public String alerts(DeviceId device) {
        return prefix + "/" + gatewayId + "/" + device.value() + "/alerts";
    }

    /** Withdrawals: the device's readings of a window were associated with a patient in error (docs/mqtt.md). */
    public String withdrawals(DeviceId device) {
        return prefix + "/" + gatewayId + "/" + device.value() + "/withdrawals";
    }

    public String deviceStatus(DeviceId device) {
        return prefix + "/" + gatewayId + "/" + device.value() + "/status";
    }
}
