package org.bedside.runtime.signals;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For the tests that run the whole gateway ({@code @QuarkusTest}): Pi4J's mock platform in place of libgpiod, and a
 * directory with a {@code gpiochip0} the gateway may read and write, so that the local signals are driven as on a
 * Raspberry Pi. Real Pi4J contexts and pins; only the chip is not there.
 */
@Mock
@ApplicationScoped
public class MockGpioChips extends GpioChips {
    private static final Path DEV = devWithAChip();

    private static Path devWithAChip() {
        try {
            Path dev = Files.createTempDirectory("bedside-mock-dev");
            Files.createFile(dev.resolve("gpiochip0"));
            dev.toFile().deleteOnExit();
            dev.resolve("gpiochip0").toFile().deleteOnExit();
            return dev;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Path devices() {
        return DEV;
    }

    @Override
    public Context newContext() {
        return mockContext();
    }

    /** A real Pi4J context on the mock platform, with its digital output and input providers. */
    static Context mockContext() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(new MockPlatform())
                .add(MockDigitalOutputProvider.newInstance())
                .add(MockDigitalInputProvider.newInstance())
                .build();
    }

    @Override
    public String outputProvider() {
        return MockDigitalOutputProvider.ID;
    }

    @Override
    public String inputProvider() {
        return MockDigitalInputProvider.ID;
    }
}
