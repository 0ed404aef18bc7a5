package org.bedside.drivers.bbraun;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.OptionSpec;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.model.DeviceId;

/**
 * B. Braun Space infusion pumps in a SpaceCom rack, over the SpaceCom's BCC protocol on its serial port or its TCP port
 * (4001 by default on the SpaceCom): the gateway polls every pump's parameters and reads rate, volumes, remaining time,
 * bolus, state, drug label, serial number and alarms. Read-only: the driver can send nothing but reading requests
 * (docs/drivers/bbraun-bcc.md).
 */
public final class BccDriver implements DeviceDriver {
    public static final String CODE = "bbraun-bcc";
    static final String INTERVAL = "interval";
    static final String TIMEOUT = "timeout";

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "B. Braun SpaceCom (BCC protocol)",
            "B. Braun Melsungen",
            "Infusion pump",
            Set.of(TransportKind.SERIAL, TransportKind.TCP),
            // The SpaceCom's serial interface is set up on the SpaceCom; 9600 8N1 is its usual setting, the
            // configuration's serial key overrides it.
            SerialSettings.of8N1(9600),
            BccCodes.MAX_FRAME,
            List.of(
                    new OptionSpec(INTERVAL, "5s", "How often the gateway asks for every pump's data (1s to 3600s)."),
                    new OptionSpec(
                            TIMEOUT,
                            "3s",
                            "How long an answer (or its next part) may take (200ms to 60s); then the gateway"
                                    + " associates again, and if that is not answered, reopens the link.")));

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return new BccFrameDecoder(BccCodes.MAX_FRAME);
    }

    @Override
    public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
        settings(options); // checks every option, so that a bad one stops the gateway at start
        return new BccMessageDecoder(device);
    }

    @Override
    public DeviceSession newSession(DeviceId device, DriverOptions options) {
        return new BccSession(new BccMessageDecoder(device), settings(options));
    }

    static BccSession.Settings settings(DriverOptions options) {
        return new BccSession.Settings(
                options.duration(INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1)),
                options.duration(TIMEOUT, Duration.ofMillis(200), Duration.ofMinutes(1)));
    }
}
