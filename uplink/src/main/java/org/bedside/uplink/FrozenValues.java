package org.bedside.uplink;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.jspecify.annotations.Nullable;

/**
 * Tells a frozen device: a metric whose valid value stays the same to the last digit for longer than is plausible for
 * that metric ({@link ChartingValidation#frozenAfter()}). A live physiological signal wanders; a monitor whose
 * measurement hung, or a simulator left on a fixed value, repeats the same number. Only the metrics given a time are
 * watched: a steady SpO2 of 100 % or a temperature is no sign of anything.
 *
 * <p>A run is the readings of one device and metric, in the order they are read, with one value; a different value or
 * an invalid reading (no value, a sensor off) ends it. The run's start is the first of its readings this tracker saw:
 * after the uplink restarts from its committed position, a run is recognised again only once the time has passed anew
 * (docs/patients.md).
 */
final class FrozenValues {
    private final Map<Integer, Duration> after;
    private final Map<Key, Run> runs = new HashMap<>();

    private record Key(DeviceId device, int mdc) {}

    private record Run(BigDecimal value, Instant since) {}

    FrozenValues(Map<Integer, Duration> after) {
        this.after = Map.copyOf(after);
    }

    /**
     * Takes the next reading of its series; says why its value looks frozen, or null. {@code effective} is the time
     * the reading was taken.
     */
    @Nullable
    String accept(NumericReading n, Instant effective) {
        Duration limit = after.get(n.metric().mdc());
        if (limit == null) {
            return null;
        }
        Key key = new Key(n.device(), n.metric().mdc());
        BigDecimal value = n.isValid() ? n.value() : null;
        if (value == null) {
            runs.remove(key);
            return null;
        }
        Run run = runs.get(key);
        // The same to the last digit: 98 and 98.0 are different readings of a device, which prints what it measured.
        if (run == null || !run.value().equals(value) || effective.isBefore(run.since())) {
            runs.put(key, new Run(value, effective));
            return null;
        }
        Duration lasted = Duration.between(run.since(), effective);
        if (lasted.compareTo(limit) < 0) {
            return null;
        }
        return "the same value " + value.toPlainString() + " since " + run.since() + " (" + lasted.toMinutes()
                + " min), longer than the " + text(limit) + " configured for "
                + n.metric().label()
                + ": the device may be frozen";
    }

    private static String text(Duration d) {
        return d.toSecondsPart() == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
