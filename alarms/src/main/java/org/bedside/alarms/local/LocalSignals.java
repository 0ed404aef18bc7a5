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
import org.jspecify.annotations.Nullable;

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
 * waits for the delay again.
 *
 * <p><b>Lamp test.</b> From the first update, every output is on for {@link Settings#lampTest()}, so that whoever
 * starts the box sees each lamp and hears each buzzer; a {@link SignalRequest#LAMP_TEST} runs it again, for {@link
 * Settings#requestedLampTest()}, whenever someone asks. The conditions are counted all the while: a technical alarm
 * raised during the test shows as soon as it is over, its pattern starting then (on at once).
 *
 * <p><b>Audio pause.</b> A {@link SignalRequest#AUDIO_PAUSE} (the button pressed, or asked over HTTP) while an {@link Settings#audible()} output
 * sounds silences the audible outputs for {@link Settings#audioPause()} (IEC 60601-1-8 "audio paused"); the others go
 * on showing the conditions. The pause ends early when a technical alarm that an audible output shows starts during it
 * (a condition it silenced that ends and comes back counts as new), or when every condition it silenced has ended. An
 * audible output sounds again at once when the pause ends. A press during a pause starts its time again.
 *
 * <p>Not thread-safe: one thread (the runtime's signal ticker) calls it.
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

    /**
     * How the outputs behave over time.
     *
     * @param delay how long a condition must last before it shows; zero or more
     * @param lampTest how long every output is on from the first update; zero: no lamp test
     * @param audioPause how long a press of the audio pause button silences the audible outputs
     * @param audible the names of the outputs an audio pause silences (the buzzer); empty: no audio pause
     */
    public record Settings(Duration delay, Duration lampTest, Duration audioPause, Set<String> audible) {
        public Settings {
            if (delay.isNegative() || lampTest.isNegative() || audioPause.isNegative()) {
                throw new IllegalArgumentException(
                        "no negative time: delay " + delay + ", lamp test " + lampTest + ", audio pause " + audioPause);
            }
            audible = Set.copyOf(audible);
        }

        /** Only a delay: no lamp test, no audio pause. */
        public static Settings delayOnly(Duration delay) {
            return new Settings(delay, Duration.ZERO, Duration.ZERO, Set.of());
        }

        /**
         * How long a lamp test someone asks for lasts: {@link #lampTest()}, or {@link LocalSignals#DEFAULT_LAMP_TEST} when there
         * is none at start (an asked-for test must light the lamps long enough to be seen).
         */
        public Duration requestedLampTest() {
            return lampTest.isZero() ? DEFAULT_LAMP_TEST : lampTest;
        }
    }

    /** The length of a lamp test asked for on a box that runs none at start. */
    public static final Duration DEFAULT_LAMP_TEST = Duration.ofSeconds(2);

    /**
     * One output as the status shows it, at the last update.
     *
     * @param active it shows at least one counted condition, whatever the phase of its pattern
     * @param showing the counted conditions it shows (why it is active)
     * @param silenced active but silenced by the audio pause
     */
    public record OutputState(String name, boolean active, Set<TechnicalCondition> showing, boolean silenced) {}

    /**
     * The audio pause in force at the last update.
     *
     * @param remainingMillis how long it has still to run
     * @param conditions the technical alarms it silences
     */
    public record Pause(long remainingMillis, Set<TechnicalCondition> conditions) {}

    /** Everything the status shows, at the last update. */
    public record Snapshot(
            boolean lampTest,
            List<OutputState> outputs,
            @Nullable Pause audioPause) {}

    private static final long INACTIVE = Long.MIN_VALUE;

    private final List<Output> outputs;
    private final Settings settings;
    /** The conditions an audible output shows: only these start, or end, an audio pause. */
    private final Set<TechnicalCondition> audibleConditions;
    /** Per output, the time it became active; {@link #INACTIVE} while inactive, in a lamp test or silenced. */
    private final long[] activeSince;
    /** Per condition (by ordinal), the time it was first seen in its current run; {@link #INACTIVE} while not. */
    private final long[] conditionSince = new long[TechnicalCondition.values().length];

    private long lastMillis = Long.MIN_VALUE;
    private boolean started;
    private long lampTestEnds = INACTIVE;
    private long pauseEnds = INACTIVE;
    /** The conditions the audio pause in force silences; empty when there is none. */
    private EnumSet<TechnicalCondition> paused = EnumSet.noneOf(TechnicalCondition.class);

    private EnumSet<TechnicalCondition> lastCounted = EnumSet.noneOf(TechnicalCondition.class);
    private List<SignalEvent> lastEvents = List.of();

    /** Without a delay: a condition shows as soon as it is reported. */
    public LocalSignals(List<Output> outputs) {
        this(outputs, Settings.delayOnly(Duration.ZERO));
    }

    /**
     * @param delay how long a condition must last before it shows; zero or more
     */
    public LocalSignals(List<Output> outputs, Duration delay) {
        this(outputs, Settings.delayOnly(delay));
    }

    public LocalSignals(List<Output> outputs, Settings settings) {
        this.outputs = List.copyOf(outputs);
        this.settings = settings;
        EnumSet<TechnicalCondition> audible = EnumSet.noneOf(TechnicalCondition.class);
        for (Output o : this.outputs) {
            if (settings.audible().contains(o.name())) {
                audible.addAll(o.conditions());
            }
        }
        this.audibleConditions = Collections.unmodifiableSet(audible);
        this.activeSince = new long[this.outputs.size()];
        Arrays.fill(activeSince, INACTIVE);
        Arrays.fill(conditionSince, INACTIVE);
    }

    public List<Output> outputs() {
        return outputs;
    }

    /** {@link #update(Set, long, Set)} with nothing asked. */
    public Map<String, Boolean> update(Set<TechnicalCondition> active, long time) {
        return update(active, time, Set.of());
    }

    /** {@link #update(Set, long, Set)} with an audio pause asked for when {@code audioPausePressed}. */
    public Map<String, Boolean> update(Set<TechnicalCondition> active, long time, boolean audioPausePressed) {
        return update(active, time, audioPausePressed ? Set.of(SignalRequest.AUDIO_PAUSE) : Set.of());
    }

    /**
     * @param active the technical alarms active now
     * @param time a monotonic time in milliseconds; a time earlier than the last one is taken as the last one
     * @param requests what was asked since the last update (the button pressed, a request over HTTP)
     * @return every output's level, on = true, in the order of {@link #outputs()}
     */
    public Map<String, Boolean> update(Set<TechnicalCondition> active, long time, Set<SignalRequest> requests) {
        long nowMillis = Math.max(time, lastMillis);
        lastMillis = nowMillis;
        List<SignalEvent> events = new ArrayList<>();
        if (!started) {
            started = true;
            if (!settings.lampTest().isZero() && !outputs.isEmpty()) {
                lampTestEnds = nowMillis + settings.lampTest().toMillis();
                events.add(new SignalEvent.LampTestStarted(
                        settings.lampTest(), outputs.stream().map(Output::name).toList()));
            }
        }
        if (requests.contains(SignalRequest.LAMP_TEST) && !outputs.isEmpty()) {
            // Asked again during a test: it starts again, for its whole length.
            lampTestEnds = nowMillis + settings.requestedLampTest().toMillis();
            events.add(new SignalEvent.LampTestStarted(
                    settings.requestedLampTest(),
                    outputs.stream().map(Output::name).toList()));
        }
        EnumSet<TechnicalCondition> counted = count(active, nowMillis);
        lastCounted = counted;
        endPauseIfOver(counted, nowMillis, events);
        if (requests.contains(SignalRequest.AUDIO_PAUSE)) {
            pause(counted, nowMillis, events);
        }
        if (lampTestEnds != INACTIVE && nowMillis >= lampTestEnds) {
            lampTestEnds = INACTIVE;
            events.add(new SignalEvent.LampTestEnded());
        }
        lastEvents = List.copyOf(events);
        boolean lampTest = lampTestEnds != INACTIVE;
        Map<String, Boolean> levels = new LinkedHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            boolean isActive = !Collections.disjoint(o.conditions(), counted);
            if (lampTest || !isActive || isSilenced(o)) {
                // Timed afresh when it shows again (after the test, the pause): on at once, never in a pattern's gap.
                activeSince[i] = INACTIVE;
                levels.put(o.name(), lampTest);
                continue;
            }
            if (activeSince[i] == INACTIVE) {
                activeSince[i] = nowMillis;
            }
            levels.put(o.name(), o.pattern().isOn(Math.max(0, nowMillis - activeSince[i])));
        }
        return levels;
    }

    private EnumSet<TechnicalCondition> count(Set<TechnicalCondition> active, long nowMillis) {
        EnumSet<TechnicalCondition> counted = EnumSet.noneOf(TechnicalCondition.class);
        long delayMillis = settings.delay().toMillis();
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
        return counted;
    }

    private void endPauseIfOver(EnumSet<TechnicalCondition> counted, long nowMillis, List<SignalEvent> events) {
        if (pauseEnds == INACTIVE) {
            return;
        }
        // A silenced condition that ended is no longer silenced: should it come back, it is a new one.
        paused.retainAll(counted);
        EnumSet<TechnicalCondition> fresh = audibleCounted(counted);
        fresh.removeAll(paused);
        SignalEvent.PauseEnd why = !fresh.isEmpty()
                ? SignalEvent.PauseEnd.NEW_CONDITION
                : nowMillis >= pauseEnds
                        ? SignalEvent.PauseEnd.TIME_OVER
                        : paused.isEmpty() ? SignalEvent.PauseEnd.CONDITIONS_ENDED : null;
        if (why != null) {
            pauseEnds = INACTIVE;
            paused = EnumSet.noneOf(TechnicalCondition.class);
            events.add(new SignalEvent.AudioPauseEnded(why, fresh));
        }
    }

    private void pause(EnumSet<TechnicalCondition> counted, long nowMillis, List<SignalEvent> events) {
        EnumSet<TechnicalCondition> sounding = audibleCounted(counted);
        if (sounding.isEmpty()) {
            events.add(new SignalEvent.AudioPauseNotNeeded());
            return;
        }
        boolean restarted = pauseEnds != INACTIVE;
        pauseEnds = nowMillis + settings.audioPause().toMillis();
        paused = sounding;
        List<String> silenced = new ArrayList<>();
        for (Output o : outputs) {
            if (isSilenced(o) && !Collections.disjoint(o.conditions(), counted)) {
                silenced.add(o.name());
            }
        }
        events.add(new SignalEvent.AudioPaused(settings.audioPause(), sounding, silenced, restarted));
    }

    private EnumSet<TechnicalCondition> audibleCounted(EnumSet<TechnicalCondition> counted) {
        EnumSet<TechnicalCondition> s = EnumSet.copyOf(counted);
        s.retainAll(audibleConditions);
        return s;
    }

    private boolean isSilenced(Output o) {
        return pauseEnds != INACTIVE && settings.audible().contains(o.name());
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

    /** What changed at the last {@link #update}: the lamp test and the audio pause starting and ending. */
    public List<SignalEvent> events() {
        return lastEvents;
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

    /** The outputs, the lamp test and the audio pause at the last {@link #update}, for the status. */
    public Snapshot snapshot() {
        List<OutputState> states = new ArrayList<>();
        for (Output o : outputs) {
            EnumSet<TechnicalCondition> showing = EnumSet.noneOf(TechnicalCondition.class);
            showing.addAll(o.conditions());
            showing.retainAll(lastCounted);
            boolean active = !showing.isEmpty();
            states.add(
                    new OutputState(o.name(), active, Collections.unmodifiableSet(showing), active && isSilenced(o)));
        }
        Pause pause = pauseEnds == INACTIVE
                ? null
                : new Pause(Math.max(0, pauseEnds - lastMillis), Collections.unmodifiableSet(EnumSet.copyOf(paused)));
        return new Snapshot(lampTestEnds != INACTIVE, List.copyOf(states), pause);
    }
}
