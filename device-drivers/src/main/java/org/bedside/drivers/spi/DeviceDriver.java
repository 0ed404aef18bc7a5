package org.bedside.drivers.spi;

import java.util.Optional;
import org.bedside.model.DeviceId;

/**
 * The entry point of a device protocol: it describes itself and makes the framer and decoder of one device's pipeline.
 * Implementations are stateless singletons listed in {@link org.bedside.drivers.Drivers}.
 */
public interface DeviceDriver {

    DriverInfo info();

    /** A fresh framer for one link. */
    FrameDecoder newFrameDecoder(DriverOptions options);

    /**
     * The decoder for one device, bound to its name and options (a device time zone, for example).
     *
     * @throws InvalidOptionException when an option's value is unusable
     */
    MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options);

    /**
     * For request/response protocols: a new conversation for one open link. Devices that stream on their own (Masimo,
     * Nonin) have none, and their frames go straight to the {@link #newMessageDecoder message decoder}.
     */
    default Optional<DeviceSession> newSession(DeviceId device, DriverOptions options) {
        return Optional.empty();
    }
}
