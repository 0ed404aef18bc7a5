package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.patients.tools.AdtCommand;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway whose only destination is PCD-01 out (no {@code gateway.uplink.base-url}): a simulated oximeter at a bed
 * whose patient came by ADT, the packaged gateway, and HAPI HL7v2's own MLLP server as the hospital's interface engine
 * ({@link Pcd01OutKillIT.Engine}). The readings arrive as PCD-01 {@code ORU^R01} with their MDC codes and units; the
 * status, the page and health say the FHIR uplink is not configured (not a fault, ready is UP); the backlog reported is
 * PCD-01's; there is no FHIR consumer at all.
 */
class Pcd01OnlyIT {
    private static final String SYSTEM = "urn:oid:2.999.1.12";
    private static final String BED = "ICU^12^1";

    @TempDir
    Path dir;

    @Test
    void pcd01OutAloneChartsAndTheFhirUplinkIsNotConfiguredRatherThanFailing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String device = "pcd01only-" + run + "-spo2";
        String mrn = "M" + run;
        Files.createDirectories(dir);
        Set<String> sent = new HashSet<>();
        try (Pcd01OutKillIT.Engine engine = new Pcd01OutKillIT.Engine();
                MasimoSimulator sim = MasimoSimulator.builder(device, Scenarios.parse("steady"))
                        .period(Duration.ofSeconds(1))
                        .portDirectory(dir.resolve("serial"))
                        .build()) {
            sim.start();
            Await.until("the oximeter's pty", Duration.ofSeconds(10), () -> Files.exists(sim.portPath()));
            try (GatewayProcess gateway = GatewayProcess.start(dir, config(run, device, sim, engine))) {
                int exit = AdtCommand.run(
                        List.of(
                                "A01",
                                "--to",
                                adtAddress(gateway),
                                "--mrn",
                                mrn,
                                "--aa",
                                "HOSP",
                                "--bed",
                                BED,
                                "--family",
                                "Test",
                                "--given",
                                "Only",
                                "--control-id",
                                "ADMIT-" + run),
                        System.out,
                        System.err);
                assertThat(exit).as("A01 acknowledged").isZero();
                Await.until("three messages at the engine", Duration.ofSeconds(60), () -> engine.received.size() >= 3);

                // Status: no FHIR uplink, said as such; no FHIR consumer; PCD-01 out is the destination.
                String status = String.valueOf(gateway.get("/api/status"));
                assertThat(status)
                        .contains("\"state\":\"NOT_CONFIGURED\"")
                        .contains("FHIR uplink: not configured; the readings go as PCD-01 to mllp://127.0.0.1:"
                                + engine.port())
                        .contains("\"name\":\"pcd01\"")
                        .doesNotContain("\"name\":\"uplink\"")
                        .doesNotContain("MISCONFIGURED");
                String page = String.valueOf(gateway.get("/"));
                assertThat(page).contains("FHIR uplink: not configured").doesNotContain("Misconfigured");
                // Health: the uplink check is UP and says "not configured" (no server to reach); ready is UP.
                Await.until(
                        "ready UP",
                        Duration.ofSeconds(20),
                        () -> String.valueOf(gateway.get("/q/health/ready"))
                                .replaceAll("\\s", "")
                                .startsWith("{\"status\":\"UP\""));
                String ready = String.valueOf(gateway.get("/q/health/ready")).replaceAll("\\s", "");
                int at = ready.indexOf("\"name\":\"uplink\"");
                assertThat(at).as("the uplink check in %s", ready).isNotNegative();
                assertThat(ready.substring(at, ready.indexOf('}', at)))
                        .contains("\"status\":\"UP\"")
                        .contains("\"state\":\"NOT_CONFIGURED\"")
                        .doesNotContain("\"server\":");

                sim.stop();
                // The backlog the status reports is PCD-01's: it reaches 0 once the engine has everything, although
                // nothing was ever read by a FHIR cursor (counted for one, it would be every record).
                Await.until(
                        "PCD-01 out caught up, and the backlog reported with it",
                        Duration.ofSeconds(60),
                        () -> pcd01Pending(gateway) == 0 && uplinkPending(gateway) == 0);
                assertThat(gateway.tail())
                        .as("nothing was refused a connection")
                        .doesNotContain("Connection refused");
                gateway.stop();
            }

            // What the engine got: ORU^R01 per PCD-01, for the ADT patient at the bed, with MDC codes and UCUM units.
            assertThat(engine.received).allSatisfy(r -> {
                String[] segments = r.text().split("\r");
                String[] msh = segments[0].split("\\|", -1);
                assertThat(msh[8]).as("MSH-9").startsWith("ORU^R01");
                assertThat(r.text()).contains("\rPID|1||" + mrn + "^^^HOSP").contains("\rPV1||I|" + BED);
                assertThat(segments)
                        .as("the SpO2 row")
                        .anySatisfy(s -> assertThat(s)
                                .startsWith("OBX|")
                                .contains("|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|")
                                .contains("|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|"));
                assertThat(segments)
                        .as("the pulse rate row")
                        .anySatisfy(s -> assertThat(s)
                                .startsWith("OBX|")
                                .contains("|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|")
                                .contains("|264864^MDC_DIM_BEAT_PER_MIN^MDC^"));
                sent.add(spo2Row(segments));
            });
        }

        // Every SpO2 the gateway stored from the first one sent on went out, with its value; none invented.
        Set<String> stored = new HashSet<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("data/buffer"))) {
            for (StoredRecord r : store.readAll()) {
                for (Reading reading : r.readings()) {
                    if (reading instanceof NumericReading n && n.metric().equals(Metrics.SPO2) && n.value() != null) {
                        stored.add(n.value().stripTrailingZeros().toPlainString());
                    }
                }
            }
        }
        assertThat(sent).as("values sent").isNotEmpty();
        assertThat(stored).as("every value sent was stored").containsAll(sent);
    }

    /** OBX-5 of the SpO2 row. */
    private static String spo2Row(String[] segments) {
        for (String segment : segments) {
            String[] f = segment.split("\\|", -1);
            if (f[0].equals("OBX") && f.length > 5 && f[3].startsWith("150456^")) {
                return new java.math.BigDecimal(f[5]).stripTrailingZeros().toPlainString();
            }
        }
        throw new AssertionError("no SpO2 row");
    }

    private String config(String run, String device, MasimoSimulator sim, Pcd01OutKillIT.Engine engine) {
        return """
                gateway:
                  id: pcd01only-%s
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

    /** {@code /api/status} → the backlog reported under {@code uplink} (the first destination's); -1 when not found. */
    private static long uplinkPending(GatewayProcess gateway) {
        Matcher m = Pattern.compile("\"uplink\":\\{[^}]*?\"pendingRecords\":(\\d+)")
                .matcher(String.valueOf(gateway.get("/api/status")));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
