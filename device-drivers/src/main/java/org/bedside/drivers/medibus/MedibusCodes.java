package org.bedside.drivers.medibus;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Medibus tables: control bytes, command codes, and what each data code of a response is, with its unit.
 *
 * <p>Sources: protocols.md section 3 (message grammar, checksum, command codes, record sizes), OpenICE's {@code
 * Medibus.java} and its type maps {@code command.map}, {@code measured-data-cp1.map}, {@code measured-data-cp2.map},
 * {@code setting.map} (BSD-2; read for the format, tables re-typed here). Codes the maps list without a unit are kept
 * with their digits but marked invalid ("unit not known"), never given a guessed unit; two are completed where the
 * quantity leaves no doubt (respiratory rate in 1/min, a minute volume in L/min).
 */
final class MedibusCodes {
    static final byte SOH = 0x01;
    static final byte ETX = 0x03;
    static final byte CR = 0x0D;
    static final byte ESC = 0x1B;
    static final byte DC1 = 0x11;
    static final byte DC3 = 0x13;

    // Command codes (OpenICE command.map, protocols.md 3).
    static final int CORRUPT = 0x15;
    static final int MEASURED_CP1 = 0x24;
    static final int LOW_LIMITS_CP1 = 0x25;
    static final int HIGH_LIMITS_CP1 = 0x26;
    static final int ALARMS_CP1 = 0x27;
    static final int DATE_TIME = 0x28;
    static final int SETTINGS = 0x29;
    static final int TEXT_MESSAGES = 0x2A;
    static final int MEASURED_CP2 = 0x2B;
    static final int ALARMS_CP2 = 0x2E;
    static final int NOP = 0x30;
    static final int TIME_CHANGED = 0x49;
    static final int ICC = 0x51;
    static final int DEVICE_ID = 0x52;
    static final int STOP = 0x55;

    /** Measured data and alarm limits: two hex characters of code and four of value. */
    static final int DATA_RECORD = 6;
    /** Alarms: one priority character, two hex of code, twelve of phrase. */
    static final int ALARM_RECORD = 15;
    /** Device settings: two hex of code, five of value. */
    static final int SETTING_RECORD = 7;

    static String commandName(int code) {
        return switch (code) {
            case CORRUPT -> "corrupt";
            case MEASURED_CP1 -> "measured data CP1";
            case LOW_LIMITS_CP1 -> "low alarm limits CP1";
            case HIGH_LIMITS_CP1 -> "high alarm limits CP1";
            case ALARMS_CP1 -> "alarms CP1";
            case DATE_TIME -> "date and time";
            case SETTINGS -> "device settings";
            case TEXT_MESSAGES -> "text messages";
            case MEASURED_CP2 -> "measured data CP2";
            case ALARMS_CP2 -> "alarms CP2";
            case NOP -> "NOP";
            case TIME_CHANGED -> "time changed";
            case ICC -> "ICC";
            case DEVICE_ID -> "device identification";
            case STOP -> "stop";
            default -> String.format(Locale.ROOT, "command 0x%02X", code);
        };
    }

    /** One data code: its metric and unit; {@code unit} null when the source gives none. */
    record Field(int code, MetricCode metric, @Nullable UcumUnit unit) {}

    private static final Map<String, UcumUnit> UNITS = Map.ofEntries(
            Map.entry("mbar", new UcumUnit("mbar", "mbar")),
            Map.entry("mL/mbar", new UcumUnit("mL/mbar", "mL/mbar")),
            Map.entry("mbar/L", new UcumUnit("mbar/L", "mbar/L")),
            Map.entry("kPa", new UcumUnit("kPa", "kPa")),
            Map.entry("10.mL/min", new UcumUnit("10.mL/min", "10 mL/min")),
            Map.entry("mL", new UcumUnit("mL", "mL")),
            Map.entry("L", new UcumUnit("L", "L")),
            Map.entry("mL/min", new UcumUnit("mL/min", "mL/min")),
            Map.entry("L/min", new UcumUnit("L/min", "L/min")),
            Map.entry("1", UcumUnit.DIMENSIONLESS),
            Map.entry("%", UcumUnit.PERCENT),
            Map.entry("/min", UcumUnit.PER_MINUTE),
            Map.entry("s", new UcumUnit("s", "s")),
            Map.entry("mm[Hg]", UcumUnit.MM_HG),
            Map.entry("a", new UcumUnit("a", "years")),
            Map.entry("kg", new UcumUnit("kg", "kg")));

