package org.bedside.model;

/**
 * Standard metrics shared by several drivers. Codes are from IEEE 11073-10101 (checked against the numeric values in
 * the MDC nomenclature as used by the IHE PCD Technical Framework examples) and LOINC.
 */
public final class Metrics {
    /** SpO2 by pulse oximetry: MDC_PULS_OXIM_SAT_O2 (2::19384), LOINC 59408-5. */
    public static final MetricCode SPO2 = MetricCode.mdc(150456, "MDC_PULS_OXIM_SAT_O2", "59408-5", "SpO2");

    /** Pulse rate from the oximeter's plethysmogram: MDC_PULS_OXIM_PULS_RATE (2::18458), LOINC 8889-8. */
    public static final MetricCode PULSE_RATE_OXIMETRY =
            MetricCode.mdc(149530, "MDC_PULS_OXIM_PULS_RATE", "8889-8", "Pulse rate");

    /** Perfusion index: MDC_PULS_OXIM_PERF_REL (2::19376), LOINC 61006-3. */
    public static final MetricCode PERFUSION_INDEX =
            MetricCode.mdc(150448, "MDC_PULS_OXIM_PERF_REL", "61006-3", "Perfusion index");

    /** Heart rate from the ECG: MDC_ECG_HEART_RATE (2::16770), LOINC 8867-4. */
    public static final MetricCode HEART_RATE_ECG =
            MetricCode.mdc(147842, "MDC_ECG_HEART_RATE", "8867-4", "Heart rate");

    /** Pulse rate (generic): MDC_PULS_RATE (2::18442). */
    public static final MetricCode PULSE_RATE = MetricCode.mdc(149514, "MDC_PULS_RATE", null, "Pulse rate");

    /** Non-invasive blood pressure, the compound: MDC_PRESS_BLD_NONINV (2::18948), LOINC panel 85354-9. */
    public static final MetricCode NIBP = MetricCode.mdc(150020, "MDC_PRESS_BLD_NONINV", "85354-9", "NIBP");

    /** NIBP systolic: MDC_PRESS_BLD_NONINV_SYS (2::18949), LOINC 8480-6. */
    public static final MetricCode NIBP_SYSTOLIC =
            MetricCode.mdc(150021, "MDC_PRESS_BLD_NONINV_SYS", "8480-6", "NIBP systolic");

    /** NIBP diastolic: MDC_PRESS_BLD_NONINV_DIA (2::18950), LOINC 8462-4. */
    public static final MetricCode NIBP_DIASTOLIC =
            MetricCode.mdc(150022, "MDC_PRESS_BLD_NONINV_DIA", "8462-4", "NIBP diastolic");

    /** NIBP mean: MDC_PRESS_BLD_NONINV_MEAN (2::18951), LOINC 8478-0. */
    public static final MetricCode NIBP_MEAN =
            MetricCode.mdc(150023, "MDC_PRESS_BLD_NONINV_MEAN", "8478-0", "NIBP mean");

    /** Respiration rate: MDC_RESP_RATE (2::20490), LOINC 9279-1. */
    public static final MetricCode RESPIRATION_RATE =
            MetricCode.mdc(151562, "MDC_RESP_RATE", "9279-1", "Respiration rate");

    /** Temperature: MDC_TEMP (2::19272), LOINC 8310-5 (body temperature). */
    public static final MetricCode TEMPERATURE = MetricCode.mdc(150344, "MDC_TEMP", "8310-5", "Temperature");

    /**
     * Respiration rate measured at the airway (capnography, ventilator flow): MDC_AWAY_RESP_RATE (2::20498). Kept apart
     * from {@link #RESPIRATION_RATE} (thoracic impedance): a monitor reports both, and they can differ.
     */
    public static final MetricCode AIRWAY_RESPIRATION_RATE =
            MetricCode.mdc(151570, "MDC_AWAY_RESP_RATE", null, "Airway respiration rate");

    /**
     * End-tidal CO2 as a partial pressure: MDC_AWAY_CO2_ET (2::20656, the Philips physio id 0x50B0 by the partition
     * arithmetic of protocols.md 1.10), LOINC 19891-1 "Carbon dioxide [Partial pressure] in Exhaled gas --at end
     * expiration".
     */
    public static final MetricCode END_TIDAL_CO2 = MetricCode.mdc(151728, "MDC_AWAY_CO2_ET", "19891-1", "EtCO2");

    private Metrics() {}
}
