package org.bedside.hl7.pcd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;

/**
 * The IEEE 11073-10101 terms PCD-01 is read and written with: metrics (the gateway's {@link Metrics}, matched by MDC
 * code) and units (MDC dimension codes to UCUM, as the IHE PCD TF examples and the HL7 PoCD IG pair them).
 *
 * <p>A metric matched by its number takes the gateway's reference id and LOINC code: the Philips example writes
 * 147842 as {@code MDC_ECG_CARD_BEAT_RATE}, which is the same term the gateway calls {@code MDC_ECG_HEART_RATE}.
 */
public final class MdcTerms {
    /** An MDC unit: its code, reference id and the UCUM unit it is. */
    public record Unit(int mdc, String refId, UcumUnit ucum) {}

    private static final Map<Integer, MetricCode> METRICS = new HashMap<>();
    private static final Map<Integer, MetricCode> PUMP_METRICS = new HashMap<>();
    private static final Map<Integer, Unit> UNITS = new HashMap<>();
    private static final Map<String, Unit> UNITS_BY_UCUM = new HashMap<>();

    static {
        for (MetricCode m : List.of(
                Metrics.SPO2,
                Metrics.PULSE_RATE_OXIMETRY,
                Metrics.PERFUSION_INDEX,
                Metrics.HEART_RATE_ECG,
                Metrics.PULSE_RATE,
                Metrics.NIBP,
                Metrics.NIBP_SYSTOLIC,
                Metrics.NIBP_DIASTOLIC,
                Metrics.NIBP_MEAN,
                Metrics.RESPIRATION_RATE,
                Metrics.TEMPERATURE,
                Metrics.AIRWAY_RESPIRATION_RATE,
                Metrics.END_TIDAL_CO2)) {
            METRICS.put(m.mdc(), m);
        }
        // A pump's numbers as the IHE PCD TF-2 rev 9.0 PCD-10 example M.1.2.2 codes them (protocols.md 5.5). Kept apart
        // from METRICS: PCD-01 keeps these as vendor metrics (a pump's PCD-01 is not read as a pump here), and only
        // the PCD-10 decoder turns them into an InfusionStatus's values.
        for (MetricCode m : List.of(
                InfusionMetrics.RATE,
                InfusionMetrics.VOLUME_TO_BE_INFUSED,
                InfusionMetrics.VOLUME_INFUSED,
                InfusionMetrics.REMAINING_TIME,
                MetricCode.mdc(158014, "MDC_FLOW_FLUID_PUMP_CURRENT", null, "Current infusion rate"),
                MetricCode.mdc(157924, "MDC_RATE_DOSE", null, "Dose rate"),
                MetricCode.mdc(157872, "MDC_VOL_FLUID_TBI_REMAIN", null, "Volume to be infused remaining"),
                MetricCode.mdc(157760, "MDC_CONC_DRUG", null, "Drug concentration"),
                MetricCode.mdc(68063, "MDC_ATTR_PT_WEIGHT", null, "Patient weight (as entered on the pump)"))) {
            PUMP_METRICS.put(m.mdc(), m);
        }
        // MDC units (partition 4, dimensions) with their UCUM codes: IHE PCD TF-2 examples, PoCD IG mappingdim.
        unit(262688, "MDC_DIM_PERCENT", UcumUnit.PERCENT);
        unit(262656, "MDC_DIM_DIMLESS", UcumUnit.DIMENSIONLESS);
        unit(264864, "MDC_DIM_BEAT_PER_MIN", UcumUnit.BEATS_PER_MINUTE);
        unit(264928, "MDC_DIM_RESP_PER_MIN", new UcumUnit("/min", "breaths/minute"));
        unit(266016, "MDC_DIM_MMHG", UcumUnit.MM_HG);
        unit(268192, "MDC_DIM_DEGC", UcumUnit.CELSIUS);
        unit(264338, "MDC_DIM_MILLI_SEC", new UcumUnit("ms", "ms"));
        unit(264320, "MDC_DIM_SEC", new UcumUnit("s", "s"));
        unit(264352, "MDC_DIM_MIN", new UcumUnit("min", "min"));
        unit(263762, "MDC_DIM_MILLI_L", new UcumUnit("mL", "mL"));
        unit(265266, "MDC_DIM_MILLI_L_PER_HR", new UcumUnit("mL/h", "mL/h"));
        unit(263875, "MDC_DIM_KILO_G", new UcumUnit("kg", "kg"));
        unit(263890, "MDC_DIM_MILLI_G", new UcumUnit("mg", "mg"));
        unit(264306, "MDC_DIM_MILLI_G_PER_ML", new UcumUnit("mg/mL", "mg/mL"));
        unit(265619, "MDC_DIM_MICRO_G_PER_KG_PER_MIN", new UcumUnit("ug/kg/min", "µg/kg/min"));
    }

    private MdcTerms() {}

    private static void unit(int mdc, String refId, UcumUnit ucum) {
        Unit u = new Unit(mdc, refId, ucum);
        UNITS.put(mdc, u);
        UNITS_BY_UCUM.putIfAbsent(ucum.code() + "|" + ucum.display(), u);
        UNITS_BY_UCUM.putIfAbsent(ucum.code(), u);
    }

    /** The gateway's metric for an MDC code, when it has one. */
    public static Optional<MetricCode> metric(int mdc) {
        return Optional.ofNullable(METRICS.get(mdc));
    }

    /** A pump's number for an MDC code of the PCD-10 example, when it is one. */
    public static Optional<MetricCode> pumpMetric(int mdc) {
        return Optional.ofNullable(PUMP_METRICS.get(mdc));
    }

    /** The UCUM unit of an MDC dimension code, when known. */
    public static Optional<Unit> unit(int mdc) {
        return Optional.ofNullable(UNITS.get(mdc));
    }

    /** The MDC dimension of a UCUM unit, for writing OBX-6; the display tells {@code /min} beats from breaths. */
    public static Optional<Unit> unitOf(UcumUnit ucum) {
        Unit exact = UNITS_BY_UCUM.get(ucum.code() + "|" + ucum.display());
        return Optional.ofNullable(exact != null ? exact : UNITS_BY_UCUM.get(ucum.code()));
    }
}
