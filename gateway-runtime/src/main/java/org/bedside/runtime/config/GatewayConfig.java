package org.bedside.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code gateway:} section of the configuration file. See docs/configuration.md for a complete example.
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /**
     * This gateway's stable name, such as {@code icu-gw-12}. It is part of every identifier written to the FHIR server:
     * never change it on a box that has charted.
     */
    String id();

    /** The bed this box serves, for people: shown on the status page and in the FHIR Device names. */
    Optional<String> bed();

    /**
     * The patient charted for every device that names none itself, as a FHIR reference such as {@code
     * Patient/123}. Without a patient, readings are buffered but not charted.
     */
    Optional<String> patient();

    /** Where the buffer lives (the Chronicle queue and cursor positions). On a box: {@code /var/lib/bedside}. */
    @WithDefault("data")
    String dataDir();

    /** The devices, keyed by their name ({@code bed12-spo2}): letters, digits, '.', '_' and '-'. */
    Map<String, DeviceConfig> devices();

    UplinkConfig uplink();

    /** One device. */
    interface DeviceConfig {
        /** The driver code, such as {@code masimo-ascii}. */
        String driver();

        /**
         * The serial port. Prefer a stable path ({@code /dev/serial/by-id/usb-FTDI_...} or a udev alias such as {@code
         * /dev/medgw/bed12}) to {@code /dev/ttyUSB0}, which can change after a replug.
         */
        String port();

        /**
         * Serial line settings when the device is not set to the driver's default, such as {@code 19200 8E1} or
         * {@code 9600 8N1 rtscts}.
         */
        Optional<String> serial();

        /** A name for people, such as "Bed 12 oximeter". Defaults to the device's key. */
        Optional<String> name();

        /** The patient of this device, if not the gateway's ({@code Patient/123}). */
        Optional<String> patient();

        /** After this long without a decodable frame, the device is reported as silent. */
        @WithDefault("10s")
        Duration idleTimeout();

        /** The longest wait between attempts to reopen a lost port. */
        @WithDefault("5s")
        Duration reconnectMaxDelay();

        /** Driver options; each driver documents its own (docs/drivers). */
        Map<String, String> options();
    }

    /** The FHIR server. */
    interface UplinkConfig {
        /** The FHIR base URL, such as {@code https://fhir.hospital.org/fhir}. */
        String baseUrl();

        /**
         * What is charted: {@code every-reading}, or an interval such as {@code 1m} (per device and metric, the latest
         * valid value of each interval).
         */
        @WithDefault("1m")
        String charting();

        /** The most Observations in one transaction Bundle. */
        @WithDefault("100")
        int bundleSize();

        /** How long one upload may take. */
        @WithDefault("30s")
        Duration timeout();

        /** The longest wait between retries while the server is unreachable. */
        @WithDefault("60s")
        Duration retryMaxDelay();

        /** How far a device clock may be from the gateway's and still be used as the charting time. */
        @WithDefault("2m")
        Duration maxClockSkew();

        /** The identifier system of the Observations this gateway writes. */
        @WithName("identifier-system")
        @WithDefault("urn:bedside:observation")
        String identifierSystem();
    }
}
