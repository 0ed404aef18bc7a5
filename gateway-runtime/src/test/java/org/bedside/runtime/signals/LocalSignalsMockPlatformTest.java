package org.bedside.runtime.signals;

import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.alarms.local.SignalEvent;
import org.bedside.alarms.local.SignalPattern;
import org.bedside.alarms.local.SignalRequest;
import org.bedside.alarms.local.TechnicalCondition;
import org.bedside.buffer.guard.GuardStatus;
import org.bedside.drivers.pipeline.LinkState;
import org.bedside.drivers.pipeline.PipelineStatus;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.runtime.config.LocalSignalSettings;
import org.bedside.uplink.UplinkStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local signals on Pi4J's mock platform: real Pi4J contexts and outputs, mock pins. */
class LocalSignalsMockPlatformTest {
    private static final LocalSignalSettings.Pin BUZZER = new LocalSignalSettings.Pin(
            "buzzer", 18, true, SignalPattern.BEEP, List.copyOf(EnumSet.allOf(TechnicalCondition.class)));
    private static final LocalSignalSettings.Pin DELIVERY_LED = new LocalSignalSettings.Pin(
            "delivery-led", 23, false, SignalPattern.STEADY, List.of(TechnicalCondition.ALERT_DELIVERY_FAILING));
    private static final LocalSignalSettings SETTINGS =
            new LocalSignalSettings(Duration.ZERO, Duration.ZERO, List.of(BUZZER, DELIVERY_LED), null);
    /** The same outputs with a lamp test of 2 s and an audio pause button on GPIO17 (pressed low) for the buzzer. */
    private static final LocalSignalSettings WITH_BUTTON = new LocalSignalSettings(
            Duration.ZERO,
            Duration.ofSeconds(2),
            List.of(BUZZER, DELIVERY_LED),
            new LocalSignalSettings.AudioPause(17, true, Duration.ofMinutes(2), List.of("buzzer")));

    @TempDir
    Path dev;

    private final Context context = MockGpioChips.mockContext();
    private final AtomicReference<Set<TechnicalCondition>> active =
            new AtomicReference<>(EnumSet.noneOf(TechnicalCondition.class));

    @AfterEach
    void shutDown() {
        if (!context.isShutdown()) {
            context.shutdown();
        }
    }

    /** What the ticker audited: action, then its fields. */
    private final List<String> audited = new ArrayList<>();

    private LocalSignalsService.Ticker ticker(SignalPins pins) {
        return new LocalSignalsService.Ticker(SETTINGS, active::get, pins, null, this::audit);
    }

    private void audit(String action, Map<String, ?> fields) {
        audited.add(action + " " + fields);
    }

    private static DigitalState state(SignalPins pins, String name) {
        return pins.outputs().get(name).state();
    }

