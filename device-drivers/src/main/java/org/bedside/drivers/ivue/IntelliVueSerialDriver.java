package org.bedside.drivers.ivue;

import java.util.Set;
import org.bedside.drivers.spi.DemographicsFingerprint;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.model.DeviceId;

/**
 * Philips IntelliVue patient monitors (MP20–MP90, MX series) through the MIB/RS-232 port set to the Data Export
 * protocol, 115200 8N1: the gateway associates, then polls numerics (heart rate, SpO2, pulse, NIBP, respiration,
 * temperature...) and alerts, and optionally waves. See docs/drivers/intellivue.md.
 */
public final class IntelliVueSerialDriver implements DeviceDriver {
    public static final String CODE = "intellivue-serial";

    /**
     * The association asks the monitor for messages of at most 1000 bytes (max_mtu_rx); a frame's user data beyond
     * 4 KiB is garbage.
     */
    static final int MAX_USER_DATA = 4096;

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "Philips IntelliVue (Data Export over MIB/RS-232)",
            "Philips",
            "Patient monitor",
            Set.of(TransportKind.SERIAL),
            SerialSettings.of8N1(115_200),
            MAX_USER_DATA,
            IvueOptions.SPECS);

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return new IvueSerialFrameDecoder(MAX_USER_DATA);
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
                IvueSerialFrameDecoder::frame,
                "is the monitor's MIB port set to Data Export at 115200 baud, and the cable a null-modem cable?",
                key);
    }
}
