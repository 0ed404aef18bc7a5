package org.bedside.runtime.doctor;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.mqtt.MqttIngestTransport;
import org.bedside.runtime.config.AlarmSettings;
import org.bedside.runtime.config.ConfigFile;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.config.GatewaySettings;
import org.jspecify.annotations.Nullable;

/**
 * {@code bedside doctor [--config FILE] [--listen SECONDS]}: checks a box and prints one line per check, OK or what to
 * do; exits 1 when a check failed, 2 for a usage error. {@code bedside check-config FILE}: the configuration only.
 * When the gateway answers on its HTTP port it holds the serial ports: the doctor asks it (its health) rather than
 * opening them.
 */
public final class Doctor {
    static final Path DEFAULT_CONFIG = Path.of("/etc/bedside/gateway.yaml");

    /** What the checks look at, replaceable in tests for what a real part cannot do here (a user without rights). */
    record Environment(Predicate<Path> access, IntSupplier clock, Duration listen, Duration timeout) {
        static Environment real(Duration listen) {
            return new Environment(Checks.READ_WRITE, Clock::kernelState, listen, Duration.ofSeconds(10));
        }
    }

    private Doctor() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            out.println("usage: bedside doctor [--config FILE] [--listen SECONDS] | bedside check-config FILE");
            return 2;
        }
        Path config = DEFAULT_CONFIG;
        Duration listen = Duration.ofSeconds(3);
        boolean configOnly = "check-config".equals(args[0]);
        if (!configOnly && !"doctor".equals(args[0])) {
            out.println("bedside: unknown command '" + args[0] + "' (doctor, check-config)");
            return 2;
        }
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (configOnly && i == 1 && !a.startsWith("--")) {
                config = Path.of(a);
            } else if ("--config".equals(a) && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if ("--listen".equals(a) && i + 1 < args.length) {
                try {
                    listen = Duration.ofSeconds(Long.parseLong(args[++i]));
                } catch (NumberFormatException e) {
                    out.println("bedside: --listen takes whole seconds, not '" + args[i] + "'");
                    return 2;
                }
            } else {
                out.println("bedside: unexpected argument '" + a + "'");
                return 2;
            }
        }
        List<Finding> findings = check(config, configOnly, Environment.real(listen));
        findings.forEach(f -> out.println(f.line()));
        long failed =
                findings.stream().filter(f -> f.status() == Finding.Status.FAIL).count();
        long warned =
                findings.stream().filter(f -> f.status() == Finding.Status.WARN).count();
        out.println(
                failed == 0
                        ? "bedside: "
                                + (warned == 0 ? "all checks passed" : "no check failed, " + warned + " warning(s)")
                        : "bedside: " + failed + " check(s) failed");
        return failed == 0 ? 0 : 1;
    }

    /** Every finding, the configuration's first; nothing more when the configuration cannot be used. */
    static List<Finding> check(Path file, boolean configOnly, Environment env) {
        List<Finding> findings = new ArrayList<>();
        ConfigFile.Loaded loaded;
        try {
            loaded = ConfigFile.load(file);
        } catch (ConfigFile.Unusable e) {
            e.problems().forEach(p -> findings.add(Finding.fail("config", p)));
            return findings;
        } catch (ConfigProblems e) {
            e.problems().forEach(p -> findings.add(Finding.fail("config", file + ": " + p)));
            return findings;
        }
        GatewaySettings s = loaded.settings();
        findings.add(Finding.ok(
                "config",
                file + ": gateway " + s.gatewayId() + ", " + s.devices().size() + " device(s), delivering to "
                        + String.join(" and ", destinations(s))));
        findings.addAll(destinationFindings(s));
        if (configOnly) {
            return findings;
        }
        @Nullable String health = runningGatewayHealth(loaded.localUrl(), loaded.pageCertificate());
        if (health != null) {
            findings.add(Finding.ok(
                    "gateway", "running (" + loaded.localUrl() + "): serial ports are checked through it, not opened"));
        } else {
            findings.add(Finding.ok("gateway", "not running at " + loaded.localUrl()));
        }
        for (Check c : checks(s, loaded.alarms(), health, env)) {
            findings.add(c.run());
        }
        return findings;
    }

    static List<Check> checks(
            GatewaySettings s, AlarmSettings alarms, @Nullable String runningHealth, Environment env) {
        List<Check> checks = new ArrayList<>();
        checks.add(Checks.clock(env.clock()));
        checks.add(Checks.bufferDisk(s.dataDirectory(), s.guard(), env.access()));
        Set<String> brokers = new LinkedHashSet<>();
        for (GatewaySettings.DeviceSettings d : s.devices()) {
            String name = d.id().value();
            if (d.transport() instanceof SerialTransport serial) {
                checks.add(
                        runningHealth != null
                                ? Checks.serialPortOfRunningGateway(name, runningHealth)
                                : Checks.serialPort(name, serial, env.access(), env.listen()));
            } else if (d.transport() instanceof MqttIngestTransport mqtt) {
                URI broker = mqtt.endpoint().serverUri();
                if (brokers.add(broker.getHost() + ":" + broker.getPort())) {
                    checks.add(Checks.tcp("mqtt " + name, broker.getHost(), broker.getPort(), env.timeout()));
                }
            }
        }
        String patient = s.devices().stream()
                .map(d -> d.context().patientReference())
                .filter(p -> p != null)
                .findFirst()
                .orElse(null);
        if (s.uplink() != null) {
            List<org.bedside.runtime.config.BedSettings.Bed> beds =
                    s.beds().beds().stream().filter(b -> !b.devices().isEmpty()).toList();
            checks.add(
                    Checks.fhir(s.uplink().baseUrl(), s.uplink().security(), patient, !beds.isEmpty(), env.timeout()));
            // Each bed with devices: its Location (the gateway creates it; the Devices point to it) and a fixed
            // patient.
            boolean encounters = s.beds().adt() != null && s.beds().adt().encounters() != null;
            for (var bed : beds) {
                checks.add(Checks.bedLocation(
                        s.uplink().baseUrl(),
                        s.uplink().security(),
                        bed,
                        runningHealth != null,
                        encounters,
                        env.timeout()));
            }
        }
        // The other servers the gateway connects to: reachable is what a biomed can check from the box (the gateway's
        // own state says whether they answer its messages: /api/status).
        if (s.mqttEgress() != null) {
            URI broker = s.mqttEgress().endpoint().serverUri();
            if (brokers.add(broker.getHost() + ":" + broker.getPort())) {
                checks.add(Checks.tcp("mqtt egress", broker.getHost(), broker.getPort(), env.timeout()));
            }
        }
        if (s.pcd01Out() != null) {
            var engine = s.pcd01Out().client();
            checks.add(Checks.tcp("pcd-01 out", engine.host(), engine.port(), env.timeout()));
        }
        if (alarms.pcd04() != null) {
            checks.add(Checks.tcp(
                    "alert manager", alarms.pcd04().host(), alarms.pcd04().port(), env.timeout()));
        }
        if (alarms.escalation() != null) {
            checks.add(Checks.tcp(
                    "alert manager (escalation)",
                    alarms.escalation().host(),
                    alarms.escalation().port(),
                    env.timeout()));
        }
        return checks;
    }

    /** Where the readings go: the FHIR server, the interface engine (PCD-01), the MQTT broker. */
    static List<String> destinations(GatewaySettings s) {
        List<String> d = new ArrayList<>();
        if (s.uplink() != null) {
            d.add("FHIR " + s.uplink().baseUrl());
        }
        if (s.pcd01Out() != null) {
            d.add("PCD-01 " + s.pcd01Out().destination());
        }
        if (s.mqttEgress() != null) {
            d.add("MQTT " + s.mqttEgress().endpoint().describe());
        }
        return d;
    }

    /**
     * What a gateway without a FHIR uplink cannot do, said before anyone finds out at the bedside: bedside confirmation
     * (the patient lookup is a FHIR search), configured patients over PCD-01 (no MRN for PID-3), charting at all with
     * only the MQTT egress.
     */
    static List<Finding> destinationFindings(GatewaySettings s) {
        List<Finding> out = new ArrayList<>();
        if (s.uplink() != null) {
            return out;
        }
        out.add(Finding.ok(
                "fhir",
                "FHIR uplink: not configured (no gateway.uplink.base-url): no Observations, AuditEvents or Locations"
                        + " are written, no FHIR withdrawals"));
        if (s.pcd01Out() == null) {
            out.add(Finding.warn(
                    "destinations",
                    "only the MQTT egress delivers: nothing is charted to a patient record (give"
                            + " gateway.uplink.base-url or gateway.pcd01-out)"));
            return out;
        }
        boolean adtBeds = s.beds().adt() != null && s.beds().beds().stream().anyMatch(b -> b.fixedPatient() == null);
        if (adtBeds) {
            out.add(Finding.warn(
                    "bedside",
                    "gateway.adt associates the beds and PCD-01 out names their patients by MRN, but bedside"
                            + " confirmation (/bedside) needs the FHIR uplink to look patients up: it is refused"));
        }
        boolean configuredPatients =
                s.devices().stream().anyMatch(d -> d.context().patientReference() != null)
                        || s.beds().beds().stream().anyMatch(b -> b.fixedPatient() != null);
        if (configuredPatients) {
            out.add(Finding.warn(
                    "pcd-01 out",
                    "a configured patient (patient: Patient/...) has no MRN for PID-3: its readings are not sent as"
                            + " PCD-01 (no-patient-identifier), and without a FHIR uplink they are charted nowhere;"
                            + " associate those beds by gateway.adt"));
        } else if (!adtBeds) {
            out.add(Finding.warn(
                    "pcd-01 out",
                    "no bed takes its patient from gateway.adt: PCD-01 out has no patient to send readings for"));
        }
        return out;
    }

    /**
     * The gateway's {@code /q/health} on this box, or null when nothing answers there.
     *
     * @param base {@code http://127.0.0.1:8080}, or {@code https://...} for a page that serves HTTPS
     * @param certificate the page's own certificate (PEM): over HTTPS exactly that certificate is trusted, whatever
     *     name it is for (this asks the box itself, by address), and nothing else
     */
    static @Nullable String runningGatewayHealth(URI base, @Nullable Path certificate) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if ("https".equals(base.getScheme())) {
            if (certificate == null) {
                return null;
            }
            try {
                b.sslContext(org.bedside.runtime.security.PinnedCertificate.context(certificate));
            } catch (IOException | java.security.GeneralSecurityException e) {
                return null; // the configuration check names an unusable certificate file
            }
        }
        HttpClient http = b.build();
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/q/health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // 503 is a gateway that answers with something DOWN: still the gateway.
            return r.body().contains("\"checks\"") ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
