package org.bedside.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.drivers.spi.SerialSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewaySettingsTest {

    record Device(String driver, String port, Optional<String> serial, Map<String, String> options)
            implements GatewayConfig.DeviceConfig {
        @Override
        public Optional<String> name() {
            return Optional.empty();
        }

        @Override
        public Optional<String> patient() {
            return Optional.empty();
        }

        @Override
        public Duration idleTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration reconnectMaxDelay() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Optional<GatewayConfig.MqttConfig> mqtt() {
            return Optional.empty();
        }
    }

    record Mqtt(
            Optional<String> user,
            Optional<String> passwordFile,
            Optional<String> caFile,
            Optional<String> clientCertificate,
            Optional<String> clientKey,
            Optional<String> clientId)
            implements GatewayConfig.MqttConfig {}

    record MqttDevice(String port, Map<String, String> options, Optional<GatewayConfig.MqttConfig> mqtt)
            implements GatewayConfig.DeviceConfig {
        @Override
        public String driver() {
            return "senml-mqtt";
        }

        @Override
        public Optional<String> serial() {
            return Optional.empty();
        }

        @Override
        public Optional<String> name() {
            return Optional.empty();
        }

        @Override
        public Optional<String> patient() {
            return Optional.empty();
        }

        @Override
        public Duration idleTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration reconnectMaxDelay() {
            return Duration.ofSeconds(5);
        }
    }

    record Tls(Optional<String> trustFile, Optional<String> certificateFile, Optional<String> keyFile)
            implements GatewayConfig.TlsConfig {
        static final Tls NONE = new Tls(Optional.empty(), Optional.empty(), Optional.empty());

        @Override
        public Optional<String> keyPasswordFile() {
            return Optional.empty();
        }

        @Override
        public String revocation() {
            return "none";
        }

        @Override
        public Optional<java.util.List<String>> revocationLists() {
            return Optional.empty();
        }

        @Override
        public Duration expiryWarning() {
            return Duration.ofDays(30);
        }

        @Override
        public Duration checkInterval() {
            return Duration.ofMinutes(1);
        }
    }

    record Auth(String method, Optional<String> clientId, Optional<String> keyFile, Optional<String> tokenFile)
            implements GatewayConfig.AuthConfig {
        static final Auth NONE = new Auth("none", Optional.empty(), Optional.empty(), Optional.empty());

        @Override
        public Optional<String> tokenEndpoint() {
            return Optional.empty();
        }

        @Override
        public Optional<String> scopes() {
            return Optional.empty();
        }

        @Override
        public Optional<String> algorithm() {
            return Optional.empty();
        }

        @Override
        public Optional<String> keyId() {
            return Optional.empty();
        }

        @Override
        public Optional<String> certificateFile() {
            return Optional.empty();
        }

        @Override
        public String thumbprint() {
            return "none";
        }

        @Override
        public Optional<String> clientSecretFile() {
            return Optional.empty();
        }

        @Override
        public Duration assertionLifetime() {
            return Duration.ofMinutes(4);
        }

        @Override
        public Duration renewBefore() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration retryMaxDelay() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration refusedRetryDelay() {
            return Duration.ofSeconds(30);
        }
    }

    record Uplink(String url, String charting, GatewayConfig.TlsConfig tls, GatewayConfig.AuthConfig auth)
            implements GatewayConfig.UplinkConfig {
        Uplink(String url, String charting) {
            this(url, charting, Tls.NONE, Auth.NONE);
        }

        @Override
        public Optional<String> baseUrl() {
            return Optional.ofNullable(url);
        }

        @Override
        public GatewayConfig.ValidationConfig validation() {
            return new GatewayConfig.ValidationConfig() {
                @Override
                public boolean preliminary() {
                    return false;
                }

                @Override
                public String outOfRange() {
                    return "preliminary";
                }

                @Override
                public Map<String, String> ranges() {
                    return Map.of();
                }

                @Override
                public Map<String, String> frozenAfter() {
                    return Map.of();
                }
            };
        }

        @Override
        public int bundleSize() {
            return 100;
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration retryMaxDelay() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration maxClockSkew() {
            return Duration.ofMinutes(2);
        }

        @Override
        public String identifierSystem() {
            return "urn:bedside:observation";
        }
    }

    record Config(
            String id,
            Optional<String> patient,
            Map<String, DeviceConfig> devices,
            UplinkConfig uplink,
            Optional<MqttEgressConfig> mqttEgress)
            implements GatewayConfig {
        Config(String id, Optional<String> patient, Map<String, DeviceConfig> devices, UplinkConfig uplink) {
            this(id, patient, devices, uplink, Optional.empty());
        }

        @Override
        public Optional<Pcd01OutConfig> pcd01Out() {
            return Optional.empty();
        }

        @Override
        public Optional<String> bed() {
            return Optional.of("ICU 12");
        }

        @Override
        public String dataDir() {
            return "data";
        }

        @Override
        public Map<String, BedConfig> beds() {
            return Map.of();
        }

        @Override
        public Optional<AdtConfig> adt() {
            return Optional.empty();
        }

        @Override
        public Optional<TravellingConfig> travelling() {
            return Optional.empty();
        }

        @Override
        public Optional<Pcd01InConfig> pcd01In() {
            return Optional.empty();
        }

        @Override
        public BufferConfig buffer() {
            return new BufferConfig() {
                @Override
                public Duration syncInterval() {
                    return Duration.ofSeconds(1);
                }

                @Override
                public String thinBelowFree() {
                    return "10%";
                }

                @Override
                public String recoverAboveFree() {
                    return "15%";
                }

                @Override
                public String criticalBelowFree() {
                    return "3%";
                }

                @Override
                public Duration thinInterval() {
                    return Duration.ofSeconds(60);
                }
            };
        }

        @Override
        public AlarmsConfig alarms() {
            throw new UnsupportedOperationException("read by AlarmSettings, tested in AlarmSettingsTest");
        }

        @Override
        public HttpConfig http() {
            throw new UnsupportedOperationException("read by HttpSettings, tested below");
        }

        @Override
        public CaptureConfig capture() {
            throw new UnsupportedOperationException("read by CaptureSettings, tested in CaptureSettingsTest");
        }
    }

    private static GatewayConfig.DeviceConfig masimo(String port, Map<String, String> options) {
        return new Device("masimo-ascii", port, Optional.empty(), options);
    }

    @Test
    void aGoodConfigurationBecomesSettingsWithTheDriversDefaults() {
        GatewaySettings s = GatewaySettings.from(new Config(
                "icu-gw-12",
                Optional.of("Patient/demo-bed-12"),
                Map.of("bed12-spo2", masimo("/dev/serial/by-id/usb-FTDI_x", Map.of())),
                new Uplink("http://127.0.0.1:8090/fhir", "every-reading")));
        assertThat(s.devices()).singleElement().satisfies(d -> {
            assertThat(((org.bedside.drivers.transport.SerialTransport) d.transport()).settings())
                    .isEqualTo(SerialSettings.of8N1(9600));
            assertThat(d.context().patientReference()).isEqualTo("Patient/demo-bed-12");
        });
        assertThat(s.uplink().everyReading()).isTrue();
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsKey() {
        Map<String, GatewayConfig.DeviceConfig> devices = new LinkedHashMap<>();
        devices.put("bed 12", masimo("/dev/x", Map.of()));
        devices.put("a", new Device("masimo", "/dev/x", Optional.empty(), Map.of()));
        devices.put("b", new Device("masimo-ascii", "ttyUSB1", Optional.of("9600 8Q1"), Map.of("colour", "red")));
        devices.put("c", masimo("/dev/y", Map.of("device-time-zone", "Mars/Olympus")));
        devices.put("d", masimo("udp://10.1.2.3:24105", Map.of()));
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(
                        new Config("icu gw", Optional.of("bob"), devices, new Uplink("ftp://x", "fortnightly"))));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.id: 'icu gw' must be 1 to 64 letters, digits, '.', '_' or '-'",
                        "gateway.patient: 'bob' is not a patient reference such as Patient/123",
                        "gateway.uplink.base-url: 'ftp://x' is not an http(s) URL",
                        "gateway.uplink.charting: 'fortnightly' is not 'every-reading' or a duration such as 1m or 30s",
                        "gateway.devices.bed 12: a device name is 1 to 64 letters, digits, '.', '_' or '-', starting with a"
                                + " letter or digit; got 'bed 12'",
                        "gateway.devices.a.driver: unknown driver 'masimo'; known drivers: masimo-ascii,"
                                + " intellivue-serial, intellivue-lan, ge-dri, nonin-df13, nonin-df2, medibus, bbraun-bcc,"
                                + " senml-mqtt",
                        "gateway.devices.b.options.colour: unknown option; known options of masimo-ascii: device-time-zone",
                        "gateway.devices.b.serial: '9600 8Q1' is not like '9600 8N1' or '19200 8E1 rtscts'",
                        "gateway.devices.b.port: 'ttyUSB1' is neither an absolute serial device path such as"
                                + " /dev/serial/by-id/usb-FTDI_... nor udp://host:port, tcp://host:port or"
                                + " mqtt(s)://broker:port/topic",
                        "gateway.devices.d.port: the driver masimo-ascii does not speak over udp (it speaks over [serial])",
                        "gateway.devices.c.options.device-time-zone: 'Mars/Olympus' is not a time zone such as Europe/Berlin,"
                                + " UTC or 'system'");
    }

    @Test
    void aDeviceOnUdpHasNoLineSettingsAndMayNotBeGivenAny() {
        GatewaySettings s = GatewaySettings.from(new Config(
                "icu-gw-12",
                Optional.empty(),
                Map.of(
                        "bed7-monitor",
                        new Device("intellivue-lan", "udp://10.1.2.3:24105", Optional.empty(), Map.of())),
                new Uplink("http://127.0.0.1:8090/fhir", "1m")));
        assertThat(s.devices()).singleElement().satisfies(d -> {
            assertThat(d.transport()).isInstanceOf(org.bedside.drivers.transport.UdpTransport.class);
            assertThat(d.driver().info().serial()).isNull();
        });
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(new Config(
                        "icu-gw-12",
                        Optional.empty(),
                        Map.of(
                                "bed7-monitor",
                                new Device(
                                        "intellivue-lan", "udp://10.1.2.3:24105", Optional.of("115200 8N1"), Map.of())),
                        new Uplink("http://127.0.0.1:8090/fhir", "1m"))));
        assertThat(e.problems())
                .containsExactly("gateway.devices.bed7-monitor.serial: line settings are only for serial ports, not for"
                        + " udp://10.1.2.3:24105");
    }

    @Test
    void aSpaceComOnItsTcpPortGetsATcpTransportAndABadAddressNamesTheKey() {
        GatewaySettings s = GatewaySettings.from(new Config(
                "icu-gw-12",
                Optional.empty(),
                Map.of(
                        "bed12-pumps",
                        new Device("bbraun-bcc", "tcp://192.168.100.41:4001", Optional.empty(), Map.of())),
                new Uplink("http://127.0.0.1:8090/fhir", "1m")));
        assertThat(s.devices()).singleElement().satisfies(d -> {
            assertThat(d.transport()).isInstanceOf(org.bedside.drivers.transport.TcpTransport.class);
            assertThat(d.transport().describe()).isEqualTo("tcp://192.168.100.41:4001");
        });
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(new Config(
                        "icu-gw-12",
                        Optional.empty(),
                        Map.of(
                                "bed12-pumps",
                                new Device("bbraun-bcc", "tcp://192.168.100.41", Optional.empty(), Map.of()),
                                "bed12-spo2",
                                masimo("tcp://10.0.0.5:4001", Map.of())),
                        new Uplink("http://127.0.0.1:8090/fhir", "1m"))));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.devices.bed12-pumps.port: 'tcp://192.168.100.41' is not like tcp://10.1.2.3:4001",
                        "gateway.devices.bed12-spo2.port: the driver masimo-ascii does not speak over tcp (it speaks"
                                + " over [serial])");
    }

    private static Config withUplink(Uplink uplink) {
        return new Config("icu-gw-12", Optional.empty(), Map.of(), uplink);
    }

    /** An RSA key as PKCS#8 PEM, mode 0600 (or as given). */
    private static Path rsaKey(Path dir, String mode) throws Exception {
        var g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        Path p = dir.resolve("gateway-key.pem");
        Files.writeString(
                p,
                "-----BEGIN PRIVATE KEY-----\n"
                        + java.util.Base64.getMimeEncoder()
                                .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void smartBackendServicesOverHttpsBecomeTheUplinksSecurity(@TempDir Path dir) throws Exception {
        GatewaySettings s = GatewaySettings.from(withUplink(new Uplink(
                "https://fhir.hospital.example/fhir",
                "1m",
                Tls.NONE,
                new Auth(
                        "private-key-jwt",
                        Optional.of("bedside-icu-gw-12"),
                        Optional.of(rsaKey(dir, "rw-------").toString()),
                        Optional.empty()))));
        // https without a trust file: the JDK's CAs, TLS 1.2+ and host names verified all the same.
        assertThat(s.uplink().security().tls()).isNotNull();
        assertThat(s.uplink().security().tls().sslParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(s.uplink().security().authorization().status().method()).isEqualTo("private_key_jwt");
    }

    @Test
    void securityProblemsNameTheirKeysAndTheFix(@TempDir Path dir) throws Exception {
        Path key = rsaKey(dir, "rw-r--r--");
        ConfigProblems open = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(withUplink(new Uplink(
                        "https://fhir.hospital.example/fhir",
                        "1m",
                        Tls.NONE,
                        new Auth(
                                "private-key-jwt",
                                Optional.of("gw"),
                                Optional.of(key.toString()),
                                Optional.empty())))));
        assertThat(open.problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("gateway.uplink.auth.key-file: ")
                .contains("chmod 600 " + key);

        ConfigProblems tlsOverHttp = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(withUplink(new Uplink(
                        "http://127.0.0.1:8090/fhir",
                        "1m",
                        new Tls(Optional.of("/etc/bedside/ca.pem"), Optional.empty(), Optional.empty()),
                        Auth.NONE))));
        assertThat(tlsOverHttp.problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith(
                        "gateway.uplink.tls.trust-file: TLS settings are given, but gateway.uplink.base-url is not https");

        ConfigProblems noClient = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(withUplink(new Uplink(
                        "https://fhir.hospital.example/fhir",
                        "1m",
                        Tls.NONE,
                        new Auth("private-key-jwt", Optional.empty(), Optional.empty(), Optional.empty())))));
        assertThat(noClient.problems())
                .containsExactly("gateway.uplink.auth.client-id: private_key_jwt needs the client id");

        ConfigProblems clear = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(withUplink(new Uplink(
                        "http://fhir.hospital.example/fhir",
                        "1m",
                        Tls.NONE,
                        new Auth("bearer-file", Optional.empty(), Optional.empty(), Optional.of("/etc/token"))))));
        assertThat(clear.problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("gateway.uplink.auth.method: bearer token file would send credentials in clear");

        ConfigProblems unknown = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(withUplink(new Uplink(
                        "https://fhir.hospital.example/fhir",
                        "1m",
                        Tls.NONE,
                        new Auth("kerberos", Optional.empty(), Optional.empty(), Optional.empty())))));
        assertThat(unknown.problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("gateway.uplink.auth.method: 'kerberos' is not none, private-key-jwt");
    }

    @Test
    void parsesSerialLinesAndDurations() {
        assertThat(SerialLine.parse("19200 8E1 rtscts"))
                .isEqualTo(new SerialSettings(
                        19200,
                        8,
                        SerialSettings.Parity.EVEN,
                        SerialSettings.StopBits.ONE,
                        SerialSettings.FlowControl.RTS_CTS));
        assertThat(GatewaySettings.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(GatewaySettings.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anMqttDeviceSubscribesToTheTopicOfItsPortWithTheGatewaysLogin(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path password = java.nio.file.Files.writeString(dir.resolve("pw"), "secret\n");
        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "");
        var login = new Mqtt(
                Optional.of("gateway"),
                Optional.of(password.toString()),
                Optional.of(ca.toString()),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        GatewaySettings s = GatewaySettings.from(new Config(
                "icu-gw-12",
                Optional.empty(),
                Map.of(
                        "bed12-hub",
                        new MqttDevice(
                                "mqtts://broker.ward.local/bedside/ingest/bed12-hub/#",
                                Map.of("names", "o2sat=MDC_PULS_OXIM_SAT_O2"),
                                Optional.of(login))),
                new Uplink("http://127.0.0.1:8090/fhir", "1m")));
        assertThat(s.devices()).singleElement().satisfies(d -> {
            var t = (org.bedside.mqtt.MqttIngestTransport) d.transport();
            assertThat(t.topics()).containsExactly("bedside/ingest/bed12-hub/#");
            assertThat(t.endpoint().serverUri()).hasToString("ssl://broker.ward.local:8883");
            assertThat(t.endpoint().clientId()).isEqualTo("icu-gw-12-bed12-hub");
            assertThat(t.endpoint().username()).isEqualTo("gateway");
            assertThat(d.driver().info().serial()).isNull();
        });
    }

    @Test
    void namesEveryMqttProblemWithItsKey() {
        Map<String, GatewayConfig.DeviceConfig> devices = new LinkedHashMap<>();
        devices.put("a", new MqttDevice("mqtt://broker:1883", Map.of(), Optional.empty()));
        devices.put(
                "b",
                new MqttDevice(
                        "mqtts://broker/x",
                        Map.of(),
                        Optional.of(new Mqtt(
                                Optional.of("gw"),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of("/nonexistent/cert.pem"),
                                Optional.empty(),
                                Optional.empty()))));
        devices.put("c", new MqttDevice("mqtt://broker/a/#/b", Map.of(), Optional.empty()));
        devices.put("d", masimo("mqtt://broker/x", Map.of()));
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> GatewaySettings.from(new Config(
                        "icu-gw-12", Optional.empty(), devices, new Uplink("http://127.0.0.1:8090/fhir", "1m"))));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.devices.a.port: 'mqtt://broker:1883' names no topic: mqtt://broker:1883/bedside/ingest/a",
                        "gateway.devices.b.mqtt.password-file: a user needs a password file and a password file a user",
                        "gateway.devices.b.mqtt.ca-file: mqtts:// needs the CA certificate (PEM) that the broker's"
                                + " certificate chains to",
                        "gateway.devices.b.mqtt.client-key: a client certificate needs its key and a key its certificate",
                        "gateway.devices.b.mqtt.client-certificate: cannot read /nonexistent/cert.pem: no such file, or no"
                                + " permission",
                        "gateway.devices.c.port: 'a/#/b' is not an MQTT topic filter ('#' only last, after a '/')",
                        "gateway.devices.d.port: the driver masimo-ascii does not speak over mqtt (it speaks over"
                                + " [serial])");
    }

    record Egress(
            Optional<String> broker,
            Optional<String> user,
            Optional<String> passwordFile,
            Optional<String> caFile,
            Optional<String> clientCertificate,
            Optional<String> clientKey,
            Optional<String> clientId,
            String topicRoot,
            String publish,
            int batchSize)
            implements GatewayConfig.MqttEgressConfig {
        @Override
        public Duration publishTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration retryMaxDelay() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration liveLag() {
            return Duration.ofSeconds(30);
        }
    }

    private static GatewaySettings withEgress(Egress egress) {
        return GatewaySettings.from(new Config(
                "icu-gw-12",
                Optional.empty(),
                Map.of(),
                new Uplink("http://127.0.0.1:8090/fhir", "1m"),
                Optional.of(egress)));
    }

    @Test
    void theMqttEgressPublishesUnderItsTopicRootWithItsOwnClientIdAndLogin(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "secret\n");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "");
        Path cert = Files.writeString(dir.resolve("gw.pem"), "");
        Path key = Files.writeString(dir.resolve("gw-key.pem"), "");
        GatewaySettings s = withEgress(new Egress(
                Optional.of("mqtts://broker.ward.local"),
                Optional.of("icu-gw-12"),
                Optional.of(password.toString()),
                Optional.of(ca.toString()),
                Optional.of(cert.toString()),
                Optional.of(key.toString()),
                Optional.empty(),
                "hospital/icu",
                "10s",
                50));
        var e = s.mqttEgress();
        assertThat(e).isNotNull();
        assertThat(e.endpoint().serverUri()).hasToString("ssl://broker.ward.local:8883");
        assertThat(e.endpoint().clientId()).isEqualTo("icu-gw-12-egress");
        assertThat(e.endpoint().username()).isEqualTo("icu-gw-12");
        assertThat(e.endpoint().tls()).isNotNull();
        assertThat(e.topics().gatewayStatus()).isEqualTo("hospital/icu/icu-gw-12/status");
        assertThat(e.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(e.batchSize()).isEqualTo(50);

        GatewaySettings plain = withEgress(new Egress(
                Optional.of("mqtt://10.1.2.3"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("box-7"),
                "bedside",
                "every-reading",
                100));
        assertThat(plain.mqttEgress().endpoint().serverUri()).hasToString("tcp://10.1.2.3:1883");
        assertThat(plain.mqttEgress().endpoint().clientId()).isEqualTo("box-7");
        assertThat(plain.mqttEgress().everyReading()).isTrue();
        assertThat(GatewaySettings.from(withUplink(new Uplink("http://127.0.0.1:8090/fhir", "1m")))
                        .mqttEgress())
                .isNull();
    }

    @Test
    void namesEveryMqttEgressProblemWithItsKey() {
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> withEgress(new Egress(
                        Optional.of("mqtts://broker:8883/bedside"),
                        Optional.empty(),
                        Optional.of("/nonexistent/pw"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        "bedside/#",
                        "sometimes",
                        0)));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.mqtt-egress.broker: 'mqtts://broker:8883/bedside' has a path: topics are set with"
                                + " gateway.mqtt-egress.topic-root, not in the broker",
                        "gateway.mqtt-egress.topic-root: 'bedside/#' must be topic levels of letters, digits, '.', '_'"
                                + " or '-' separated by '/', without wildcards or a '/' at either end, such as bedside"
                                + " or hospital/icu",
                        "gateway.mqtt-egress.publish: 'sometimes' is not 'every-reading' or a whole number of seconds"
                                + " or minutes, such as 10s or 1m",
                        "gateway.mqtt-egress.batch-size: 0 is not between 1 and 1000");
        ConfigProblems login = catchThrowableOfType(
                ConfigProblems.class,
                () -> withEgress(new Egress(
                        Optional.of("mqtts://broker"),
                        Optional.empty(),
                        Optional.of("/nonexistent/pw"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        "bedside",
                        "every-reading",
                        100)));
        assertThat(login.problems())
                .containsExactlyInAnyOrder(
                        "gateway.mqtt-egress.user: a user needs a password file and a password file a user",
                        "gateway.mqtt-egress.password-file: cannot read /nonexistent/pw: no such file, or no permission",
                        "gateway.mqtt-egress.ca-file: mqtts:// needs the CA certificate (PEM) that the broker's"
                                + " certificate chains to");
        ConfigProblems missing = catchThrowableOfType(
                ConfigProblems.class,
                () -> withEgress(new Egress(
                        Optional.empty(),
                        Optional.of("gateway"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        "bedside",
                        "every-reading",
                        100)));
        assertThat(missing.problems())
                .containsExactly(
                        "gateway.mqtt-egress.broker: the broker is missing, such as mqtt://broker.ward.local:1883");

        // Only defaults: what SmallRye gives for a file without the section. No egress, and no problem.
        assertThat(withEgress(new Egress(
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                "bedside",
                                "every-reading",
                                100))
                        .mqttEgress())
                .isNull();
    }

    /** A configuration read from YAML by SmallRye, as the gateway reads its file. */
    private static GatewaySettings fromYaml(String yaml) {
        io.smallrye.config.SmallRyeConfig c = new io.smallrye.config.SmallRyeConfigBuilder()
                .withSources(new io.smallrye.config.source.yaml.YamlConfigSource("test.yaml", yaml))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(GatewayConfig.class)
                .build();
        return GatewaySettings.from(c.getConfigMapping(GatewayConfig.class));
    }

    private static final String PCD01_BASE = """
            gateway:
              id: icu-gw-12
              uplink:
                base-url: http://127.0.0.1:8090/fhir
              devices:
                bed12-spo2:
                  driver: masimo-ascii
                  port: /dev/ttyUSB0
            """;

    @Test
    void thePcd05ListenerAndTheEscalationDestinationAreSectionsOfTheOneFile() {
        // gateway.alarms.pcd05-in and gateway.alarms.escalation sit beside the rest: the gateway's settings read the
        // same file unchanged, and AlarmSettings (AlarmSettingsTest) reads and checks them by key.
        String yaml = PCD01_BASE + """
                  alarms:
                    pcd04:
                      host: am.example.org
                      port: 2575
                    pcd05-in:
                      port: 0
                    escalation:
                      pcd04:
                        host: am2.example.org
                        port: 2575
                """;
        assertThat(fromYaml(yaml).gatewayId()).isEqualTo("icu-gw-12");
        io.smallrye.config.SmallRyeConfig c = new io.smallrye.config.SmallRyeConfigBuilder()
                .withSources(new io.smallrye.config.source.yaml.YamlConfigSource("test.yaml", yaml))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(GatewayConfig.class)
                .build();
        AlarmSettings a = AlarmSettings.from(c.getConfigMapping(GatewayConfig.class));
        assertThat(a.pcd05In()).isNotNull();
        assertThat(a.pcd05In().bind().getPort()).isZero();
        assertThat(a.escalation()).isNotNull();
    }

    @Test
    void pcd01OutIsReadWithItsDefaultsAndOffWithoutAHost() {
        assertThat(fromYaml(PCD01_BASE).pcd01Out()).isNull();

        var p = fromYaml(PCD01_BASE + """
                  pcd01-out:
                    host: engine.hospital.local
                    port: 2575
                    facility: ICU
                    receiving-facility: HOSP
                    ack-timeout: 3s
                """).pcd01Out();
        assertThat(p).isNotNull();
        assertThat(p.destination()).isEqualTo("mllp://engine.hospital.local:2575");
        assertThat(p.client().ackTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.client().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.client().socketFactory()).isNull();
        assertThat(p.retryMaxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.sender().application()).isEqualTo("BEDSIDE_GATEWAY");
        // The gateway's one EUI-64, the same as PCD-04's when none is configured.
        assertThat(p.sender().eui64()).isEqualTo(AlarmSettings.derivedEui64("icu-gw-12"));
        assertThat(p.sender().facility()).isEqualTo("ICU");
        assertThat(p.sender().receivingApplication()).isEqualTo("ENGINE");
        assertThat(p.sender().receivingFacility()).isEqualTo("HOSP");
    }

    private static final String NO_UPLINK = """
            gateway:
              id: icu-gw-12
              devices:
                bed12-spo2:
                  driver: masimo-ascii
                  port: /dev/ttyUSB0
            """;

    private static final String ENGINE = """
              pcd01-out:
                host: engine.hospital.local
                port: 2575
            """;

    @Test
    void pcd01OutAloneIsADestinationWithoutAFhirUplink() {
        GatewaySettings s = fromYaml(NO_UPLINK + ENGINE);
        assertThat(s.fhirUplink()).isFalse();
        assertThat(s.uplink()).isNull();
        assertThat(s.pcd01Out()).isNotNull();
        assertThat(s.maxClockSkew()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void withoutAnyDestinationTheGatewayRefusesNamingTheKeys() {
        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> fromYaml(NO_UPLINK));
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0))
                .startsWith("gateway.uplink.base-url: no destination")
                .contains("gateway.pcd01-out.host");
    }

    @Test
    void fhirAndPcd01OutTogetherAreBothDestinations() {
        GatewaySettings s = fromYaml(PCD01_BASE + ENGINE);
        assertThat(s.fhirUplink()).isTrue();
        assertThat(s.uplink().baseUrl()).hasToString("http://127.0.0.1:8090/fhir");
        assertThat(s.pcd01Out()).isNotNull();
    }

    @Test
    void fhirOnlySettingsWithoutABaseUrlAreNamed() {
        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> fromYaml(NO_UPLINK + ENGINE + """
                  uplink:
                    auth:
                      method: private-key-jwt
                """));
        assertThat(e).isNotNull();
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("gateway.uplink.auth.method: is set, but"));
    }

    @Test
    void pcd01OutProblemsNameTheirKeys() {
        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> fromYaml(PCD01_BASE + """
                  pcd01-out:
                    port: 70000
                    eui64: 12AB
                    ack-timeout: 0s
                    retry-max-delay: 100ms
                    tls:
                      certificate-file: /etc/bedside/gw.pem
                """));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.pcd01-out.host: is required: the interface engine's host name or address",
                        "gateway.pcd01-out.port: 70000 is not a port (1 to 65535)",
                        "gateway.pcd01-out.eui64: '12AB' is not an EUI-64 of 16 hex digits",
                        "gateway.pcd01-out.ack-timeout: must be positive",
                        "gateway.pcd01-out.retry-max-delay: must be at least 1s",
                        "gateway.pcd01-out.tls.trust-file: is required with a client certificate: MLLP over TLS"
                                + " needs the CA that issued the engine's certificate");

        ConfigProblems tls = catchThrowableOfType(ConfigProblems.class, () -> fromYaml(PCD01_BASE + """
                  pcd01-out:
                    host: engine.hospital.local
                    port: 2575
                    tls:
                      trust-file: /nonexistent/hospital-ca.pem
                """));
        assertThat(tls.problems()).singleElement().asString().startsWith("gateway.pcd01-out.tls.trust-file: ");
    }

    /** PCD01_BASE with a pump rack and a transport monitor beside the oximeter, a bed and ADT. */
    private static String travelling(String section) {
        return PCD01_BASE + """
                    bed12-pumps:
                      driver: bbraun-bcc
                      port: tcp://127.0.0.1:4001
                    transport-monitor:
                      driver: masimo-ascii
                      port: /dev/ttyUSB1
                  patient: Patient/bench
                  beds:
                    bed12:
                      location: ICU^12^1
                      devices: [bed12-spo2, bed12-pumps]
                  adt:
                    port: 0
                    assigning-authorities:
                      HOSP: urn:oid:1.2.3.4
                """ + section;
    }

    @Test
    void devicesAndPumpsThatTravelWithThePatientAreNamedUnderTravellingAndCheckedByKey() {
        GatewaySettings s = fromYaml(travelling("""
                  travelling:
                    devices: [transport-monitor]
                    pump-serials: ["12345678", SN-2002]
                """));
        assertThat(s.beds().travelling().devices()).containsExactly(org.bedside.model.DeviceId.of("transport-monitor"));
        assertThat(s.beds().travelling().pumpSerials()).containsExactlyInAnyOrder("12345678", "SN-2002");
        assertThat(s.deviceContexts()
                        .get(org.bedside.model.DeviceId.of("transport-monitor"))
                        .patientReference())
                .as("a travelling device at no bed is never charted to gateway.patient")
                .isNull();
        assertThat(fromYaml(travelling("")).beds().travelling().isEmpty()).isTrue();

        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> fromYaml(travelling("""
                          travelling:
                            devices: [transport-monitor, bed12-pumps, nope, transport-monitor]
                            pump-serials: ["12 34", bed12-spo2, SN-1, SN-1]
                        """)));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.travelling.devices: 'bed12-pumps' is a bbraun-bcc rack, which stays at its bed: name"
                                + " the pumps that travel by serial number in gateway.travelling.pump-serials",
                        "gateway.travelling.devices: 'nope' is not a device of gateway.devices ([bed12-pumps,"
                                + " bed12-spo2, transport-monitor])",
                        "gateway.travelling.devices: 'transport-monitor' is named twice",
                        "gateway.travelling.pump-serials: '12 34' is not a pump serial number (1 to 32 letters,"
                                + " digits, '.', '_' or '-')",
                        "gateway.travelling.pump-serials: 'bed12-spo2' is also a device of gateway.devices: a scanned"
                                + " label must name one only",
                        "gateway.travelling.pump-serials: 'SN-1' is named twice");

        ConfigProblems noAdt = catchThrowableOfType(ConfigProblems.class, () -> fromYaml(PCD01_BASE + """
                          travelling:
                            pump-serials: [SN-1]
                        """));
        assertThat(noAdt.problems())
                .containsExactlyInAnyOrder(
                        "gateway.travelling: a travelling device is paired with a patient by MRN at the bedside, which"
                                + " needs gateway.adt (its assigning authorities)",
                        "gateway.travelling.pump-serials: no device of gateway.devices is a bbraun-bcc rack to read the"
                                + " pumps");
    }

    /** PCD01_BASE with a bed, the ADT listener and a PCD-01 listener, each with {@code tls} sections. */
    private static String listeners(String adtTls, String pcd01Tls) {
        return PCD01_BASE + """
                  beds:
                    bed12:
                      location: ICU^12^1
                      devices: [bed12-spo2, or-monitor]
                  adt:
                    port: 0
                    assigning-authorities:
                      HOSP: urn:oid:1.2.3.4
                """ + adtTls + """
                  pcd01-in:
                    port: 0
                    devices:
                      or-monitor:
                        name: OR monitor
                """ + pcd01Tls;
    }

    private static String tlsSection(String... lines) {
        StringBuilder b = new StringBuilder("    tls:\n");
        for (String l : lines) {
            b.append("      ").append(l).append('\n');
        }
        return b.toString();
    }

    @Test
    void theSensorOffGapIsThirtyMinutesByDefaultZeroForNeverAndBoundedOtherwise() {
        assertThat(fromYaml(listeners("", "")).beds().adt().sensorOffGap()).isEqualTo(Duration.ofMinutes(30));
        assertThat(fromYaml(listeners("    sensor-off-gap: 45m\n", ""))
                        .beds()
                        .adt()
                        .sensorOffGap())
                .isEqualTo(Duration.ofMinutes(45));
        assertThat(fromYaml(listeners("    sensor-off-gap: 0s\n", ""))
                        .beds()
                        .adt()
                        .sensorOffGap())
                .as("never")
                .isNull();
        ConfigProblems e =
                catchThrowableOfType(ConfigProblems.class, () -> fromYaml(listeners("    sensor-off-gap: 30s\n", "")));
        assertThat(e.problems())
                .singleElement()
                .asString()
                .isEqualTo("gateway.adt.sensor-off-gap: PT30S is not 0 (never) nor between 1m and 24h");
    }

    @Test
    void theMllpListenersTakeTlsWithRequiredClientCertificates(@TempDir Path dir) throws Exception {
        org.bedside.sim.pki.TestPki pki = org.bedside.sim.pki.TestPki.create(dir, "hospital");
        org.bedside.sim.pki.TestPki.Issued gw = pki.server("gateway", "127.0.0.1");
        String files = "certificate-file: " + gw.certificateFile() + "|key-file: " + gw.keyFile() + "|client-ca-file: "
                + pki.caFile();
        GatewaySettings s = fromYaml(listeners(
                tlsSection((files + "|allowed-subjects: [\"CN=engine,O=Hospital\", engine.hospital.org]").split("\\|")),
                tlsSection((files + "|check-interval: 5m").split("\\|"))));
        assertThat(s.beds().adt()).isNotNull();
        assertThat(s.beds().adt().tls()).isNotNull();
        assertThat(s.beds().adt().tls().allowedSubjects())
                .containsExactly("CN=engine,O=Hospital", "engine.hospital.org");
        assertThat(s.beds().adt().tls().sslParameters().getNeedClientAuth()).isTrue();
        assertThat(s.beds().adt().tls().sslParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(s.pcd01In()).isNotNull();
        assertThat(s.pcd01In().tls()).isNotNull();
        assertThat(s.pcd01In().tls().allowedSubjects()).isEmpty();

        GatewaySettings plain = fromYaml(listeners("", ""));
        assertThat(plain.beds().adt().tls()).as("no tls section: plain MLLP").isNull();
        assertThat(plain.pcd01In().tls()).isNull();
    }

    @Test
    void theMllpListenersCheckRevocationOnlyAsConfigured(@TempDir Path dir) throws Exception {
        org.bedside.sim.pki.TestPki pki = org.bedside.sim.pki.TestPki.create(dir, "hospital");
        org.bedside.sim.pki.TestPki.Issued gw = pki.server("gateway", "127.0.0.1");
        Path crl = pki.revocationList("hospital.crl");
        String files = "certificate-file: " + gw.certificateFile() + "|key-file: " + gw.keyFile() + "|client-ca-file: "
                + pki.caFile();
        GatewaySettings s = fromYaml(listeners(
                tlsSection((files + "|revocation: crl-files|revocation-lists: [" + crl + "]").split("\\|")),
                tlsSection(files.split("\\|"))));
        assertThat(s.beds().adt().tls()).isNotNull();
        assertThat(s.pcd01In().tls()).isNotNull();

        ConfigProblems bad = catchThrowableOfType(
                ConfigProblems.class,
                () -> fromYaml(listeners(
                        tlsSection(
                                (files + "|revocation: crl-files|revocation-lists: [" + dir.resolve("gone.crl") + "]")
                                        .split("\\|")),
                        tlsSection((files + "|revocation: sometimes").split("\\|")))));
        assertThat(bad.problems())
                .hasSize(2)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("gateway.adt.tls.revocation-lists: ")
                        .contains("gone.crl"))
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo("gateway.pcd01-in.tls.revocation: 'sometimes' is not none, crl-files or ocsp"));
    }

    @Test
    void listenerTlsProblemsNameTheirKeys(@TempDir Path dir) throws Exception {
        org.bedside.sim.pki.TestPki pki = org.bedside.sim.pki.TestPki.create(dir, "hospital");
        org.bedside.sim.pki.TestPki.Issued gw = pki.server("gateway", "127.0.0.1");
        ConfigProblems missing = catchThrowableOfType(
                ConfigProblems.class,
                () -> fromYaml(listeners(
                        tlsSection("certificate-file: " + gw.certificateFile()),
                        tlsSection(
                                "certificate-file: " + dir.resolve("nonexistent.pem"),
                                "key-file: " + gw.keyFile(),
                                "client-ca-file: " + pki.caFile()))));
        assertThat(missing.problems())
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("gateway.adt.tls.key-file: is required with TLS"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.adt.tls.client-ca-file: is required with TLS"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("gateway.pcd01-in.tls.certificate-file: ")
                        .contains("nonexistent.pem"));

        Files.setPosixFilePermissions(gw.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        ConfigProblems readable = catchThrowableOfType(
                ConfigProblems.class,
                () -> fromYaml(listeners(
                        tlsSection(
                                "certificate-file: " + gw.certificateFile(),
                                "key-file: " + gw.keyFile(),
                                "client-ca-file: " + pki.caFile()),
                        "")));
        assertThat(readable.problems())
                .singleElement()
                .asString()
                .startsWith("gateway.adt.tls.key-file: ")
                .contains("chmod 600");
        Files.setPosixFilePermissions(gw.keyFile(), PosixFilePermissions.fromString("rw-------"));
        ConfigProblems subject = catchThrowableOfType(
                ConfigProblems.class,
                () -> fromYaml(listeners(
                        tlsSection(
                                "certificate-file: " + gw.certificateFile(),
                                "key-file: " + gw.keyFile(),
                                "client-ca-file: " + pki.caFile(),
                                "allowed-subjects: [\"CN=a,,=\"]"),
                        "")));
        assertThat(subject.problems())
                .singleElement()
                .asString()
                .startsWith("gateway.adt.tls.allowed-subjects: ")
                .contains("is not a distinguished name");
    }

    @Test
    void thePcd05ListenerTakesTlsLikeTheOtherListenersAndItsProblemsNameTheirKeys(@TempDir Path dir) throws Exception {
        org.bedside.sim.pki.TestPki pki = org.bedside.sim.pki.TestPki.create(dir, "hospital");
        org.bedside.sim.pki.TestPki.Issued gw = pki.server("gateway", "127.0.0.1");
        String base = PCD01_BASE + """
                  alarms:
                    pcd04:
                      host: am.example.org
                      port: 2575
                    pcd05-in:
                      port: 0
                      allowed-sources: [10.1.20.7]
                """;
        String files = "certificate-file: " + gw.certificateFile() + "|key-file: " + gw.keyFile() + "|client-ca-file: "
                + pki.caFile();
        AlarmSettings a = AlarmSettings.from(alarmsYaml(
                base + underAlarms(tlsSection((files + "|allowed-subjects: [alert-manager]").split("\\|")))));
        assertThat(a.pcd05In()).isNotNull();
        assertThat(a.pcd05In().tls()).isNotNull();
        assertThat(a.pcd05In().tls().allowedSubjects()).containsExactly("alert-manager");
        assertThat(a.pcd05In().tls().sslParameters().getNeedClientAuth()).isTrue();
        assertThat(a.pcd05In().tls().sslParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(a.describe()).anySatisfy(l -> assertThat(l).contains("over TLS, client certificates required"));
        assertThat(AlarmSettings.from(alarmsYaml(base)).pcd05In().tls())
                .as("no tls section: plain MLLP")
                .isNull();

        ConfigProblems missing = catchThrowableOfType(
                ConfigProblems.class,
                () -> AlarmSettings.from(alarmsYaml(
                        base + underAlarms(tlsSection("certificate-file: " + dir.resolve("nonexistent.pem"))))));
        assertThat(missing.problems())
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd05-in.tls.key-file: is required with TLS"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd05-in.tls.client-ca-file: is required"));
        Files.setPosixFilePermissions(gw.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        ConfigProblems readable = catchThrowableOfType(
                ConfigProblems.class,
                () -> AlarmSettings.from(alarmsYaml(base + underAlarms(tlsSection(files.split("\\|"))))));
        assertThat(readable.problems())
                .singleElement()
                .asString()
                .startsWith("gateway.alarms.pcd05-in.tls.key-file: ")
                .contains("chmod 600");
    }

    /** A {@link #tlsSection} one level deeper: under {@code gateway.alarms.pcd05-in}. */
    private static String underAlarms(String section) {
        return section.lines().map(l -> "  " + l + "\n").collect(java.util.stream.Collectors.joining());
    }

    private static GatewayConfig alarmsYaml(String yaml) {
        return new io.smallrye.config.SmallRyeConfigBuilder()
                .withSources(new io.smallrye.config.source.yaml.YamlConfigSource("test.yaml", yaml))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    private static final String OPERATOR_LINE =
            "ops:" + io.quarkus.elytron.security.common.BcryptUtil.bcryptHash("secret", 4) + ":operator";

    private static GatewayConfig.HttpConfig users(Optional<String> file) {
        return () -> file;
    }

    private static Path file(Path dir, String name, String text, String mode) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void theGatewaysOwnHttpOnLoopbackNeedsNothingAndBeyondItHttpsOnlyAndUsers(@TempDir Path dir) throws Exception {
        HttpSettings local = HttpSettings.from(
                users(Optional.empty()), new HttpSettings.Listen("127.0.0.1", List.of(), List.of(), "enabled"));
        assertThat(local.beyondLoopback()).isFalse();
        assertThat(local.users().size()).isZero();

        Path usersFile = file(dir, "users", "# the ward's biomeds\n" + OPERATOR_LINE + "\n", "rw-------");
        Path key = file(dir, "page.key", "not read here", "rw-------");
        HttpSettings open = HttpSettings.from(
                users(Optional.of(usersFile.toString())),
                new HttpSettings.Listen(
                        "0.0.0.0", List.of("/etc/bedside/page.crt"), List.of(key.toString()), "disabled"));
        assertThat(open.beyondLoopback()).isTrue();
        assertThat(open.users().find("ops"))
                .hasValueSatisfying(u -> assertThat(u.roles()).containsExactly("operator"));
    }

    @Test
    void namesEveryProblemOfTheGatewaysOwnHttpWithItsKey(@TempDir Path dir) throws Exception {
        ConfigProblems clear = catchThrowableOfType(
                ConfigProblems.class,
                () -> HttpSettings.from(
                        users(Optional.empty()), new HttpSettings.Listen("0.0.0.0", List.of(), List.of(), "enabled")));
        assertThat(clear.problems())
                .containsExactly(
                        "quarkus.http.ssl.certificate.files: the page listens on 0.0.0.0, beyond this box, without"
                                + " TLS: give its certificate and key as PEM files in quarkus.http.ssl.certificate.files"
                                + " and quarkus.http.ssl.certificate.key-files, or set quarkus.http.host to 127.0.0.1",
                        "gateway.http.users-file: the page listens on 0.0.0.0, beyond this box, but has no users:"
                                + " nobody could read it (bedside user add NAME --file FILE writes one)");

        Path readableUsers = file(dir, "users", OPERATOR_LINE + "\n", "rw-r--r--");
        Path readableKey = file(dir, "page.key", "not read here", "rw-r-----");
        ConfigProblems mixed = catchThrowableOfType(
                ConfigProblems.class,
                () -> HttpSettings.from(
                        users(Optional.of(readableUsers.toString())),
                        new HttpSettings.Listen(
                                "192.0.2.2",
                                List.of("/etc/bedside/page.crt"),
                                List.of(readableKey.toString()),
                                "redirect")));
        assertThat(mixed.problems()).hasSize(3);
        assertThat(mixed.problems().get(0))
                .startsWith("quarkus.http.ssl.certificate.key-files: the page's TLS key " + readableKey)
                .contains("chmod 600 " + readableKey);
        assertThat(mixed.problems().get(1))
                .isEqualTo("quarkus.http.insecure-requests: 'redirect': the page listens on 192.0.2.2, beyond this"
                        + " box, so plain HTTP must not answer beside HTTPS: set it to disabled");
        assertThat(mixed.problems().get(2))
                .startsWith("gateway.http.users-file: the users file " + readableUsers)
                .contains("chmod 600 " + readableUsers)
                .doesNotContain("$2a$");

        ConfigProblems noKey = catchThrowableOfType(
                ConfigProblems.class,
                () -> HttpSettings.from(
                        users(Optional.empty()),
                        new HttpSettings.Listen("localhost", List.of("/etc/bedside/page.crt"), List.of(), "enabled")));
        assertThat(noKey.problems())
                .containsExactly("quarkus.http.ssl.certificate.key-files: a certificate is given in"
                        + " quarkus.http.ssl.certificate.files but not its key (PEM)");

        Path badRole = file(dir, "bad-role", OPERATOR_LINE.replace(":operator", ":admin") + "\n", "rw-------");
        ConfigProblems role = catchThrowableOfType(
                ConfigProblems.class,
                () -> HttpSettings.from(
                        users(Optional.of(badRole.toString())),
                        new HttpSettings.Listen("127.0.0.1", List.of(), List.of(), "enabled")));
        assertThat(role.problems())
                .containsExactly("gateway.http.users-file: " + badRole
                        + " line 1: 'admin' is not a role (viewer, clinician, operator)");
    }

    // ---- gateway.alarms.local-signals, read from real YAML by SmallRye as the gateway (and check-config) reads it
    // ----

    private static final String LOCAL_SIGNALS_BASE = """
            gateway:
              id: icu-gw-12
              data-dir: /var/lib/bedside
              uplink:
                base-url: http://127.0.0.1:8090/fhir
              devices: {}
            """;

    private static GatewayConfig yaml(String alarms) {
        io.smallrye.config.SmallRyeConfig c = new io.smallrye.config.SmallRyeConfigBuilder()
                .withSources(
                        new io.smallrye.config.source.yaml.YamlConfigSource("test.yaml", LOCAL_SIGNALS_BASE + alarms))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(GatewayConfig.class)
                .build();
        return c.getConfigMapping(GatewayConfig.class);
    }

    @Test
    void withoutLocalSignalOutputsNothingTouchesGpio() {
        LocalSignalSettings s = LocalSignalSettings.from(yaml(""));
        assertThat(s.enabled()).isFalse();
        assertThat(s.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.describe())
                .containsExactly("local signals: none configured (gateway.alarms.local-signals.outputs)");
    }

    @Test
    void localSignalOutputsAreReadWithTheirPinsPolarityPatternAndConditions() {
        LocalSignalSettings s = LocalSignalSettings.from(yaml("""
                  alarms:
                    local-signals:
                      delay: 5s
                      outputs:
                        buzzer:
                          pin: 18
                          active: low
                          pattern: beep
                        red-led:
                          pin: 23
                          conditions: [alert-delivery-failing, buffer-critical]
                """));
        assertThat(s.delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.outputs()).hasSize(2);
        LocalSignalSettings.Pin buzzer = s.outputs().get(0);
        assertThat(buzzer.name()).isEqualTo("buzzer");
        assertThat(buzzer.pin()).isEqualTo(18);
        assertThat(buzzer.activeLow()).isTrue();
        assertThat(buzzer.pattern()).isEqualTo(org.bedside.alarms.local.SignalPattern.BEEP);
        assertThat(buzzer.conditions()).hasSize(4);
        LocalSignalSettings.Pin led = s.outputs().get(1);
        assertThat(led.activeLow()).isFalse();
        assertThat(led.pattern()).isEqualTo(org.bedside.alarms.local.SignalPattern.STEADY);
        assertThat(led.conditions())
                .containsExactly(
                        org.bedside.alarms.local.TechnicalCondition.ALERT_DELIVERY_FAILING,
                        org.bedside.alarms.local.TechnicalCondition.BUFFER_CRITICAL);
        assertThat(s.describe())
                .contains("local signal 'red-led' on GPIO23 (active high), steady, for alert-delivery-failing,"
                        + " buffer-critical");
    }

    @Test
    void badLocalSignalSettingsAreNamedByTheirKeys() {
        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> LocalSignalSettings.from(yaml("""
                  alarms:
                    local-signals:
                      delay: 11m
                      outputs:
                        buzzer:
                          pin: 40
                          active: up
                          pattern: flash
                          conditions: [link-lost]
                        led:
                          active: low
                        led2:
                          pin: 5
                        led3:
                          pin: 5
                """)));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "gateway.alarms.local-signals.delay: PT11M is outside 0s to 10m",
                        "gateway.alarms.local-signals.outputs.buzzer.pin: 40 is not a GPIO line from 0 to 27 (BCM"
                                + " numbering)",
                        "gateway.alarms.local-signals.outputs.buzzer.active: 'up' is neither high nor low",
                        "gateway.alarms.local-signals.outputs.buzzer.pattern: 'flash' is not steady, blink or beep",
                        "gateway.alarms.local-signals.outputs.buzzer.conditions: 'link-lost' is not device-link-lost,"
                                + " uplink-failing, buffer-critical or alert-delivery-failing",
                        "gateway.alarms.local-signals.outputs.led.pin: required: the GPIO line (BCM numbering, 0 to"
                                + " 27)",
                        "gateway.alarms.local-signals.outputs.led3.pin: GPIO5 is already the output 'led2'");
    }

    @Test
    void theLampTestIsOnAndShortByDefaultAndTheAudioPauseButtonIsReadWithWhatItSilences() {
        LocalSignalSettings plain = LocalSignalSettings.from(yaml("""
                  alarms:
                    local-signals:
                      outputs:
                        buzzer: { pin: 18 }
                """));
        assertThat(plain.lampTest()).isEqualTo(Duration.ofSeconds(2));
        assertThat(plain.audioPause()).isNull();
        assertThat(plain.describe())
                .contains(
                        "local signals: lamp test at start, every output on for 2000 ms",
                        "local signals: no audio pause button (gateway.alarms.local-signals.audio-pause.pin)");

        LocalSignalSettings s = LocalSignalSettings.from(yaml("""
                  alarms:
                    local-signals:
                      lamp-test: 0s
                      outputs:
                        buzzer: { pin: 18, pattern: beep }
                        red-led: { pin: 23 }
                      audio-pause:
                        pin: 17
                        duration: 3m
                        outputs: [buzzer]
                """));
        assertThat(s.lampTest()).isZero();
        assertThat(s.audioPause())
                .isEqualTo(new LocalSignalSettings.AudioPause(17, true, Duration.ofMinutes(3), List.of("buzzer")));
        assertThat(s.describe())
                .contains(
                        "local signals: no lamp test at start (gateway.alarms.local-signals.lamp-test: 0s)",
                        "local signals: audio pause button on GPIO17 (pressed low): silences buzzer for 180 s; the"
                                + " other outputs go on showing, and a new technical alarm sounds again");
        assertThat(s.signals().outputs()).hasSize(2);
    }

    @Test
    void badLampTestAndAudioPauseSettingsAreNamedByTheirKeys() {
        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> LocalSignalSettings.from(yaml("""
                  alarms:
                    local-signals:
                      lamp-test: 1m
                      outputs:
                        buzzer: { pin: 18 }
                      audio-pause:
                        pin: 18
                        active: pressed
                        duration: 11m
                        outputs: [horn]
                """)));
        assertThat(e.problems())
                .containsExactly(
                        "gateway.alarms.local-signals.lamp-test: PT1M is outside 0s to 30s",
                        "gateway.alarms.local-signals.audio-pause.pin: GPIO18 is already the output 'buzzer'",
                        "gateway.alarms.local-signals.audio-pause.active: 'pressed' is neither high nor low",
                        "gateway.alarms.local-signals.audio-pause.duration: PT11M is outside 10s to 10m",
                        "gateway.alarms.local-signals.audio-pause.outputs: 'horn' is not an output (buzzer)");

        ConfigProblems missing = catchThrowableOfType(ConfigProblems.class, () -> LocalSignalSettings.from(yaml("""
                  alarms:
                    local-signals:
                      outputs:
                        buzzer: { pin: 18 }
                      audio-pause:
                        pin: 17
                """)));
        assertThat(missing.problems())
                .containsExactly("gateway.alarms.local-signals.audio-pause.outputs: required: the outputs the button"
                        + " silences (the buzzer), by name");

        ConfigProblems noPin = catchThrowableOfType(ConfigProblems.class, () -> LocalSignalSettings.from(yaml("""
                  alarms:
                    local-signals:
                      outputs:
                        buzzer: { pin: 18 }
                      audio-pause:
                        outputs: [buzzer]
                """)));
        assertThat(noPin.problems())
                .containsExactly("gateway.alarms.local-signals.audio-pause.pin: required with"
                        + " gateway.alarms.local-signals.audio-pause.outputs: the GPIO line of the button");
    }
}
