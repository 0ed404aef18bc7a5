package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.patients.PatientKey;
import org.bedside.patients.tools.AdtCommand;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bed's patient from ADT, end to end: a simulated oximeter at bed ICU^12^1, the packaged gateway with its ADT
 * listener, HAPI's MLLP client sending A01 and A03, and the sandbox resolving patients by MRN. Readings taken before
 * the admission are charted to nobody; after it, to the admitted patient; after the discharge, to nobody again; the
 * next admission charts to the next patient, also across a SIGKILL right after its acknowledgement.
 */
class PatientAssociationIT {
    static final String SYSTEM = "urn:oid:2.999.1.12";
    static final String BED = "ICU^12^1";

    @TempDir
    Path dir;

    @Test
    void readingsFollowAdmitDischargeAndTheNextAdmitAcrossAKill() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Scene scene = new Scene("adt-" + run, dir, "steady", Duration.ofMillis(500))) {
            String anna = scene.name + "-anna";
            String ben = scene.name + "-ben";
            String mrns = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 1_000_000_000L);
            PatientKey annaKey = new PatientKey("HOSP", "M" + mrns + "1");
            PatientKey benKey = new PatientKey("HOSP", "M" + mrns + "2");
            scene.fhir.createPatient(anna, SYSTEM, annaKey.mrn(), "Zwiebelfisch", "Annalena", "1961-03-14");
            scene.fhir.createPatient(ben, SYSTEM, benKey.mrn(), "Quasthoff", "Benedikt", "1958-07-02");
            Files.createDirectories(dir);
            scene.simulator.start();
            scene.gateway = GatewayProcess.start(dir, config(scene));
            String adt = adtAddress(scene.gateway);

            // Readings without a patient: buffered, charted to nobody.
            Await.until("readings of the empty bed", Duration.ofSeconds(60), () -> notCharted(scene) >= 6);
            assertThat(scene.gateway.get("/api/status")).contains("\"state\":\"NOT_ASSOCIATED\"");

            Instant annaIn =
                    send(adt, AdtTrigger.A01, annaKey, "ADMIT-A-" + run).sent();
            Await.until("Observations of the admitted patient", Duration.ofSeconds(60), () -> count(scene, anna) >= 6);
            long emptyBefore = notCharted(scene);
            // Readings taken once the gateway acknowledged the discharge are no longer hers.
            Instant annaOut =
                    send(adt, AdtTrigger.A03, annaKey, "DISCH-A-" + run).acknowledged();
            Await.until(
                    "readings of the empty bed after the discharge",
                    Duration.ofSeconds(60),
                    () -> notCharted(scene) >= emptyBefore + 6);

            // The discharge is cancelled (A13): she never left, so the readings of the empty bed since the
            // discharge, passed as "not charted", are charted to her after all (docs/patients.md, "Cancels that give
            // time back"), from the buffer, without anyone confirming them.
            Instant cancelled =
                    send(adt, AdtTrigger.A13, annaKey, "CANCEL-DISCH-A-" + run).acknowledged();
            Await.until(
                    "the readings since the cancelled discharge charted to her",
                    Duration.ofSeconds(60),
                    () -> chartedBetween(scene, anna, annaOut, cancelled) >= 6);
            Path auditFile = scene.dataDir().resolve("audit/audit.jsonl");
            assertThat(Files.readString(auditFile)).contains("\"action\":\"association-restored\"");
            // Charted by the cancel's own replay of the buffer (done, and so audited, only once the clock is past
            // the stretch plus the clock skew allowed), not by the uplink's re-read of what it had not committed.
            assertThat(readQuietly(dir.resolve("gateway.log")))
                    .containsPattern("Release c[0-9a-f]{12}: charting to fhir again from the start of the buffer");
            Instant annaOutAgain =
                    send(adt, AdtTrigger.A03, annaKey, "DISCH2-A-" + run).acknowledged();

            Instant benIn = send(adt, AdtTrigger.A01, benKey, "ADMIT-B-" + run).sent();
            // Killed right after the acknowledgement: the association was durable before it.
            scene.gateway.kill();
            scene.gateway.restart();
            Await.until("Observations of the next patient", Duration.ofSeconds(60), () -> count(scene, ben) >= 4);

            List<Observation> annas = scene.fhir.observations(anna);
            assertThat(annas)
                    .isNotEmpty()
                    .allSatisfy(o -> assertThat(
                                    o.getEffectiveDateTimeType().getValue().toInstant())
                            .as("charted to the first patient only while she was in the bed")
                            .isAfterOrEqualTo(annaIn)
                            .isBefore(annaOutAgain));
            assertThat(annas.stream()
                            .map(o -> o.getIdentifierFirstRep().getValue())
                            .distinct()
                            .count())
                    .as("each reading charted to her once: the cancel's replay is matched by the conditional creates")
                    .isEqualTo(annas.size());
            assertThat(scene.fhir.observations(ben))
                    .allSatisfy(o -> assertThat(
                                    o.getEffectiveDateTimeType().getValue().toInstant())
                            .isAfterOrEqualTo(benIn));
            assertThat(scene.fhir.countObservations(scene.patient()))
                    .as("the scene's own configured patient is not this bed's")
                    .isZero();

            // His admission is cancelled: what was charted to him is withdrawn (entered-in-error), hers is not.
            // The listener's port is chosen again at the restart.
            send(adtAddress(scene.gateway), AdtTrigger.A11, benKey, "CANCEL-B-" + run);
            Await.until(
                    "the next patient's Observations entered in error",
                    Duration.ofSeconds(60),
                    () -> enteredInError(scene, ben));
            assertThat(scene.fhir.observations(anna))
                    .allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL));
            // Every audit entry also as an AuditEvent on the server, the withdrawal's too.
            Await.until(
                    "the withdrawal's AuditEvent",
                    Duration.ofSeconds(60),
                    () -> auditEvents(scene, "withdrawal-done") >= 1);
            assertThat(auditEvents(scene, "association-opened")).isGreaterThanOrEqualTo(2);

            Path audit = scene.dataDir().resolve("audit/audit.jsonl");
            assertThat(Files.readString(audit))
                    .contains("\"action\":\"association-opened\"")
                    .contains("\"action\":\"association-closed\"")
                    .contains("\"action\":\"withdrawal-done\"")
                    .contains(benKey.mrn());
            // No patient data in the ordinary logs: not the names, birth dates or MRNs sent and stored.
            assertThat(Files.readString(dir.resolve("gateway.log")))
                    .doesNotContain("Zwiebelfisch", "Annalena", "Quasthoff", "Benedikt")
                    .doesNotContain("1961-03-14", "19610314", "1958-07-02", "19580702")
                    .doesNotContain(annaKey.mrn(), benKey.mrn());
        }
    }

    private static String config(Scene scene) {
        return """
                gateway:
                  id: %s
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
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                    timeout: 10s
                """.formatted(
                        scene.gatewayId(),
                        scene.dataDir(),
                        scene.device(),
                        scene.device.portPath(),
                        BED,
                        scene.device(),
                        SYSTEM,
                        scene.fhir.base());
    }

    /**
     * @param sent just before the message was built: its EVN-6 (milliseconds) is not earlier
     * @param acknowledged when the acknowledgement was back
     */
    record Sent(Instant sent, Instant acknowledged) {}

    /** Sends one ADT message with HAPI's client (the {@code bedside adt} tool). */
    private static Sent send(String adt, AdtTrigger trigger, PatientKey patient, String controlId) throws Exception {
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        int exit = AdtCommand.run(
                List.of(
                        trigger.name(),
                        "--to",
                        adt,
                        "--mrn",
                        patient.mrn(),
                        "--aa",
                        patient.authority(),
                        "--bed",
                        BED,
                        "--family",
                        "Zwiebelfisch",
                        "--given",
                        "Annalena",
                        "--control-id",
                        controlId),
                System.out,
                System.err);
        assertThat(exit).as(trigger + " acknowledged AA").isZero();
        return new Sent(at, Instant.now());
    }

    private static String adtAddress(GatewayProcess gateway) {
        Matcher m = Pattern.compile("\"listen\":\"mllp://([^\"]+)\"").matcher(gateway.get("/api/status"));
        assertThat(m.find()).as("the ADT listener in the status").isTrue();
        return m.group(1);
    }

    /** Observations of {@code patient} whose effective time is from {@code from} (inclusive) to {@code until}. */
    private static long chartedBetween(Scene scene, String patient, Instant from, Instant until) {
        try {
            return scene.fhir.observations(patient).stream()
                    .map(o -> o.getEffectiveDateTimeType().getValue().toInstant())
                    .filter(t -> !t.isBefore(from) && t.isBefore(until))
                    .count();
        } catch (Exception e) {
            return 0;
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static long notCharted(Scene scene) {
        String s = scene.gateway.get("/api/status");
        if (s == null) {
            return 0;
        }
        Matcher m = Pattern.compile("\"no-patient\":(\\d+)").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static boolean enteredInError(Scene scene, String patient) {
        try {
            List<Observation> all = scene.fhir.observations(patient);
            return !all.isEmpty()
                    && all.stream().allMatch(o -> o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR);
        } catch (Exception e) {
            return false;
        }
    }

    /** AuditEvents of one action (the gateway's subtype) on the server. */
    private static int auditEvents(Scene scene, String action) {
        try {
            return scene.fhir
                    .read(
                            org.hl7.fhir.r4.model.Bundle.class,
                            "AuditEvent?_summary=count&subtype="
                                    + java.net.URLEncoder.encode(
                                            "urn:bedside:audit|" + action, java.nio.charset.StandardCharsets.UTF_8))
                    .getTotal();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int count(Scene scene, String patient) {
        try {
            return scene.fhir.countObservations(patient);
        } catch (Exception e) {
            return 0;
        }
    }
}
