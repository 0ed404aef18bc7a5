package org.bedside.sim.mqtt;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.bedside.sim.scenario.MonitorVitals;

/**
 * What a SenML sensor hub sends (RFC 8428): one pack per measurement, a base name with the sensor's URN, an absolute
 * base time, then one record per value with its SenML unit — the form the gateway's {@code senml-mqtt} driver expects
 * by default (absolute times, so that a redelivery is recognised). Written from the RFC, not from the gateway's decoder:
 *
 * <pre>
 * [{"bn":"urn:dev:sim:bed12-hub:","bt":1795341600.0},{"n":"temp","u":"Cel","v":36.72},{"n":"rr","u":"1/min","v":14}]
 * </pre>
 *
 * Values the scenario does not have are left out (nothing is invented).
 */
public final class SenmlPackEncoder {
    private final String baseName;

    /** @param sensor the sensor's name in its base name {@code urn:dev:sim:<sensor>:} */
    public SenmlPackEncoder(String sensor) {
        if (!sensor.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a sensor name is letters, digits, '.', '_' and '-': " + sensor);
        }
        this.baseName = "urn:dev:sim:" + sensor + ":";
    }

    public byte[] encode(MonitorVitals vitals, Instant measuredAt) {
        StringBuilder b = new StringBuilder("[{\"bn\":\"")
                .append(baseName)
                .append("\",\"bt\":")
                .append(BigDecimal.valueOf(measuredAt.toEpochMilli())
                        .movePointLeft(3)
                        .toPlainString())
                .append('}');
        BigDecimal temperature = vitals.temperature();
        if (temperature != null) {
            b.append(",{\"n\":\"temp\",\"u\":\"Cel\",\"v\":")
                    .append(temperature.toPlainString())
                    .append('}');
        }
        Integer rr = vitals.respirationRate();
        if (rr != null) {
            b.append(",{\"n\":\"rr\",\"u\":\"1/min\",\"v\":").append(rr).append('}');
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }
}
