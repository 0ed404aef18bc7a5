package org.bedside.drivers.nonin;

import java.util.List;
import java.util.Set;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.model.DeviceId;

/**
 * Nonin pulse oximeters streaming Data Format 2: three packets a second of 25 five-byte frames, SpO2 and pulse rate with
 * the sensor and signal status, and the plethysmogram. The device streams on its own: there is no session.
 */
public final class NoninDf2Driver implements DeviceDriver {
    public static final String CODE = "nonin-df2";

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "Nonin OEM III module (Data Format 2)",
            "Nonin Medical",
            "Pulse oximeter",
            Set.of(TransportKind.SERIAL),
            SerialSettings.of8N1(9600),
            NoninFormat.PACKET_LENGTH,
            List.of());

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return new NoninPacketFrameDecoder(NoninFormat.DF2);
    }

    @Override
    public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
        return new NoninPacketDecoder(device, NoninFormat.DF2);
    }
}
