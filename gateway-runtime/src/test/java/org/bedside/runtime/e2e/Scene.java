package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.hl7.fhir.r4.model.Observation;

/**
 * One bed for a test: a simulated Masimo oximeter on a pseudo-terminal, the packaged gateway reading it, and a patient
 * of its own on the shared sandbox, so that tests count only their own Observations.
 */
final class Scene implements AutoCloseable {
    static final Set<Integer> CHARTED_MDC =
            Set.of(Metrics.SPO2.mdc(), Metrics.PULSE_RATE_OXIMETRY.mdc(), Metrics.PERFUSION_INDEX.mdc());

    final String name;
    final Path dir;
    final FhirServer fhir;
    final MasimoSimulator simulator;
    GatewayProcess gateway;

    Scene(String name, Path dir, String scenario, Duration period) throws Exception {
        this.name = name;
        this.dir = dir;
        this.fhir = Sandbox.server();
        fhir.createPatient(patient());
        this.simulator = MasimoSimulator.builder(name + "-spo2", Scenarios.parse(scenario))
                .period(period)
                .portDirectory(dir.resolve("serial"))
                .build();
    }

    String patient() {
        return name + "-patient";
    }

    String gatewayId() {
        return name + "-gw";
    }

    String device() {
        return name + "-spo2";
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    String config(String charting) {
        return """
                gateway:
                  id: %s
                  bed: %s
                  patient: Patient/%s
                  data-dir: %s
                  devices:
                    %s:
                      driver: masimo-ascii
                      port: %s
                      idle-timeout: 3s
                      reconnect-max-delay: 1s
                  uplink:
                    base-url: %s
                    charting: %s
                    retry-max-delay: 2s
                    timeout: 10s
                """.formatted(
                        gatewayId(), name, patient(), dataDir(), device(), simulator.portPath(), fhir.base(), charting);
    }

    void startGateway(String charting) throws Exception {
        Files.createDirectories(dir);
        gateway = GatewayProcess.start(dir, config(charting));
    }

    /** Waits until the gateway says nothing is left in its buffer for the uplink. */
    void awaitDrained(Duration timeout) {
        Await.until("the gateway's buffer drained", timeout, () -> {
            String status = gateway.get("/api/status");
            return status != null
                    && status.contains("\"pendingRecords\":0,")
                    && status.contains("\"state\":\"ONLINE\"");
        });
    }

    /** The identifiers the server must hold: one per accepted reading of a charted metric (every-reading mode). */
    Set<String> expectedIdentifiers() throws Exception {
        Set<String> expected = new HashSet<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dataDir().resolve("buffer"))) {
            for (StoredRecord r : store.readAll()) {
                assertThat(r.isReadable())
                        .as("record %d: %s", r.position(), r.unreadable())
                        .isTrue();
                for (Reading reading : r.readings()) {
                    if (reading instanceof NumericReading n
                            && CHARTED_MDC.contains(n.metric().mdc())) {
                        expected.add(gatewayId() + "/" + n.key());
                    }
                }
            }
        }
        return expected;
    }

    static List<String> identifiers(List<Observation> observations) {
        List<String> ids = new ArrayList<>();
        for (Observation o : observations) {
            ids.add(o.getIdentifierFirstRep().getValue());
        }
        return ids;
    }

    @Override
    public void close() throws Exception {
        simulator.close();
        if (gateway != null) {
            gateway.close();
        }
    }
}
