package org.bedside.runtime.signals;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bedside.runtime.config.LocalSignalSettings;

/**
 * The audio pause push button, an input pin on the outputs' Pi4J context (which owns it and shuts it down). A press is
 * kept until the signal thread takes it: the pin is watched for edges by Pi4J, so a press shorter than the thread's
 * tick is not lost, and holding the button down is one press.
 */
public final class AudioPauseButton {
    /** Contact bounce of a push button lasts a few milliseconds. */
    static final long DEBOUNCE_MILLIS = 20;

    private final DigitalInput input;
    private final AtomicBoolean pressed = new AtomicBoolean();

    private AudioPauseButton(DigitalInput input, DigitalState pressedLevel) {
        this.input = input;
        input.addListener(event -> {
            if (event.state() == pressedLevel) {
                pressed.set(true);
            }
        });
    }

    /**
     * Creates the input pin through the digital input provider {@code providerId}, pulled towards its released level
     * (up for a button that pulls the pin low).
     *
     * @throws RuntimeException (or a {@link LinkageError} from a provider's native library) when the pin cannot be had
     */
    public static AudioPauseButton open(Context context, String providerId, LocalSignalSettings.AudioPause button) {
        DigitalInput input = context.create(DigitalInput.newConfigBuilder(context)
                .id("bedside-audio-pause")
                .name("audio pause")
                .address(button.pin())
                .pull(button.activeLow() ? PullResistance.PULL_UP : PullResistance.PULL_DOWN)
                .debounce(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS)
                .provider(providerId));
        return new AudioPauseButton(input, button.activeLow() ? DigitalState.LOW : DigitalState.HIGH);
    }

    /** Whether the button was pressed since the last call. */
    public boolean takePress() {
        return pressed.getAndSet(false);
    }

    /** The pin (for tests). */
    DigitalInput input() {
        return input;
    }
}
