package org.bedside.drivers.spi;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a driver describes itself: a stable code used in configuration ({@code masimo-ascii}), names for people, the
 * serial line settings its devices use by default, and the options it understands.
 *
 * @param code the stable code used in {@code gateway.devices.<name>.driver}; never changes once released
 * @param deviceType what kind of device it reads, for the FHIR Device resource ("Pulse oximeter")
 * @param transports the kinds of link the driver speaks over
 * @param serial the line settings its devices use by default; given exactly when the driver speaks over serial ports
 *     (a UDP or MQTT driver has no line settings to declare)
 * @param maxFrameLength the largest frame the driver accepts; longer input is discarded and counted
 */
public record DriverInfo(
        String code,
        String displayName,
        String manufacturer,
        String deviceType,
        Set<TransportKind> transports,
        @Nullable SerialSettings serial,
        int maxFrameLength,
        List<OptionSpec> options) {

    public DriverInfo {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("a driver speaks over at least one kind of transport");
        }
        transports = Set.copyOf(transports);
        if (transports.contains(TransportKind.SERIAL) != (serial != null)) {
            throw new IllegalArgumentException(
                    "a driver gives default line settings exactly when it speaks over serial ports: " + code);
        }
        options = List.copyOf(options);
    }

    /**
     * The line settings of a serial driver's devices.
     *
     * @throws IllegalStateException if the driver does not speak over serial ports
     */
    public SerialSettings defaultSerial() {
        if (serial == null) {
            throw new IllegalStateException("the driver " + code + " does not speak over serial ports");
        }
        return serial;
    }

    public Optional<OptionSpec> option(String key) {
        return options.stream().filter(o -> o.key().equals(key)).findFirst();
    }
}
