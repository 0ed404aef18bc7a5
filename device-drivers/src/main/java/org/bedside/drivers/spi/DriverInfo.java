package org.bedside.drivers.spi;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a driver describes itself: a stable code used in configuration ({@code masimo-ascii}), names for people, the
 * serial line settings its devices use by default, and the options it understands.
 *
 * @param code the stable code used in {@code gateway.devices.<name>.driver}; never changes once released
 * @param deviceType what kind of device it reads, for the FHIR Device resource ("Pulse oximeter")
 * @param transports the kinds of link the driver speaks over
 * @param defaultSerial the line settings its devices use by default (for serial transports)
 * @param maxFrameLength the largest frame the driver accepts; longer input is discarded and counted
 */
public record DriverInfo(
        String code,
        String displayName,
        String manufacturer,
        String deviceType,
        Set<TransportKind> transports,
        SerialSettings defaultSerial,
        int maxFrameLength,
        List<OptionSpec> options) {

    public DriverInfo {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("a driver speaks over at least one kind of transport");
        }
        transports = Set.copyOf(transports);
        options = List.copyOf(options);
    }

    public Optional<OptionSpec> option(String key) {
        return options.stream().filter(o -> o.key().equals(key)).findFirst();
    }
}
