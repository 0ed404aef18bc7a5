package org.bedside.drivers.spi;

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
     * A new conversation for one open link: the pipeline hands every frame to it, whatever the protocol. Request/response
     * protocols (IntelliVue, GE DRI, Medibus) associate, poll and keep the link alive; a device that streams on its own
     * (Masimo, Nonin) gets this default, a session that only decodes each frame with the {@link #newMessageDecoder
     * message decoder}.
     *
     * @throws InvalidOptionException when an option's value is unusable
     */
    default DeviceSession newSession(DeviceId device, DriverOptions options) {
        return DeviceSession.decoding(newMessageDecoder(device, options));
    }

    /**
     * The same, with the installation's key for patient demographics: a driver that reads them (IntelliVue) turns
     * them into a fingerprint with it, the others ignore it (docs/patients.md, "Signs from the devices").
     */
    default DeviceSession newSession(
            DeviceId device, DriverOptions options, @org.jspecify.annotations.Nullable DemographicsFingerprint key) {
        return newSession(device, options);
    }
}
