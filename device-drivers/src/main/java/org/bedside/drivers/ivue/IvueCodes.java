package org.bedside.drivers.ivue;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * The IntelliVue code tables: which physio id is which IEEE 11073 (MDC) metric with which LOINC code, and which unit
 * code is which UCUM unit.
 *
 * <p>For standard-range codes the MDC context-free code is partition × 65536 + code (physio ids are partition 2, unit
 * codes partition 4), and the table below agrees with that arithmetic, except where receivers expect another term:
 * Philips' pleth pulse rate {@code NOM_PLETH_PULS_RATE} (0x4822, arithmetic 149538) is charted as {@code
 * MDC_PULS_OXIM_PULS_RATE} 149530, the term the IHE PCD Technical Framework examples (Philips', Mindray's) and our
 * other oximeter drivers use; Philips-private codes (≥ 0xF000, such as the NIBP pulse 0xF0E5) have no MDC term by
 * arithmetic and are mapped by hand. Physio ids not in the table are kept as vendor metrics ({@code
 * X_PHILIPS_PHYSIO_0x....}, MDC 0): nothing standard is claimed for a code nobody checked.
 *
 * <p>Sources: ../shared/design/protocols.md §1.10 (VSCaptureMP and OpenICE tables, mindleaving's
 * numerics-codes-semi-structured.csv, the IHE PCD TF examples); LOINC codes as in FHIR R4's vital-signs profiles.
 */
final class IvueCodes {
    private IvueCodes() {}

    /** A physio id of the table: the metric it is, and, for a component of a compound, the compound's physio id. */
    record Physio(int id, MetricCode metric, int compound) {}

    // Physio ids (partition 2, SCADA), named as in the programming guide.
    static final int NOM_ECG_ELEC_POTL_II = 0x0102;
    static final int NOM_ECG_CARD_BEAT_RATE = 0x4182;
    static final int NOM_ECG_V_P_C_CNT = 0x4261;
    static final int NOM_PULS_RATE = 0x480A;
    static final int NOM_PLETH_PULS_RATE = 0x4822;
    static final int NOM_PRESS_BLD_NONINV = 0x4A04;
    static final int NOM_PRESS_BLD_NONINV_SYS = 0x4A05;
    static final int NOM_PRESS_BLD_NONINV_DIA = 0x4A06;
    static final int NOM_PRESS_BLD_NONINV_MEAN = 0x4A07;
    static final int NOM_PRESS_BLD_ART_ABP = 0x4A14;
    static final int NOM_PRESS_BLD_ART_ABP_SYS = 0x4A15;
    static final int NOM_PRESS_BLD_ART_ABP_DIA = 0x4A16;
    static final int NOM_PRESS_BLD_ART_ABP_MEAN = 0x4A17;
    static final int NOM_PRESS_BLD_VEN_CENT_MEAN = 0x4A47;
    static final int NOM_TEMP = 0x4B48;
    static final int NOM_PULS_OXIM_PERF_REL = 0x4BB0;
    static final int NOM_PLETH = 0x4BB4;
    static final int NOM_PULS_OXIM_SAT_O2 = 0x4BB8;
    static final int NOM_RESP = 0x5000;
    static final int NOM_RESP_RATE = 0x500A;
    static final int NOM_AWAY_RESP_RATE = 0x5012;
    /** NIBP pulse rate, Philips-private. */
    static final int NOM_PRESS_BLD_NONINV_PULS_RATE = 0xF0E5;

    // Unit codes (partition 4, DIM).
    static final int NOM_DIM_DIMLESS = 0x0200;
    static final int NOM_DIM_PERCENT = 0x0220;
    static final int NOM_DIM_BEAT_PER_MIN = 0x0AA0;
    static final int NOM_DIM_RESP_PER_MIN = 0x0AE0;
    static final int NOM_DIM_X_L_PER_MIN = 0x0C00;
    static final int NOM_DIM_MILLI_L_PER_HR = 0x0C32;
    static final int NOM_DIM_KILO_PASCAL = 0x0F03;
    static final int NOM_DIM_MMHG = 0x0F20;
    static final int NOM_DIM_MILLI_VOLT = 0x10B2;
    static final int NOM_DIM_DEGC = 0x17A0;

    static final MetricCode NIBP_PULSE_RATE = MetricCode.mdc(149546, "MDC_PULS_RATE_NON_INV", null, "NIBP pulse rate");
    static final MetricCode PVC_COUNT = MetricCode.mdc(148065, "MDC_ECG_V_P_C_CNT", null, "PVC count");
    static final MetricCode ABP = MetricCode.mdc(150036, "MDC_PRESS_BLD_ART_ABP", null, "ABP");
    static final MetricCode ABP_SYSTOLIC = MetricCode.mdc(150037, "MDC_PRESS_BLD_ART_ABP_SYS", null, "ABP systolic");
    static final MetricCode ABP_DIASTOLIC = MetricCode.mdc(150038, "MDC_PRESS_BLD_ART_ABP_DIA", null, "ABP diastolic");
    static final MetricCode ABP_MEAN = MetricCode.mdc(150039, "MDC_PRESS_BLD_ART_ABP_MEAN", null, "ABP mean");
    static final MetricCode CVP_MEAN = MetricCode.mdc(150087, "MDC_PRESS_BLD_VEN_CENT_MEAN", null, "CVP mean");
    static final MetricCode AIRWAY_RESPIRATION_RATE =
            MetricCode.mdc(151570, "MDC_AWAY_RESP_RATE", null, "Airway respiration rate");
    static final MetricCode ECG_II = MetricCode.mdc(131330, "MDC_ECG_ELEC_POTL_II", null, "ECG II");
    static final MetricCode PLETH = MetricCode.mdc(150452, "MDC_PULS_OXIM_PLETH", null, "Pleth");
    static final MetricCode RESP = MetricCode.mdc(151552, "MDC_RESP", null, "Resp");

