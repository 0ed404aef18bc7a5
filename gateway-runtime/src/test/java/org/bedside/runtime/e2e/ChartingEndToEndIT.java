package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.testing.Await;
import org.bedside.sim.scenario.VitalSigns;
import org.bedside.sim.serial.EmittedFrame;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated Masimo oximeter → pseudo-terminal → packaged gateway → sandbox HAPI FHIR JPA server: what arrives is valid
 * against the FHIR R4 core and vital-signs profiles, and is what the device said.
 */
class ChartingEndToEndIT {
    @TempDir
    Path dir;

    @Test
    void theSimulatorsReadingsArriveAsObservationsValidAgainstTheVitalSignsProfiles() throws Exception {
        try (Scene scene = new Scene("e2e-valid", dir, "steady", Duration.ofMillis(100))) {
            scene.simulator.start();
            scene.startGateway("every-reading");
            Await.until("90 observations on the server", Duration.ofSeconds(60), () -> count(scene) >= 90);
            scene.simulator.stop();
            scene.awaitDrained(Duration.ofSeconds(120));
            scene.gateway.stop();

            List<Observation> observations = scene.fhir.observations(scene.patient());
            assertThat(Scene.identifiers(observations))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(scene.expectedIdentifiers());

            for (Observation o : observations) {
                String profile = o.getMeta().getProfile().get(0).getValue();
                OperationOutcome verdict = scene.fhir.validate(o, profile);
                List<String> errors = verdict.getIssue().stream()
                        .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                                || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                        .map(i -> i.getDiagnostics() + " @ " + i.getLocation())
                        .toList();
                assertThat(errors)
                        .as("%s against %s", o.getIdentifierFirstRep().getValue(), profile)
                        .isEmpty();
            }

            // The simulated Radical-7 sends SN=: the Observations name that monitor, a Device whose parent is the
            // slot's.
            Device monitor = scene.fhir.read(
                    Device.class, observations.get(0).getDevice().getReference());
            String serial = scene.simulator.encoder().serialNumber();
            assertThat(monitor.getIdentifierFirstRep().getValue())
                    .isEqualTo("e2e-valid-gw/e2e-valid-spo2/unit/sn-" + serial);
            assertThat(monitor.getSerialNumber()).isEqualTo(serial);
            Device slot = scene.fhir.read(Device.class, monitor.getParent().getReference());
            assertThat(slot.getIdentifierFirstRep().getValue()).isEqualTo("e2e-valid-gw/e2e-valid-spo2");
            assertThat(observations).allSatisfy(o -> {
                assertThat(o.getSubject().getReference()).isEqualTo("Patient/" + scene.patient());
                assertThat(o.getDevice().getReference())
                        .isEqualTo(observations.get(0).getDevice().getReference());
            });

            // Nothing invented: every SpO2 charted is a value the device sent at that time.
            Map<String, Integer> sent = new HashMap<>();
            for (EmittedFrame<VitalSigns> line : scene.simulator.emittedFrames()) {
                if (line.values().spo2() != null) {
                    sent.merge(
                            line.deviceTime().atZone(ZoneId.systemDefault()).toInstant() + "="
                                    + line.values().spo2(),
                            1,
                            Integer::sum);
                }
            }
            List<String> charted = new ArrayList<>();
            for (Observation o : observations) {
                if (o.getCode().getCoding().stream().anyMatch(c -> c.getCode().equals("150456"))) {
                    BigDecimal v = o.getValueQuantity().getValue();
                    charted.add(o.getEffectiveDateTimeType().getValue().toInstant() + "=" + v.intValueExact());
                }
            }
            assertThat(charted).isNotEmpty();
            for (String c : charted) {
                assertThat(sent).as("charted SpO2 %s was sent by the device", c).containsKey(c);
            }
        }
    }

    private static int count(Scene scene) {
        try {
            return scene.fhir.countObservations(scene.patient());
        } catch (Exception e) {
            return -1;
        }
    }
}
