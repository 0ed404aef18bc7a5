package org.bedside.uplink;

import java.util.List;
import java.util.Optional;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.jspecify.annotations.Nullable;

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
 * <p>A pump's numbers ({@link Kind#INFUSION}, from an {@code InfusionStatus}) are in a table of their own,
 * {@link #ofInfusion}: they are never vital signs, claim no profile and no LOINC code (none is known for them), and
 * carry only the MDC code of the IHE PCD-10 examples (docs/drivers/bbraun-bcc.md, "What is charted").
 *
 * @param kind a vital sign, or a pump's number
 * @param profile the FHIR profile the Observation conforms to; null for a pump's number (the base Observation only: the
 *     Point-of-Care Device IG's profiles are not claimed, as nothing here validates against them)
 * @param profileCodes LOINC code and display pairs, the profile's fixed code first
 * @param components for a compound: its components' LOINC codes, by MDC code; the required ones first
 */
record ChartedMetric(int mdc, Kind kind, @Nullable String profile, List<Loinc> profileCodes, List<Part> components) {

    /** What an Observation is: its category follows. */
    enum Kind {
        /** A vital sign: category {@code vital-signs}, a vital-signs profile, LOINC and MDC codes. */
        VITAL_SIGN,
        /**
         * A number an infusion pump reports about the therapy it delivers: category {@code therapy}, MDC code only,
         * never a vital sign.
         */
        INFUSION
    }

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
                    Kind.VITAL_SIGN,
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
        return new ChartedMetric(metric.mdc(), Kind.VITAL_SIGN, profile, List.of(codes), List.of());
    }

    /**
     * The pump numbers charted, each under the MDC code the IHE PCD TF's PCD-10 example gives it (157784, 157884,
     * 157993, 157916). The bolus rate and volume are not here: no MDC term for them is known (they are vendor metrics,
     * counted {@code not-charted-metric}).
     */
    private static final List<ChartedMetric> INFUSION = List.of(
            infusion(InfusionMetrics.RATE),
            infusion(InfusionMetrics.VOLUME_TO_BE_INFUSED),
            infusion(InfusionMetrics.VOLUME_INFUSED),
            infusion(InfusionMetrics.REMAINING_TIME));

    private static ChartedMetric infusion(MetricCode metric) {
        return new ChartedMetric(metric.mdc(), Kind.INFUSION, null, List.of(), List.of());
    }

    /** A pump's number, if it is charted. */
    static Optional<ChartedMetric> ofInfusion(MetricCode metric) {
        if (!metric.isStandard()) {
            return Optional.empty();
        }
        return INFUSION.stream().filter(m -> m.mdc == metric.mdc()).findFirst();
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
