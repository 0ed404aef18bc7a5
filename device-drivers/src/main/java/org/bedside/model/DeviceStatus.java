package org.bedside.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Something about the device or its link rather than the patient: connected, disconnected, silent, sensor off. Silence
 * is data: these readings explain the gaps in a chart.
 *
 * @param detail the specifics in words, naming the port, cable or device flag ("EXC 0x000020 sensor off")
 */
public record DeviceStatus(
        DeviceId device, Code code, String detail, @Nullable Instant deviceTime, Instant receivedAt)
        implements Reading {

    public enum Code {
        /** The gateway opened the link and bytes can flow. */
        CONNECTED,
        /** The link was lost or could not be opened (cable pulled, port missing). */
        DISCONNECTED,
        /** The link is open but the device sent nothing decodable for longer than its idle timeout. */
        NO_DATA,
        SENSOR_OFF,
        NO_SENSOR,
        /** Sensor defective, unrecognised, incompatible or expired. */
        SENSOR_FAULT,
        /** Patient cable missing, defective, unrecognised, incompatible or expired. */
        CABLE_FAULT,
        LOW_PERFUSION,
        PULSE_SEARCH,
        INTERFERENCE,
        AMBIENT_LIGHT,
        LOW_SIGNAL_QUALITY,
        CALIBRATING,
        LOW_BATTERY,
        /** A device-reported condition that fits none of the above; the detail names it. */
        OTHER
    }

    public DeviceStatus {
        if (detail.isBlank()) {
            throw new IllegalArgumentException("a device status needs a detail");
        }
    }

    @Override
    public DeviceStatus withReceivedAt(Instant t) {
        return new DeviceStatus(device, code, detail, deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return "status:" + code.name().toLowerCase(java.util.Locale.ROOT);
    }
}
