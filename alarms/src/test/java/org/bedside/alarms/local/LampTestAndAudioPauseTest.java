package org.bedside.alarms.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.alarms.local.TechnicalCondition.BUFFER_CRITICAL;
import static org.bedside.alarms.local.TechnicalCondition.DEVICE_LINK_LOST;
import static org.bedside.alarms.local.TechnicalCondition.UPLINK_FAILING;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lamp test at start and the audio pause button, scripted with times: no threads, no sleeps. */
class LampTestAndAudioPauseTest {
    private static final Set<TechnicalCondition> NONE = Set.of();
    private static final Set<TechnicalCondition> LINK = EnumSet.of(DEVICE_LINK_LOST);

    private static LocalSignals signals(Duration delay, Duration lampTest, Duration audioPause) {
        return new LocalSignals(
                List.of(
                        new LocalSignals.Output("buzzer", SignalPattern.BEEP, EnumSet.allOf(TechnicalCondition.class)),
                        new LocalSignals.Output("link-led", SignalPattern.STEADY, EnumSet.of(DEVICE_LINK_LOST)),
                        new LocalSignals.Output("buffer-led", SignalPattern.STEADY, EnumSet.of(BUFFER_CRITICAL))),
                new LocalSignals.Settings(delay, lampTest, audioPause, Set.of("buzzer")));
    }

    /** No lamp test: the audio pause alone. */
    private static LocalSignals withPause(Duration audioPause) {
        return signals(Duration.ZERO, Duration.ZERO, audioPause);
    }

    // ---- the lamp test

    @Test
    void theLampTestTurnsEveryOutputOnFromTheFirstUpdateForItsTimeThenOff() {
        LocalSignals s = signals(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(2));
        assertThat(s.update(NONE, 5_000))
                .containsOnly(Map.entry("buzzer", true), Map.entry("link-led", true), Map.entry("buffer-led", true));
        assertThat(s.events())
                .containsExactly(new SignalEvent.LampTestStarted(
                        Duration.ofSeconds(2), List.of("buzzer", "link-led", "buffer-led")));
        assertThat(s.snapshot().lampTest()).isTrue();
        assertThat(s.update(NONE, 6_999)).containsEntry("buzzer", true).containsEntry("buffer-led", true);
        assertThat(s.events()).isEmpty();
        assertThat(s.update(NONE, 7_000))
                .containsOnly(Map.entry("buzzer", false), Map.entry("link-led", false), Map.entry("buffer-led", false));
        assertThat(s.events()).containsExactly(new SignalEvent.LampTestEnded());
        assertThat(s.snapshot().lampTest()).isFalse();
    }

    @Test
    void anAlarmRaisedDuringTheLampTestShowsAtOnceAfterItInItsPattern() {
        LocalSignals s = signals(Duration.ZERO, Duration.ofSeconds(2), Duration.ofMinutes(2));
        s.update(NONE, 0);
        // The beep would be in its gap 1.5 s after the alarm: its pattern starts when the test is over instead.
        assertThat(s.update(LINK, 500)).containsEntry("link-led", true).containsEntry("buffer-led", true);
        assertThat(s.update(LINK, 2_000))
                .containsOnly(Map.entry("buzzer", true), Map.entry("link-led", true), Map.entry("buffer-led", false));
        assertThat(s.update(LINK, 2_200)).containsEntry("buzzer", false).containsEntry("link-led", true);
        assertThat(s.update(LINK, 4_000)).containsEntry("buzzer", true);
    }

    @Test
    void theDelayRunsDuringTheLampTest() {
        LocalSignals s = signals(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(2));
        s.update(LINK, 0);
        assertThat(s.update(LINK, 2_000)).containsEntry("link-led", false);
        assertThat(s.update(LINK, 10_000)).containsEntry("link-led", true).containsEntry("buzzer", true);
    }

