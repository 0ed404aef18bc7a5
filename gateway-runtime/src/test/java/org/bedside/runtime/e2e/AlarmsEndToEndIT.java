package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.alertmanager.AlertManagerStandIn;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alarm path end to end: a simulated Masimo oximeter whose sensor comes off (the {@code sensor-off} scenario, played
 * at two lines a second), the packaged gateway, and the Alert Manager stand-in. The sensor-off alert's start arrives as
 * a PCD-04; the gateway is then killed with SIGKILL while the alert is open, and restarted: the alert's end arrives
 * too, under the same alert id, and its start is not sent as a new alert. No FHIR server is needed: the uplink points
 * nowhere and keeps its data — a backlog of vitals that the alerts do not wait behind.
 */
class AlarmsEndToEndIT {
    private static final Duration WAIT = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    private final Hl7Parser parser = new Hl7Parser();

    /** The control ids (MSH-10) of the alert messages in the stand-in's log, in order; watchdogs left out. */
    private List<String> alertControlIds(Path log) throws Exception {
        List<String> ids = new ArrayList<>();
        if (!Files.exists(log)) {
            return ids;
        }
        for (String m : Files.readString(log, StandardCharsets.UTF_8).split("\n\n")) {
            if (m.isBlank()) {
                continue;
            }
            String id = parser.parse(m, StandardCharsets.UTF_8).value().header().controlId();
            if (!id.startsWith("heartbeat-")) {
                ids.add(id);
            }
        }
        return ids;
    }

    private boolean has(Path log, String prefix, String suffix) {
        try {
            return alertControlIds(log).stream().anyMatch(id -> id.startsWith(prefix) && id.endsWith(suffix));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aSensorOffAlertStartsAndEndsAsPcd04AndASigkillInBetweenLosesNeither() throws Exception {
        Path log = dir.resolve("alert-manager.hl7");
        String sensorOff = "alarms-spo2/status:sensor_off/";
        try (AlertManagerStandIn am = AlertManagerStandIn.start(0, log);
                MasimoSimulator oximeter = MasimoSimulator.builder("alarms-spo2", Scenarios.parse(Scenarios.SENSOR_OFF))
                        .period(Duration.ofMillis(500))
                        .portDirectory(dir.resolve("serial"))
                        .build()) {
            String yaml = """
                    gateway:
                      id: alarms-gw
                      bed: ICU 7
                      patient: Patient/alarms-patient
                      data-dir: %s
                      devices:
                        alarms-spo2:
                          driver: masimo-ascii
                          port: %s
                          idle-timeout: 3s
                          reconnect-max-delay: 1s
                      uplink:
                        base-url: http://127.0.0.1:9/fhir
                        retry-max-delay: 2s
                      alarms:
                        care-unit: icu
                        care-units:
                          icu:
                            technical-delay: 5s
                        pcd04:
                          host: 127.0.0.1
                          port: %d
                          heartbeat: 30s
                    """.formatted(dir.resolve("data"), oximeter.portPath(), am.port());
            try (GatewayProcess gateway = GatewayProcess.start(dir, yaml)) {
                // Sensor off from the scenario's second 30 (15 s from now) to 60: a technical alert 5 s later.
                oximeter.start();
                Await.until("the sensor-off alert's start at the Alert Manager", WAIT, () -> has(log, sensorOff, "#0"));
                String alarms = gateway.get("/api/alarms");
                assertThat(alarms)
                        .contains("\"condition\":\"status:sensor_off\"")
                        .contains("\"phase\":\"start\"");
                String status = gateway.get("/api/status");
                assertThat(status).contains("\"alarms\":{").contains("\"openAlerts\":");
                // The alert went out while every vital sign waits for a FHIR server that is not there: alerts never
                // queue behind a backlog of vitals (each destination reads the buffer under its own cursor).
                String uplink = status.substring(status.indexOf("\"uplink\":{"));
                assertThat(uplink.substring(0, uplink.indexOf('}'))).doesNotContain("\"pendingRecords\":0,");

                gateway.kill(); // SIGKILL while the alert is open: the sensor goes back on while the gateway is down
                gateway.restart();
                Await.until("the sensor-off alert's end at the Alert Manager", WAIT, () -> {
                    try {
                        return alertControlIds(log).stream()
                                .anyMatch(id -> id.startsWith(sensorOff) && !id.endsWith("#0"));
                    } catch (Exception e) {
                        return false;
                    }
                });
                Await.until(
                        "the alert gone from /api/alarms",
                        WAIT,
                        () -> !String.valueOf(gateway.get("/api/alarms")).contains("status:sensor_off"));
            }
            List<String> ids = alertControlIds(log);
            List<String> sensorOffIds =
                    ids.stream().filter(id -> id.startsWith(sensorOff)).toList();
            String alertId =
                    sensorOffIds.get(0).substring(0, sensorOffIds.get(0).indexOf('#'));
            assertThat(sensorOffIds)
                    .as("one alert: its start and its end under one id (a repeat of the same message at most)")
                    .allMatch(id -> id.startsWith(alertId + "#"));
            assertThat(sensorOffIds.stream().distinct()).hasSizeGreaterThanOrEqualTo(2);
            // The end is the last notification of the alert, and it says so in its phase.
            String text = Files.readString(log, StandardCharsets.UTF_8);
            String last = sensorOffIds.get(sensorOffIds.size() - 1);
            String lastMessage = text.substring(text.lastIndexOf("|" + last + "|"));
            assertThat(lastMessage.substring(0, lastMessage.indexOf("\n\n")))
                    .contains("MDC_ATTR_EVENT_PHASE^MDC|1.0.0.1.3|end");
        }
    }
}
