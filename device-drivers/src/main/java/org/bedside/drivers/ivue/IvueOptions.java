package org.bedside.drivers.ivue;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.OptionSpec;

/** The options both IntelliVue drivers understand, parsed and checked. */
record IvueOptions(Duration pollPeriod, boolean waves, ZoneId zone) {
    static final String POLL_PERIOD = "poll-period";
    static final String WAVES = "waves";
    static final String DEVICE_TIME_ZONE = "device-time-zone";
    static final String SYSTEM_ZONE = "system";

    static final Duration MIN_POLL_PERIOD = Duration.ofSeconds(2);
    static final Duration MAX_POLL_PERIOD = Duration.ofHours(1);

    static final List<OptionSpec> SPECS = List.of(
            new OptionSpec(
                    POLL_PERIOD,
                    "30s",
                    "How long each extended poll for numerics and alerts runs (NOM_ATTR_TIME_PD_POLL) before the"
                            + " gateway renews it; the monitor sends numerics about once a second throughout. 2s to"
                            + " 1h."),
            new OptionSpec(
                    WAVES,
                    "off",
                    "on: also poll the ECG II, Pleth and Resp waves and buffer them as waveform readings (not"
                            + " charted); off: numerics and alerts only."),
            new OptionSpec(
                    DEVICE_TIME_ZONE,
                    SYSTEM_ZONE,
                    "Time zone of the monitor's clock (its absolute times carry none), such as Europe/Berlin;"
                            + " 'system' means the gateway's own zone."));

    static IvueOptions parse(DriverOptions options) {
        Duration period = options.duration(POLL_PERIOD, MIN_POLL_PERIOD, MAX_POLL_PERIOD);
        boolean waves = options.get(
                WAVES,
                v -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "on", "true", "yes" -> true;
                    case "off", "false", "no" -> false;
                    default -> throw new IllegalArgumentException(v);
                },
                "on or off");
        ZoneId zone = options.get(
                DEVICE_TIME_ZONE,
                v -> v.equals(SYSTEM_ZONE) ? ZoneId.systemDefault() : ZoneId.of(v),
                "a time zone such as Europe/Berlin, UTC or 'system'");
        return new IvueOptions(period, waves, zone);
    }
}
