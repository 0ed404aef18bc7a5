package org.bedside.runtime.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.bedside.buffer.StoreOptions;
import org.bedside.buffer.guard.GuardSettings;
import org.bedside.drivers.Drivers;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.InvalidOptionException;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.drivers.transport.TcpTransport;
import org.bedside.drivers.transport.Transport;
import org.bedside.drivers.transport.UdpTransport;
import org.bedside.model.DeviceId;
import org.bedside.mqtt.EgressTopics;
import org.bedside.mqtt.MqttEgress;
import org.bedside.mqtt.MqttEndpoint;
import org.bedside.uplink.DeviceContext;
import org.bedside.uplink.Pcd01Out;
import org.bedside.uplink.UplinkSecurity;
import org.bedside.uplink.UplinkSettings;
import org.jspecify.annotations.Nullable;

/**
 * The configuration, checked and turned into the plain settings of the library modules. {@link #from} collects every
 * problem, each naming its key, and throws them together.
 */
public record GatewaySettings(
        String gatewayId,
        String bed,
        Path dataDirectory,
        List<DeviceSettings> devices,
        @Nullable UplinkSettings uplink,
        StoreOptions store,
        GuardSettings guard,
        BedSettings beds,
        MqttEgress.@Nullable Settings mqttEgress,
        Pcd01Out.@Nullable Settings pcd01Out,
        @Nullable Pcd01InSettings pcd01In) {

    private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern REFERENCE = Pattern.compile("Patient/[A-Za-z0-9\\-.]{1,64}");

    /** One device, ready to run. */
    public record DeviceSettings(
            DeviceId id,
            DeviceDriver driver,
            DriverOptions options,
            Transport transport,
            DevicePipeline.Settings pipeline,
            DeviceContext context) {}

    /** Whether a FHIR server is configured ({@code gateway.uplink.base-url}); without one {@link #uplink()} is null. */
    public boolean fhirUplink() {
        return uplink != null;
    }

    /**
     * How far a device clock may be from the gateway's and still be its readings' time ({@code
     * gateway.uplink.max-clock-skew}), for the uplink and PCD-01 out alike.
     */
    public Duration maxClockSkew() {
        if (uplink != null) {
            return uplink.maxClockSkew();
        }
        return pcd01Out != null ? pcd01Out.maxClockSkew() : Duration.ofMinutes(2);
    }

    public Map<DeviceId, DeviceContext> deviceContexts() {
        Map<DeviceId, DeviceContext> m = new LinkedHashMap<>();
        devices.forEach(d -> m.put(d.id(), d.context()));
        if (pcd01In != null) {
            pcd01In.devices().forEach(d -> m.put(d.id(), d.context()));
        }
        return m;
    }

    public static GatewaySettings from(GatewayConfig config) {
        ConfigProblems.Collector problems = new ConfigProblems.Collector();

        String gatewayId = config.id().trim();
        if (!GATEWAY_ID.matcher(gatewayId).matches()) {
            problems.add("gateway.id", "'" + config.id() + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String defaultPatient =
                patient(problems, "gateway.patient", config.patient().orElse(null));

        Path dataDirectory = Path.of(config.dataDir());

        GatewayConfig.UplinkConfig u = config.uplink();
        // No base URL: no FHIR uplink (PCD-01 out or the MQTT egress delivers; checked below).
        boolean fhir = u.baseUrl().filter(b -> !b.isBlank()).isPresent();
        URI baseUrl = null;
        if (fhir) {
            String given = u.baseUrl().orElseThrow();
            try {
                baseUrl = new URI(given.trim());
                if (!("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
                        || baseUrl.getHost() == null) {
                    problems.add("gateway.uplink.base-url", "'" + given + "' is not an http(s) URL");
                    baseUrl = null;
                }
            } catch (URISyntaxException e) {
                problems.add("gateway.uplink.base-url", "'" + given + "' is not a URL: " + e.getReason());
            }
        } else {
            fhirOnlyKeys(problems, u);
        }
        Duration interval = null;
        String charting = u.charting().trim();
        if (charting.equals("every-reading")) {
            interval = Duration.ZERO;
        } else {
            try {
                interval = parseDuration(charting);
                if (interval.isZero() || interval.isNegative() || interval.toMillis() % 1000 != 0) {
                    problems.add(
                            "gateway.uplink.charting",
                            "'" + charting + "' must be 'every-reading' or a whole"
                                    + " number of seconds or minutes, such as 1m");
                    interval = null;
                }
            } catch (IllegalArgumentException e) {
                problems.add(
                        "gateway.uplink.charting",
                        "'" + charting + "' is not 'every-reading' or a duration such" + " as 1m or 30s");
            }
        }
        if (u.bundleSize() < 1 || u.bundleSize() > 1000) {
            problems.add("gateway.uplink.bundle-size", u.bundleSize() + " is not between 1 and 1000");
        }

        BedSettings beds = BedSettings.from(problems, config, name -> {
            GatewayConfig.DeviceConfig d = config.devices().get(name);
            return d == null ? null : d.patient().orElse(null);
        });
        if (!fhir && config.adt().flatMap(GatewayConfig.AdtConfig::encounters).isPresent()) {
            problems.add(
                    "gateway.adt.encounters",
                    "the Encounter source searches the FHIR server of gateway.uplink.base-url, which is not configured");
        }
        List<DeviceSettings> devices = new java.util.ArrayList<>();
        for (Map.Entry<String, GatewayConfig.DeviceConfig> e : new TreeMap<>(config.devices()).entrySet()) {
            // A device at a bed takes its patient from the bed, never from gateway.patient.
            boolean atBed = beds.beds().stream()
                            .anyMatch(b -> b.devices().stream()
                                    .anyMatch(id -> id.value().equals(e.getKey())))
                    // nor does a device that travels with the patient: its pairing decides
                    || beds.travelling().devices().stream()
                            .anyMatch(id -> id.value().equals(e.getKey()));
            DeviceSettings d = device(problems, e.getKey(), e.getValue(), atBed ? null : defaultPatient, gatewayId);
            if (d != null) {
                devices.add(d);
            }
        }
        GatewayConfig.BufferConfig b = config.buffer();
        double thin = share(problems, "gateway.buffer.thin-below-free", b.thinBelowFree());
        double recover = share(problems, "gateway.buffer.recover-above-free", b.recoverAboveFree());
        double critical = share(problems, "gateway.buffer.critical-below-free", b.criticalBelowFree());
        GuardSettings guard = null;
        try {
            guard = new GuardSettings(thin, recover, critical, b.thinInterval());
        } catch (IllegalArgumentException e) {
            problems.add("gateway.buffer", e.getMessage());
        }
        StoreOptions store = null;
        try {
            store = StoreOptions.DEFAULT.withSyncInterval(b.syncInterval());
        } catch (IllegalArgumentException e) {
            problems.add("gateway.buffer.sync-interval", e.getMessage());
        }
        UplinkSecurity security = baseUrl == null ? null : UplinkSecuritySettings.open(problems, baseUrl, u);
        boolean egressGiven =
                config.mqttEgress().filter(GatewaySettings::egressConfigured).isPresent();
        boolean pcd01Given =
                config.pcd01Out().filter(Pcd01OutSettings::configured).isPresent();
        if (!fhir && !pcd01Given && !egressGiven) {
            problems.add(
                    "gateway.uplink.base-url",
                    "no destination for the readings: give gateway.uplink.base-url (a FHIR server),"
                            + " gateway.pcd01-out.host and port (HL7 v2 PCD-01 to an interface engine), or both"
                            + " (a gateway that only stores delivers nothing)");
        }
        MqttEgress.Settings egress = config.mqttEgress()
                // SmallRye makes a group with defaulted members present even when the file has no such section: the
                // egress is on when its broker, or any setting without a default, is given (then a missing broker is
                // named).
                .filter(GatewaySettings::egressConfigured)
                .map(e -> mqttEgress(problems, e, gatewayId))
                .orElse(null);
        org.bedside.uplink.ChartingValidation validation = validation(problems, u.validation());
        Pcd01Out.Settings pcd01Out = config.pcd01Out()
                .filter(Pcd01OutSettings::configured)
                .map(p -> Pcd01OutSettings.from(problems, p, gatewayId, u.maxClockSkew()))
                .orElse(null);
        Pcd01InSettings pcd01In = Pcd01InSettings.from(problems, config, beds);
        problems.throwIfAny();
        UplinkSettings uplink = !fhir
                ? null
                : new UplinkSettings(
                        baseUrl,
                        gatewayId,
                        interval,
                        u.bundleSize(),
                        u.timeout(),
                        Duration.ofSeconds(1),
                        u.retryMaxDelay(),
                        u.maxClockSkew(),
                        u.identifierSystem(),
                        java.util.Objects.requireNonNull(security),
                        validation);
        return new GatewaySettings(
                gatewayId,
                config.bed().orElse(gatewayId),
                dataDirectory,
                List.copyOf(devices),
                uplink,
                store,
                guard,
                beds,
                egress,
                pcd01Out,
                pcd01In);
    }

    /** Without a FHIR server, settings that only the FHIR uplink uses are a mistake worth naming. */
    private static void fhirOnlyKeys(ConfigProblems.Collector problems, GatewayConfig.UplinkConfig u) {
        String why = "is set, but there is no FHIR uplink (gateway.uplink.base-url is not given)";
        if (!u.auth().method().trim().equalsIgnoreCase("none")) {
            problems.add("gateway.uplink.auth.method", why);
        }
        if (u.tls().trustFile().isPresent()
                || u.tls().certificateFile().isPresent()
                || u.tls().keyFile().isPresent()) {
            problems.add("gateway.uplink.tls", why);
        }
    }

    private static boolean egressConfigured(GatewayConfig.MqttEgressConfig e) {
        return e.broker().isPresent()
                || e.user().isPresent()
                || e.passwordFile().isPresent()
                || e.caFile().isPresent()
                || e.clientCertificate().isPresent()
                || e.clientKey().isPresent()
                || e.clientId().isPresent();
    }

    private static final Pattern TOPIC_ROOT = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private static MqttEgress.@Nullable Settings mqttEgress(
            ConfigProblems.Collector problems, GatewayConfig.MqttEgressConfig e, String gatewayId) {
        String key = "gateway.mqtt-egress";
        boolean ok = true;
        MqttEndpoint endpoint = MqttPort.egress(problems, key, e, gatewayId);
        String root = e.topicRoot().trim();
        if (!TOPIC_ROOT.matcher(root).matches()) {
            problems.add(
                    key + ".topic-root",
                    "'" + e.topicRoot() + "' must be topic levels of letters, digits, '.', '_' or '-' separated by"
                            + " '/', without wildcards or a '/' at either end, such as bedside or hospital/icu");
            ok = false;
        }
        Duration interval = null;
        String publish = e.publish().trim();
        if (publish.equals("every-reading")) {
            interval = Duration.ZERO;
        } else {
            try {
                interval = parseDuration(publish);
                if (interval.isZero() || interval.isNegative() || interval.toMillis() % 1000 != 0) {
                    interval = null;
                }
            } catch (IllegalArgumentException ex) {
                interval = null;
            }
            if (interval == null) {
                problems.add(
                        key + ".publish",
                        "'" + publish + "' is not 'every-reading' or a whole number of seconds or minutes, such as"
                                + " 10s or 1m");
                ok = false;
            }
        }
        if (e.batchSize() < 1 || e.batchSize() > 1000) {
            problems.add(key + ".batch-size", e.batchSize() + " is not between 1 and 1000");
            ok = false;
        }
        if (e.publishTimeout().isNegative() || e.publishTimeout().isZero()) {
            problems.add(key + ".publish-timeout", "must be positive");
            ok = false;
        }
        if (e.retryMaxDelay().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(key + ".retry-max-delay", "must be at least 1s");
            ok = false;
        }
        if (e.liveLag().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(key + ".live-lag", "must be at least 1s");
            ok = false;
        }
        if (!ok || endpoint == null || interval == null) {
            return null;
        }
        return new MqttEgress.Settings(
                endpoint,
                new EgressTopics(root, gatewayId),
                interval,
                e.batchSize(),
                e.publishTimeout(),
                e.retryMaxDelay(),
                e.liveLag());
    }

    private static @Nullable DeviceSettings device(
            ConfigProblems.Collector problems,
            String name,
            GatewayConfig.DeviceConfig d,
            @Nullable String defaultPatient,
            String gatewayId) {
        String key = "gateway.devices." + name;
        DeviceId id;
        try {
            id = DeviceId.of(name);
        } catch (IllegalArgumentException e) {
            problems.add(key, e.getMessage());
            return null;
        }
        boolean ok = true;
        DeviceDriver driver = Drivers.byCode(d.driver().trim()).orElse(null);
        DriverOptions options = null;
        SerialSettings serial = null;
        if (driver == null) {
            problems.add(key + ".driver", "unknown driver '" + d.driver() + "'; known drivers: " + Drivers.codes());
            ok = false;
        } else {
            try {
                options = DriverOptions.parse(driver.info(), d.options());
                driver.newSession(id, options); // checks option values
            } catch (InvalidOptionException e) {
                problems.add(
                        key + ".options." + e.key(),
                        e.getMessage().substring(e.key().length() + 2));
                ok = false;
            }
            serial = driver.info().serial();
        }
        if (d.serial().isPresent()) {
            try {
                serial = SerialLine.parse(d.serial().get());
            } catch (IllegalArgumentException e) {
                problems.add(key + ".serial", e.getMessage());
                ok = false;
            }
        }
        String port = d.port().trim();
        TransportKind kind = null;
        InetSocketAddress udp = null;
        if (port.startsWith("/")) {
            kind = TransportKind.SERIAL;
        } else if (port.startsWith("udp://") || port.startsWith("tcp://")) {
            kind = port.startsWith("udp://") ? TransportKind.UDP : TransportKind.TCP;
            try {
                URI uri = new URI(port);
                if (uri.getHost() == null || uri.getPort() < 1) {
                    throw new URISyntaxException(port, "needs a host and a port");
                }
                udp = InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
            } catch (URISyntaxException e) {
                problems.add(
                        key + ".port",
                        "'" + d.port() + "' is not like " + port.substring(0, 6) + "10.1.2.3:"
                                + (kind == TransportKind.UDP ? "24105" : "4001"));
                ok = false;
            }
        } else if (port.startsWith("mqtt://") || port.startsWith("mqtts://")) {
            kind = TransportKind.MQTT;
        } else {
            problems.add(
                    key + ".port",
                    "'" + d.port() + "' is neither an absolute serial device path such as"
                            + " /dev/serial/by-id/usb-FTDI_... nor udp://host:port, tcp://host:port or"
                            + " mqtt(s)://broker:port/topic");
            ok = false;
        }
        Transport mqtt = null;
        if (kind == TransportKind.MQTT) {
            mqtt = MqttPort.transport(problems, key, port, d.mqtt().orElse(null), gatewayId, name);
            ok &= mqtt != null;
        } else if (d.mqtt().isPresent()) {
            problems.add(key + ".mqtt", "MQTT settings are only for mqtt:// and mqtts:// ports, not for " + d.port());
            ok = false;
        }
        if (driver != null && kind != null && !driver.info().transports().contains(kind)) {
            problems.add(
                    key + ".port",
                    "the driver " + driver.info().code() + " does not speak over "
                            + kind.name().toLowerCase(Locale.ROOT)
                            + " (it speaks over "
                            + driver.info().transports().stream()
                                    .map(t -> t.name().toLowerCase(Locale.ROOT))
                                    .sorted()
                                    .toList()
                            + ")");
            ok = false;
        }
        if (d.idleTimeout().isNegative() || d.idleTimeout().isZero()) {
            problems.add(key + ".idle-timeout", "must be positive");
            ok = false;
        }
        if (d.serial().isPresent() && kind != null && kind != TransportKind.SERIAL) {
            problems.add(key + ".serial", "line settings are only for serial ports, not for " + d.port());
            ok = false;
        }
        if (!ok || driver == null || options == null || (kind == TransportKind.SERIAL && serial == null)) {
            return null;
        }
        String patient = d.patient().isPresent()
                ? patient(problems, key + ".patient", d.patient().get())
                : defaultPatient;
        String display = d.name().orElse(name);
        DeviceContext context = new DeviceContext(
                id, display, driver.info().manufacturer(), driver.info().deviceType(), patient);
        DevicePipeline.Settings pipeline = new DevicePipeline.Settings(
                d.idleTimeout(), Duration.ofMillis(250), maxOf(Duration.ofMillis(250), d.reconnectMaxDelay()));
        Transport transport = kind == TransportKind.MQTT
                ? java.util.Objects.requireNonNull(mqtt)
                : kind == TransportKind.UDP
                        ? new UdpTransport(new InetSocketAddress(udp.getHostString(), udp.getPort()))
                        : kind == TransportKind.TCP
                                ? new TcpTransport(udp.getHostString(), udp.getPort())
                                : new SerialTransport(Path.of(port), java.util.Objects.requireNonNull(serial));
        return new DeviceSettings(id, driver, options, transport, pipeline, context);
    }

    private static Duration maxOf(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static @Nullable String patient(ConfigProblems.Collector problems, String key, @Nullable String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (!REFERENCE.matcher(v).matches()) {
            problems.add(key, "'" + value + "' is not a patient reference such as Patient/123");
            return null;
        }
        return v;
    }

    private static org.bedside.uplink.ChartingValidation validation(
            ConfigProblems.Collector problems, GatewayConfig.ValidationConfig v) {
        org.bedside.uplink.ChartingValidation.OutOfRange mode =
                switch (v.outOfRange().strip()) {
                    case "preliminary" -> org.bedside.uplink.ChartingValidation.OutOfRange.PRELIMINARY;
                    case "not-charted" -> org.bedside.uplink.ChartingValidation.OutOfRange.NOT_CHARTED;
                    default -> {
                        problems.add(
                                "gateway.uplink.validation.out-of-range",
                                "'" + v.outOfRange() + "' is not preliminary or not-charted");
                        yield org.bedside.uplink.ChartingValidation.OutOfRange.PRELIMINARY;
                    }
                };
        Map<Integer, org.bedside.uplink.ChartingValidation.Range> ranges = new LinkedHashMap<>();
        new TreeMap<>(v.ranges()).forEach((refId, text) -> {
            String key = "gateway.uplink.validation.ranges." + refId;
            var metric = org.bedside.uplink.ChartingValidation.metric(refId);
            if (metric.isEmpty()) {
                problems.add(
                        key,
                        "not a metric a range can be set for; one of "
                                + org.bedside.uplink.ChartingValidation.RANGED.keySet().stream()
                                        .map(m -> m.refId())
                                        .toList());
                return;
            }
            try {
                ranges.put(metric.get().mdc(), org.bedside.uplink.ChartingValidation.Range.parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(key, e.getMessage());
            }
        });
        Map<Integer, Duration> frozenAfter = new LinkedHashMap<>();
        new TreeMap<>(v.frozenAfter()).forEach((refId, text) -> {
            String key = "gateway.uplink.validation.frozen-after." + refId;
            var metric = org.bedside.uplink.ChartingValidation.frozenMetric(refId);
            if (metric.isEmpty()) {
                problems.add(
                        key,
                        "not a metric a frozen-value time can be set for; one of "
                                + org.bedside.uplink.ChartingValidation.WATCHED_FOR_FROZEN.stream()
                                        .map(m -> m.refId())
                                        .toList());
                return;
            }
            Duration d;
            try {
                d = parseDuration(text);
            } catch (IllegalArgumentException e) {
                d = Duration.ZERO;
            }
            if (d.isZero() || d.isNegative()) {
                problems.add(key, "'" + text + "' is not a positive duration such as 10m");
            } else {
                frozenAfter.put(metric.get().mdc(), d);
            }
        });
        return new org.bedside.uplink.ChartingValidation(ranges, mode, v.preliminary(), frozenAfter);
    }

    /** {@code 10%} as 0.10. */
    private static double share(ConfigProblems.Collector problems, String key, String text) {
        String t = text.trim();
        try {
            if (t.endsWith("%")) {
                double v = Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100;
                if (v >= 0 && v < 1) {
                    return v;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key, "'" + text + "' is not a share of the disk such as 10%");
        return 0;
    }

    /** {@code 1m}, {@code 30s}, {@code 2h}, {@code 500ms} or ISO-8601 ({@code PT1M}). */
    static Duration parseDuration(String text) {
        String t = text.trim();
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return Duration.parse(t);
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException(text);
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