    @Test
    void aZeroLampTestIsNoLampTest() {
        LocalSignals s = signals(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2));
        assertThat(s.update(NONE, 0)).containsEntry("buzzer", false);
        assertThat(s.events()).isEmpty();
        assertThat(s.snapshot().lampTest()).isFalse();
    }

    // ---- the audio pause

    @Test
    void anAudioPauseSilencesTheBuzzerForItsTimeWhileTheLampKeepsShowing() {
        LocalSignals s = withPause(Duration.ofMinutes(2));
        assertThat(s.update(LINK, 0)).containsEntry("buzzer", true);
        assertThat(s.update(LINK, 1_000, true)).containsEntry("buzzer", false).containsEntry("link-led", true);
        assertThat(s.events())
                .containsExactly(new SignalEvent.AudioPaused(Duration.ofMinutes(2), LINK, List.of("buzzer"), false));
        LocalSignals.Snapshot snapshot = s.snapshot();
        assertThat(snapshot.audioPause()).isEqualTo(new LocalSignals.Pause(120_000, LINK));
        assertThat(snapshot.outputs())
                .containsExactly(
                        new LocalSignals.OutputState("buzzer", true, LINK, true),
                        new LocalSignals.OutputState("link-led", true, LINK, false),
                        new LocalSignals.OutputState("buffer-led", false, NONE, false));

        // The beep's on phases (every 2 s) stay silent for the whole pause.
        for (long t = 2_000; t < 121_000; t += 100) {
            assertThat(s.update(LINK, t)).as("at %d ms", t).containsEntry("buzzer", false);
        }
        assertThat(s.snapshot().audioPause().remainingMillis()).isEqualTo(100);
        assertThat(s.events()).isEmpty();

        // Over: it sounds again at once, its beep timed from now.
        assertThat(s.update(LINK, 121_000)).containsEntry("buzzer", true);
        assertThat(s.events()).containsExactly(new SignalEvent.AudioPauseEnded(SignalEvent.PauseEnd.TIME_OVER, NONE));
        assertThat(s.snapshot().audioPause()).isNull();
        assertThat(s.update(LINK, 121_200)).containsEntry("buzzer", false);
        assertThat(s.update(LINK, 123_000)).containsEntry("buzzer", true);
    }

    @Test
    void aNewTechnicalAlarmDuringThePauseSoundsAgainAtOnce() {
        LocalSignals s = withPause(Duration.ofMinutes(2));
        s.update(LINK, 0);
        s.update(LINK, 500, true);
        assertThat(s.update(EnumSet.of(DEVICE_LINK_LOST, UPLINK_FAILING), 30_000))
                .containsEntry("buzzer", true)
                .containsEntry("link-led", true);
        assertThat(s.events())
                .containsExactly(new SignalEvent.AudioPauseEnded(
                        SignalEvent.PauseEnd.NEW_CONDITION, EnumSet.of(UPLINK_FAILING)));
    }

    @Test
    void aSilencedAlarmThatEndsAndComesBackDuringThePauseIsANewOne() {
        LocalSignals s = withPause(Duration.ofMinutes(2));
        s.update(EnumSet.of(DEVICE_LINK_LOST, BUFFER_CRITICAL), 0);
        s.update(EnumSet.of(DEVICE_LINK_LOST, BUFFER_CRITICAL), 100, true);
        assertThat(s.update(EnumSet.of(BUFFER_CRITICAL), 10_000)).containsEntry("buzzer", false);
        assertThat(s.snapshot().audioPause().conditions()).containsExactly(BUFFER_CRITICAL);
        assertThat(s.update(EnumSet.of(DEVICE_LINK_LOST, BUFFER_CRITICAL), 20_000))
                .containsEntry("buzzer", true);
        assertThat(s.events())
                .containsExactly(new SignalEvent.AudioPauseEnded(
                        SignalEvent.PauseEnd.NEW_CONDITION, EnumSet.of(DEVICE_LINK_LOST)));
    }

    @Test
    void thePauseEndsWhenEveryAlarmItSilencedHasEnded() {
        LocalSignals s = withPause(Duration.ofMinutes(2));
        s.update(LINK, 0);
        s.update(LINK, 100, true);
        assertThat(s.update(NONE, 5_000)).containsEntry("buzzer", false);
        assertThat(s.events())
                .containsExactly(new SignalEvent.AudioPauseEnded(SignalEvent.PauseEnd.CONDITIONS_ENDED, NONE));
        assertThat(s.snapshot().audioPause()).isNull();
        assertThat(s.update(LINK, 6_000)).as("the link lost again sounds").containsEntry("buzzer", true);
    }

    @Test
    void aPressWithNothingSoundingStartsNoPause() {
        LocalSignals s = withPause(Duration.ofMinutes(2));
        s.update(NONE, 0, true);
        assertThat(s.events()).containsExactly(new SignalEvent.AudioPauseNotNeeded());
        assertThat(s.snapshot().audioPause()).isNull();
        assertThat(s.update(LINK, 100)).containsEntry("buzzer", true);
    }

    @Test
    void aPressDuringThePauseStartsItsTimeAgain() {
        LocalSignals s = withPause(Duration.ofSeconds(60));
        s.update(LINK, 0, true);
        s.update(LINK, 50_000, true);
        assertThat(s.events())
                .containsExactly(new SignalEvent.AudioPaused(Duration.ofSeconds(60), LINK, List.of("buzzer"), true));
        assertThat(s.update(LINK, 100_000)).containsEntry("buzzer", false);
        assertThat(s.update(LINK, 110_000)).containsEntry("buzzer", true);
    }

    @Test
    void anAlarmOnlyALampShowsNeitherStartsNorEndsAPause() {
        LocalSignals s = new LocalSignals(
                List.of(
                        new LocalSignals.Output("buzzer", SignalPattern.STEADY, EnumSet.of(DEVICE_LINK_LOST)),
                        new LocalSignals.Output("buffer-led", SignalPattern.STEADY, EnumSet.of(BUFFER_CRITICAL))),
                new LocalSignals.Settings(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2), Set.of("buzzer")));
        s.update(EnumSet.of(BUFFER_CRITICAL), 0, true);
        assertThat(s.events()).containsExactly(new SignalEvent.AudioPauseNotNeeded());
        s.update(LINK, 1_000, true);
        assertThat(s.update(EnumSet.of(DEVICE_LINK_LOST, BUFFER_CRITICAL), 2_000))
                .containsEntry("buzzer", false)
                .containsEntry("buffer-led", true);
        assertThat(s.events()).isEmpty();
    }

    @Test
    void withoutAudibleOutputsThereIsNothingToPause() {
        LocalSignals s = new LocalSignals(
                List.of(new LocalSignals.Output("led", SignalPattern.STEADY, EnumSet.of(DEVICE_LINK_LOST))),
                Duration.ZERO);
        assertThat(s.update(LINK, 0, true)).containsEntry("led", true);
        assertThat(s.events()).containsExactly(new SignalEvent.AudioPauseNotNeeded());
    }
    // ---- asked for (the HTTP API): the same decisions as at start and as the button

    @Test
    void aLampTestAskedForTurnsEveryOutputOnForItsTimeAndNeverHidesAnAlarmRaisedMeanwhile() {
        LocalSignals s = signals(Duration.ZERO, Duration.ofSeconds(3), Duration.ofMinutes(2));
        s.update(NONE, 0);
        assertThat(s.update(NONE, 3_000))
                .containsOnly(Map.entry("buzzer", false), Map.entry("link-led", false), Map.entry("buffer-led", false));

        assertThat(s.update(NONE, 10_000, Set.of(SignalRequest.LAMP_TEST)))
                .containsOnly(Map.entry("buzzer", true), Map.entry("link-led", true), Map.entry("buffer-led", true));
        assertThat(s.events())
                .containsExactly(new SignalEvent.LampTestStarted(
                        Duration.ofSeconds(3), List.of("buzzer", "link-led", "buffer-led")));
        assertThat(s.snapshot().lampTest()).isTrue();
        // An alarm raised during the test is counted, and shows at once when it is over.
        s.update(LINK, 11_000);
        assertThat(s.counted()).isEqualTo(LINK);
        assertThat(s.update(LINK, 12_999)).containsEntry("buffer-led", true);
        assertThat(s.update(LINK, 13_000))
                .containsOnly(Map.entry("buzzer", true), Map.entry("link-led", true), Map.entry("buffer-led", false));
        assertThat(s.events()).containsExactly(new SignalEvent.LampTestEnded());
    }

    @Test
    void aLampTestAskedForDuringOneStartsItsTimeAgain() {
        LocalSignals s = signals(Duration.ZERO, Duration.ofSeconds(2), Duration.ofMinutes(2));
        s.update(NONE, 0);
        s.update(NONE, 1_500, Set.of(SignalRequest.LAMP_TEST));
        assertThat(s.update(NONE, 3_000)).containsEntry("buffer-led", true);
        assertThat(s.update(NONE, 3_500)).containsEntry("buffer-led", false);
    }

    @Test
    void aLampTestAskedForOnABoxWithoutOneAtStartLastsTheDefault() {
        LocalSignals s = withPause(Duration.ofMinutes(2));
        assertThat(s.update(NONE, 0)).containsEntry("buzzer", false);
        assertThat(s.events()).isEmpty();
        assertThat(s.update(NONE, 1_000, Set.of(SignalRequest.LAMP_TEST))).containsEntry("buzzer", true);
        assertThat(s.events())
                .containsExactly(new SignalEvent.LampTestStarted(
                        LocalSignals.DEFAULT_LAMP_TEST, List.of("buzzer", "link-led", "buffer-led")));
        assertThat(s.update(NONE, 1_000 + LocalSignals.DEFAULT_LAMP_TEST.toMillis() - 1))
                .containsEntry("buzzer", true);
        assertThat(s.update(NONE, 1_000 + LocalSignals.DEFAULT_LAMP_TEST.toMillis()))
                .containsEntry("buzzer", false);
    }

    @Test
    void anAudioPauseAskedForIsDecidedAsThePressOfTheButton() {
        LocalSignals asked = withPause(Duration.ofMinutes(2));
        LocalSignals pressed = withPause(Duration.ofMinutes(2));
        long[] times = {0, 1_000, 60_000, 120_999, 121_000, 121_100}; // the beep: on for its first 0.2 s
        List<SignalEvent> events = new java.util.ArrayList<>();
        for (long t : times) {
            boolean now = t == 1_000;
            Map<String, Boolean> levels = asked.update(LINK, t, now ? Set.of(SignalRequest.AUDIO_PAUSE) : Set.of());
            assertThat(levels).as("at %d ms", t).isEqualTo(pressed.update(LINK, t, now));
            assertThat(levels.get("buzzer")).as("at %d ms", t).isEqualTo(t == 0 || t >= 121_000);
            assertThat(asked.events()).as("at %d ms", t).isEqualTo(pressed.events());
            events.addAll(asked.events());
        }
        assertThat(events)
                .containsExactly(
                        new SignalEvent.AudioPaused(Duration.ofMinutes(2), LINK, List.of("buzzer"), false),
                        new SignalEvent.AudioPauseEnded(SignalEvent.PauseEnd.TIME_OVER, NONE));
        LocalSignals nothingSounds = withPause(Duration.ofMinutes(2));
        nothingSounds.update(NONE, 0, Set.of(SignalRequest.AUDIO_PAUSE));
        assertThat(nothingSounds.events()).containsExactly(new SignalEvent.AudioPauseNotNeeded());
        assertThat(nothingSounds.snapshot().audioPause()).isNull();
    }
}
