package org.bedside.uplink;

import java.util.List;
import java.util.Optional;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;

/**
 * The metrics the uplink charts, with the FHIR profile each conforms to and the LOINC codings that profile asks for.
 * Metrics not in this table (vendor metrics such as Masimo's PVI, alarms, waveforms) stay in the buffer for the live
 * view and the alarm engine but are not charted.
 *
 * <p>Profiles are those of FHIR R4 core (hl7.org/fhir/R4/observation-vitalsigns.html). The Observation's code carries,
 * in order: the LOINC code the profile fixes, the LOINC code of the specific method where there is one, and the IEEE
 * 11073 MDC code of what the device reported (as the Point-of-Care Device IG asks).
 *
 * @param profileCodes LOINC code and display pairs, the profile's fixed code first
 */
record ChartedMetric(int mdc, String profile, List<Loinc> profileCodes) {

    record Loinc(String code, String display) {}

    static final String VITAL_SIGNS = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
    static final String OXYGEN_SATURATION = "http://hl7.org/fhir/StructureDefinition/oxygensat";
    static final String HEART_RATE = "http://hl7.org/fhir/StructureDefinition/heartrate";

    private static final List<ChartedMetric> ALL = List.of(
            new ChartedMetric(
                    Metrics.SPO2.mdc(),
                    OXYGEN_SATURATION,
                    List.of(
                            new Loinc("2708-6", "Oxygen saturation in Arterial blood"),
                            new Loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"))),
            new ChartedMetric(
                    Metrics.PULSE_RATE_OXIMETRY.mdc(),
                    HEART_RATE,
                    List.of(new Loinc("8867-4", "Heart rate"), new Loinc("8889-8", "Heart rate by Pulse oximetry"))),
            new ChartedMetric(Metrics.HEART_RATE_ECG.mdc(), HEART_RATE, List.of(new Loinc("8867-4", "Heart rate"))),
            new ChartedMetric(
                    Metrics.PERFUSION_INDEX.mdc(),
                    VITAL_SIGNS,
                    List.of(new Loinc("61006-3", "Perfusion index Blood Tissue by Pulse oximetry"))));

    static Optional<ChartedMetric> of(MetricCode metric) {
        if (!metric.isStandard()) {
            return Optional.empty();
        }
        for (ChartedMetric m : ALL) {
            if (m.mdc == metric.mdc()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
