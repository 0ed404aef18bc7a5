package org.bedside.alarms;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.model.AlarmEvent;

/**
 * The alarms that are never delayed and never suppressed, whatever the policy: anything the device reports as high
 * priority, and the asystole, VF/VT and apnoea classes, recognised by the device's alarm code where the code is known
 * and by the alarm's text otherwise. Recognising too much only means an alarm goes out at once; recognising too little
 * would delay a cardiac arrest, so the text patterns are wide.
 *
 * <p>Codes: the IntelliVue driver names an alarm {@code p-<source>-<code>} or {@code t-<source>-<code>} in hex, where
 * the code is the monitor's NOM_EVT term (Data Export Programming Guide; the same numbers are in VSCaptureMP and
 * OpenICE): NOM_EVT_APNEA 3072, NOM_EVT_ECG_ASYSTOLE 3076, NOM_EVT_ECG_V_TACHY 3224, NOM_EVT_ECG_V_TACHY_NON_SUST 3226,
 * NOM_EVT_ECG_V_FIB_TACHY 61444. Masimo, Nonin and GE report no arrhythmia or apnoea alarm over their serial outputs;
 * Dräger Medibus alarms are recognised by their phrase ("Apnea").
 */
final class NeverDelay {
    private static final Pattern IVUE_CODE = Pattern.compile("[pt]-[0-9a-f]{4}-([0-9a-f]{4})");
    private static final Map<Integer, String> IVUE_EVENTS = Map.of(
            3072, "apnoea",
            3076, "asystole",
            3224, "VF/VT",
            3226, "VF/VT",
            61444, "VF/VT");
    private static final Pattern ASYSTOLE = Pattern.compile("(?i)asystol");
    private static final Pattern VF_VT = Pattern.compile(
            "(?i)(\\bv[- ]?fib|\\bv[- ]?tach|\\bvf\\b|\\bvt\\b|ventricular\\s+(fibrillation|tachycardia|flutter))");
    private static final Pattern APNOEA = Pattern.compile("(?i)apn(o)?ea");

    private NeverDelay() {}

    /** The never-delay class of this device alarm ("asystole", "VF/VT", "apnoea"), if it belongs to one. */
    static Optional<String> classOf(AlarmEvent event) {
        Matcher m = IVUE_CODE.matcher(event.code());
        if (m.matches()) {
            String c = IVUE_EVENTS.get(Integer.parseInt(m.group(1), 16));
            if (c != null) {
                return Optional.of(c);
            }
        }
        return classOfText(event.text());
    }

    static Optional<String> classOfText(String text) {
        if (ASYSTOLE.matcher(text).find()) {
            return Optional.of("asystole");
        }
        if (VF_VT.matcher(text).find()) {
            return Optional.of("VF/VT");
        }
        if (APNOEA.matcher(text).find()) {
            return Optional.of("apnoea");
        }
        return Optional.empty();
    }

    /**
     * The class of a value that says a vital function stopped: a respiration rate of 0 (no breath detected: the apnoea
     * class) or an ECG heart rate of 0 (no beat detected: the asystole class). A condition that sees one is notified at
     * once and never held back, whatever its delay.
     */
    static Optional<String> classOfZero(LimitRule rule, java.math.BigDecimal value) {
        if (rule.direction() != LimitRule.Direction.LOW || value.signum() != 0) {
            return Optional.empty();
        }
        return switch (rule.parameter()) {
            case RESPIRATION_RATE -> Optional.of("apnoea");
            case HEART_RATE -> Optional.of("asystole");
            default -> Optional.empty();
        };
    }

    /** Why this device alarm goes out at once and is never suppressed, or empty when the policy's rules apply. */
    static Optional<String> reason(AlarmEvent event) {
        if (event.priority() == AlarmEvent.Priority.HIGH) {
            return Optional.of("high priority on the device");
        }
        return classOf(event);
    }
}
