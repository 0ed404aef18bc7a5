package org.bedside.runtime.signals;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.runtime.config.LocalSignalSettings;

/**
 * The output pins of the local signals, on a Pi4J context: each starts and ends off (low for an active-high pin, high
 * for an active-low one), and {@link #apply} writes only the pins whose level changed. The context belongs to this
 * object and is shut down with it.
 */
public final class SignalPins implements AutoCloseable {
    private final Context context;
    private final Map<String, DigitalOutput> outputs;
    private final Map<String, Boolean> activeLow;
    private final Map<String, Boolean> written = new LinkedHashMap<>();

    private SignalPins(Context context, Map<String, DigitalOutput> outputs, Map<String, Boolean> activeLow) {
        this.context = context;
        this.outputs = outputs;
        this.activeLow = activeLow;
    }

    /**
     * Creates every pin through the digital output provider {@code providerId} of {@code context}.
     *
     * @throws RuntimeException (or a {@link LinkageError} from a provider's native library) when a pin cannot be had;
     *     the context is shut down then
     */
    public static SignalPins open(Context context, String providerId, List<LocalSignalSettings.Pin> pins) {
        Map<String, DigitalOutput> outputs = new LinkedHashMap<>();
        Map<String, Boolean> activeLow = new LinkedHashMap<>();
        try {
            for (LocalSignalSettings.Pin p : pins) {
                DigitalState off = level(false, p.activeLow());
                DigitalOutput out = context.create(DigitalOutput.newConfigBuilder(context)
                        .id("bedside-" + p.name())
                        .name(p.name())
                        .address(p.pin())
                        .initial(off)
                        .shutdown(off)
                        .provider(providerId));
                outputs.put(p.name(), out);
                activeLow.put(p.name(), p.activeLow());
            }
        } catch (RuntimeException | LinkageError e) {
            shutdownQuietly(context);
            throw e;
        }
        return new SignalPins(context, outputs, activeLow);
    }

    /** The pin level for a logical level: on is high for an active-high pin, low for an active-low one. */
    static DigitalState level(boolean on, boolean activeLow) {
        return on != activeLow ? DigitalState.HIGH : DigitalState.LOW;
    }

    /** Sets every named output to its logical level (on = true); unknown names are ignored. */
    public void apply(Map<String, Boolean> levels) {
        for (Map.Entry<String, Boolean> e : levels.entrySet()) {
            DigitalOutput out = outputs.get(e.getKey());
            if (out == null || e.getValue().equals(written.get(e.getKey()))) {
                continue;
            }
            out.state(level(e.getValue(), activeLow.get(e.getKey())));
            written.put(e.getKey(), e.getValue());
        }
    }

    /** The context the pins are on (the audio pause button is created on it too, and shut down with it). */
    Context context() {
        return context;
    }

    /** The pins, by output name (for tests and the status). */
    public Map<String, DigitalOutput> outputs() {
        return Map.copyOf(outputs);
    }

    /** Every output off, then the context shut down (Pi4J sets each pin's shutdown state: off). */
    @Override
    public void close() {
        for (Map.Entry<String, DigitalOutput> e : outputs.entrySet()) {
            try {
                e.getValue().state(level(false, activeLow.get(e.getKey())));
            } catch (RuntimeException ignored) {
                // Shutting down: the context's shutdown state is set next anyway.
            }
        }
        shutdownQuietly(context);
    }

    private static void shutdownQuietly(Context context) {
        try {
            context.shutdown();
        } catch (RuntimeException ignored) {
            // Nothing more can be done about pins that will not let go.
        }
    }
}
