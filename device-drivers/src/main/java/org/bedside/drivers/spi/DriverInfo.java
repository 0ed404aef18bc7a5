package org.bedside.drivers.spi;

import java.util.List;
import java.util.Optional;

/**
 * How a driver describes itself: a stable code used in configuration ({@code masimo-ascii}), names for people, the
 * serial line settings its devices use by default, and the options it understands.
 *
 * @param code the stable code used in {@code gateway.devices.<name>.driver}; never changes once released
 * @param deviceType what kind of device it reads, for the FHIR Device resource ("Pulse oximeter")
 * @param maxFrameLength the largest frame the driver accepts; longer input is discarded and counted
 */
public record DriverInfo(
        String code,
        String displayName,
        String manufacturer,
        String deviceType,
        SerialSettings defaultSerial,
        int maxFrameLength,
        List<OptionSpec> options) {

    public DriverInfo {
        options = List.copyOf(options);
    }

    public Optional<OptionSpec> option(String key) {
        return options.stream().filter(o -> o.key().equals(key)).findFirst();
    }
}