    @Test
    void outputsStartOffAtTheirPolarity() {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, SETTINGS.outputs());
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.HIGH); // active low: off is high
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.LOW);
        assertThat(pins.outputs().get("buzzer").address()).isEqualTo(18);
    }

    @Test
    void aTechnicalAlarmDrivesThePinsOfItsOutputsAndItsEndTurnsThemOff() {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, SETTINGS.outputs());
        LocalSignalsService.Ticker t = ticker(pins);
        t.tick(0);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.HIGH);

        active.set(EnumSet.of(TechnicalCondition.ALERT_DELIVERY_FAILING));
        t.tick(1_000);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.LOW); // sounding: active low
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.HIGH);
        t.tick(1_300); // the beep's pause
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.HIGH);
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.HIGH);

        active.set(EnumSet.of(TechnicalCondition.DEVICE_LINK_LOST)); // the LED does not show this one
        t.tick(3_000);
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.LOW);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.LOW);

        active.set(EnumSet.noneOf(TechnicalCondition.class));
        t.tick(3_100);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.HIGH);
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.LOW);
    }

    @Test
    void aFailingStatusReadIsLoggedAndTheNextTickWorks() {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, SETTINGS.outputs());
        AtomicBoolean fail = new AtomicBoolean(true);
        LocalSignalsService.Ticker t = new LocalSignalsService.Ticker(
                SETTINGS,
                () -> {
                    if (fail.get()) {
                        throw new IllegalStateException("status not readable");
                    }
                    return EnumSet.of(TechnicalCondition.UPLINK_FAILING);
                },
                pins,
                null,
                this::audit);
        assertThat(t.tick(0)).isEmpty();
        fail.set(false);
        assertThat(t.tick(100)).containsEntry("buzzer", true);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.LOW);
    }

    @Test
    void closingTurnsEveryOutputOffAndShutsTheContextDown() {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, SETTINGS.outputs());
        LocalSignalsService.Ticker t = ticker(pins);
        active.set(EnumSet.of(TechnicalCondition.ALERT_DELIVERY_FAILING));
        t.tick(0);
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.HIGH);
        t.close();
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.LOW);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.HIGH);
        assertThat(context.isShutdown()).isTrue();
    }

    @Test
    void theLampTestAtStartDrivesEveryPinOnThenTheOutputsShowTheAlarmsRaisedDuringIt() {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, WITH_BUTTON.outputs());
        LocalSignalsService.Ticker t =
                new LocalSignalsService.Ticker(WITH_BUTTON, active::get, pins, () -> false, this::audit);
        t.tick(0);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.LOW); // on: active low
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.HIGH);
        assertThat(t.status(Instant.EPOCH).lampTest()).isTrue();

        active.set(EnumSet.of(TechnicalCondition.DEVICE_LINK_LOST));
        t.tick(1_000);
        t.tick(2_000);
        assertThat(state(pins, "buzzer")).as("the alarm raised during the test").isEqualTo(DigitalState.LOW);
        assertThat(state(pins, "delivery-led")).isEqualTo(DigitalState.LOW);
        LocalSignalsStatus status = t.status(Instant.EPOCH);
        assertThat(status.lampTest()).isFalse();
        assertThat(status.outputs())
                .containsExactly(
                        new LocalSignalsStatus.Output("buzzer", 18, "beep", true, List.of("device-link-lost"), false),
                        new LocalSignalsStatus.Output("delivery-led", 23, "steady", false, List.of(), false));
        assertThat(audited).as("the lamp test is logged, not audited").isEmpty();
    }

    @Test
    void aRequestOverHttpIsDecidedAtTheNextTickAsThePressAndOneNoTickTakesIsWithdrawn() throws Exception {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, WITH_BUTTON.outputs());
        LocalSignalsService.Ticker t =
                new LocalSignalsService.Ticker(WITH_BUTTON, active::get, pins, null, this::audit);
        active.set(EnumSet.of(TechnicalCondition.ALERT_DELIVERY_FAILING));
        t.tick(0);
        t.tick(2_000); // the lamp test over: sounding
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.LOW);

        // No tick takes it: withdrawn, and a later tick does not decide it.
        LocalSignalsService.Answer late = t.ask(SignalRequest.AUDIO_PAUSE, "nurse", 50);
        assertThat(late).isInstanceOf(LocalSignalsService.Answer.Refused.class);
        assertThat(((LocalSignalsService.Answer.Refused) late).httpStatus()).isEqualTo(503);
        t.tick(2_100);
        assertThat(state(pins, "buzzer")).as("still sounding").isEqualTo(DigitalState.LOW);
        assertThat(audited).isEmpty();

        // Taken by the next tick: the button's decision, audited with the user.
        CompletableFuture<LocalSignalsService.Answer> asked =
                CompletableFuture.supplyAsync(() -> t.ask(SignalRequest.AUDIO_PAUSE, "nurse", 10_000));
        long[] now = {2_200};
        Await.until("the request decided", Duration.ofSeconds(10), () -> {
            t.tick(now[0]++);
            return asked.isDone();
        });
        LocalSignalsService.Answer answer = asked.get();
        assertThat(answer).isInstanceOf(LocalSignalsService.Answer.Decided.class);
        LocalSignalsService.Answer.Decided decided = (LocalSignalsService.Answer.Decided) answer;
        assertThat(decided.event())
                .isEqualTo(new SignalEvent.AudioPaused(
                        Duration.ofMinutes(2),
                        EnumSet.of(TechnicalCondition.ALERT_DELIVERY_FAILING),
                        List.of("buzzer"),
                        false));
        assertThat(decided.status().audioPause().paused()).isTrue();
        assertThat(state(pins, "buzzer")).as("silenced").isEqualTo(DigitalState.HIGH);
        assertThat(state(pins, "delivery-led")).as("the lamp keeps showing").isEqualTo(DigitalState.HIGH);
        assertThat(audited)
                .containsExactly("local-signals-audio-paused {user=nurse, seconds=120, silenced=buzzer,"
                        + " conditions=alert-delivery-failing, restarted=false}");
    }

    @Test
    void theAudioPauseButtonSilencesTheBuzzerPinTheLampStaysOnAndThePauseAndItsEndAreAudited() {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, WITH_BUTTON.outputs());
        AudioPauseButton button = LocalSignalsService.openButton(WITH_BUTTON, pins, MockDigitalInputProvider.ID);
        assertThat(button).isNotNull();
        assertThat(button.input().address()).isEqualTo(17);
        LocalSignalsService.Ticker t =
                new LocalSignalsService.Ticker(WITH_BUTTON, active::get, pins, button::takePress, this::audit);
        active.set(EnumSet.of(TechnicalCondition.ALERT_DELIVERY_FAILING));
        t.tick(0);
        t.tick(2_000); // the lamp test over: sounding
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.LOW);

        // A press (the pin pulled low) and its release, both between two ticks.
        MockDigitalInput pin = (MockDigitalInput) button.input();
        pin.mockState(DigitalState.HIGH);
        pin.mockState(DigitalState.LOW);
        pin.mockState(DigitalState.HIGH);
        t.tick(2_100);
        assertThat(state(pins, "buzzer")).as("silenced").isEqualTo(DigitalState.HIGH);
        assertThat(state(pins, "delivery-led")).as("the lamp keeps showing").isEqualTo(DigitalState.HIGH);
        assertThat(audited)
                .containsExactly("local-signals-audio-paused {button=GPIO17, seconds=120, silenced=buzzer,"
                        + " conditions=alert-delivery-failing, restarted=false}");
        LocalSignalsStatus status = t.status(Instant.parse("2026-12-04T19:00:00Z"));
        assertThat(status.audioPause())
                .isEqualTo(new LocalSignalsStatus.AudioPause(
                        17,
                        true,
                        120,
                        List.of("buzzer"),
                        true,
                        Instant.parse("2026-12-04T19:02:00Z"),
                        120L,
                        List.of("alert-delivery-failing")));
        assertThat(status.outputs().get(0).audioPaused()).isTrue();

        t.tick(60_000);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.HIGH);
        active.set(EnumSet.of(TechnicalCondition.ALERT_DELIVERY_FAILING, TechnicalCondition.UPLINK_FAILING));
        t.tick(60_100);
        assertThat(state(pins, "buzzer")).as("a new technical alarm sounds").isEqualTo(DigitalState.LOW);
        assertThat(audited)
                .last()
                .isEqualTo("local-signals-audio-pause-ended {why=new-condition, newConditions=uplink-failing}");
        assertThat(t.status(Instant.EPOCH).audioPause().paused()).isFalse();
    }

    @Test
    void anAudioPauseButtonWhosePinCannotBeHadIsNoButtonAndTheOutputsWorkOn() {
        SignalPins pins = SignalPins.open(context, MockDigitalOutputProvider.ID, WITH_BUTTON.outputs());
        // The gpiod input provider is not in the mock context: creating the pin fails as a taken line would.
        assertThat(LocalSignalsService.openButton(WITH_BUTTON, pins, "gpiod-digital-input"))
                .isNull();
        assertThat(LocalSignalsService.openButton(SETTINGS, pins, MockDigitalInputProvider.ID))
                .as("none configured")
                .isNull();
        LocalSignalsService.Ticker t =
                new LocalSignalsService.Ticker(WITH_BUTTON, active::get, pins, null, this::audit);
        active.set(EnumSet.of(TechnicalCondition.BUFFER_CRITICAL));
        t.tick(5_000);
        t.tick(7_000);
        assertThat(state(pins, "buzzer")).isEqualTo(DigitalState.LOW);
        assertThat(t.status(Instant.EPOCH).audioPause().working()).isFalse();
    }

    @Test
    void theStatusSaysWhenTheOutputsAreNotDrivenOrNotConfigured() {
        assertThat(LocalSignalsStatus.notConfigured().state()).isEqualTo("NOT_CONFIGURED");
        LocalSignalsStatus notDriven = LocalSignalsStatus.notDriven(WITH_BUTTON);
        assertThat(notDriven.state()).isEqualTo("NOT_DRIVEN");
        assertThat(notDriven.outputs())
                .extracting(LocalSignalsStatus.Output::active)
                .containsOnly(false);
        assertThat(notDriven.audioPause().working()).isFalse();
    }

    @Test
    void aBoxWithoutGpioChipsNeverLoadsTheProviderAndGoesOn() {
        AtomicBoolean asked = new AtomicBoolean();
        Optional<SignalPins> pins = LocalSignalsService.openGpio(SETTINGS, dev, () -> {
            asked.set(true);
            return context;
        });
        assertThat(pins).isEmpty();
        assertThat(asked).isFalse();
    }

    @Test
    void aProviderWhoseNativeLibraryCannotLoadIsNoPinsAndTheGatewayGoesOn() throws Exception {
        Files.createFile(dev.resolve("gpiochip0"));
        Optional<SignalPins> pins = LocalSignalsService.openGpio(SETTINGS, dev, () -> {
            throw new UnsatisfiedLinkError("no pi4j-gpiod in java.library.path");
        });
        assertThat(pins).isEmpty();
    }

    @Test
    void withAGpioChipThePinsAreOpenedThroughTheProvider() throws Exception {
        // The provider id is gpiod's: the mock context does not have it, so this shows a provider failing to
        // create a pin (a line taken by another program, say) is no pins, never an exception at start.
        Files.createFile(dev.resolve("gpiochip0"));
        assertThat(LocalSignalsService.openGpio(SETTINGS, dev, () -> context)).isEmpty();
        assertThat(context.isShutdown()).isTrue();
    }

    @Test
    void technicalConditionsComeFromThePartsStatuses() {
        PipelineStatus connected = device(LinkState.CONNECTED);
        assertThat(TechnicalConditions.of(
                        List.of(connected), UplinkStatus.State.ONLINE, GuardStatus.Level.NORMAL, Optional.empty(), 0))
                .isEmpty();
        assertThat(TechnicalConditions.of(
                        List.of(connected),
                        UplinkStatus.State.ONLINE,
                        GuardStatus.Level.NORMAL,
                        Optional.of(alertManager(false)),
                        1))
                .as("an alert no person got in time, though the Alert Manager takes every PCD-04")
                .containsExactly(TechnicalCondition.ALERT_DELIVERY_FAILING);
        assertThat(TechnicalConditions.of(
                        List.of(connected, device(LinkState.NO_DATA)),
                        UplinkStatus.State.RETRYING,
                        GuardStatus.Level.CRITICAL,
                        Optional.of(alertManager(true)),
                        0))
                .containsExactlyInAnyOrder(TechnicalCondition.values());
        assertThat(TechnicalConditions.of(
                        List.of(device(LinkState.DISCONNECTED)),
                        UplinkStatus.State.STARTING,
                        GuardStatus.Level.THINNING,
                        Optional.of(alertManager(false)),
                        0))
                .containsExactly(TechnicalCondition.DEVICE_LINK_LOST);
    }

    private static PipelineStatus device(LinkState state) {
        return new PipelineStatus(
                DeviceId.of("bed12-spo2"),
                "masimo-ascii",
                "serial:/dev/medgw/bed12",
                state,
                state.name(),
                null,
                Instant.EPOCH,
                null,
                0,
                0,
                0,
                0,
                0,
                Map.of(),
                null);
    }

    private static Pcd04Sink.Status alertManager(boolean alarm) {
        return new Pcd04Sink.Status(
                "127.0.0.1:2575", 1, 0, 0, 0, 0, null, null, alarm ? Instant.EPOCH : null, alarm, null);
    }
}
