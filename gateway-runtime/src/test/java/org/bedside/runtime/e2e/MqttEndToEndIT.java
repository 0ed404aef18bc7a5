package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.broker.BrokerUsers;
import org.bedside.broker.MqttBrokerProcess;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.CompoundReading;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.pki.TestPki;
import org.bedside.sim.scenario.Scenarios;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT end to end: the packaged gateway, the real broker (its own process, TLS with client certificates, a user per
 * client and topic rules, sessions on disk), the FHIR sandbox, two simulated oximeters on pseudo-terminals and a SenML
 * sensor publishing to the gateway through the broker.
 *
 * <ul>
 *   <li>the gateway is SIGKILLed under load a few times: a reconciling subscriber (persistent session, QoS 1) has every
 *       reading the gateway accepted at least once, and every duplicate is recognisable — the same {@code id} and
 *       name carry the same record;
 *   <li>ingest killed between delivery and append loses nothing: every sensor message the broker acknowledged is in the
 *       buffer, and none twice (the redelivery filter);
 *   <li>the broker SIGKILLed for a compressed outage and restarted from its data directory: everything is delivered
 *       after it, live first, and what the broker queued for the gateway's session comes back (redelivery).
 * </ul>
 */
class MqttEndToEndIT {
    private static final String GATEWAY = "e2e-gw";
    private static final String HUB = "e2e-hub";
    private static final String PATIENT = "mqtt-e2e";
    private static final int KILLS = 3;
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    /** The egress's {@code batch-size} in the configuration below. */
    private static final int EGRESS_BATCH = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One message the subscriber got: its arrival number and its records' identities with their content. */
    /** {@code arrived}: when the subscriber got it, to tell whether live readings existed while a backlog went out. */
    record Received(long seq, String id, String name, String content, Instant rt, Instant arrived) {}

    /**
     * When the egress's live lane opened after the broker's return, as the subscriber can tell; null before. It opens
     * only once the batch in hand when the broker went is delivered (docs/mqtt.md, "Live first after an outage"), so
     * readings taken before that, while the gateway reconnects, are backlog too. That batch is among the first messages
     * the subscriber gets after the broker's return; two batches' worth leave room for what its own session held.
     */
    /** Whether {@code /api/status} shows the MQTT egress draining a backlog, its live lane open. */
    static boolean mqttDraining(@org.jspecify.annotations.Nullable String status) {
        return status != null
                && java.util.regex.Pattern.compile("\\{\"name\":\"mqtt\"[^{}]*\"draining\":true")
                        .matcher(status)
                        .find();
    }

    static Instant liveLaneOpen(List<Received> received, Instant brokerBack) {
        List<Instant> afterReturn = received.stream()
                .filter(r -> r.arrived().isAfter(brokerBack))
                .sorted(java.util.Comparator.comparingLong(Received::seq))
                .map(Received::arrived)
                .toList();
        return afterReturn.size() < 2 * EGRESS_BATCH ? null : afterReturn.get(2 * EGRESS_BATCH - 1);
    }

