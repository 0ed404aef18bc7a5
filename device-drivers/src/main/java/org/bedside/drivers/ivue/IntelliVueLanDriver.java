package org.bedside.drivers.ivue;

import java.util.Set;
import java.util.function.UnaryOperator;
import org.bedside.drivers.framing.DatagramFrameDecoder;
import org.bedside.drivers.spi.DemographicsFingerprint;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.model.DeviceId;

/**
 * Philips IntelliVue patient monitors on the LAN: the same Data Export messages as {@link IntelliVueSerialDriver}, one
 * per UDP datagram, to the monitor's Data Export port (24105), without the serial framing. See
 * docs/drivers/intellivue.md.
 */
public final class IntelliVueLanDriver implements DeviceDriver {
    public static final String CODE = "intellivue-lan";

    /** The largest UDP payload there is; the association asks the monitor for at most 1000 bytes per message. */
    static final int MAX_DATAGRAM = 65_507;

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "Philips IntelliVue (Data Export over LAN/UDP)",
            "Philips",
            "Patient monitor",
            Set.of(TransportKind.UDP),
            null, // no serial line settings: UDP only
            MAX_DATAGRAM,
            IvueOptions.SPECS);

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return new DatagramFrameDecoder(MAX_DATAGRAM);
    }

    @Override
    public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
        return new IvueMessageDecoder(device, IvueOptions.parse(options).zone());
    }

    @Override
    public DeviceSession newSession(DeviceId device, DriverOptions options) {
        return newSession(device, options, null);
    }

    @Override
    public DeviceSession newSession(
            DeviceId device, DriverOptions options, @org.jspecify.annotations.Nullable DemographicsFingerprint key) {
        return new IvueSession(
                device,
                IvueOptions.parse(options),
                UnaryOperator.identity(),
                "is the monitor's IP address right, its LAN interface set to Data Export, and UDP port "
                        + IvueWire.DATA_EXPORT_PORT + " reachable?",
                key);
    }
}
