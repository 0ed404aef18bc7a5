package org.bedside.drivers.medibus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * Dräger devices speaking Medibus over RS-232 (Evita ventilators, anaesthesia workstations): the slow-data protocol,
 * polled by the gateway. Measured data of code pages 1 and 2, the current alarms and the device settings. Realtime
 * curves, alarm limits, text messages and Medibus.X are not supported.
 */
public final class MedibusDriver implements DeviceDriver {
    public static final String CODE = "medibus";
    static final String INTERVAL = "interval";
    static final String TIMEOUT = "timeout";
    static final String REQUESTS = "requests";

    /** A full measured-data answer is a few hundred bytes; longer input is garbage. */
    static final int MAX_MESSAGE = 4096;

    static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

    private static final List<String> REQUEST_NAMES =
            List.of("measured-cp1", "measured-cp2", "alarms-cp1", "alarms-cp2", "settings");
    private static final List<Integer> REQUEST_CODES = List.of(
            MedibusCodes.MEASURED_CP1,
            MedibusCodes.MEASURED_CP2,
            MedibusCodes.ALARMS_CP1,
            MedibusCodes.ALARMS_CP2,
            MedibusCodes.SETTINGS);

    private static final DriverInfo INFO = new DriverInfo(
            CODE,
            "Dräger Medibus (RS-232, slow data)",
            "Drägerwerk",
            "Ventilator",
            Set.of(TransportKind.SERIAL),
            new SerialSettings(
                    19200, 8, SerialSettings.Parity.EVEN, SerialSettings.StopBits.ONE, SerialSettings.FlowControl.NONE),
            MAX_MESSAGE,
            List.of(
                    new OptionSpec(INTERVAL, "5s", "How often the gateway asks for the data (1s to 3600s)."),
                    new OptionSpec(
                            TIMEOUT,
                            "3s",
                            "How long an answer may take (200ms to 60s); no answer in time ends the link, which is"
                                    + " reopened."),
                    new OptionSpec(
                            REQUESTS,
                            String.join(",", REQUEST_NAMES),
                            "What to ask for in each cycle, comma-separated: measured-cp1, measured-cp2, alarms-cp1,"
                                    + " alarms-cp2, settings.")));

    @Override
    public DriverInfo info() {
        return INFO;
    }

    @Override
    public FrameDecoder newFrameDecoder(DriverOptions options) {
        return new MedibusFrameDecoder(MAX_MESSAGE);
    }

    @Override
    public MessageDecoder newMessageDecoder(DeviceId device, DriverOptions options) {
        settings(options); // checks every option, so that a bad one stops the gateway at start
        return new MedibusMessageDecoder(device);
    }

    @Override
    public DeviceSession newSession(DeviceId device, DriverOptions options) {
        return new MedibusSession(newMessageDecoder(device, options), settings(options));
    }

    static MedibusSession.Settings settings(DriverOptions options) {
        Duration interval = options.duration(INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1));
        Duration timeout = options.duration(TIMEOUT, Duration.ofMillis(200), Duration.ofMinutes(1));
        return new MedibusSession.Settings(interval, timeout, KEEP_ALIVE, requests(options.get(REQUESTS)));
    }

    private static List<Integer> requests(String text) {
        List<Integer> codes = new ArrayList<>();
        for (String name : text.split(",")) {
            int i = REQUEST_NAMES.indexOf(name.trim().toLowerCase(Locale.ROOT));
            if (i < 0) {
                throw new InvalidOptionException(
                        REQUESTS,
                        "'" + name.trim() + "' is not a request; requests: " + String.join(", ", REQUEST_NAMES));
            }
            if (!codes.contains(REQUEST_CODES.get(i))) {
                codes.add(REQUEST_CODES.get(i));
            }
        }
        return codes;
    }
}
