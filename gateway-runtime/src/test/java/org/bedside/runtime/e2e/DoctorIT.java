package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bedside.drivers.testing.Await;
import org.bedside.runtime.doctor.Doctor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bedside doctor} against the real sandbox and the packaged gateway: the FHIR server answers and the patient
 * exists (and a patient that does not is a failure); while the gateway runs, the serial port is checked by asking it,
 * not by opening the port it holds; once it is stopped, the doctor opens the port and hears the device.
 */
class DoctorIT {
    @TempDir
    Path dir;

    @Test
    void checksTheServerThePatientAndThePortThroughTheRunningGateway() throws Exception {
        try (Scene scene = new Scene("doctor", dir, "steady", Duration.ofMillis(200))) {
            scene.simulator.start();
            scene.startGateway("every-reading");
            Path config = dir.resolve("gateway.yaml");
            Await.until("the device connected", Duration.ofSeconds(30), () -> {
                String health = scene.gateway.get("/q/health");
                return health != null && health.contains("\"CONNECTED\"");
            });

            String running = doctor(config);
            assertThat(running)
                    .containsPattern("OK +gateway +running")
                    .containsPattern("OK +serial doctor-spo2 +the running gateway says CONNECTED")
                    .containsPattern("OK +fhir +.* answers \\(FHIR 4\\.0\\.1\\); Patient/doctor-patient exists");

            Path unknown = dir.resolve("unknown-patient.yaml");
            Files.writeString(
                    unknown, Files.readString(config).replace("Patient/doctor-patient", "Patient/nobody-here"));
            assertThat(doctor(unknown)).containsPattern("FAIL +fhir +Patient/nobody-here does not exist");

            scene.gateway.stop();
            assertThat(doctor(config))
                    .containsPattern("OK +gateway +not running")
                    .containsPattern("OK +serial doctor-spo2 +.*: the device is sending");
        }
    }

    private static String doctor(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Doctor.run(new String[] {"doctor", "--config", config.toString()}, new PrintStream(out, true));
        return out.toString(StandardCharsets.UTF_8);
    }
}