    @Test
    void killedTheGatewayAndTheBrokerLoseNothingAndEveryDuplicateIsRecognisable() throws Exception {
        FhirServer fhir = Sandbox.server();
        fhir.createPatient(PATIENT);
        TestPki pki = TestPki.create(dir.resolve("pki"), "mqtt-e2e");
        TestPki.Issued server = pki.server("broker", "localhost", "127.0.0.1");
        TestPki.Issued gatewayCert = pki.client(GATEWAY);
        TestPki.Issued readerCert = pki.client("reader");
        Path gatewayPassword = Files.writeString(dir.resolve("gateway.password"), "gateway-pw\n");
        MqttBrokerProcess broker = MqttBrokerProcess.start(MqttBrokerProcess.Options.in(dir.resolve("broker"))
                .withPort(-1)
                .withTls(0, server.certificateFile(), server.keyFile())
                .withRequiredClientCertificates(pki.caFile())
                .withDataDir(dir.resolve("broker-data"))
                .withMaxQueuedMessages(100_000)
                .withUsers(
                        BrokerUsers.User.withPassword(
                                "gateway",
                                "gateway-pw",
                                List.of("bedside/" + GATEWAY + "/#"),
                                List.of("bedside/ingest/#")),
                        BrokerUsers.User.withPassword(HUB, "hub-pw", List.of("bedside/ingest/" + HUB), List.of()),
                        BrokerUsers.User.withPassword("reader", "reader-pw", List.of(), List.of("bedside/#"))));
        String tls = "127.0.0.1:" + broker.tlsPort();
        GatewayProcess toStop = null;
        MqttAsyncClient toClose = null;
        try {

            List<MasimoSimulator> simulators = new ArrayList<>();
            StringBuilder devices = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                MasimoSimulator sim = MasimoSimulator.builder("mq" + i + "-spo2", Scenarios.parse("desaturation"))
                        .period(Duration.ofMillis(200))
                        .portDirectory(dir.resolve("serial"))
                        .build();
                simulators.add(sim);
                devices.append("""
                            %s:
                              driver: masimo-ascii
                              port: %s
                              reconnect-max-delay: 1s
                        """.formatted(sim.name(), sim.portPath()));
            }
            String login = "user: gateway\npassword-file: " + gatewayPassword + "\nca-file: " + pki.caFile()
                    + "\nclient-certificate: " + gatewayCert.certificateFile() + "\nclient-key: "
                    + gatewayCert.keyFile() + "\n";
            Path data = dir.resolve("data");
            String config = """
                    gateway:
                      id: %s
                      patient: Patient/%s
                      data-dir: %s
                      devices:
                    %s
                        %s:
                          driver: senml-mqtt
                          port: mqtts://%s/bedside/ingest/%s
                          reconnect-max-delay: 1s
                          mqtt:
                    %s
                      mqtt-egress:
                        broker: mqtts://%s
                        batch-size: 20
                        retry-max-delay: 2s
                        live-lag: 3s
                    %s
                      uplink:
                        base-url: %s
                        charting: every-reading
                        retry-max-delay: 2s
                    """.formatted(
                    GATEWAY, PATIENT, data, devices, HUB, tls, HUB, login.indent(8), tls, login.indent(4), fhir.base());
            Files.createDirectories(dir);

            // The reconciling subscriber: persistent session, QoS 1, reconnecting by itself (its session is on the
            // broker's disk, so it misses nothing while either is away).
            List<Received> received = new CopyOnWriteArrayList<>();
            List<String> gatewayStatus = new CopyOnWriteArrayList<>();
            AtomicLong seq = new AtomicLong();
            MqttAsyncClient reader = new MqttAsyncClient("ssl://" + tls, "e2e-reader", new MemoryPersistence());
            toClose = reader;
            reader.setCallback(new Collector(received, gatewayStatus, seq));
            MqttConnectionOptions ro = options("reader", "reader-pw", pki, readerCert);
            ro.setAutomaticReconnect(true);
            ro.setAutomaticReconnectDelay(1, 2);
            reader.connect(ro).waitForCompletion(20_000);
            reader.subscribe(
                            new String[] {"bedside/" + GATEWAY + "/+/readings", "bedside/" + GATEWAY + "/status"},
                            new int[] {1, 1})
                    .waitForCompletion(20_000);

            // The sensor: one SenML pack every 100 ms with its own absolute time; what the broker acknowledged counts.
            Set<Instant> acknowledged = ConcurrentHashMap.newKeySet();
            Set<Instant> attempted = ConcurrentHashMap.newKeySet();
            AtomicBoolean sensing = new AtomicBoolean(true);
            Thread sensor = new Thread(() -> sense(tls, pki, attempted, acknowledged, sensing), "sensor");

            Random random = new Random(20261202L);
            simulators.forEach(MasimoSimulator::start);
            GatewayProcess gateway = GatewayProcess.start(dir, config);
            toStop = gateway;
            sensor.start();
            Instant outageStart;
            Instant outageEnd;
            java.util.concurrent.atomic.AtomicReference<Instant> drainingSeen =
                    new java.util.concurrent.atomic.AtomicReference<>();
            List<Instant> gatewayKills = new ArrayList<>();
            try {
                for (int k = 0; k < KILLS; k++) {
                    int target = received.size() + 40;
                    Await.until(
                            "readings published before kill " + (k + 1) + "\n" + gateway.get("/api/status"),
                            Duration.ofSeconds(60),
                            () -> received.size() >= target);
                    Thread.sleep(random.nextInt(1000)); // a random moment under load, not a synchronisation
                    gatewayKills.add(Instant.now());
                    gateway.kill();
                    gateway.restart();
                }
                // The broker away for a compressed long outage (the live lag is 3 s here, 30 s by default): killed, its
                // queued messages for the gateway's ingest session on disk, then started again.
                int before = received.size() + 40;
                Await.until(
                        "readings published before the outage",
                        Duration.ofSeconds(60),
                        () -> received.size() >= before);
                outageStart = Instant.now();
                broker.kill();
                Thread.sleep(OUTAGE.toMillis()); // the outage's length is what is tested, not a synchronisation
                broker.restart();
                outageEnd = Instant.now();
                Instant returned = outageEnd;
                Await.until(
                        "readings received live after the outage, once the live lane is open",
                        Duration.ofSeconds(60),
                        () -> {
                            // The status says when the egress drains a backlog with its live lane open: the first
                            // time it is seen so is after the lane opened, so a reading received a second later is
                            // in the live lane for certain.
                            if (drainingSeen.get() == null && mqttDraining(gateway.get("/api/status"))) {
                                drainingSeen.set(Instant.now());
                            }
                            Instant seen = drainingSeen.get();
                            Instant liveFrom = seen != null ? seen : liveLaneOpen(received, returned);
                            return liveFrom != null
                                    && received.stream().anyMatch(r -> r.rt().isAfter(liveFrom.plusSeconds(1)));
                        });
            } finally {
                sensing.set(false);
                sensor.join(10_000);
                simulators.forEach(MasimoSimulator::stop);
            }
            try {
                // As long as the crash loop's: on a loaded machine the sandbox, not the gateway, sets the FHIR drain's
                // pace.
                Await.until("both consumers drained", Duration.ofSeconds(300), () -> {
                    String status = gateway.get("/api/status");
                    if (status == null) {
                        return false;
                    }
                    JsonNode consumers;
                    try {
                        consumers = JSON.readTree(status).path("consumers");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                    // The two consumers this test is about. The alarm engine's cursor rightly stays before the
                    // conditions still open (the devices are gone), so it never reaches zero here.
                    Set<String> drained = new HashSet<>();
                    for (JsonNode c : consumers) {
                        if (c.path("pendingRecords").asLong(-1) == 0) {
                            drained.add(c.path("name").asText());
                        }
                    }
                    return drained.containsAll(Set.of("uplink", "mqtt"));
                });
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\nstatus: " + gateway.get("/api/status") + "\nlog:\n" + gateway.tail(), e);
            }
            String metrics = gateway.get("/q/metrics");
            String health = gateway.get("/q/health");
            gateway.stop();
            reader.disconnect().waitForCompletion(5000);
            broker.close();

            // What the gateway accepted, from its own buffer.
            Set<String> accepted = new HashSet<>();
            Map<Instant, Integer> sensorStored = new HashMap<>();
            Instant brokerKilled = outageStart;
            // The newest sensor measurement the gateway had stored before the broker was SIGKILLed (by its own
            // receive time): what the broker acknowledged after it was still the broker's to deliver at the kill.
            Instant lastStoredBeforeBrokerKill = Instant.MIN;
            try (ChronicleReadingStore store = ChronicleReadingStore.open(data.resolve("buffer"))) {
                for (StoredRecord r : store.readAll()) {
                    assertThat(r.isReadable()).as(r.unreadable()).isTrue();
                    for (Reading reading : r.readings()) {
                        if (reading instanceof NumericReading || reading instanceof CompoundReading) {
                            accepted.add(reading.key());
                            if (reading.device().value().equals(HUB)) {
                                Instant t = toMillis(reading.deviceTime());
                                sensorStored.merge(t, 1, Integer::sum);
                                if (reading.receivedAt().isBefore(brokerKilled)
                                        && t.isAfter(lastStoredBeforeBrokerKill)) {
                                    lastStoredBeforeBrokerKill = t;
                                }
                            }
                        }
                    }
                }
            }

            // Egress: every accepted reading published at least once; a duplicate is the same record again.
            Map<String, Set<String>> contents = new HashMap<>();
            for (Received r : received) {
                contents.computeIfAbsent(r.id() + "|" + r.name(), x -> new HashSet<>())
                        .add(r.content());
            }
            Set<String> publishedIds = new HashSet<>();
            received.forEach(r -> publishedIds.add(r.id()));
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(publishedIds);
            long duplicates = received.size() - contents.size();
            long ambiguous =
                    contents.values().stream().filter(c -> c.size() > 1).count();
            Set<String> unexpected = new HashSet<>(publishedIds);
            unexpected.removeAll(accepted);

            // Ingest: everything the broker acknowledged to the sensor is stored, nothing twice.
            Set<Instant> lostFromSensor = new HashSet<>(acknowledged);
            lostFromSensor.removeAll(sensorStored.keySet());
            // A broker SIGKILLed may lose what it had acknowledged to the sensor but not yet delivered to the gateway
            // (its persistence writes behind): the tail after the last measurement the gateway stored before the
            // kill. That is the broker's loss, not the gateway's, and is reported apart. The broker delivers one
            // publisher's topic in order, so anything else lost (a gap before that tail, or after the restart) is the
            // gateway's.
            Instant brokersTail = lastStoredBeforeBrokerKill;
            Set<Instant> lostByTheBroker = new HashSet<>();
            lostFromSensor.removeIf(t -> t.isAfter(brokersTail) && !t.isAfter(brokerKilled) && lostByTheBroker.add(t));
            long storedTwice = sensorStored.values().stream().filter(n -> n > 1).count();
            Set<Instant> inventedFromSensor = new HashSet<>(sensorStored.keySet());
            inventedFromSensor.removeAll(attempted);

            // Live first: after the broker came back, a reading received live went out before the backlog was through.
            Instant batchInHandOut = liveLaneOpen(received, outageEnd);
            assertThat(batchInHandOut).as("messages after the broker's return").isNotNull();
            Instant laneSeen = drainingSeen.get();
            Instant liveFrom = (laneSeen != null ? laneSeen : batchInHandOut).plusSeconds(1);
            Instant start = outageStart;
            Instant end = outageEnd;
            long firstLive = received.stream()
                    .filter(r -> r.rt().isAfter(liveFrom))
                    .mapToLong(Received::seq)
                    .min()
                    .orElse(Long.MAX_VALUE);
            long lastBacklog = received.stream()
                    .filter(r -> r.rt().isAfter(start) && r.rt().isBefore(end))
                    .mapToLong(Received::seq)
                    .max()
                    .orElse(-1);
            System.out.printf(
                    "mqtt end to end: %d kills and a %d s broker outage; %d readings accepted, %d messages' records"
                            + " received (%d duplicates, %d ambiguous), %d missing, %d unexpected; sensor %d acknowledged,"
                            + " %d stored, %d lost (%d more acknowledged before the broker's SIGKILL at %s but after the last stored before it, %s),"
                            + " %d stored twice;"
                            + " first live #%d, last backlog #%d%n",
                    KILLS,
                    OUTAGE.toSeconds(),
                    accepted.size(),
                    received.size(),
                    duplicates,
                    ambiguous,
                    missing.size(),
                    unexpected.size(),
                    acknowledged.size(),
                    sensorStored.size(),
                    lostFromSensor.size(),
                    lostByTheBroker.size(),
                    brokerKilled,
                    brokersTail,
                    storedTwice,
                    firstLive,
                    lastBacklog);

            assertThat(gateway.starts()).isEqualTo(KILLS + 1);
            assertThat(accepted).hasSizeGreaterThan(KILLS * 40);
            assertThat(missing).as("accepted but never published").isEmpty();
            assertThat(unexpected).as("published but never accepted").isEmpty();
            assertThat(ambiguous)
                    .as("one id and name with two different contents")
                    .isZero();
            assertThat(acknowledged).hasSizeGreaterThan(50);
            assertThat(lostFromSensor)
                    .as(
                            "acknowledged to the sensor but not stored; gateway SIGKILLed at %s, broker at %s (the gateway"
                                    + " had stored up to %s before), broker restarted at %s",
                            gatewayKills, brokerKilled, brokersTail, outageEnd)
                    .isEmpty();
            assertThat(storedTwice).as("sensor measurements stored twice").isZero();
            assertThat(inventedFromSensor)
                    .as("stored but never sent by the sensor")
                    .isEmpty();
            assertThat(lastBacklog).as("readings of the outage published").isPositive();
            // Live first is only observable when the status showed the live lane open and the backlog was still
            // going out well after a live reading existed: more than the batches that may already be on their way
            // (the egress's pipeline depth, 3) and the one being read when the live reading arrived. On a quiet machine
            // a 10 s backlog is published within the first held batches, before any live reading.
            Instant firstLiveTaken = received.stream()
                    .map(Received::rt)
                    .filter(t -> t.isAfter(liveFrom))
                    .min(Instant::compareTo)
                    .orElse(Instant.MAX);
            Instant lastBacklogArrived = received.stream()
                    .filter(r -> r.rt().isAfter(start) && r.rt().isBefore(end))
                    .map(Received::arrived)
                    .max(Instant::compareTo)
                    .orElse(Instant.MIN);
            long backlogAfterLive = firstLiveTaken.equals(Instant.MAX)
                    ? 0
                    : received.stream()
                            .filter(r -> r.rt().isAfter(start) && r.rt().isBefore(end))
                            .filter(r -> r.arrived().isAfter(firstLiveTaken.plusSeconds(1)))
                            .count();
            if (laneSeen != null && backlogAfterLive > 5L * EGRESS_BATCH) {
                assertThat(firstLive)
                        .as(
                                "live readings went out before the backlog was through (broker back %s, the batch in"
                                        + " hand out %s, first live reading taken %s, last of the backlog out %s)",
                                outageEnd, batchInHandOut, firstLiveTaken, lastBacklogArrived)
                        .isLessThan(lastBacklog);
            } else {
                System.out.println("mqtt end to end: the backlog was out " + lastBacklogArrived + " ("
                        + backlogAfterLive + " of its messages more than a second after the first live reading, taken "
                        + firstLiveTaken + "; the live lane seen open " + laneSeen + ", the batch in hand out "
                        + batchInHandOut + "): live first is not observable in this run");
            }
            // The gateway's last will after each SIGKILL, and its own "online" after each start.
            assertThat(gatewayStatus.stream().filter("offline"::equals).count()).isGreaterThanOrEqualTo(KILLS);
            assertThat(gatewayStatus).contains("online");
            assertThat(metrics).contains("bedside_mqtt_redeliveries_dropped_total{device=\"" + HUB + "\"}");
            assertThat(metrics).contains("bedside_consumer_delivered_total{consumer=\"mqtt\"}");
            JsonNode egressHealth = null;
            for (JsonNode check : JSON.readTree(health).path("checks")) {
                if (check.path("name").asText().equals("consumer mqtt")) {
                    egressHealth = check;
                }
            }
            assertThat(egressHealth).as(health).isNotNull();
            assertThat(egressHealth.path("data").path("connected").asBoolean())
                    .as(health)
                    .isTrue();
            assertThat(egressHealth.path("data").path("pendingRecords").asLong(-1))
                    .isZero();
            // The sensor's readings are charted too (every reading), each once.
            List<String> charted = fhir.observations(PATIENT).stream()
                    .map(o -> o.getIdentifierFirstRep().getValue())
                    .filter(id -> id.startsWith(GATEWAY + "/" + HUB + "/"))
                    .toList();
            assertThat(new HashSet<>(charted)).hasSameSizeAs(charted).hasSize(sensorStored.size());
        } finally {
            // Whatever happened above, nothing this test started outlives it.
            if (toStop != null) {
                toStop.close();
            }
            if (toClose != null) {
                // Still connected when the test failed before its own disconnect: close would throw and hide why.
                if (toClose.isConnected()) {
                    toClose.disconnectForcibly(1000);
                }
                toClose.close(true);
            }
            broker.close();
        }
    }

