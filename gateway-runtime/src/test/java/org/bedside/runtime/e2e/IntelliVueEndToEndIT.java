package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.CompoundReading;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.ivue.IntelliVueSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated Philips IntelliVue → packaged gateway → sandbox HAPI FHIR JPA server, over the serial MIB port and over
 * the LAN: heart rate, SpO2, pulse, NIBP, respiration rate and temperature arrive as Observations valid against the
 * FHIR vital-signs profiles, and every reading of a charted metric the gateway accepted into its buffer is on the
 * server exactly once, across a re-association (the monitor aborts mid-stream) and a lost link. Counts are taken on the
 * server.
 */
class IntelliVueEndToEndIT {
    /** Charted metrics the monitor reports (uplink's ChartedMetric): HR, SpO2, pulse, perfusion, RR, temp, NIBP. */
    private static final Set<Integer> CHARTED = Set.of(
            Metrics.HEART_RATE_ECG.mdc(),
            Metrics.SPO2.mdc(),
            Metrics.PULSE_RATE_OXIMETRY.mdc(),
            Metrics.PERFUSION_INDEX.mdc(),
            Metrics.RESPIRATION_RATE.mdc(),
            Metrics.TEMPERATURE.mdc(),
            Metrics.NIBP.mdc());

    @TempDir
    Path dir;

    private final FhirServer fhir = Sandbox.server();

    private String config(String name, String driver, String port) {
        return """
                gateway:
                  id: %s-gw
                  bed: %s
                  patient: Patient/%s-patient
                  data-dir: %s
                  devices:
                    %s-monitor:
                      driver: %s
                      port: %s
                      idle-timeout: 5s
                      reconnect-max-delay: 1s
                      options:
                        poll-period: 10s
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                    timeout: 10s
                """.formatted(name, name, name, dir.resolve("data"), name, driver, port, fhir.base());
    }

