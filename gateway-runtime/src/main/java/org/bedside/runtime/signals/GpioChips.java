package org.bedside.runtime.signals;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/**
 * Where the local signals find their pins: the box's {@code /dev/gpiochip*} through Pi4J's gpiod providers (libgpiod:
 * the {@code gpio} group, no root). One bean, so that a test of the whole gateway can put Pi4J's mock platform in its
 * place; nothing else replaces it.
 */
@ApplicationScoped
public class GpioChips {

    /** The directory whose {@code gpiochip*} devices say that the box has GPIO. */
    public Path devices() {
        return Path.of("/dev");
    }

    /** A Pi4J context with the output and input providers below, and nothing detected on its own. */
    public Context newContext() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(GpioDDigitalOutputProvider.newInstance())
                .add(GpioDDigitalInputProvider.newInstance())
                .build();
    }

    public String outputProvider() {
        return GpioDDigitalOutputProvider.ID;
    }

    public String inputProvider() {
        return GpioDDigitalInputProvider.ID;
    }
}
