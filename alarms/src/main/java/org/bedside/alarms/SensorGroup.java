package org.bedside.alarms;

import org.bedside.model.MetricCode;

/**
 * Which metrics share a sensor, so that a technical alarm about one (the monitor's "SpO2 sensor off" about SpO2) holds
 * back the physiological alarms of all of them (the pulse rate from the same probe). Impedance respiration is measured
 * through the ECG electrodes, so it shares the ECG's group. A metric in no group is its own.
 */
final class SensorGroup {
    private SensorGroup() {}

    static String of(MetricCode metric) {
        return switch (metric.mdc()) {
            case 150456, 149530, 150448 -> "pulse-oximetry"; // SpO2, its pulse rate, perfusion index
            case 147842, 151562 -> "ecg"; // heart rate, impedance respiration rate
            default -> "metric:" + metric.identityPart();
        };
    }
}
