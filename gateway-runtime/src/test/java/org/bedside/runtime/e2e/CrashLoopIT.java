package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.scenario.VitalSigns;
import org.bedside.sim.serial.EmittedFrame;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash loop: eight simulated oximeters at mixed rates, the packaged gateway killed with SIGKILL at random moments
 * under load and restarted, then a reconciliation on the FHIR server against what the gateway accepted into its buffer
 * and what the simulators emitted: lost = 0, duplicated = 0, invented = 0.
 *
 * <p>CI runs {@value #DEFAULT_KILLS} kills; {@code ./bedside soak N} runs N.
 */
class CrashLoopIT {
    static final int DEFAULT_KILLS = 10;
    private static final int DEVICES = 8;

    @TempDir
    Path dir;

    @Test
    void killedAgainAndAgainUnderLoadTheGatewayLosesNothingAndDuplicatesNothing() throws Exception {
        int kills = Integer.getInteger("bedside.crashloop.kills", DEFAULT_KILLS);
        FhirServer fhir = Sandbox.server();
        List<MasimoSimulator> simulators = new ArrayList<>();
        StringBuilder devices = new StringBuilder();
        String[] scenarios = {"steady", "desaturation", "sensor-off", "bidmc:02"};
        for (int i = 0; i < DEVICES; i++) {
            String name = "loop" + i + "-spo2";
            fhir.createPatient("loop-patient-" + i);
            Duration period = Duration.ofMillis(200L + 800L * i / (DEVICES - 1)); // 200 ms to 1 s
            MasimoSimulator sim = MasimoSimulator.builder(name, Scenarios.parse(scenarios[i % scenarios.length]))
                    .period(period)
                    .portDirectory(dir.resolve("serial"))
                    .build();
            simulators.add(sim);
            devices.append("""
                        %s:
                          driver: masimo-ascii
                          port: %s
                          patient: Patient/loop-patient-%d
                          reconnect-max-delay: 1s
                    """.formatted(name, sim.portPath(), i));
        }
        Path data = dir.resolve("data");
        String config = """
                gateway:
                  id: loop-gw
                  data-dir: %s
                  devices:
                %s
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                """.formatted(data, devices, fhir.base());
        Files.createDirectories(dir);
        Random random = new Random(Long.getLong("bedside.crashloop.seed", 20261122L));
        simulators.forEach(MasimoSimulator::start);
        GatewayProcess gateway = GatewayProcess.start(dir, config);
        try {
            for (int k = 0; k < kills; k++) {
                int target = total(fhir) + 20;
                Await.until(
                        "observations flowing before kill " + (k + 1),
                        Duration.ofSeconds(90),
                        () -> total(fhir) >= target);
                Thread.sleep(random.nextInt(1500)); // a random moment under load, not a synchronisation
                gateway.kill();
                gateway.restart();
            }
            int target = total(fhir) + 20;
            Await.until(
                    "observations flowing after the last restart", Duration.ofSeconds(90), () -> total(fhir) >= target);
        } finally {
            simulators.forEach(MasimoSimulator::stop);
        }
        try {
            Await.until("the buffer drained", Duration.ofSeconds(300), () -> {
                String status = gateway.get("/api/status");
                return status != null && status.contains("\"pendingRecords\":0,");
            });
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "\nstatus: " + gateway.get("/api/status") + "\nlog:\n" + gateway.tail(), e);
        }
        gateway.stop();

        // What the gateway accepted, from its own buffer.
        Set<String> accepted = new HashSet<>();
        Map<String, Integer> acceptedSpo2 = new HashMap<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(data.resolve("buffer"))) {
            for (StoredRecord r : store.readAll()) {
                assertThat(r.isReadable()).as(r.unreadable()).isTrue();
                for (Reading reading : r.readings()) {
                    if (reading instanceof NumericReading n
                            && Scene.CHARTED_MDC.contains(n.metric().mdc())) {
                        accepted.add("loop-gw/" + n.key());
                        if (n.metric().equals(Metrics.SPO2) && n.value() != null) {
                            acceptedSpo2.merge(n.device() + "@" + n.deviceTime() + "=" + n.value(), 1, Integer::sum);
                        }
                    }
                }
            }
        }
        // What the server holds, patient by patient.
        List<String> onServer = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            for (Observation o : fhir.observations("loop-patient-" + i)) {
                onServer.add(o.getIdentifierFirstRep().getValue());
            }
        }
        // What the simulators emitted.
        Map<String, Integer> emittedSpo2 = new HashMap<>();
        long emitted = 0;
        long notTaken = 0;
        for (MasimoSimulator sim : simulators) {
            for (EmittedFrame<VitalSigns> line : sim.emittedFrames()) {
                emitted++;
                notTaken += line.delivered() ? 0 : 1;
                Integer spo2 = line.values().spo2();
                if (spo2 != null) {
                    emittedSpo2.merge(
                            sim.name() + "@"
                                    + line.deviceTime()
                                            .atZone(ZoneId.systemDefault())
                                            .toInstant() + "=" + BigDecimal.valueOf(spo2),
                            1,
                            Integer::sum);
                }
            }
        }

        Set<String> distinct = new HashSet<>(onServer);
        long duplicated = onServer.size() - distinct.size();
        Set<String> lost = new HashSet<>(accepted);
        lost.removeAll(distinct);
        Set<String> unexpected = new HashSet<>(distinct);
        unexpected.removeAll(accepted);
        long invented = acceptedSpo2.entrySet().stream()
                .filter(e -> emittedSpo2.getOrDefault(e.getKey(), 0) < e.getValue())
                .count();
        System.out.printf(
                "crash loop: %d kills, %d lines emitted (%d not taken by the port while the gateway was"
                        + " down), %d readings accepted, %d Observations on the server; lost %d, duplicated %d,"
                        + " unexpected %d, invented %d%n",
                kills,
                emitted,
                notTaken,
                accepted.size(),
                onServer.size(),
                lost.size(),
                duplicated,
                unexpected.size(),
                invented);

        assertThat(gateway.starts()).isEqualTo(kills + 1);
        assertThat(accepted).hasSizeGreaterThan(kills * 20);
        assertThat(lost).as("accepted but not on the server").isEmpty();
        assertThat(duplicated).as("duplicated on the server").isZero();
        assertThat(unexpected).as("on the server but never accepted").isEmpty();
        assertThat(invented).as("SpO2 values accepted that no simulator sent").isZero();
    }

    private static int total(FhirServer fhir) {
        try {
            int n = 0;
            for (int i = 0; i < DEVICES; i++) {
                n += fhir.countObservations("loop-patient-" + i);
            }
            return n;
        } catch (Exception e) {
            return -1;
        }
    }
}
