package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.CompoundReading;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.SimulatedDevice;
import org.bedside.sim.scenario.Scenarios;
import org.hl7.fhir.r4.model.Observation;

/**
 * One bed for a test: a simulated device on a pseudo-terminal (a Masimo oximeter unless the test names another
 * {@link Bedside}), the packaged gateway reading it, and a patient of its own on the shared sandbox, so that tests
 * count only their own Observations.
 */
final class Scene implements AutoCloseable {
    static final Set<Integer> CHARTED_MDC =
            Set.of(Metrics.SPO2.mdc(), Metrics.PULSE_RATE_OXIMETRY.mdc(), Metrics.PERFUSION_INDEX.mdc());

    /** Makes the simulator of a scene, its port in {@code portDirectory}. */
    @FunctionalInterface
    interface SimulatorFactory {
        SimulatedDevice make(String deviceName, Path portDirectory) throws IOException;
    }

    /**
     * What stands at the bed: the driver that reads it, the suffix of its device name, its driver options, the MDC codes
     * of the metrics the gateway charts from it, and how to make its simulator.
     */
    record Bedside(
            String driver,
            String suffix,
            Map<String, String> options,
            Set<Integer> chartedMdc,
            SimulatorFactory simulator) {}

    static Bedside masimo(String scenario, Duration period) {
        return new Bedside(
                "masimo-ascii",
                "spo2",
                Map.of(),
                CHARTED_MDC,
                (device, ports) -> MasimoSimulator.builder(device, Scenarios.parse(scenario))
                        .period(period)
                        .portDirectory(ports)
                        .build());
    }

    final String name;
    final Path dir;
    final FhirServer fhir;
    final Bedside bedside;
    /** The simulated device, whatever its kind. */
    final SimulatedDevice device;
    /** The simulated Masimo oximeter; null when the bed has another device. */
    final MasimoSimulator simulator;

    GatewayProcess gateway;

    Scene(String name, Path dir, String scenario, Duration period) throws Exception {
        this(name, dir, masimo(scenario, period));
    }

    Scene(String name, Path dir, Bedside bedside) throws Exception {
        this.name = name;
        this.dir = dir;
        this.bedside = bedside;
        this.fhir = Sandbox.server();
        fhir.createPatient(patient());
        this.device = bedside.simulator().make(device(), dir.resolve("serial"));
        this.simulator = device instanceof MasimoSimulator m ? m : null;
    }

    String patient() {
        return name + "-patient";
    }

    String gatewayId() {
        return name + "-gw";
    }

    String device() {
        return name + "-" + bedside.suffix();
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
                      driver: %s
                      port: %s
                      idle-timeout: 3s
                      reconnect-max-delay: 1s
                %s  uplink:
                    base-url: %s
                    charting: %s
                    retry-max-delay: 2s
                    timeout: 10s
                """.formatted(
                        gatewayId(),
                        name,
                        patient(),
                        dataDir(),
                        device(),
                        bedside.driver(),
                        device.portPath(),
                        options(),
                        fhir.base(),
                        charting);
    }

    /** The device's options block of the YAML, or nothing. */
    private String options() {
        if (bedside.options().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("      options:\n");
        new java.util.TreeMap<>(bedside.options())
                .forEach((k, v) ->
                        b.append("        ").append(k).append(": ").append(v).append('\n'));
        return b.toString();
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
                    if ((reading instanceof NumericReading n
                                    && bedside.chartedMdc().contains(n.metric().mdc()))
                            || (reading instanceof CompoundReading c
                                    && bedside.chartedMdc().contains(c.metric().mdc()))) {
                        expected.add(gatewayId() + "/" + reading.key());
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
        device.close();
        if (gateway != null) {
            gateway.close();
        }
    }
}