    /** Measured data, code page 1: code, OpenICE's name, unit ("-" where the map gives none). */
    private static final String CP1 = """
            05 BreathingPressure mbar
            06 ComplianceFrac mL/mbar
            07 Compliance -
            08 Resistance -
            09 CarbonDioxideProduction -
            0B ResistanceFrac -
            50 InspHalothane kPa
            51 ExpHalothane kPa
            52 InspEnflurane kPa
            53 ExpEnflurane kPa
            54 InspIsoflurane kPa
            55 ExpIsoflurane kPa
            56 InspDesflurane kPa
            57 ExpDesflurane kPa
            58 InspSevoflurane kPa
            59 ExpSevoflurane kPa
            5A InspAgent kPa
            5B ExpAgent kPa
            5C InspAgent2 kPa
            5D ExpAgent2 kPa
            64 O2Uptake 10.mL/min
            6B AmbientPressure mbar
            71 MinimalAirwayPressure -
            72 OcclusionPressure -
            73 MeanBreathingPressure mbar
            74 PlateauPressure mbar
            78 PEEPBreathingPressure mbar
            79 IntrinsicPEEPBreathingPressure -
            7A SpontaneousMinuteVolumeFrac -
            7D PeakBreathingPressure mbar
            81 TrappedVolume -
            82 TidalVolumeFrac -
            88 TidalVolume mL
            89 DeadSpace -
            8A RelativeDeadSpace -
            8B InspiratorySpontaneousSupportVolume -
            AC InspMAC 1
            AD ExpMAC 1
            AE InspDesfluranePct %
            AF ExpDesfluranePct %
            B0 InspSevofluranePct %
            B1 ExpSevofluranePct %
            B2 Leakage mL/min
            B4 RespiratoryRatePressure /min
            B5 SpontaneousRespiratoryRate -
            B7 SpontaneousMinuteVolume -
            B8 RespiratoryMinuteVolume -
            B9 RespiratoryMinuteVolumeFrac L/min
            BD ApneaDuration s
            C1 AirwayTemperature -
            C4 DeltaO2 %
            C9 RapidShallowBreathingIndex -
            D5 RespiratoryRateCO2 /min
            D6 RespiratoryRate /min
            D7 RespiratoryRateVolumePerFlow /min
            D9 RespiratoryRateDerived /min
            DA InspCO2Pct %
            DB EndTidalCO2Pct %
            DF PulseRateDerived /min
            E1 PulseRateOximeter /min
            E3 EndTidalCO2kPa kPa
            E5 InspCO2mmHg mm[Hg]
            E6 EndTidalCO2mmHg mm[Hg]
            E9 InspAgentPct %
            EA ExpAgentPct %
            EB OxygenSaturation %
            ED InspAgent2Pct %
            EE ExpAgent2Pct %
            EF ExpO2 %
            F0 InspO2 %
            F4 InspHalothanePct %
            F5 ExpHalothanePct %
            F6 InspEnfluranePct %
            F7 ExpEnfluranePct %
            F8 InspIsofluranePct %
            F9 ExpIsofluranePct %
            FB InspN2OPct %
            FC ExpN2OPct %
            FF InspCO2kPa kPa
            """;

    /** Measured data, code page 2. */
    private static final String CP2 = """
            00 VTspon mL
            06 ElastanceE mbar/L
            07 Tau s
            21 ExpiratoryTidalVolumeVTe mL
            22 InspiratoryTidalVolumeVTi mL
            23 EIP mbar
            7B PressureVariability %
            7D Tlowmax s
            """;

    /** Device settings. */
    private static final String SETTING = """
            01 Oxygen %
            02 MaxInspirationFlow L/min
            04 InspTidalVolume L
            05 InspiratoryTime s
            07 IPart 1
            08 EPart 1
            09 FrequencyIMV /min
            0A FrequencyIPPV /min
            0B PEEP mbar
            0C IntermittentPEEP mbar
            0D BIPAPLowPressure mbar
            0E BIPAPHighPressure mbar
            0F BIPAPLowTime s
            10 BIPAPHighTime s
            11 ApneaTime s
            12 PressureSupportPressure mbar
            13 MaxInspirationAirwayPressure mbar
            15 TriggerPressure mbar
            16 TachyapneaFrequency /min
            17 TachyapneaDuration s
            27 InspPauseInspTime %
            29 FlowTrigger L/min
            2E ASBRamp s
            2F FreshgasFlow mL/min
            42 MinimalFrequency /min
            45 InspiratoryPressure mbar
            4A Age a
            4B Weight kg
            """;

    /** The few codes with a standard term; each MDC code appears once, so that a response never repeats a metric. */
    private static final Map<Integer, MetricCode> CP1_STANDARD = Map.of(
            0xEB, Metrics.SPO2,
            0xE1, Metrics.PULSE_RATE_OXIMETRY,
            0xE6, Metrics.END_TIDAL_CO2,
            0xD6, Metrics.AIRWAY_RESPIRATION_RATE);

    static final Map<Integer, Field> MEASURED_CP1_FIELDS = table(CP1, "CP1_", CP1_STANDARD);
    static final Map<Integer, Field> MEASURED_CP2_FIELDS = table(CP2, "CP2_", Map.of());
    static final Map<Integer, Field> SETTING_FIELDS = table(SETTING, "SET_", Map.of());

    private static Map<Integer, Field> table(String text, String prefix, Map<Integer, MetricCode> standard) {
        Map<Integer, Field> fields = new HashMap<>();
        for (String line : text.strip().split("\n")) {
            String[] p = line.strip().split(" ");
            int code = Integer.parseInt(p[0], 16);
            MetricCode metric = standard.getOrDefault(
                    code, MetricCode.vendor("X_DRAEGER_" + prefix + constantName(p[1]), label(p[1])));
            fields.put(code, new Field(code, metric, p[2].equals("-") ? null : UNITS.get(p[2])));
        }
        return Map.copyOf(fields);
    }

    /** {@code PeakBreathingPressure} → {@code PEAK_BREATHING_PRESSURE}. */
    private static String constantName(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** {@code PeakBreathingPressure} → {@code Peak breathing pressure}; words with capitals or digits kept (O2, PEEP). */
    private static String label(String camel) {
        String spaced = camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2");
        StringBuilder b = new StringBuilder();
        for (String word : spaced.split(" ")) {
            if (b.length() > 0) {
                String rest = word.substring(1);
                boolean keep = !rest.equals(rest.toLowerCase(Locale.ROOT)) || word.matches(".*\\d.*");
                b.append(' ').append(keep ? word : word.toLowerCase(Locale.ROOT));
            } else {
                b.append(word);
            }
        }
        return b.toString();
    }

    /** A code no table lists: kept as a vendor metric named by page and code. */
    static MetricCode unknown(String page, int code) {
        String hex = String.format(Locale.ROOT, "%02X", code);
        return MetricCode.vendor("X_DRAEGER_" + page + "_" + hex, "Medibus " + page + " code 0x" + hex);
    }

    private MedibusCodes() {}
}
