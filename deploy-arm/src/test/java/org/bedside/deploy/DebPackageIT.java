package org.bedside.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bedside.drivers.testing.Await;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package as {@code ./mvnw verify} builds it: its control data and files, the shipped configuration accepted by
 * the gateway's own checks, and a life in a test root ({@link TestRoot}: {@code dpkg --root}, the maintainer scripts
 * chrooted): install, readings buffered while the FHIR server is unreachable, an upgrade over that backlog (which
 * keeps the buffer and the administrator's configuration), the backlog charted by the new version, remove (the
 * buffer and the configuration stay) and purge (both go).
 */
class DebPackageIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String PATIENT = "deb-test-patient";

    @TempDir
    Path tmp;

    @Test
    void controlDataAndFiles() throws Exception {
        Path deb = Commands.deb();
        assertThat(deb.getFileName().toString()).startsWith("bedside_").endsWith("_all.deb");
        assertThat(field(deb, "Package")).isEqualTo("bedside");
        assertThat(field(deb, "Architecture")).isEqualTo("all");
        assertThat(field(deb, "Depends"))
                .startsWith("default-jre-headless (>= 2:1.17) | java17-runtime-headless")
                .contains("java21-runtime-headless", "adduser");
        String files = Commands.ok("dpkg-deb", "-c", deb.toString());
        assertThat(files)
                .contains(
                        "./opt/bedside/app/quarkus-run.jar",
                        "./opt/bedside/jvm.options",
                        "./usr/bin/bedside",
                        "./lib/systemd/system/bedside.service",
                        "./usr/share/doc/bedside/udev/99-bedside-serial.rules.template",
                        "./usr/share/doc/bedside/deployment.md",
                        "./usr/share/doc/bedside/changelog.gz",
                        "./usr/share/man/man1/bedside.1.gz")
                .containsPattern("-rw-r----- root/root .* ./etc/bedside/gateway.yaml");
        // The udev rules are a template: nothing under /lib/udev/rules.d or /etc/udev is active as installed.
        assertThat(files).doesNotContain("rules.d/");
        Path control = tmp.resolve("control");
        Commands.ok("dpkg-deb", "-e", deb.toString(), control.toString());
        assertThat(Files.readString(control.resolve("conffiles")).strip()).isEqualTo("/etc/bedside/gateway.yaml");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(Files.isExecutable(control.resolve(script))).as(script).isTrue();
            Commands.ok("sh", "-n", control.resolve(script).toString());
        }
    }

    /**
     * Debian's own package checker finds no error and no warning beyond the overrides the package ships (each with its
     * reason, src/deb/lintian/bedside). Where lintian is not installed (.ci/run installs it), this is said and skipped.
     */
    @Test
    void lintianFindsNoErrorOrWarning() throws Exception {
        boolean present = Commands.onPath("lintian");
        if (!present) {
            System.err.println("DebPackageIT: lintian is not installed here: the package is NOT checked by lintian");
        }
        assumeTrue(present, "lintian is not installed");
        Commands.Result r = Commands.run(
                "lintian", "--fail-on", "error,warning", Commands.deb().toString());
        assertThat(r.output()).doesNotContainPattern("(?m)^[EW]: ");
        assertThat(r.code()).as(r.output()).isZero();
    }

    @Test
    void theShippedConfigurationIsValidAndReadsNothing() throws Exception {
        Path files = tmp.resolve("files");
        Commands.ok("dpkg-deb", "-x", Commands.deb().toString(), files.toString());
        Path app = files.resolve("opt/bedside/app");
        Commands.Result r = Commands.run(javaCommand(
                "-cp",
                app.resolve("lib/boot") + "/*:" + app.resolve("lib/main") + "/*:" + app.resolve("app") + "/*",
                "org.bedside.runtime.doctor.Doctor",
                "check-config",
                files.resolve("etc/bedside/gateway.yaml").toString()));
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("0 device(s)");
    }

    @Test
    void installBufferUpgradeDrainRemovePurge() throws Exception {
        String why = TestRoot.unavailable();
        if (why != null) {
            System.err.println("DebPackageIT: no test root here (" + why + "): install, upgrade, remove and purge are"
                    + " NOT tested");
        }
        assumeTrue(why == null, why);
        Path deb = Commands.deb();
        Path upgrade = upgradePackage(deb);
        // The sandbox starts (half a minute, more on a loaded machine) while the package is installed and buffers.
        CompletableFuture<FhirSandboxProcess> sandbox = CompletableFuture.supplyAsync(() -> {
            try {
                return FhirSandboxProcess.start(FhirSandboxProcess.Options.in(tmp.resolve("fhir"))
                        .withSeedPatients(PATIENT)
                        .withStartTimeout(Duration.ofMinutes(5)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        try (TestRoot t = TestRoot.create(Files.createTempDirectory("bedside-testroot"));
                AutoCloseable stopSandbox = () -> sandbox.thenAccept(FhirSandboxProcess::close);
                MasimoSimulator oximeter = MasimoSimulator.builder("deb-spo2", Scenarios.parse(Scenarios.STEADY))
                        .period(Duration.ofMillis(100))
                        .portDirectory(tmp.resolve("serial"))
                        .build()) {
            oximeter.start();

            // Install.
            Commands.Result installed = t.dpkg("-i", deb.toString());
            assertThat(installed.code()).as(installed.output()).isZero();
            assertThat(t.chroot("getent", "passwd", "bedside")).contains(":/var/lib/bedside:/usr/sbin/nologin");
            assertThat(t.chroot("id", "-nG", "bedside").split("\\s+")).contains("bedside", "dialout");
            PosixFileAttributes buffer = Files.readAttributes(t.path("/var/lib/bedside"), PosixFileAttributes.class);
            assertThat(buffer.owner().getName()).isNotEqualTo("root");
            assertThat(PosixFilePermissions.toString(buffer.permissions())).isEqualTo("rwxr-x---");
            assertThat(Files.isSymbolicLink(t.path("/etc/systemd/system/multi-user.target.wants/bedside.service")))
                    .as("enabled by postinst")
                    .isTrue();
            assertThat(t.chroot("stat", "-c", "%U:%G %a", "/etc/bedside/gateway.yaml")
                            .strip())
                    .isEqualTo("root:bedside 640");

            // The administrator configures a device; the FHIR server cannot be reached: readings are buffered.
            int closed = freePort();
            Files.writeString(
                    t.path("/etc/bedside/gateway.yaml"), config(t, oximeter, "http://127.0.0.1:" + closed + "/fhir"));
            long backlog;
            try (Gateway g = Gateway.start(t, tmp.resolve("gateway-1.log"))) {
                Await.until("a backlog in the buffer", Duration.ofSeconds(60), () -> pending(g) > 20);
                backlog = pending(g);
                g.stop();
                assertThat(g.exitCode())
                        .as("SIGTERM ends the JVM with 143 (SuccessExitStatus=143)")
                        .isEqualTo(143);
            }
            // No new readings from here on: what the next version charts is the backlog.
            oximeter.stop();
            List<String> queueFiles = queueFiles(t);
            assertThat(queueFiles).isNotEmpty();

            // Upgrade over the backlog: the buffer and the administrator's configuration stay.
            Commands.Result upgraded = t.dpkg("-i", upgrade.toString());
            assertThat(upgraded.code()).as(upgraded.output()).isZero();
            assertThat(t.chroot("dpkg-query", "-W", "-f=${Version}", "bedside")).endsWith("+upgrade");
            assertThat(queueFiles(t)).containsAll(queueFiles);
            assertThat(Files.readString(t.path("/etc/bedside/gateway.yaml"))).contains("deb-spo2");
            assertThat(t.path("/etc/bedside/gateway.yaml.dpkg-dist")).exists();

            // The new version charts the backlog once the server is there.
            FhirSandboxProcess fhir = sandbox.get(6, TimeUnit.MINUTES);
            Files.writeString(t.path("/etc/bedside/gateway.yaml"), config(t, oximeter, fhir.baseUrl()));
            try (Gateway g = Gateway.start(t, tmp.resolve("gateway-2.log"))) {
                // A cold HAPI server on a loaded two-core machine takes its time over the first Bundles.
                Await.until("the backlog charted", Duration.ofMinutes(5), () -> pending(g) == 0);
                assertThat(observations(fhir.baseUrl())).isGreaterThan(0);
                g.stop();
            }

            // Remove: the program goes; the buffer and the configuration stay.
            Commands.Result removed = t.dpkg("-r", "bedside");
            assertThat(removed.code()).as(removed.output()).isZero();
            assertThat(t.path("/opt/bedside/app/quarkus-run.jar")).doesNotExist();
            assertThat(t.path("/usr/bin/bedside")).doesNotExist();
            assertThat(queueFiles(t)).isNotEmpty();
            assertThat(t.path("/etc/bedside/gateway.yaml")).exists();
            assertThat(t.chroot("dpkg-query", "-W", "-f=${Status}", "bedside")).isEqualTo("deinstall ok config-files");

            // Purge: the buffer and the configuration go; the system user stays (Debian's rule for system users).
            Commands.Result purged = t.dpkg("-P", "bedside");
            assertThat(purged.code()).as(purged.output()).isZero();
            assertThat(t.path("/var/lib/bedside")).doesNotExist();
            assertThat(t.path("/var/cache/bedside")).doesNotExist();
            assertThat(t.path("/etc/bedside")).doesNotExist();
            assertThat(t.chroot("getent", "passwd", "bedside")).contains("bedside");
        }
    }

    /** The same package as a later version whose shipped configuration changed: dpkg must keep the edited one. */
    private Path upgradePackage(Path deb) throws Exception {
        Path tree = tmp.resolve("upgrade-tree");
        Commands.ok("dpkg-deb", "-R", deb.toString(), tree.toString());
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(
                control, Files.readString(control).replaceFirst("(?m)^Version: (.*)$", "Version: $1+upgrade"));
        Path yaml = tree.resolve("etc/bedside/gateway.yaml");
        Files.writeString(yaml, Files.readString(yaml) + "# a comment the next version added\n");
        Path md5 = tree.resolve("DEBIAN/md5sums");
        Files.writeString(
                md5,
                Commands.ok(
                        "sh",
                        "-c",
                        "cd " + tree + " && find . -type f ! -path './DEBIAN/*' -printf '%P\\0' | xargs -0 md5sum"));
        Path out = tmp.resolve("bedside_upgrade_all.deb");
        Commands.ok("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", tree.toString(), out.toString());
        return out;
    }

    private static String config(TestRoot t, MasimoSimulator oximeter, String baseUrl) throws IOException {
        return """
                gateway:
                  id: deb-test-gw
                  bed: Test bed
                  patient: Patient/%s
                  data-dir: %s
                  devices:
                    deb-spo2:
                      driver: masimo-ascii
                      port: %s
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 1s
                    timeout: 60s
                quarkus:
                  http:
                    port: %d
                """.formatted(PATIENT, t.path("/var/lib/bedside"), oximeter.portPath(), baseUrl, freePort());
    }

    private static List<String> queueFiles(TestRoot t) throws IOException {
        try (Stream<Path> s = Files.walk(t.path("/var/lib/bedside"))) {
            return s.filter(p -> p.toString().endsWith(".cq4"))
                    .map(Path::toString)
                    .toList();
        }
    }

    private static long pending(Gateway g) {
        String status = g.get("/api/status");
        if (status == null) {
            return -1;
        }
        Matcher m = Pattern.compile("\"pendingRecords\"\\s*:\\s*(\\d+)").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static int observations(String base) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/Observation?subject=Patient/" + PATIENT + "&_summary=count"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"total\"\\s*:\\s*(\\d+)").matcher(r.body());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String field(Path deb, String name) throws IOException, InterruptedException {
        return Commands.ok("dpkg-deb", "-f", deb.toString(), name).strip();
    }

    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The installed gateway, run from the test root's files with the package's JVM options (the unit's command line),
     * by the host's kernel but not chrooted: the simulated oximeter's pseudo-terminal and the sandbox are the host's.
     */
    static final class Gateway implements AutoCloseable {
        private final Process process;
        private final int port;

        private Gateway(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Gateway start(TestRoot t, Path log) throws IOException, InterruptedException {
            Path yaml = t.path("/etc/bedside/gateway.yaml");
            Matcher m = Pattern.compile("port: (\\d+)\\s*$").matcher(Files.readString(yaml));
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));
            Path cache = Files.createDirectories(t.path("/var/cache/bedside"));
            Process p = new ProcessBuilder(javaCommand(
                            "@" + t.path("/opt/bedside/jvm.options"),
                            // The unit's paths inside the test root.
                            "-Djava.io.tmpdir=" + cache,
                            "-Djna.tmpdir=" + cache.resolve("jna"),
                            "-Dquarkus.config.locations=" + yaml,
                            "-jar",
                            t.path("/opt/bedside/app/quarkus-run.jar").toString()))
                    .directory(t.path("/var/lib/bedside").toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Gateway g = new Gateway(p, port);
            Await.until("the installed gateway live (" + log + ")", Duration.ofSeconds(90), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("the gateway exited: " + tail(log));
                }
                String live = g.get("/q/health/live");
                return live != null && live.contains("\"UP\"");
            });
            return g;
        }

        String get(String path) {
            try {
                return HTTP.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(45, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }

        int exitCode() {
            return process.exitValue();
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                stop();
            }
        }
    }
}
