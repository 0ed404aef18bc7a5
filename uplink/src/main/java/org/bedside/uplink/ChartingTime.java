package org.bedside.uplink;

import java.time.Duration;
import java.time.Instant;
import org.bedside.model.Reading;

/**
 * Which clock charts a reading. The device's clock says when the device measured, but device clocks are set by hand and
 * drift; the gateway's receive time is synchronised (NTP) but late by the transmission delay. The rule: the device time
 * when there is one and it is within {@code maxSkew} of the receive time; otherwise the receive time. Both times stay
 * in the buffer either way.
 */
final class ChartingTime {
    private ChartingTime() {}

    static Instant effective(Reading r, Duration maxSkew) {
        Instant deviceTime = r.deviceTime();
        if (deviceTime == null) {
            return r.receivedAt();
        }
        Duration skew = Duration.between(deviceTime, r.receivedAt()).abs();
        return skew.compareTo(maxSkew) <= 0 ? deviceTime : r.receivedAt();
    }
}
