package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.bedside.drivers.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulling the simulated cable shows the device disconnected in health within seconds; replugging reconnects. */
class CableIT {
    @TempDir
    Path dir;

    @Test
    void unpluggingShowsTheDeviceDownAndReplugReconnectsWithoutARestart() throws Exception {
        try (Scene scene = new Scene("e2e-cable", dir, "steady", Duration.ofMillis(200))) {
            scene.simulator.start();
            scene.startGateway("1m");
            Await.until(
                    "device up",
                    Duration.ofSeconds(30),
                    () -> deviceCheck(scene).contains("\"UP\""));

            long unpluggedAt = System.nanoTime();
            scene.simulator.faults().unplug();
            Await.until(
                    "device down",
                    Duration.ofSeconds(10),
                    () -> deviceCheck(scene).contains("DISCONNECTED"));
            Duration toDown = Duration.ofNanos(System.nanoTime() - unpluggedAt);
            assertThat(deviceCheck(scene))
                    .contains("\"DOWN\"")
                    .contains(scene.simulator.portPath().toString());
            assertThat(toDown).isLessThan(Duration.ofSeconds(5));

            long framesBefore = frames(scene);
            scene.simulator.faults().replug();
            Await.until(
                    "device up again",
                    Duration.ofSeconds(15),
                    () -> deviceCheck(scene).contains("\"UP\""));
            Await.until("frames flowing again", Duration.ofSeconds(15), () -> frames(scene) > framesBefore + 5);
            assertThat(scene.gateway.starts()).isEqualTo(1);
        }
    }

    private static String deviceCheck(Scene scene) {
        String health = scene.gateway.get("/q/health/ready");
        if (health == null) {
            return "";
        }
        int at = health.indexOf("\"device " + scene.device() + "\"");
        return at < 0 ? "" : health.substring(at, Math.min(health.length(), at + 600));
    }

    private static long frames(Scene scene) {
        String s = scene.gateway.get("/api/status");
        if (s == null) {
            return -1;
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"frames\":(\\d+)").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
