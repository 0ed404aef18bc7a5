package org.bedside.drivers.senml;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bedside.drivers.framing.DatagramFrameDecoder;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.InvalidOptionException;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.OptionSpec;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.model.DeviceId;

/**
 * Sensors, hubs and BLE bridges that publish SenML JSON (RFC 8428) over MQTT: one message is one pack, and the
 * framer is the identity (as for UDP): the MQTT link hands over whole messages. Names map to MDC codes through {@link
 * SenmlNames} and the option {@code names}; see docs/mqtt.md for the table, the units and examples.
 */
public final class SenmlMqttDriver implements DeviceDriver {
    public static final String CODE = "senml-mqtt";

    /**
     * The largest message decoded: 64 KiB, dozens of times a pack of a few readings. A longer one is dropped and
     * counted ({@code frame_too_long}); the broker and the MQTT 5 maximum packet size keep anything far larger away.
     */
    public static final int MAX_MESSAGE_LENGTH = 64 * 1024;

    static final String NAMES = "names";
    static final String BASE_NAME = "base-name";
    static final String RELATIVE_TIMES = "relative-times";
    static final String MAX_FUTURE = "max-future";
    static final String MAX_AGE = "max-age";

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "SenML over MQTT (RFC 8428 JSON)",
            "Any (SenML)",
            "Sensor",
            Set.of(TransportKind.MQTT),
            null,
            MAX_MESSAGE_LENGTH,
            List.of(
                    new OptionSpec(
                            NAMES,
                            "",
                            "Extra SenML names for known metrics, such as 'o2sat=MDC_PULS_OXIM_SAT_O2,"
                                    + " bpm=MDC_PULS_OXIM_PULS_RATE' (the table in docs/mqtt.md and the MDC reference"
                                    + " ids are always accepted)."),
                    new OptionSpec(
                            BASE_NAME,
                            "",
                            "When set, every record's name must start with this base name (the sensor's own, such"
                                    + " as 'urn:dev:mac:0024befffe804ff1:'); records of other names are refused."),
                    new OptionSpec(
                            RELATIVE_TIMES,
                            "refuse",
                            "'refuse' (default): a pack must carry absolute times (bt), so that a redelivered"
                                    + " message is recognised; 'accept': times relative to the receive time are taken,"
                                    + " and a redelivery after a gateway crash may be stored twice."),
                    new OptionSpec(
                            MAX_FUTURE,
                            "5m",
                            "A pack timed further than this after the gateway's receive time is refused (the"
                                    + " sensor's clock is wrong)."),
                    new OptionSpec(
                            MAX_AGE,
                            "7d",
                            "A pack timed further than this before the receive time is refused; the broker can hold"
                                    + " messages for as long as the gateway is away, so keep it above the longest"
                                    + " outage.")));

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return new DatagramFrameDecoder(MAX_MESSAGE_LENGTH);
    }

    @Override
    public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
        SenmlNames names;
        try {
            names = SenmlNames.withExtra(options.get(NAMES));
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(NAMES, e.getMessage());
        }
        String base = options.get(BASE_NAME);
        boolean relative = options.get(
                RELATIVE_TIMES,
                v -> {
                    if (v.equals("accept")) {
                        return true;
                    }
                    if (v.equals("refuse")) {
                        return false;
                    }
                    throw new IllegalArgumentException(v);
                },
                "'accept' or 'refuse'");
        Duration future = options.duration(MAX_FUTURE, Duration.ZERO, Duration.ofDays(1));
        Duration age = options.duration(MAX_AGE, Duration.ZERO, Duration.ofDays(3650));
        return new SenmlDecoder(device, names, base.isEmpty() ? null : base, future, age, relative);
    }
}