    private static final int NONE = -1;
    private static final Map<Integer, Physio> PHYSIO = new HashMap<>();
    private static final Map<Integer, UcumUnit> UNITS = new HashMap<>();

    private static void physio(int id, MetricCode metric) {
        physio(id, metric, NONE);
    }

    private static void physio(int id, MetricCode metric, int compound) {
        PHYSIO.put(id, new Physio(id, metric, compound));
    }

    static {
        physio(NOM_ECG_CARD_BEAT_RATE, Metrics.HEART_RATE_ECG);
        physio(NOM_ECG_V_P_C_CNT, PVC_COUNT);
        physio(NOM_PULS_RATE, Metrics.PULSE_RATE);
        physio(NOM_PLETH_PULS_RATE, Metrics.PULSE_RATE_OXIMETRY); // explicitly not 149538, see above
        physio(NOM_PRESS_BLD_NONINV, Metrics.NIBP);
        physio(NOM_PRESS_BLD_NONINV_SYS, Metrics.NIBP_SYSTOLIC, NOM_PRESS_BLD_NONINV);
        physio(NOM_PRESS_BLD_NONINV_DIA, Metrics.NIBP_DIASTOLIC, NOM_PRESS_BLD_NONINV);
        physio(NOM_PRESS_BLD_NONINV_MEAN, Metrics.NIBP_MEAN, NOM_PRESS_BLD_NONINV);
        physio(NOM_PRESS_BLD_ART_ABP, ABP);
        physio(NOM_PRESS_BLD_ART_ABP_SYS, ABP_SYSTOLIC, NOM_PRESS_BLD_ART_ABP);
        physio(NOM_PRESS_BLD_ART_ABP_DIA, ABP_DIASTOLIC, NOM_PRESS_BLD_ART_ABP);
        physio(NOM_PRESS_BLD_ART_ABP_MEAN, ABP_MEAN, NOM_PRESS_BLD_ART_ABP);
        physio(NOM_PRESS_BLD_VEN_CENT_MEAN, CVP_MEAN);
        physio(NOM_TEMP, Metrics.TEMPERATURE);
        physio(NOM_PULS_OXIM_PERF_REL, Metrics.PERFUSION_INDEX);
        physio(NOM_PULS_OXIM_SAT_O2, Metrics.SPO2);
        physio(NOM_RESP_RATE, Metrics.RESPIRATION_RATE);
        physio(NOM_AWAY_RESP_RATE, AIRWAY_RESPIRATION_RATE);
        physio(NOM_PRESS_BLD_NONINV_PULS_RATE, NIBP_PULSE_RATE);
        physio(NOM_ECG_ELEC_POTL_II, ECG_II);
        physio(NOM_PLETH, PLETH);
        physio(NOM_RESP, RESP);

        UNITS.put(NOM_DIM_DIMLESS, UcumUnit.DIMENSIONLESS);
        UNITS.put(NOM_DIM_PERCENT, UcumUnit.PERCENT);
        UNITS.put(NOM_DIM_BEAT_PER_MIN, UcumUnit.BEATS_PER_MINUTE);
        UNITS.put(NOM_DIM_RESP_PER_MIN, new UcumUnit("/min", "breaths/minute"));
        UNITS.put(NOM_DIM_X_L_PER_MIN, new UcumUnit("L/min", "L/min"));
        UNITS.put(NOM_DIM_MILLI_L_PER_HR, new UcumUnit("mL/h", "mL/h"));
        UNITS.put(NOM_DIM_KILO_PASCAL, new UcumUnit("kPa", "kPa"));
        UNITS.put(NOM_DIM_MMHG, UcumUnit.MM_HG);
        UNITS.put(NOM_DIM_MILLI_VOLT, new UcumUnit("mV", "mV"));
        UNITS.put(NOM_DIM_DEGC, UcumUnit.CELSIUS);
    }

    /** The table's entry for a physio id, or null when the driver does not know it. */
    static @Nullable Physio physio(int id) {
        return PHYSIO.get(id);
    }

    /**
     * The metric of a physio id: the table's, or a vendor metric that names the code (and the monitor's own label,
     * when it sent one) without claiming a standard term.
     */
    static MetricCode metric(int id, @Nullable String monitorLabel) {
        Physio p = PHYSIO.get(id);
        if (p != null) {
            return p.metric();
        }
        String label = monitorLabel == null || monitorLabel.isBlank() ? "Philips " + hex(id) : monitorLabel;
        return MetricCode.vendor("X_PHILIPS_PHYSIO_" + hex(id), label);
    }

    /** The UCUM unit of a unit code, or null for one the driver does not know. */
    static @Nullable UcumUnit unit(int code) {
        return UNITS.get(code);
    }

    static String hex(int code) {
        return String.format(Locale.ROOT, "0x%04X", code);
    }
}
