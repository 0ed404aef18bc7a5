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
 * 11073 MDC code of what the device reported (as the Point-of-Care Device IG asks). A compound (blood pressure) lists
 * the components the profile requires; it is valid, and charted with a value, only when all of them are.
 *
 * @param profileCodes LOINC code and display pairs, the profile's fixed code first
 * @param components for a compound: its components' LOINC codes, by MDC code; the required ones first
 */
record ChartedMetric(int mdc, String profile, List<Loinc> profileCodes, List<Part> components) {

    record Loinc(String code, String display) {}

    /** A component of a compound, with the LOINC coding the profile slices on. */
    record Part(int mdc, Loinc loinc, boolean required) {}

    static final String VITAL_SIGNS = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
    static final String OXYGEN_SATURATION = "http://hl7.org/fhir/StructureDefinition/oxygensat";
    static final String HEART_RATE = "http://hl7.org/fhir/StructureDefinition/heartrate";
    static final String RESPIRATORY_RATE = "http://hl7.org/fhir/StructureDefinition/resprate";
    static final String BODY_TEMPERATURE = "http://hl7.org/fhir/StructureDefinition/bodytemp";
    static final String BLOOD_PRESSURE = "http://hl7.org/fhir/StructureDefinition/bp";

    private static final List<ChartedMetric> ALL = List.of(
            simple(
                    Metrics.SPO2,
                    OXYGEN_SATURATION,
                    new Loinc("2708-6", "Oxygen saturation in Arterial blood"),
                    new Loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")),
            simple(
                    Metrics.PULSE_RATE_OXIMETRY,
                    HEART_RATE,
                    new Loinc("8867-4", "Heart rate"),
                    new Loinc("8889-8", "Heart rate by Pulse oximetry")),
            simple(Metrics.HEART_RATE_ECG, HEART_RATE, new Loinc("8867-4", "Heart rate")),
            simple(Metrics.PULSE_RATE, HEART_RATE, new Loinc("8867-4", "Heart rate")),
            simple(
                    Metrics.PERFUSION_INDEX,
                    VITAL_SIGNS,
                    new Loinc("61006-3", "Perfusion index Blood Tissue by Pulse oximetry")),
            simple(Metrics.RESPIRATION_RATE, RESPIRATORY_RATE, new Loinc("9279-1", "Respiratory rate")),
            simple(Metrics.TEMPERATURE, BODY_TEMPERATURE, new Loinc("8310-5", "Body temperature")),
            // Not one of the core vital signs: the generic profile; the end-to-end test validates it on the server.
            simple(
                    Metrics.END_TIDAL_CO2,
                    VITAL_SIGNS,
                    new Loinc("19891-1", "Carbon dioxide [Partial pressure] in Exhaled gas --at end expiration")),
            new ChartedMetric(
                    Metrics.NIBP.mdc(),
                    BLOOD_PRESSURE,
                    List.of(new Loinc("85354-9", "Blood pressure panel with all children optional")),
                    List.of(
                            new Part(Metrics.NIBP_SYSTOLIC.mdc(), new Loinc("8480-6", "Systolic blood pressure"), true),
                            new Part(
                                    Metrics.NIBP_DIASTOLIC.mdc(),
                                    new Loinc("8462-4", "Diastolic blood pressure"),
                                    true),
                            new Part(Metrics.NIBP_MEAN.mdc(), new Loinc("8478-0", "Mean blood pressure"), false))));

    private static ChartedMetric simple(MetricCode metric, String profile, Loinc... codes) {
        return new ChartedMetric(metric.mdc(), profile, List.of(codes), List.of());
    }

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

    Optional<Part> part(MetricCode component) {
        return components.stream().filter(p -> p.mdc == component.mdc()).findFirst();
    }
}
