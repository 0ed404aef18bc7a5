package org.bedside.model;

/**
 * The numbers of an {@link InfusionStatus}, with their IEEE 11073-10101 terms as the IHE PCD Technical Framework's
 * infusion examples use them (PCD TF Vol 2 rev 9.0, PCD-10 example M.1.2.2: {@code 157784^MDC_FLOW_FLUID_PUMP},
 * {@code 157884^MDC_VOL_FLUID_TBI}, {@code 157993^MDC_VOL_FLUID_DELIV_TOTAL}, {@code 157916^MDC_TIME_PD_REMAIN}), and
 * their UCUM units. None has a LOINC code: a pump's numbers are device observations, not vital signs.
 *
 * <p>A pump's bolus has no term in those examples: its rate and volume are vendor metrics ({@code X_BBRAUN_...}, MDC
 * code 0), buffered but with nothing standard claimed for them.
 */
public final class InfusionMetrics {
    /** Millilitres per hour, {@code MDC_DIM_MILLI_L_PER_HR} (265266). */
    public static final UcumUnit ML_PER_HOUR = new UcumUnit("mL/h", "mL/h");

    /** Millilitres, {@code MDC_DIM_MILLI_L} (263762). */
    public static final UcumUnit ML = new UcumUnit("mL", "mL");

    /** Seconds, {@code MDC_DIM_SEC} (264320). */
    public static final UcumUnit SECONDS = new UcumUnit("s", "s");

    /** The programmed rate of the channel: MDC_FLOW_FLUID_PUMP (157784). */
    public static final MetricCode RATE = MetricCode.mdc(157784, "MDC_FLOW_FLUID_PUMP", null, "Infusion rate");

    /** The volume to be infused as programmed (VTBI): MDC_VOL_FLUID_TBI (157884). */
    public static final MetricCode VOLUME_TO_BE_INFUSED =
            MetricCode.mdc(157884, "MDC_VOL_FLUID_TBI", null, "Volume to be infused");

    /** The volume infused so far: MDC_VOL_FLUID_DELIV_TOTAL (157993). */
    public static final MetricCode VOLUME_INFUSED =
            MetricCode.mdc(157993, "MDC_VOL_FLUID_DELIV_TOTAL", null, "Volume infused");

    /** The time until the infusion ends (or its next pre-alarm): MDC_TIME_PD_REMAIN (157916). */
    public static final MetricCode REMAINING_TIME =
            MetricCode.mdc(157916, "MDC_TIME_PD_REMAIN", null, "Time remaining");

    /** The bolus rate (B. Braun INBORT); no MDC term is claimed. */
    public static final MetricCode BOLUS_RATE = MetricCode.vendor("X_BBRAUN_BOLUS_RATE", "Bolus rate");

    /** The bolus volume delivered (B. Braun INBOVAL); no MDC term is claimed. */
    public static final MetricCode BOLUS_VOLUME = MetricCode.vendor("X_BBRAUN_BOLUS_VOLUME", "Bolus volume");

    /** The drug label as the pump shows it: MDC_DRUG_NAME_LABEL (184514), a string observation. */
    public static final int DRUG_NAME_LABEL = 184514;

    /** The channel's state: MDC_PUMP_INFUSING_STATUS (184519), a coded observation. */
    public static final int PUMP_INFUSING_STATUS = 184519;

    private InfusionMetrics() {}
}
