package org.bedside.runtime.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.bedside.buffer.guard.GuardSettings;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each check of the doctor, failing and passing, on real parts where this machine has them (pseudo-terminals, a
 * listening socket, the disk); a user without the right to a port is stood in for, since the tests run as root. The
 * FHIR check and the questions to a running gateway are in DoctorIT, against the sandbox and the packaged gateway.
 */
class DoctorTest {
    private static final SerialSettings MASIMO_SERIAL = SerialSettings.of8N1(9600);

    @TempDir
    Path dir;

    private Doctor.Environment env(Predicate<Path> access, int clockState) {
        return new Doctor.Environment(access, () -> clockState, Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    private Path config(String devices) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                gateway:
                  id: doctor-gw
                  patient: Patient/doctor-patient
                  data-dir: %s
                  devices: %s
                  uplink:
                    base-url: http://127.0.0.1:%d/fhir
                quarkus:
                  http:
                    port: %d
                """.formatted(dir.resolve("data"), devices, closedPort(), closedPort()));
        return file;
    }

    @Test
    void aValidConfigurationPassesCheckConfigAndExitsZero() throws Exception {
        Path file = config("{}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Doctor.run(new String[] {"check-config", file.toString()}, new PrintStream(out, true));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("OK    config", "gateway doctor-gw, 0 device(s)")
                .contains("all checks passed");
    }

    @Test
    void aYamlSyntaxErrorIsOneLineWithFileLineAndColumn() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "gateway:\n  id: x\n  devices:\n    bed1: {driver: masimo-ascii\n  uplink: y\n");
        List<Finding> findings = Doctor.check(file, true, env(p -> true, 0));
        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).status()).isEqualTo(Finding.Status.FAIL);
        assertThat(findings.get(0).message())
                .startsWith(file + ":5:")
                .contains("YAML syntax error")
                .doesNotContain("\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Doctor.run(new String[] {"check-config", file.toString()}, new PrintStream(out, true)))
                .isEqualTo(1);
    }

    @Test
    void missingKeysAndBadValuesAreNamed() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        Files.writeString(missing, "gateway:\n  devices: {}\n");
        assertThat(Doctor.check(missing, true, env(p -> true, 0)))
                .extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).contains("gateway.id"))
                .allSatisfy(m -> assertThat(m).doesNotContain("Exception"));
        // gateway.uplink.base-url is optional (PCD-01 out alone is a destination), but some destination is not.
        Path nowhere = dir.resolve("nowhere.yaml");
        Files.writeString(nowhere, "gateway:\n  id: x\n  devices: {}\n");
        assertThat(Doctor.check(nowhere, true, env(p -> true, 0)))
                .extracting(Finding::message)
                .anySatisfy(m -> assertThat(m)
                        .contains("gateway.uplink.base-url: no destination for the readings")
                        .contains("gateway.pcd01-out.host"))
                .allSatisfy(m -> assertThat(m).doesNotContain("Exception"));
        Path bad = config("{bed1: {driver: masimo, port: /dev/ttyUSB9}}");
        assertThat(Doctor.check(bad, true, env(p -> true, 0)))
                .extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).contains("gateway.devices.bed1.driver: unknown driver 'masimo'"));
        assertThat(Doctor.check(dir.resolve("absent.yaml"), true, env(p -> true, 0)))
                .extracting(Finding::message)
                .singleElement()
                .satisfies(m -> assertThat(m).contains("cannot read the file"));
    }

    @Test
    void checkConfigNamesAlarmProblemsAsTheGatewayWouldAtStart() throws Exception {
        Path file = config("{}");
        Files.writeString(file, Files.readString(file).replace("gateway:\n", """
                        gateway:
                          alarms:
                            pcd05-in:
                              port: 99999
                        """));
        assertThat(Doctor.check(file, true, env(p -> true, 0)))
                .extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).contains("gateway.alarms.pcd05-in.port: 99999"))
                .anySatisfy(m -> assertThat(m).contains("gateway.alarms.pcd05-in: a PCD-05 reports"));
    }

    @Test
    void checkConfigNamesABadLocalSignalAsTheGatewayWouldAtStart() throws Exception {
        Path file = config("{}");
        Files.writeString(
                file,
                Files.readString(file)
                        .replace(
                                "gateway:\n",
                                "gateway:\n  alarms:\n    local-signals:\n      outputs:\n"
                                        + "        buzzer: {pin: 40}\n"));
        assertThat(Doctor.check(file, true, env(p -> true, 0)))
                .extracting(Finding::message)
                .anySatisfy(m -> assertThat(m)
                        .contains("gateway.alarms.local-signals.outputs.buzzer.pin: 40 is not a GPIO line"));
    }

    @Test
    void checkConfigNamesABadLampTestAndAudioPauseAsTheGatewayWouldAtStart() throws Exception {
        Path file = config("{}");
        Files.writeString(
                file,
                Files.readString(file)
                        .replace(
                                "gateway:\n",
                                "gateway:\n  alarms:\n    local-signals:\n      lamp-test: 1m\n      outputs:\n"
                                        + "        buzzer: {pin: 18}\n"
                                        + "      audio-pause: {pin: 17, duration: 11m, outputs: [buzzer]}\n"));
        assertThat(Doctor.check(file, true, env(p -> true, 0)))
                .extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).contains("gateway.alarms.local-signals.lamp-test: PT1M is outside"))
                .anySatisfy(m -> assertThat(m)
                        .contains("gateway.alarms.local-signals.audio-pause.duration: PT11M is outside 10s to 10m"));
    }

    @Test
    void aStreamingDeviceOnItsPortPasses() throws Exception {
        try (MasimoSimulator oximeter = MasimoSimulator.builder("doc-spo2", Scenarios.parse(Scenarios.STEADY))
                .period(Duration.ofMillis(100))
                .portDirectory(dir.resolve("serial"))
                .build()) {
            oximeter.start();
            Finding f = Checks.serialPort(
                            "doc-spo2",
                            new SerialTransport(oximeter.portPath(), MASIMO_SERIAL),
                            Checks.READ_WRITE,
                            Duration.ofSeconds(5))
                    .run();
            assertThat(f.status()).as(f.message()).isEqualTo(Finding.Status.OK);
            assertThat(f.message()).contains("the device is sending");
        }
    }

    @Test
    void aSilentPortWarnsAMissingOneFailsAndOneWithoutRightsFails() throws Exception {
        try (VirtualSerialPort silent = VirtualSerialPort.open(dir.resolve("silent"))) {
            SerialTransport transport = new SerialTransport(silent.link(), MASIMO_SERIAL);
            Finding quiet = Checks.serialPort("quiet", transport, Checks.READ_WRITE, Duration.ofSeconds(1))
                    .run();
            assertThat(quiet.status()).as(quiet.message()).isEqualTo(Finding.Status.WARN);
            assertThat(quiet.message()).contains("nothing arrived in 1 s");

            Finding denied = Checks.serialPort("denied", transport, p -> false, Duration.ofSeconds(1))
                    .run();
            assertThat(denied.status()).isEqualTo(Finding.Status.FAIL);
            assertThat(denied.message()).contains("not readable and writable by this user", "dialout");
        }
        Finding missing = Checks.serialPort(
                        "gone",
                        new SerialTransport(dir.resolve("no-such-port"), MASIMO_SERIAL),
                        Checks.READ_WRITE,
                        Duration.ofSeconds(1))
                .run();
        assertThat(missing.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(missing.message()).contains("does not exist", "udev");
    }

    @Test
    void theClockPassesWhenSynchronisedAndFailsWhenNot() {
        assertThat(Checks.clock(() -> Clock.TIME_OK).run().status()).isEqualTo(Finding.Status.OK);
        Finding unsynced = Checks.clock(() -> Clock.TIME_ERROR).run();
        assertThat(unsynced.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(unsynced.message()).contains("not synchronised", "timedatectl");
        assertThat(Checks.clock(() -> -1).run().status()).isEqualTo(Finding.Status.WARN);
        // The real kernel answers with one of its states.
        assertThat(Clock.kernelState()).isBetween(0, 5);
    }

    @Test
    void theBufferDiskPassesWithRoomAndFailsBelowTheGuardOrWithoutADirectory() throws Exception {
        Finding ok =
                Checks.bufferDisk(dir, GuardSettings.DEFAULT, Checks.READ_WRITE).run();
        assertThat(ok.status()).as(ok.message()).isEqualTo(Finding.Status.OK);
        assertThat(ok.message()).contains("MB free of");
        // A guard that starts thinning below 99.8 % free: this disk is below it.
        Finding low = Checks.bufferDisk(
                        dir, new GuardSettings(0.998, 0.999, 0.0, Duration.ofSeconds(60)), Checks.READ_WRITE)
                .run();
        assertThat(low.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(low.message()).contains("being thinned");
        assertThat(Checks.bufferDisk(dir.resolve("none"), GuardSettings.DEFAULT, Checks.READ_WRITE)
                        .run()
                        .message())
                .contains("does not exist");
        assertThat(Checks.bufferDisk(dir, GuardSettings.DEFAULT, p -> false)
                        .run()
                        .status())
                .isEqualTo(Finding.Status.FAIL);
    }

    @Test
    void aTcpEndpointPassesWhenListeningAndFailsWhenNot() throws Exception {
        try (ServerSocket broker = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            assertThat(Checks.tcp("mqtt", "127.0.0.1", broker.getLocalPort(), Duration.ofSeconds(2))
                            .run()
                            .status())
                    .isEqualTo(Finding.Status.OK);
        }
        Finding refused = Checks.tcp("mqtt", "127.0.0.1", closedPort(), Duration.ofSeconds(2))
                .run();
        assertThat(refused.status()).isEqualTo(Finding.Status.FAIL);
        assertThat(refused.message()).contains("does not accept a connection");
    }

    @Test
    void theExitCodeIsNonZeroWhenAnyCheckFails() throws Exception {
        Path file = config("{bed1: {driver: masimo-ascii, port: " + dir.resolve("absent-port") + "}}");
        List<Finding> findings = Doctor.check(file, false, env(Checks.READ_WRITE, Clock.TIME_OK));
        assertThat(findings)
                .extracting(Finding::subject)
                .containsExactly("config", "gateway", "clock", "buffer disk", "serial bed1", "fhir");
        assertThat(findings.get(1).message()).startsWith("not running");
        assertThat(findings.get(4).status()).isEqualTo(Finding.Status.FAIL);
        assertThat(findings.get(5).message()).contains("cannot be reached");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Doctor.run(
                        new String[] {"doctor", "--config", file.toString(), "--listen", "1"},
                        new PrintStream(out, true)))
                .isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("check(s) failed");
        assertThat(Doctor.run(new String[] {"doctor", "--bogus"}, new PrintStream(out, true)))
                .isEqualTo(2);
    }

    @Test
    void eachBedWithDevicesGetsALocationCheckAfterTheServers() throws Exception {
        // The server's answers are in DoctorBedLocationIT (the sandbox); here: which checks there are.
        Path file = config("{bed1: {driver: masimo-ascii, port: " + dir.resolve("absent-port") + "}}");
        Files.writeString(file, Files.readString(file).replace("  uplink:\n", """
                          beds:
                            icu-12:
                              location: ICU^12^1
                              devices: [bed1]
                            icu-13:
                              location: ICU^13^1
                          adt:
                            port: 0
                            assigning-authorities:
                              HOSP: urn:oid:1.2.3.4
                          uplink:
                        """));
        List<Finding> findings = Doctor.check(file, false, env(Checks.READ_WRITE, Clock.TIME_OK));
        assertThat(findings)
                .extracting(Finding::subject)
                .containsExactly("config", "gateway", "clock", "buffer disk", "serial bed1", "fhir", "fhir bed icu-12");
        assertThat(findings.get(6).status()).isEqualTo(Finding.Status.FAIL);
        assertThat(findings.get(6).message()).contains("cannot be reached");
    }

    @Test
    void aRunningGatewayWhosePageIsHttpsOnlyIsFoundOnItsSslPort() throws Exception {
        org.bedside.sim.pki.TestPki pki = org.bedside.sim.pki.TestPki.create(dir.resolve("pki"), "hospital");
        // For a name, not for 127.0.0.1: the doctor trusts the page's own certificate, not a host name.
        org.bedside.sim.pki.TestPki.Issued page = pki.server("page", "icu-gw-12.hospital.example");
        java.util.List<java.security.cert.X509Certificate> chain =
                org.bedside.common.tls.PemFiles.certificates(page.certificateFile());
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
                "page", page.key(), "p".toCharArray(), chain.toArray(java.security.cert.X509Certificate[]::new));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, "p".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer https =
                com.sun.net.httpserver.HttpsServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        https.createContext("/q/health", x -> {
            byte[] body = "{\"status\":\"UP\",\"checks\":[]}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        https.start();
        try {
            Files.createDirectories(dir.resolve("data"));
            Path file = dir.resolve("https.yaml");
            Files.writeString(file, """
                    gateway:
                      id: doctor-gw
                      patient: Patient/doctor-patient
                      data-dir: %s
                      devices: {}
                      uplink:
                        base-url: http://127.0.0.1:%d/fhir
                    quarkus:
                      http:
                        port: %d
                        ssl-port: %d
                        insecure-requests: disabled
                        ssl:
                          certificate:
                            files: %s
                            key-files: %s
                    """.formatted(
                            dir.resolve("data"),
                            closedPort(),
                            closedPort(),
                            https.getAddress().getPort(),
                            page.certificateFile(),
                            page.keyFile()));
            List<Finding> findings = Doctor.check(file, false, env(Checks.READ_WRITE, Clock.TIME_OK));
            assertThat(findings.get(1).subject()).isEqualTo("gateway");
            assertThat(findings.get(1).message())
                    .startsWith(
                            "running (https://127.0.0.1:" + https.getAddress().getPort() + ")");

            // Another certificate on that port is not this gateway's page.
            org.bedside.sim.pki.TestPki.Issued other = pki.server("other", "icu-gw-12.hospital.example");
            Files.copy(
                    other.certificateFile(), page.certificateFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(Doctor.check(file, false, env(Checks.READ_WRITE, Clock.TIME_OK))
                            .get(1)
                            .message())
                    .startsWith("not running at https://127.0.0.1:");
        } finally {
            https.stop(0);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Without a FHIR uplink check-config says so, and warns of what PCD-01 out alone cannot do. */
    @Test
    void aPcd01OnlyGatewayIsToldWhatItCannotDo() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Path file = dir.resolve("pcd01-only.yaml");
        Files.writeString(file, """
                gateway:
                  id: doctor-gw
                  data-dir: %s
                  devices:
                    bed12-spo2: {driver: masimo-ascii, port: /dev/ttyUSB0}
                    bed13-spo2: {driver: masimo-ascii, port: /dev/ttyUSB1}
                  beds:
                    bed12: {location: "ICU^12^1", devices: [bed12-spo2]}
                    bed13: {location: "ICU^13^1", patient: Patient/p13, devices: [bed13-spo2]}
                  adt:
                    port: 0
                    assigning-authorities: {HOSP: "urn:oid:2.999.1.12"}
                  pcd01-out: {host: 127.0.0.1, port: %d}
                """.formatted(dir.resolve("data"), closedPort()));
        List<Finding> findings = Doctor.check(file, true, env(p -> true, 0));
        assertThat(findings)
                .filteredOn(f -> f.subject().equals("fhir"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.status()).isEqualTo(Finding.Status.OK);
                    assertThat(f.message()).startsWith("FHIR uplink: not configured");
                });
        assertThat(findings)
                .filteredOn(f -> f.subject().equals("bedside"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.status()).isEqualTo(Finding.Status.WARN);
                    assertThat(f.message()).contains("bedside confirmation (/bedside) needs the FHIR uplink");
                });
        assertThat(findings)
                .filteredOn(f -> f.subject().equals("pcd-01 out") && f.status() == Finding.Status.WARN)
                .singleElement()
                .satisfies(f ->
                        assertThat(f.message()).contains("a configured patient").contains("no MRN for PID-3"));
        assertThat(findings).noneSatisfy(f -> assertThat(f.status()).isEqualTo(Finding.Status.FAIL));
    }

    /** The MLLP destinations (PCD-01 out, the Alert Managers) and the MQTT egress broker are checked for reachability. */
    @Test
    void theMllpDestinationsAndTheEgressBrokerAreCheckedForReachability() throws Exception {
        try (ServerSocket engine = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int closed = closedPort();
            Path file = config("{}");
            Files.writeString(
                    file, Files.readString(file).replace("gateway:\n", """
                            gateway:
                              pcd01-out:
                                host: 127.0.0.1
                                port: %d
                              alarms:
                                pcd04:
                                  host: 127.0.0.1
                                  port: %d
                            """.formatted(engine.getLocalPort(), closed)));
            List<Finding> findings = Doctor.check(file, false, env(p -> true, 0));
            assertThat(findings)
                    .filteredOn(f -> f.subject().equals("pcd-01 out"))
                    .singleElement()
                    .satisfies(f -> {
                        assertThat(f.status()).isEqualTo(Finding.Status.OK);
                        assertThat(f.message()).contains("127.0.0.1:" + engine.getLocalPort() + " accepts connections");
                    });
            assertThat(findings)
                    .filteredOn(f -> f.subject().equals("alert manager"))
                    .singleElement()
                    .satisfies(f -> {
                        assertThat(f.status()).isEqualTo(Finding.Status.FAIL);
                        assertThat(f.message()).contains("127.0.0.1:" + closed + " does not accept a connection");
                    });
        }
    }
}
