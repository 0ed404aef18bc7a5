package org.bedside.alarms;

import org.bedside.model.DeviceStatus;
import org.jspecify.annotations.Nullable;

/**
 * What a device status means for alarms. Sensor off, a faulty sensor or cable, interference (artefact) and a lost
 * link are technical alarms that also hold back the device's physiological alarms, whose values cannot be trusted
 * meanwhile; a low battery or an undocumented device condition is a technical alarm of low priority that holds back
 * nothing. The rest (low perfusion, pulse search, ambient light, low signal quality, calibrating) only qualify values:
 * the values themselves say so, and a run of no value is its own technical alarm.
 */
enum StatusClass {
    /** The link to the device is lost or silent (recorded by the gateway's device pipeline). */
    LINK(true, true),
    /** The sensor or the patient cable is off, missing or faulty. */
    SENSOR(true, true),
    /** The device reports interference: values are artefact. */
    ARTEFACT(true, true),
    /** Worth telling, but not a loss of monitoring. */
    INFO(false, false);

    final boolean suppresses;
    final boolean escalates;

    StatusClass(boolean suppresses, boolean escalates) {
        this.suppresses = suppresses;
        this.escalates = escalates;
    }

    static @Nullable StatusClass of(DeviceStatus.Code code) {
        return switch (code) {
            case DISCONNECTED, NO_DATA -> LINK;
            case SENSOR_OFF, NO_SENSOR, SENSOR_FAULT, CABLE_FAULT -> SENSOR;
            case INTERFERENCE -> ARTEFACT;
            case LOW_BATTERY, OTHER -> INFO;
            case CONNECTED, LOW_PERFUSION, PULSE_SEARCH, AMBIENT_LIGHT, LOW_SIGNAL_QUALITY, CALIBRATING -> null;
        };
    }

    static String text(DeviceStatus.Code code) {
        return switch (code) {
            case DISCONNECTED -> "Device link lost";
            case NO_DATA -> "No data from the device";
            case SENSOR_OFF -> "Sensor off";
            case NO_SENSOR -> "No sensor";
            case SENSOR_FAULT -> "Sensor fault";
            case CABLE_FAULT -> "Patient cable fault";
            case INTERFERENCE -> "Signal artefact (interference)";
            case LOW_BATTERY -> "Device battery low";
            case OTHER -> "Device condition";
            default -> code.name();
        };
    }
}
