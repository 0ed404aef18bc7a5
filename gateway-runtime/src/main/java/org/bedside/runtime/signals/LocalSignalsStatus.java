package org.bedside.runtime.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bedside.alarms.local.LocalSignals;
import org.bedside.alarms.local.TechnicalCondition;
import org.bedside.runtime.config.LocalSignalSettings;
import org.jspecify.annotations.Nullable;

/**
 * The local signals as {@code /api/alarms} and {@code /api/status} show them (under {@code localSignals}): which
 * outputs are on and for which of the gateway's technical alarms, the lamp test, the audio pause. No patient data: the
 * technical alarms are the box's own.
 *
 * @param state {@code NOT_CONFIGURED} (no outputs), {@code NOT_DRIVEN} (configured, but GPIO cannot be used on this
 *     box: the log says why) or {@code DRIVEN}
 * @param lampTest a lamp test (at start, or asked for) is running: every output is on
 */
public record LocalSignalsStatus(
        String state,
        String detail,
        boolean lampTest,
        List<Output> outputs,
        @Nullable AudioPause audioPause) {

    /**
     * One output.
     *
     * @param active it shows a technical alarm (on, in its pattern; a beep is silent between its beeps)
     * @param why the technical alarms it shows now: {@code device-link-lost}, {@code uplink-failing}, {@code
     *     buffer-critical}, {@code alert-delivery-failing}
     * @param audioPaused active, but silenced by the audio pause
     */
    public record Output(String name, int pin, String pattern, boolean active, List<String> why, boolean audioPaused) {}

    /**
     * The audio pause button and the pause in force.
     *
     * @param duration how long a press silences {@code outputs}, in seconds
     * @param working the button's pin could be had (otherwise the log says why, and there is no audio pause)
     * @param paused a pause is in force; {@code until}, {@code remainingSeconds} and {@code conditions} say its end
     *     and what it silences
     */
    public record AudioPause(
            int pin,
            boolean working,
            long duration,
            List<String> outputs,
            boolean paused,
            @Nullable Instant until,
            @Nullable Long remainingSeconds,
            List<String> conditions) {}

    /** No outputs configured. */
    static LocalSignalsStatus notConfigured() {
        return new LocalSignalsStatus(
                "NOT_CONFIGURED", "no local signals (gateway.alarms.local-signals.outputs)", false, List.of(), null);
    }

    /** Configured, but the pins could not be had: every output off. */
    static LocalSignalsStatus notDriven(LocalSignalSettings settings) {
        List<Output> outputs = new ArrayList<>();
        for (LocalSignalSettings.Pin p : settings.outputs()) {
            outputs.add(new Output(p.name(), p.pin(), p.pattern().key(), false, List.of(), false));
        }
        return new LocalSignalsStatus(
                "NOT_DRIVEN",
                "GPIO cannot be used on this box: the outputs stay off (the log says why: 'Local signals:')",
                false,
                outputs,
                button(settings, false, null, null));
    }

    /** Driven: the decision's state at its last update; {@code now} turns the pause's remaining time into a time. */
    static LocalSignalsStatus driven(
            LocalSignalSettings settings, boolean buttonWorking, LocalSignals.Snapshot snapshot, Instant now) {
        List<Output> outputs = new ArrayList<>();
        for (LocalSignalSettings.Pin p : settings.outputs()) {
            LocalSignals.OutputState s = snapshot.outputs().stream()
                    .filter(o -> o.name().equals(p.name()))
                    .findFirst()
                    .orElse(null);
            outputs.add(new Output(
                    p.name(),
                    p.pin(),
                    p.pattern().key(),
                    s != null && s.active(),
                    s == null ? List.of() : keys(s.showing()),
                    s != null && s.silenced()));
        }
        long active = outputs.stream().filter(Output::active).count();
        String detail = snapshot.lampTest()
                ? "lamp test: every output on"
                : active == 0 ? "no technical alarm: every output off" : active + " output(s) on";
        return new LocalSignalsStatus(
                "DRIVEN",
                detail,
                snapshot.lampTest(),
                outputs,
                button(settings, buttonWorking, snapshot.audioPause(), now));
    }

    private static @Nullable AudioPause button(
            LocalSignalSettings settings, boolean working, LocalSignals.@Nullable Pause pause, @Nullable Instant now) {
        LocalSignalSettings.AudioPause b = settings.audioPause();
        if (b == null) {
            return null;
        }
        if (pause == null || now == null) {
            return new AudioPause(
                    b.pin(), working, b.duration().toSeconds(), b.outputs(), false, null, null, List.of());
        }
        // Rounded up: "0 s left" while it is still in force would read as over.
        long seconds = (pause.remainingMillis() + 999) / 1000;
        return new AudioPause(
                b.pin(),
                working,
                b.duration().toSeconds(),
                b.outputs(),
                true,
                now.plus(Duration.ofMillis(pause.remainingMillis())),
                seconds,
                keys(pause.conditions()));
    }

    private static List<String> keys(Set<TechnicalCondition> conditions) {
        return conditions.stream().sorted().map(TechnicalCondition::key).toList();
    }
}
