package org.bedside.drivers.gedri;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bedside.drivers.framing.DelimitedFrameDecoder;
import org.bedside.drivers.gedri.GeDriCodes.Wave;
import org.bedside.drivers.gedri.GeDriSession.GeDriSettings;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverInfo;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.InvalidOptionException;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.OptionSpec;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.model.DeviceId;

/**
 * GE Datex-Ohmeda S/5 and CARESCAPE monitors (B450, B650, B850...) through their serial "computer interface", the
 * Datex-Ohmeda Record Interface (DRI): 19200 8E1 with RTS/CTS, {@code 7E}-framed records with byte stuffing and an
 * additive checksum. The gateway asks for the displayed values every {@code interval} and the monitor sends a
 * physiological record each time: heart rate, SpO2 and pulse, NIBP, temperatures, invasive pressures, EtCO2 (as a
 * partial pressure), gases, ventilation and entropy. Waveforms (pleth) on request; alarms are not supported.
 */
public final class GeDriDriver implements DeviceDriver {
    public static final String CODE = "ge-dri";
    static final String INTERVAL = "interval";
    static final String WAVEFORMS = "waveforms";
    static final String DEVICE_TIME_ZONE = "device-time-zone";
    static final String SYSTEM_ZONE = "system";
    static final String NO_WAVEFORMS = "none";

    /** A record and its checksum, unstuffed; longer input is garbage. */
    static final int MAX_FRAME_LENGTH = GeDriCodes.MAX_RECORD_LENGTH + 1;

    private static final int MAX_INTERVAL_SECONDS = 3600;

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "GE Datex-Ohmeda S/5, CARESCAPE (DRI computer interface)",
            "GE HealthCare",
            "Patient monitor",
            Set.of(TransportKind.SERIAL),
            new SerialSettings(
                    19200,
                    8,
                    SerialSettings.Parity.EVEN,
                    SerialSettings.StopBits.ONE,
                    SerialSettings.FlowControl.RTS_CTS),
            MAX_FRAME_LENGTH,
            List.of(
                    new OptionSpec(
                            INTERVAL,
                            "5s",
                            "How often the monitor sends its displayed values, in whole seconds (1s to 3600s); some"
                                    + " monitors send no faster than every 5 s."),
                    new OptionSpec(
                            WAVEFORMS,
                            NO_WAVEFORMS,
                            "Waveforms to request, comma-separated: pleth, ent-100; 'none' (the default) requests"
                                    + " none. Waveforms are buffered, not charted."),
                    new OptionSpec(
                            DEVICE_TIME_ZONE,
                            SYSTEM_ZONE,
                            "Time zone of the monitor's clock (its records carry local time), such as"
                                    + " Europe/Berlin; 'system' means the gateway's own zone.")));

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return DelimitedFrameDecoder.sharedFlag(
                GeDriCodes.FLAG, GeDriCodes.ESCAPE, GeDriCodes.ESCAPE_XOR, MAX_FRAME_LENGTH);
    }

    @Override
    public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
        settings(options); // checks every option, so that a bad one stops the gateway at start
        return new GeDriRecordDecoder(device, zone(options));
    }

    @Override
    public DeviceSession newSession(DeviceId device, DriverOptions options) {
        return new GeDriSession(newMessageDecoder(device, options), settings(options));
    }

    static GeDriSettings settings(DriverOptions options) {
        Duration interval = options.duration(INTERVAL, Duration.ofSeconds(1), Duration.ofSeconds(MAX_INTERVAL_SECONDS));
        if (interval.getNano() != 0) {
            // the DRI request carries the interval in whole seconds
            throw new InvalidOptionException(
                    INTERVAL, "'" + options.get(INTERVAL) + "' is not a whole number of seconds");
        }
        return GeDriSettings.of(interval, waves(options.get(WAVEFORMS)));
    }

    private static List<Wave> waves(String text) {
        List<Wave> waves = new ArrayList<>();
        if (text.trim().equalsIgnoreCase(NO_WAVEFORMS)) {
            return waves;
        }
        for (String name : text.split(",")) {
            Wave found = null;
            for (Wave w : Wave.values()) {
                if (w.option.equalsIgnoreCase(name.trim())) {
                    found = w;
                }
            }
            if (found == null) {
                throw new InvalidOptionException(
                        WAVEFORMS,
                        "'" + name.trim() + "' is not a supported waveform; supported: pleth, ent-100, none");
            }
            if (!waves.contains(found)) {
                waves.add(found);
            }
        }
        return waves;
    }

    private static ZoneId zone(DriverOptions options) {
        return options.get(
                DEVICE_TIME_ZONE,
                v -> v.equals(SYSTEM_ZONE) ? ZoneId.systemDefault() : ZoneId.of(v),
                "a time zone such as Europe/Berlin, UTC or 'system'");
    }
}
