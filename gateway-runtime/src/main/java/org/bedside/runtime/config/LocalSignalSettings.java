package org.bedside.runtime.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.bedside.alarms.local.LocalSignals;
import org.bedside.alarms.local.SignalPattern;
import org.bedside.alarms.local.TechnicalCondition;
import org.jspecify.annotations.Nullable;

/**
 * {@code gateway.alarms.local-signals}, checked: the GPIO outputs (a buzzer, LEDs) that show the gateway's own technical
 * alarms on the box, with no network in between. No outputs: no local signals, and nothing touches GPIO.
 *
 * @param delay how long a technical alarm lasts before a signal shows it
 * @param lampTest how long every output is on at start (zero: no lamp test)
 * @param outputs the outputs, in the order of their names
 * @param audioPause the audio pause button; null without one
 */
public record LocalSignalSettings(
        Duration delay,
        Duration lampTest,
        List<Pin> outputs,
        @Nullable AudioPause audioPause) {
    static final String KEY = "gateway.alarms.local-signals";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** The Raspberry Pi's header GPIO lines, BCM numbering (GPIO0–GPIO27). */
    static final int MAX_PIN = 27;

    static final Duration MAX_DELAY = Duration.ofMinutes(10);
    /** Long enough to look at every lamp; short, since the outputs say nothing true while it lasts. */
    static final Duration MAX_LAMP_TEST = Duration.ofSeconds(30);
    /**
     * An audio pause shorter than this would be over before anyone reached the box; longer than 10 min, a technical
     * alarm would go unheard for too long (IEC 60601-1-8 leaves the time to the manufacturer: 2 min by default).
     */
    static final Duration MIN_AUDIO_PAUSE = Duration.ofSeconds(10);

    static final Duration MAX_AUDIO_PAUSE = Duration.ofMinutes(10);

    /**
     * The audio pause button.
     *
     * @param pin the GPIO line of the button, BCM numbering
     * @param activeLow true when a press pulls the pin low (the pin is then pulled up), false when high (pulled down)
     * @param duration how long a press silences {@code outputs}
     * @param outputs the names of the outputs it silences (the buzzer)
     */
    public record AudioPause(int pin, boolean activeLow, Duration duration, List<String> outputs) {
        public String describe() {
            return "audio pause button on GPIO" + pin + " (pressed " + (activeLow ? "low" : "high") + "): silences "
                    + String.join(", ", outputs) + " for " + duration.toSeconds()
                    + " s; the other outputs go on showing, and a new technical alarm sounds again";
        }
    }

    /**
     * One output pin.
     *
     * @param pin the GPIO line, BCM numbering
     * @param activeLow true when the pin goes low to sound or light
     */
    public record Pin(
            String name, int pin, boolean activeLow, SignalPattern pattern, List<TechnicalCondition> conditions) {
        public LocalSignals.Output output() {
            return new LocalSignals.Output(
                    name,
                    pattern,
                    conditions.isEmpty() ? EnumSet.noneOf(TechnicalCondition.class) : EnumSet.copyOf(conditions));
        }

        public String describe() {
            List<String> keys = new ArrayList<>();
            conditions.forEach(c -> keys.add(c.key()));
            return "local signal '" + name + "' on GPIO" + pin + " (active " + (activeLow ? "low" : "high") + "), "
                    + pattern.key() + ", for " + String.join(", ", keys);
        }
    }

    public boolean enabled() {
        return !outputs.isEmpty();
    }

    /** The pure decision for these outputs. */
    public LocalSignals signals() {
        return new LocalSignals(
                outputs.stream().map(Pin::output).toList(),
                new LocalSignals.Settings(
                        delay,
                        lampTest,
                        audioPause == null ? Duration.ZERO : audioPause.duration(),
                        audioPause == null ? Set.of() : Set.copyOf(audioPause.outputs())));
    }

    /** Every setting, one per line, for the log at start. */
    public List<String> describe() {
        if (outputs.isEmpty()) {
            return List.of("local signals: none configured (" + KEY + ".outputs)");
        }
        List<String> lines = new ArrayList<>();
        lines.add("local signals: " + outputs.size() + " output(s), a technical alarm shows after " + delay.toSeconds()
                + " s");
        outputs.forEach(p -> lines.add(p.describe()));
        lines.add(
                lampTest.isZero()
                        ? "local signals: no lamp test at start (" + KEY + ".lamp-test: 0s)"
                        : "local signals: lamp test at start, every output on for " + lampTest.toMillis() + " ms");
        lines.add(
                audioPause == null
                        ? "local signals: no audio pause button (" + KEY + ".audio-pause.pin)"
                        : "local signals: " + audioPause.describe());
        return lines;
    }

    /**
     * @throws ConfigProblems naming the key of every problem
     */
    public static LocalSignalSettings from(GatewayConfig config) {
        ConfigProblems.Collector problems = new ConfigProblems.Collector();
        GatewayConfig.LocalSignalsConfig c = config.alarms().localSignals();
        if (c.delay().isNegative() || c.delay().compareTo(MAX_DELAY) > 0) {
            problems.add(KEY + ".delay", c.delay() + " is outside 0s to 10m");
        }
        if (c.lampTest().isNegative() || c.lampTest().compareTo(MAX_LAMP_TEST) > 0) {
            problems.add(KEY + ".lamp-test", c.lampTest() + " is outside 0s to 30s");
        }
        List<Pin> pins = new ArrayList<>();
        Map<Integer, String> byPin = new HashMap<>();
        for (Map.Entry<String, GatewayConfig.SignalOutputConfig> e : new TreeMap<>(c.outputs()).entrySet()) {
            String name = e.getKey();
            String key = KEY + ".outputs." + name;
            GatewayConfig.SignalOutputConfig o = e.getValue();
            boolean ok = true;
            if (!NAME.matcher(name).matches()) {
                problems.add(key, "an output's name is 1 to 32 lower-case letters, digits or '-'");
                ok = false;
            }
            Integer pin = o.pin().orElse(null);
            if (pin == null) {
                problems.add(key + ".pin", "required: the GPIO line (BCM numbering, 0 to " + MAX_PIN + ")");
                ok = false;
            } else if (pin < 0 || pin > MAX_PIN) {
                problems.add(key + ".pin", pin + " is not a GPIO line from 0 to " + MAX_PIN + " (BCM numbering)");
                ok = false;
            } else if (byPin.containsKey(pin)) {
                problems.add(key + ".pin", "GPIO" + pin + " is already the output '" + byPin.get(pin) + "'");
                ok = false;
            } else {
                byPin.put(pin, name);
            }
            String active = o.active().strip();
            if (!active.equals("high") && !active.equals("low")) {
                problems.add(key + ".active", "'" + o.active() + "' is neither high nor low");
                ok = false;
            }
            SignalPattern pattern = SignalPattern.ofKey(o.pattern()).orElse(null);
            if (pattern == null) {
                problems.add(key + ".pattern", "'" + o.pattern() + "' is not steady, blink or beep");
                ok = false;
            }
            List<TechnicalCondition> conditions = new ArrayList<>();
            for (String given : o.conditions().orElse(List.of())) {
                TechnicalCondition t = TechnicalCondition.ofKey(given).orElse(null);
                if (t == null) {
                    problems.add(
                            key + ".conditions",
                            "'" + given + "' is not device-link-lost, uplink-failing, buffer-critical or"
                                    + " alert-delivery-failing");
                    ok = false;
                } else if (!conditions.contains(t)) {
                    conditions.add(t);
                }
            }
            if (o.conditions().isEmpty()) {
                conditions.addAll(EnumSet.allOf(TechnicalCondition.class));
            } else if (conditions.isEmpty() && ok) {
                problems.add(key + ".conditions", "empty: name at least one, or leave the key out for all four");
                ok = false;
            }
            if (ok) {
                pins.add(new Pin(name, pin, active.equals("low"), pattern, List.copyOf(conditions)));
            }
        }
        AudioPause audioPause = audioPause(c, byPin, problems);
        problems.throwIfAny();
        return new LocalSignalSettings(c.delay(), c.lampTest(), List.copyOf(pins), audioPause);
    }

    /** {@code audio-pause}: null without a pin; every problem named by its key. */
    private static @Nullable AudioPause audioPause(
            GatewayConfig.LocalSignalsConfig c, Map<Integer, String> outputPins, ConfigProblems.Collector problems) {
        String key = KEY + ".audio-pause";
        GatewayConfig.AudioPauseConfig a = c.audioPause();
        Integer pin = a.pin().orElse(null);
        if (pin == null) {
            if (a.outputs().isPresent()) {
                problems.add(key + ".pin", "required with " + key + ".outputs: the GPIO line of the button");
            }
            return null;
        }
        boolean ok = true;
        if (c.outputs().isEmpty()) {
            problems.add(key + ".pin", "there is no output to silence: " + KEY + ".outputs is empty");
            ok = false;
        }
        if (pin < 0 || pin > MAX_PIN) {
            problems.add(key + ".pin", pin + " is not a GPIO line from 0 to " + MAX_PIN + " (BCM numbering)");
            ok = false;
        } else if (outputPins.containsKey(pin)) {
            problems.add(key + ".pin", "GPIO" + pin + " is already the output '" + outputPins.get(pin) + "'");
            ok = false;
        }
        String active = a.active().strip();
        if (!active.equals("high") && !active.equals("low")) {
            problems.add(key + ".active", "'" + a.active() + "' is neither high nor low");
            ok = false;
        }
        if (a.duration().compareTo(MIN_AUDIO_PAUSE) < 0 || a.duration().compareTo(MAX_AUDIO_PAUSE) > 0) {
            problems.add(key + ".duration", a.duration() + " is outside 10s to 10m");
            ok = false;
        }
        List<String> silenced = new ArrayList<>();
        List<String> names = new ArrayList<>(new TreeMap<>(c.outputs()).keySet());
        if (a.outputs().isEmpty() || a.outputs().get().isEmpty()) {
            problems.add(key + ".outputs", "required: the outputs the button silences (the buzzer), by name");
            ok = false;
        } else {
            for (String given : a.outputs().get()) {
                String name = given.strip();
                if (!c.outputs().containsKey(name)) {
                    problems.add(
                            key + ".outputs", "'" + given + "' is not an output (" + String.join(", ", names) + ")");
                    ok = false;
                } else if (!silenced.contains(name)) {
                    silenced.add(name);
                }
            }
        }
        return ok ? new AudioPause(pin, active.equals("low"), a.duration(), List.copyOf(silenced)) : null;
    }
}
