package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.testing.Await;
import org.bedside.sandbox.FhirSandboxProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing duplicated, counted on the FHIR server: every reading of a charted metric that the gateway
 * accepted into its buffer is on the server exactly once, after the server was down for a while, and after the gateway
 * was killed with SIGKILL mid-stream.
 */
class StoreAndForwardIT {
    @TempDir
    Path dir;

    @Test
    void aFhirServerOutageLosesAndDuplicatesNothing() throws Exception {
        FhirSandboxProcess server = Sandbox.get();
        try (Scene scene = new Scene("e2e-outage", dir, "steady", Duration.ofMillis(100))) {
            scene.simulator.start();
            scene.startGateway("every-reading");
            Await.until("observations flowing", Duration.ofSeconds(60), () -> count(scene) >= 30);

            server.stop();
            Await.until(
                    "the uplink notices the outage",
                    Duration.ofSeconds(30),
                    () -> status(scene).contains("\"state\":\"RETRYING\""));
            long before = scene.simulator.framesEmitted();
            Await.until(
                    "50 more lines during the outage",
                    Duration.ofSeconds(60),
                    () -> scene.simulator.framesEmitted() >= before + 50);
            assertThat(status(scene)).contains("\"state\":\"RETRYING\"");

            server.restart();
            scene.simulator.stop();
            scene.awaitDrained(Duration.ofSeconds(90));
            scene.gateway.stop();

            List<String> onServer = Scene.identifiers(scene.fhir.observations(scene.patient()));
            assertThat(onServer).doesNotHaveDuplicates();
            assertThat(onServer).containsExactlyInAnyOrderElementsOf(scene.expectedIdentifiers());
            assertThat(onServer.size()).isGreaterThan(3 * 80);
        }
    }

    @Test
    void killingTheGatewayMidStreamLosesAndDuplicatesNothing() throws Exception {
        Random random = new Random(2026);
        try (Scene scene = new Scene("e2e-kill", dir, "steady", Duration.ofMillis(50))) {
            scene.simulator.start();
            scene.startGateway("every-reading");
            for (int kill = 0; kill < 3; kill++) {
                int target = count(scene) + 30;
                Await.until("observations flowing", Duration.ofSeconds(60), () -> count(scene) >= target);
                Thread.sleep(random.nextInt(400)); // a random moment in the stream, not a synchronisation
                scene.gateway.kill();
                scene.gateway.restart();
            }
            Await.until(
                    "observations flowing after the last restart",
                    Duration.ofSeconds(60),
                    () -> status(scene).contains("\"observationsCreated\":")
                            && !status(scene).contains("\"observationsCreated\":0,"));
            scene.simulator.stop();
            scene.awaitDrained(Duration.ofSeconds(60));
            scene.gateway.stop();

            List<String> onServer = Scene.identifiers(scene.fhir.observations(scene.patient()));
            assertThat(onServer).doesNotHaveDuplicates();
            assertThat(onServer).containsExactlyInAnyOrderElementsOf(scene.expectedIdentifiers());
            assertThat(scene.gateway.starts()).isEqualTo(4);
        }
    }

    private static int count(Scene scene) {
        try {
            return scene.fhir.countObservations(scene.patient());
        } catch (Exception e) {
            return -1;
        }
    }

    private static String status(Scene scene) {
        String s = scene.gateway.get("/api/status");
        return s == null ? "" : s;
    }
}
