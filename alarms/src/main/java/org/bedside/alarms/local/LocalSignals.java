package org.bedside.alarms.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which local output is on, for which of the gateway's technical alarms. Pure: the caller passes the active conditions
 * and a monotonic time in milliseconds (never the wall clock, which steps at NTP synchronisation) and gets the logical
 * level of every output; whether "on" is a high or a low pin is the adapter's business.
 *
 * <pre>{@code
 * LocalSignals signals = new LocalSignals(List.of(
 *         new LocalSignals.Output("buzzer", SignalPattern.BEEP, EnumSet.allOf(TechnicalCondition.class)),
 *         new LocalSignals.Output("uplink-led", SignalPattern.STEADY, EnumSet.of(UPLINK_FAILING))));
 * signals.update(EnumSet.of(UPLINK_FAILING), 0);     // {buzzer=true, uplink-led=true}
 * signals.update(EnumSet.of(UPLINK_FAILING), 300);   // {buzzer=false, uplink-led=true}: the beep's pause
 * signals.update(Set.of(), 400);                       // {buzzer=false, uplink-led=false}
 * }</pre>
 *
 * <p>A condition counts once it has been active without a break for the {@code delay} (so that one failed upload
 * retried a second later sounds nothing); an output is active while any of its counted conditions is, and its pattern
 * is timed from the moment it became active, so that a new alarm shows at once. A condition that ends and comes back
 * waits for the delay again. Not thread-safe: one thread (the runtime's signal ticker) calls it.
 */
public final class LocalSignals {

    /**
     * One output.
     *
     * @param name the output's name in the configuration ({@code buzzer}, {@code red-led})
     * @param conditions the technical alarms it shows; an output with none is never on
     */
    public record Output(String name, SignalPattern pattern, Set<TechnicalCondition> conditions) {
        public Output {
            conditions = conditions.isEmpty()
                    ? Collections.unmodifiableSet(EnumSet.noneOf(TechnicalCondition.class))
                    : Collections.unmodifiableSet(EnumSet.copyOf(conditions));
        }
    }

    private static final long INACTIVE = Long.MIN_VALUE;

    private final List<Output> outputs;
    private final long delayMillis;
    /** Per output, the time it became active; {@link #INACTIVE} while inactive. */
    private final long[] activeSince;
    /** Per condition (by ordinal), the time it was first seen in its current run; {@link #INACTIVE} while not. */
    private final long[] conditionSince = new long[TechnicalCondition.values().length];

    private long lastMillis = Long.MIN_VALUE;

    private EnumSet<TechnicalCondition> lastCounted = EnumSet.noneOf(TechnicalCondition.class);

    /** Without a delay: a condition shows as soon as it is reported. */
    public LocalSignals(List<Output> outputs) {
        this(outputs, Duration.ZERO);
    }

    /**
     * @param delay how long a condition must last before it shows; zero or more
     */
    public LocalSignals(List<Output> outputs, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("the delay must not be negative: " + delay);
        }
        this.outputs = List.copyOf(outputs);
        this.delayMillis = delay.toMillis();
        this.activeSince = new long[this.outputs.size()];
        Arrays.fill(activeSince, INACTIVE);
        Arrays.fill(conditionSince, INACTIVE);
    }

    public List<Output> outputs() {
        return outputs;
    }

    /**
     * @param active the technical alarms active now
     * @param time a monotonic time in milliseconds; a time earlier than the last one is taken as the last one
     * @return every output's level, on = true, in the order of {@link #outputs()}
     */
    public Map<String, Boolean> update(Set<TechnicalCondition> active, long time) {
        long nowMillis = Math.max(time, lastMillis);
        lastMillis = nowMillis;
        EnumSet<TechnicalCondition> counted = EnumSet.noneOf(TechnicalCondition.class);
        for (TechnicalCondition c : TechnicalCondition.values()) {
            int k = c.ordinal();
            if (!active.contains(c)) {
                conditionSince[k] = INACTIVE;
                continue;
            }
            if (conditionSince[k] == INACTIVE) {
                conditionSince[k] = nowMillis;
            }
            if (nowMillis - conditionSince[k] >= delayMillis) {
                counted.add(c);
            }
        }
        lastCounted = counted;
        Map<String, Boolean> levels = new LinkedHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            boolean isActive = !Collections.disjoint(o.conditions(), counted);
            if (!isActive) {
                activeSince[i] = INACTIVE;
                levels.put(o.name(), false);
                continue;
            }
            if (activeSince[i] == INACTIVE) {
                activeSince[i] = nowMillis;
            }
            levels.put(o.name(), o.pattern().isOn(Math.max(0, nowMillis - activeSince[i])));
        }
        return levels;
    }

    /** The conditions that drive at least one output: the others are shown by no signal here. */
    public Set<TechnicalCondition> shown() {
        EnumSet<TechnicalCondition> s = EnumSet.noneOf(TechnicalCondition.class);
        for (Output o : outputs) {
            s.addAll(o.conditions());
        }
        return s;
    }

    /** The conditions that counted (had lasted the delay) at the last {@link #update}. */
    public Set<TechnicalCondition> counted() {
        return Collections.unmodifiableSet(lastCounted);
    }

    /** The names of the outputs active at the last {@link #update}, whatever the phase of their pattern. */
    public List<String> activeOutputs() {
        List<String> names = new ArrayList<>();
        for (Output o : outputs) {
            if (!Collections.disjoint(o.conditions(), lastCounted)) {
                names.add(o.name());
            }
        }
        return names;
    }
}