    /** A device time as the sensor wrote it, to the millisecond (SenML times are decimal seconds). */
    private static Instant toMillis(Instant t) {
        return Instant.ofEpochMilli(Math.round(t.getEpochSecond() * 1000.0 + t.getNano() / 1e6));
    }

    /** Paho options of a broker user with its client certificate (TLS trusting the test CA); also for ConnectionAuditIT. */
    static MqttConnectionOptions options(String user, String password, TestPki pki, TestPki.Issued cert)
            throws Exception {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(org.bedside.mqtt.PemTls.trusting(pki.caFile())
                .withClientCertificate(cert.certificateFile(), cert.keyFile())
                .socketFactory());
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        o.setConnectionTimeout(10);
        return o;
    }

    /** Publishes a pack every 100 ms while {@code sensing}; reconnects when the broker is away. */
    private static void sense(
            String tls, TestPki pki, Set<Instant> attempted, Set<Instant> acknowledged, AtomicBoolean sensing) {
        TestPki.Issued cert = pki.client(HUB);
        MqttClient client = null;
        int i = 0;
        while (sensing.get()) {
            try {
                if (client == null || !client.isConnected()) {
                    if (client != null) {
                        client.close(true);
                    }
                    client = new MqttClient("ssl://" + tls, "e2e-sensor", new MemoryPersistence());
                    MqttConnectionOptions o = options(HUB, "hub-pw", pki, cert);
                    o.setCleanStart(true);
                    client.connect(o);
                }
                Instant t = Instant.ofEpochMilli(System.currentTimeMillis());
                String pack = "[{\"bn\":\"urn:dev:e2e:\",\"bt\":"
                        + java.math.BigDecimal.valueOf(t.toEpochMilli())
                                .movePointLeft(3)
                                .toPlainString()
                        + ",\"n\":\"spo2\","
                        + "\"u\":\"%\",\"v\":" + (90 + i++ % 10) + "}]";
                MqttMessage m = new MqttMessage(pack.getBytes(StandardCharsets.UTF_8));
                m.setQos(1);
                attempted.add(t);
                client.publish("bedside/ingest/" + HUB, m); // returns after the PUBACK
                acknowledged.add(t);
            } catch (Exception e) {
                // the broker is away: what is not acknowledged does not count; try again
            }
            try {
                Thread.sleep(100); // the sensor's own pace
            } catch (InterruptedException e) {
                return;
            }
        }
        try {
            if (client != null) {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close(true);
            }
        } catch (MqttException e) {
            // done
        }
    }

    /** Collects what a subscriber gets: readings by identity, the gateway's status messages; also for ConnectionAuditIT. */
    static final class Collector implements MqttCallback {
        private final List<Received> received;
        private final List<String> gatewayStatus;
        private final AtomicLong seq;

        Collector(List<Received> received, List<String> gatewayStatus, AtomicLong seq) {
            this.received = received;
            this.gatewayStatus = gatewayStatus;
            this.seq = seq;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            if (topic.endsWith("/status")) {
                gatewayStatus.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                return;
            }
            long n = seq.incrementAndGet();
            Instant arrived = Instant.now();
            for (JsonNode r : JSON.readTree(message.getPayload())) {
                double rt = r.path("rt").asDouble();
                received.add(new Received(
                        n,
                        r.path("id").asText(),
                        r.path("n").asText(),
                        r.toString(),
                        Instant.ofEpochSecond((long) rt, Math.round((rt - Math.floor(rt)) * 1e9)),
                        arrived));
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
