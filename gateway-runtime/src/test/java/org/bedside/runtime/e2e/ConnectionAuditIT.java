package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.broker.BrokerUsers;
import org.bedside.broker.MqttBrokerProcess;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.pcd.Pcd05Encoder;
import org.bedside.hl7.pcd.Pcd05Report;
import org.bedside.patients.tools.AdtCommand;
import org.bedside.sim.alertmanager.AlertManagerStandIn;
import org.bedside.sim.pki.TestPki;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No connection that was not configured: the packaged gateway runs with every feature that connects anywhere on at
 * once, under {@code strace}, which records every {@code connect}, {@code sendto} and {@code sendmsg} of every thread,
 * the short and the failed ones included (polling the sockets would miss those). Each network destination must be an
 * endpoint of the configuration; the only local sockets allowed are the ones listed in {@link #LOCAL_SOCKETS}, each
 * with its reason.
 *
 * <p>The features, each exercised in the run so that the trace is known to cover it: a serial oximeter and a SenML
 * sensor over MQTT ingest (the real broker process, TLS with client certificates, a user per client and topic rules),
 * charted to the FHIR sandbox for the patient an A01 on the ADT listener admitted; MQTT egress (a subscriber gets the
 * gateway's publish); PCD-01 out and PCD-04 alarms out (the watchdog) over MLLP to the stand-in receivers (the hl7
 * module's listener on HAPI HL7v2); a PCD-01 on the PCD-01 listener and a PCD-05 on the PCD-05 listener, sent with
 * HAPI's own client. Not in it: the authorization server (docs/security.md says why).
 */
class ConnectionAuditIT {
    /** Unix sockets a JVM on Debian may touch without any network: each is local to the box. */
    static final Map<String, String> LOCAL_SOCKETS = Map.of(
            "/var/run/nscd/socket",
            "glibc asks its name service cache daemon before reading /etc/passwd or /etc/hosts");

    private static final Pattern INET =
            Pattern.compile("sa_family=AF_INET, sin_port=htons\\((\\d+)\\), sin_addr=inet_addr\\(\"([^\"]+)\"\\)");
    private static final Pattern INET6 =
            Pattern.compile("sa_family=AF_INET6, sin6_port=htons\\((\\d+)\\).*?inet_pton\\(AF_INET6, \"([^\"]+)\"");
    private static final Pattern UNIX = Pattern.compile("sa_family=AF_UNIX, sun_path=@?\"([^\"]*)\"");
    private static final Pattern FAMILY = Pattern.compile("sa_family=(AF_\\w+)");

    private static final String BED = "ICU^12^1";
    /** The system of the scene's patient's identifier (FhirServer.createPatient). */
    private static final String MRN_SYSTEM = "urn:bedside:test-patient";

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void everyConnectionTheGatewayAttemptsWithEveryFeatureOnGoesToAConfiguredEndpoint() throws Exception {
        Path strace = Path.of("/usr/bin/strace");
        assumeTrue(
                Files.isExecutable(strace),
                "strace is not installed (apt-get install strace): the connection audit cannot run here");
        String run = UUID.randomUUID().toString().substring(0, 8);
        TestPki pki = TestPki.create(dir.resolve("pki"), "audit");
        TestPki.Issued brokerCert = pki.server("broker", "localhost", "127.0.0.1");
        TestPki.Issued gatewayCert = pki.client("gateway");
        Path gatewayPassword = Files.writeString(dir.resolve("gateway.password"), "gateway-pw\n");
        Path amLog = dir.resolve("alert-manager.hl7");
        Path engineLog = dir.resolve("interface-engine.hl7");
        try (Scene scene = new Scene("audit-" + run, dir, "steady", Duration.ofMillis(200));
                MqttBrokerProcess broker = MqttBrokerProcess.start(MqttBrokerProcess.Options.in(dir.resolve("broker"))
                        .withPort(-1)
                        .withTls(0, brokerCert.certificateFile(), brokerCert.keyFile())
                        .withRequiredClientCertificates(pki.caFile())
                        .withUsers(
                                BrokerUsers.User.withPassword(
                                        "gateway",
                                        "gateway-pw",
                                        List.of("bedside/" + "audit-" + run + "-gw/#"),
                                        List.of("bedside/ingest/#")),
                                BrokerUsers.User.withPassword(
                                        "audit-hub", "hub-pw", List.of("bedside/ingest/audit-hub"), List.of()),
                                BrokerUsers.User.withPassword(
                                        "reader", "reader-pw", List.of(), List.of("bedside/#"))));
                AlertManagerStandIn alertManager = AlertManagerStandIn.start(0, amLog);
                AlertManagerStandIn engine = AlertManagerStandIn.start(0, engineLog, "hl7-out", "ENGINE")) {
            String mqtt = "127.0.0.1:" + broker.tlsPort();
            Path trace = dir.resolve("connections.strace");

            // What the gateway publishes, seen by a subscriber of the broker.
            List<MqttEndToEndIT.Received> published = new CopyOnWriteArrayList<>();
            MqttClient reader = new MqttClient("ssl://" + mqtt, "audit-reader", new MemoryPersistence());
            reader.setCallback(new MqttEndToEndIT.Collector(published, new CopyOnWriteArrayList<>(), new AtomicLong()));
            reader.connect(MqttEndToEndIT.options("reader", "reader-pw", pki, pki.client("reader")));
            reader.subscribe(new String[] {"bedside/" + scene.gatewayId() + "/+/readings"}, new int[] {1});

            scene.simulator.start();
            Files.createDirectories(dir);
            // --seccomp-bpf stops only on the traced calls, so the JVM runs at nearly its normal speed; it also kills
            // the traced gateway if strace itself ends.
            scene.gateway = GatewayProcess.start(
                    dir,
                    config(scene, mqtt, pki, gatewayCert, gatewayPassword, alertManager.port(), engine.port()),
                    List.of(
                            strace.toString(),
                            "-f",
                            "--seccomp-bpf",
                            "-qq",
                            "-e",
                            "trace=connect,sendto,sendmsg",
                            "-o",
                            trace.toString()));
            String status = scene.gateway.get("/api/status");

            // ADT in: the bed's patient is admitted (bedside adt, HAPI's client); the readings chart to her from now
            // on.
            int admitted = AdtCommand.run(
                    List.of(
                            "A01",
                            "--to",
                            listen(status, "adt", "listen"),
                            "--mrn",
                            scene.patient(),
                            "--aa",
                            "HOSP",
                            "--bed",
                            BED,
                            "--control-id",
                            "ADMIT-" + run),
                    System.out,
                    System.err);
            assertThat(admitted).as("the A01 acknowledged AA").isZero();

            // MQTT ingest: the sensor publishes on its own topic through the broker.
            MqttClient sensor = new MqttClient("ssl://" + mqtt, "audit-sensor", new MemoryPersistence());
            try {
                var o = MqttEndToEndIT.options("audit-hub", "hub-pw", pki, pki.client("audit-hub"));
                o.setCleanStart(true);
                sensor.connect(o);
                for (int i = 0; i < 3; i++) {
                    String pack = "[{\"bn\":\"urn:dev:audit:\",\"bt\":"
                            + (Instant.now().getEpochSecond() + i) + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":" + (95 + i)
                            + "}]";
                    MqttMessage m = new MqttMessage(pack.getBytes(StandardCharsets.UTF_8));
                    m.setQos(1);
                    sensor.publish("bedside/ingest/audit-hub", m);
                }
                sensor.disconnect();
            } finally {
                sensor.close(true);
            }

            try (HapiContext hapi = Hl7Parser.newContext()) {
                // PCD-01 in: the IHE example, acknowledged CA.
                assertThat(ackCode(
                                hapi,
                                listen(status, "pcd01In", "listen"),
                                hapi.getPipeParser().parse(Pcd01InIT.example())))
                        .as("the PCD-01 taken")
                        .isEqualTo("CA");
                // PCD-04 out: the watchdog goes out at once; PCD-05 in: the Alert Manager's report on it.
                Await.until(
                        "the watchdog PCD-04 at the Alert Manager",
                        WAIT,
                        () -> read(amLog).contains("|ORU^R40^ORU_R40|"));
                String watchdog = read(amLog).split("\n\n")[0];
                ORU_R01 pcd04 = (ORU_R01) hapi.getPipeParser().parse(watchdog);
                ORU_R01 pcd05 = new Pcd05Encoder("AM", "HOSP")
                        .report(
                                pcd04,
                                "AUDIT-" + run,
                                Instant.now(),
                                List.of(new Pcd05Encoder.Status(
                                        Pcd05Report.Disposition.RECEIVED,
                                        "D-" + run,
                                        true,
                                        null,
                                        null,
                                        Instant.now())));
                assertThat(ackCode(hapi, listen(status, "pcd05In", "listening"), pcd05))
                        .as("the PCD-05 taken")
                        .isEqualTo("CA");
            }

            // Each outgoing feature did its work: charted to FHIR (the serial device and the MQTT sensor), published on
            // MQTT, PCD-01 at the interface engine.
            Await.until("Observations of the oximeter and of the MQTT sensor charted", WAIT, () -> {
                try {
                    var all = Scene.identifiers(scene.fhir.observations(scene.patient()));
                    return all.stream().anyMatch(id -> id.contains("/" + scene.device() + "/"))
                            && all.stream().anyMatch(id -> id.contains("/audit-hub/"));
                } catch (Exception e) {
                    return false;
                }
            });
            Await.until("the gateway's readings published on MQTT", WAIT, () -> !published.isEmpty());
            Await.until(
                    "a PCD-01 at the interface engine",
                    WAIT,
                    () -> read(engineLog).contains("|ORU^R01^ORU_R01|"));
            assertThat(scene.gateway.get("/api/status"))
                    .as("the PCD-05 listener took the report")
                    .containsPattern("\"pcd05In\":\\{[^}]*\"messages\":\\{\"recorded\":1}");
            scene.gateway.stop();
            reader.disconnect();
            reader.close();

            URI fhir = URI.create(scene.fhir.base());
            Map<String, String> configured = new LinkedHashMap<>();
            configured.put(fhir.getHost() + ":" + fhir.getPort(), "the FHIR server (gateway.uplink.base-url)");
            configured.put(mqtt, "the MQTT broker (the device's port, gateway.mqtt-egress.broker)");
            configured.put("127.0.0.1:" + alertManager.port(), "the Alert Manager (gateway.alarms.pcd04)");
            configured.put("127.0.0.1:" + engine.port(), "the interface engine (gateway.pcd01-out)");

            List<String> lines = Files.readAllLines(trace);
            Set<String> network = new LinkedHashSet<>();
            Set<String> local = new LinkedHashSet<>();
            List<String> otherFamilies = new ArrayList<>();
            for (String line : lines) {
                Matcher m;
                if ((m = INET.matcher(line)).find()) {
                    network.add(m.group(2) + ":" + m.group(1));
                } else if ((m = INET6.matcher(line)).find()) {
                    network.add(unmapped(m.group(2)) + ":" + m.group(1));
                } else if ((m = UNIX.matcher(line)).find()) {
                    local.add(m.group(1));
                } else if ((m = FAMILY.matcher(line)).find() && !m.group(1).equals("AF_NETLINK")) {
                    // AF_NETLINK talks to the kernel (the interface list); any other family is unexpected.
                    otherFamilies.add(line);
                }
            }

            assertThat(network)
                    .as("the gateway's connections (strace in %s), configured: %s", trace, configured)
                    // every configured endpoint was reached, so the trace is known to cover each feature
                    .containsAll(configured.keySet())
                    .isSubsetOf(configured.keySet());
            assertThat(local).as("local sockets").isSubsetOf(LOCAL_SOCKETS.keySet());
            assertThat(otherFamilies).as("sockets of other families").isEmpty();
        }
    }

    private static String config(
            Scene scene,
            String mqtt,
            TestPki pki,
            TestPki.Issued gatewayCert,
            Path gatewayPassword,
            int alertManagerPort,
            int enginePort) {
        String login = "user: gateway\npassword-file: " + gatewayPassword + "\nca-file: " + pki.caFile()
                + "\nclient-certificate: " + gatewayCert.certificateFile() + "\nclient-key: " + gatewayCert.keyFile()
                + "\n";
        return """
                gateway:
                  id: %s
                  data-dir: %s
                  devices:
                    %s:
                      driver: masimo-ascii
                      port: %s
                      idle-timeout: 3s
                      reconnect-max-delay: 1s
                    audit-hub:
                      driver: senml-mqtt
                      port: mqtts://%s/bedside/ingest/audit-hub
                      reconnect-max-delay: 1s
                      mqtt:
                %s
                  beds:
                    bed12:
                      location: %s
                      devices: [%s, audit-hub]
                    or1:
                      location: HO Surgery^OR^1
                      devices: [or1-monitor]
                      patient: Patient/%s
                  adt:
                    port: 0
                    assigning-authorities:
                      HOSP: %s
                  pcd01-in:
                    port: 0
                    devices:
                      or1-monitor:
                        name: OR 1 monitor (central station)
                  mqtt-egress:
                    broker: mqtts://%s
                    retry-max-delay: 2s
                %s
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                    timeout: 10s
                  pcd01-out:
                    host: 127.0.0.1
                    port: %d
                    retry-max-delay: 1s
                  alarms:
                    pcd04:
                      host: 127.0.0.1
                      port: %d
                    pcd05-in:
                      port: 0
                      allowed-sources: [127.0.0.1]
                """.formatted(
                        scene.gatewayId(),
                        scene.dataDir(),
                        scene.device(),
                        scene.device.portPath(),
                        mqtt,
                        login.indent(8).stripTrailing(),
                        BED,
                        scene.device(),
                        scene.patient(),
                        MRN_SYSTEM,
                        mqtt,
                        login.indent(4).stripTrailing(),
                        scene.fhir.base(),
                        enginePort,
                        alertManagerPort);
    }

    /** {@code host:port} of a listener in {@code /api/status}: {@code "<section>":{"<field>":"[mllp://]host:port"}. */
    private static String listen(String status, String section, String field) {
        Matcher m = Pattern.compile("\"" + section + "\":\\{\"" + field + "\":\"(?:mllp://)?([^\"]+)\"")
                .matcher(String.valueOf(status));
        assertThat(m.find())
                .as("the %s listener in the status: %s", section, status)
                .isTrue();
        return m.group(1);
    }

    /** Sends {@code message} with HAPI's client to {@code hostPort}; MSA-1 of the answer. */
    private static String ackCode(HapiContext hapi, String hostPort, Message message) throws Exception {
        int colon = hostPort.lastIndexOf(':');
        Connection c =
                hapi.newClient(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)), false);
        try {
            c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
            return new Terser(c.getInitiator().sendAndReceive(message)).get("/MSA-1");
        } finally {
            c.close();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code ::ffff:127.0.0.1} is the IPv4 address a dual-stack socket connects to. */
    private static String unmapped(String address) {
        return address.startsWith("::ffff:") ? address.substring("::ffff:".length()) : address;
    }
}
