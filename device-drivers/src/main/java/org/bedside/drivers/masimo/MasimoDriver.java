package org.bedside.drivers.masimo;

import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.bedside.drivers.framing.LineFrameDecoder;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.OptionSpec;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.model.DeviceId;

/**
 * Masimo Radical-7 / Radical-5 / Rad-8 / Rad-97 pulse oximeters, serial "ASCII 1" output: one line per second at 9600
 * 8N1. SpO2, pulse rate, perfusion index and the Rainbow parameters, with the ALARM field as alarm events and the EXC
 * field as device status (sensor off, no sensor, low perfusion...).
 */
public final class MasimoDriver implements DeviceDriver {
    public static final String CODE = "masimo-ascii";
    static final String DEVICE_TIME_ZONE = "device-time-zone";
    static final String SYSTEM_ZONE = "system";

    /** Longer than any line the devices send (about 150 characters); longer input is garbage. */
    static final int MAX_LINE_LENGTH = 512;

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "Masimo Radical-7 / Rad-8 / Rad-97 (ASCII 1)",
            "Masimo",
            "Pulse oximeter",
            Set.of(TransportKind.SERIAL),
            SerialSettings.of8N1(9600),
            MAX_LINE_LENGTH,
            List.of(new OptionSpec(
                    DEVICE_TIME_ZONE,
                    SYSTEM_ZONE,
                    "Time zone of the oximeter's clock (its lines carry local time without a zone), such as"
                            + " Europe/Berlin; 'system' means the gateway's own zone.")));

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return new LineFrameDecoder(MAX_LINE_LENGTH);
    }

    @Override
    public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
        ZoneId zone = options.get(
                DEVICE_TIME_ZONE,
                v -> v.equals(SYSTEM_ZONE) ? ZoneId.systemDefault() : ZoneId.of(v),
                "a time zone such as Europe/Berlin, UTC or 'system'");
        return new MasimoLineDecoder(device, zone);
    }
}
