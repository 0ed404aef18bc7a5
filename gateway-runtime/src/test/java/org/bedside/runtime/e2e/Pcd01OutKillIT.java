package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.patients.tools.AdtCommand;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCD-01 out across a SIGKILL: a simulated oximeter (a line a second) at a bed whose patient came by ADT, the packaged
 * gateway sending every charted record as PCD-01 to HAPI HL7v2's own MLLP server (an interface engine). The engine
 * holds back its acknowledgement of one message while the gateway is SIGKILLed; after the restart every record of the
 * association arrives (none lost), and the only message received twice is that one, again with its control id and its
 * bytes (none doubled under another id).
 */
class Pcd01OutKillIT {
    private static final String SYSTEM = "urn:oid:2.999.1.12";
    private static final String BED = "ICU^12^1";
    private static final Pattern OBX14 = Pattern.compile("(\\d{14})(?:\\.\\d+)?([+-]\\d{4})");

    @TempDir
    Path dir;

    /** HAPI's MLLP server on loopback; records each message and answers AA, holding back one answer on request. */
    static final class Engine implements AutoCloseable {
        record Received(String controlId, String text) {}

        final List<Received> received = new CopyOnWriteArrayList<>();
        final CountDownLatch holding = new CountDownLatch(1);
        volatile int holdAt = -1;
        private final java.util.concurrent.ExecutorService executor =
                java.util.concurrent.Executors.newCachedThreadPool();
        private final HapiContext context = Hl7Parser.newContext();
        private final HL7Service service;
        private volatile @Nullable ServerSocket bound;

        Engine() throws InterruptedException {
            // Its own threads: HAPI's contexts share a default executor, which `bedside adt`'s context shuts down when
            // it closes (the A01 below is sent in this JVM).
            context.setExecutorService(executor);
            context.setSocketFactory(new StandardSocketFactory() {
                @Override
                public ServerSocket createServerSocket() throws IOException {
                    return new ServerSocket() {
                        @Override
                        public void bind(@Nullable SocketAddress endpoint, int backlog) throws IOException {
                            super.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
                            bound = this;
                        }
                    };
                }
            });
            service = context.newServer(0, false);
            service.registerApplication("*", "*", new ReceivingApplication<Message>() {
                @Override
                public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                    received.add(new Received(new Terser(message).get("/MSH-10"), message.encode()));
                    if (received.size() == holdAt) {
                        holding.countDown();
                        try {
                            Thread.sleep(8_000); // the gateway is killed meanwhile: for it, the answer is lost
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    try {
                        return message.generateACK();
                    } catch (IOException e) {
                        throw new HL7Exception(e);
                    }
                }

                @Override
                public boolean canProcess(Message message) {
                    return true;
                }
            });
            service.startAndWait();
            Await.until("HAPI's server to bind", Duration.ofSeconds(10), () -> bound != null);
        }

        int port() {
            ServerSocket s = bound;
            return s == null ? -1 : s.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            service.stopAndWait();
            context.close();
            executor.shutdownNow();
        }
    }