    @Test
    void overTheSerialPortEveryVitalSignArrivesValidAndNothingIsLostOrDuplicatedAcrossAReassociation()
            throws Exception {
        String name = "e2e-ivue";
        fhir.createPatient(name + "-patient");
        try (IntelliVueSimulator sim = IntelliVueSimulator.builder(name + "-monitor", Scenarios.parse("steady"))
                        .period(Duration.ofMillis(250))
                        .nibpEvery(12)
                        .portDirectory(dir.resolve("serial"))
                        .build();
                GatewayProcess gateway = GatewayProcess.start(
                        Files.createDirectories(dir),
                        config(name, "intellivue-serial", sim.portPath().toString()))) {
            sim.start();
            Await.until("60 observations", Duration.ofSeconds(90), () -> count(name) >= 60);
            sim.faults().abortAssociation();
            Await.until("a second association", Duration.ofSeconds(60), () -> sim.associations() >= 2);
            int afterAbort = count(name);
            Await.until("60 more observations", Duration.ofSeconds(90), () -> count(name) >= afterAbort + 60);
            sim.stop();
            awaitDrained(gateway);
            gateway.stop();

            List<Observation> observations = fhir.observations(name + "-patient");
            assertThat(Scene.identifiers(observations))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expectedIdentifiers(name));
            assertValid(observations);

            Set<String> codes = observations.stream()
                    .flatMap(o -> o.getCode().getCoding().stream())
                    .map(Coding::getCode)
                    .collect(Collectors.toSet());
            assertThat(codes)
                    .contains(
                            "8867-4", "147842", // heart rate (ECG)
                            "59408-5", "150456", // SpO2
                            "8889-8", "149530", // pleth pulse, charted with MDC_PULS_OXIM_PULS_RATE
                            "85354-9", "150020", // NIBP panel
                            "9279-1", "151562", // respiration rate
                            "8310-5", "150344"); // temperature
            Observation bp = observations.stream()
                    .filter(o -> o.getMeta().getProfile().get(0).getValue().endsWith("/bp"))
                    .findFirst()
                    .orElseThrow();
            assertThat(bp.getComponent()).hasSize(3);
            assertThat(bp.getComponentFirstRep().getValueQuantity().getCode()).isEqualTo("mm[Hg]");

            // nothing invented: every SpO2 and every systolic pressure charted is one the monitor showed
            Set<BigDecimal> shownSpo2 = new HashSet<>();
            Set<BigDecimal> shownSystolic = new HashSet<>();
            for (IntelliVueSimulator.Shown s : sim.shown()) {
                shownSpo2.add(BigDecimal.valueOf(s.vitals().spo2()));
                if (s.nibpSystolic() != null) {
                    shownSystolic.add(BigDecimal.valueOf(s.nibpSystolic()));
                }
            }
            for (Observation o : observations) {
                if (hasCode(o, "150456")) {
                    assertThat(shownSpo2)
                            .contains(o.getValueQuantity().getValue().stripTrailingZeros());
                }
                if (hasCode(o, "150020")) {
                    assertThat(shownSystolic)
                            .contains(o.getComponentFirstRep()
                                    .getValueQuantity()
                                    .getValue()
                                    .stripTrailingZeros());
                }
            }
        }
    }

    @Test
    void overTheLanTheSameArrivesAndALostLinkLosesAndDuplicatesNothing() throws Exception {
        String name = "e2e-ivue-lan";
        fhir.createPatient(name + "-patient");
        try (IntelliVueSimulator sim = IntelliVueSimulator.builder(name + "-monitor", Scenarios.parse("steady"))
                        .transport(IntelliVueSimulator.Transport.UDP)
                        .period(Duration.ofMillis(250))
                        .nibpEvery(12)
                        .build();
                GatewayProcess gateway = GatewayProcess.start(
                        Files.createDirectories(dir), config(name, "intellivue-lan", sim.endpoint()))) {
            sim.start();
            Await.until("30 observations", Duration.ofSeconds(90), () -> count(name) >= 30);
            sim.faults().unplugFor(Duration.ofSeconds(2)); // the monitor's socket closes: ICMP port unreachable
            Await.until("a second association", Duration.ofSeconds(60), () -> sim.associations() >= 2);
            int after = count(name);
            Await.until("30 more observations", Duration.ofSeconds(90), () -> count(name) >= after + 30);
            sim.stop();
            awaitDrained(gateway);
            gateway.stop();

            List<Observation> observations = fhir.observations(name + "-patient");
            assertThat(Scene.identifiers(observations))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expectedIdentifiers(name));
            assertValid(observations);
            assertThat(observations)
                    .anySatisfy(o -> assertThat(hasCode(o, "150020")).isTrue())
                    .anySatisfy(o -> assertThat(hasCode(o, "147842")).isTrue());
        }
    }

    private void assertValid(List<Observation> observations) throws Exception {
        for (Observation o : observations) {
            String profile = o.getMeta().getProfile().get(0).getValue();
            OperationOutcome verdict = fhir.validate(o, profile);
            List<String> errors = verdict.getIssue().stream()
                    .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                            || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                    .map(i -> i.getDiagnostics() + " @ " + i.getLocation())
                    .toList();
            assertThat(errors)
                    .as("%s against %s", o.getIdentifierFirstRep().getValue(), profile)
                    .isEmpty();
        }
    }

    private static boolean hasCode(Observation o, String code) {
        return o.getCode().getCoding().stream().anyMatch(c -> c.getCode().equals(code));
    }

    /** One identifier per reading of a charted metric in the gateway's buffer (every-reading charting). */
    private Set<String> expectedIdentifiers(String name) throws Exception {
        Set<String> expected = new HashSet<>();
        try (ChronicleReadingStore store =
                ChronicleReadingStore.open(dir.resolve("data").resolve("buffer"))) {
            for (StoredRecord r : store.readAll()) {
                assertThat(r.isReadable())
                        .as("record %d: %s", r.position(), r.unreadable())
                        .isTrue();
                for (Reading reading : r.readings()) {
                    boolean charted = reading instanceof NumericReading n
                                    && CHARTED.contains(n.metric().mdc())
                            || reading instanceof CompoundReading c
                                    && CHARTED.contains(c.metric().mdc());
                    if (charted) {
                        expected.add(name + "-gw/" + reading.key());
                    }
                }
            }
        }
        return expected;
    }

    private int count(String name) {
        try {
            return fhir.countObservations(name + "-patient");
        } catch (Exception e) {
            return -1;
        }
    }

    private static void awaitDrained(GatewayProcess gateway) {
        Await.until("the gateway's buffer drained", Duration.ofSeconds(90), () -> {
            String status = gateway.get("/api/status");
            return status != null
                    && status.contains("\"pendingRecords\":0,")
                    && status.contains("\"state\":\"ONLINE\"");
        });
    }
}