    @Test
    void aKillMidStreamLosesNoMessageAndOnlyTheUnacknowledgedOneComesAgainWithItsControlId() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String device = "pcd01kill-" + run + "-spo2";
        Files.createDirectories(dir);
        try (Engine engine = new Engine();
                MasimoSimulator sim = MasimoSimulator.builder(device, Scenarios.parse("steady"))
                        .period(Duration.ofSeconds(1))
                        .portDirectory(dir.resolve("serial"))
                        .build()) {
            sim.start();
            Await.until("the oximeter's pty", Duration.ofSeconds(10), () -> Files.exists(sim.portPath()));
            try (GatewayProcess gateway = GatewayProcess.start(dir, config(run, device, sim, engine))) {
                String adt = adtAddress(gateway);
                int exit = AdtCommand.run(
                        List.of(
                                "A01",
                                "--to",
                                adt,
                                "--mrn",
                                "M" + run,
                                "--aa",
                                "HOSP",
                                "--bed",
                                BED,
                                "--family",
                                "Test",
                                "--given",
                                "Kill",
                                "--control-id",
                                "ADMIT-" + run),
                        System.out,
                        System.err);
                assertThat(exit).as("A01 acknowledged").isZero();

                engine.holdAt = 4;
                assertThat(engine.holding.await(60, TimeUnit.SECONDS))
                        .as("four messages at the engine")
                        .isTrue();
                gateway.kill(); // while the engine holds back its answer to the fourth
                gateway.restart();
                Await.until("messages after the restart", Duration.ofSeconds(60), () -> engine.received.size() >= 9);
                sim.stop();
                Await.until("nothing left for PCD-01 out", Duration.ofSeconds(60), () -> pcd01Pending(gateway) == 0);
                gateway.stop();
            }

            // What the engine got: per control id, every copy the same bytes; one record, one control id.
            Map<String, Set<String>> textsById = new HashMap<>();
            Map<String, Integer> copies = new HashMap<>();
            Set<Instant> sent = new HashSet<>();
            for (Engine.Received r : engine.received) {
                textsById.computeIfAbsent(r.controlId(), k -> new HashSet<>()).add(r.text());
                copies.merge(r.controlId(), 1, Integer::sum);
                sent.add(spo2Time(r.text()));
            }
            assertThat(textsById.values())
                    .as("a resent message is the same message")
                    .allSatisfy(t -> assertThat(t).hasSize(1));
            String held = engine.received.get(3).controlId();
            assertThat(copies)
                    .as("only the message whose answer the kill lost came twice")
                    .containsEntry(held, 2);
            assertThat(copies.entrySet())
                    .filteredOn(e -> !e.getKey().equals(held))
                    .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1));
            assertThat(sent).as("one record, one control id").hasSize(textsById.size());

            // What the gateway accepted: every oximeter record from the first one sent on reached the engine.
            Instant first = sent.stream().min(Instant::compareTo).orElseThrow();
            Set<Instant> stored = new HashSet<>();
            try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("data/buffer"))) {
                for (StoredRecord r : store.readAll()) {
                    for (Reading reading : r.readings()) {
                        if (reading instanceof NumericReading n
                                && n.metric().equals(Metrics.SPO2)
                                && n.deviceTime() != null
                                && !n.deviceTime().isBefore(first)) {
                            stored.add(n.deviceTime());
                        }
                    }
                }
            }
            assertThat(stored).as("records after the admission").hasSizeGreaterThanOrEqualTo(8);
            assertThat(sent).as("none lost, nothing invented").isEqualTo(stored);
        }
    }

    /** OBX-14 of the message's SpO2 row (the device's time of the line). */
    private static Instant spo2Time(String text) {
        for (String segment : text.split("\r")) {
            String[] f = segment.split("\\|", -1);
            if (f[0].equals("OBX") && f.length > 14 && f[3].startsWith("150456^")) {
                Matcher m = OBX14.matcher(f[14]);
                assertThat(m.matches()).as("OBX-14 '%s'", f[14]).isTrue();
                return LocalDateTime.parse(m.group(1), DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
                        .toInstant(ZoneOffset.of(m.group(2)));
            }
        }
        throw new AssertionError("no SpO2 row in " + text.replace('\r', '\n'));
    }

    private String config(String run, String device, MasimoSimulator sim, Engine engine) {
        return """
                gateway:
                  id: pcd01kill-%s
                  data-dir: %s
                  devices:
                    %s:
                      driver: masimo-ascii
                      port: %s
                      idle-timeout: 3s
                  beds:
                    bed12:
                      location: %s
                      devices: [%s]
                  adt:
                    port: 0
                    assigning-authorities:
                      HOSP: %s
                  uplink:
                    base-url: http://127.0.0.1:9/fhir
                  pcd01-out:
                    host: 127.0.0.1
                    port: %d
                    ack-timeout: 15s
                    retry-max-delay: 1s
                """.formatted(run, dir.resolve("data"), device, sim.portPath(), BED, device, SYSTEM, engine.port());
    }

    private static String adtAddress(GatewayProcess gateway) {
        Matcher m =
                Pattern.compile("\"listen\":\"mllp://([^\"]+)\"").matcher(String.valueOf(gateway.get("/api/status")));
        assertThat(m.find()).as("the ADT listener in the status").isTrue();
        return m.group(1);
    }

    /** {@code /api/status} → the {@code pcd01} consumer's pending records; -1 when not found. */
    private static long pcd01Pending(GatewayProcess gateway) {
        Matcher m = Pattern.compile("\"name\":\"pcd01\",[^}]*?\"pendingRecords\":(\\d+)")
                .matcher(String.valueOf(gateway.get("/api/status")));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
