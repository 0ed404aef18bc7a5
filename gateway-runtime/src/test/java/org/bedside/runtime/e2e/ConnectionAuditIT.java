package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No connection that was not configured: the packaged gateway runs under {@code strace}, which records every
 * {@code connect}, {@code sendto} and {@code sendmsg} of every thread, the short and the failed ones included (polling
 * the sockets would miss those). Each network destination must be an endpoint of the configuration; the only local
 * sockets allowed are the ones listed in {@link #LOCAL_SOCKETS}, each with its reason.
 */
class ConnectionAuditIT {
    /** Unix sockets a JVM on Debian may touch without any network: each is local to the box. */
    static final Map<String, String> LOCAL_SOCKETS = Map.of(
            "/var/run/nscd/socket",
            "glibc asks its name service cache daemon before reading /etc/passwd or /etc/hosts");

    private static final Pattern INET =
            Pattern.compile("sa_family=AF_INET, sin_port=htons\\((\\d+)\\), sin_addr=inet_addr\\(\"([^\"]+)\"\\)");
    private static final Pattern INET6 =
            Pattern.compile("sa_family=AF_INET6, sin6_port=htons\\((\\d+)\\).*?inet_pton\\(AF_INET6, \"([^\"]+)\"");
    private static final Pattern UNIX = Pattern.compile("sa_family=AF_UNIX, sun_path=@?\"([^\"]*)\"");
    private static final Pattern FAMILY = Pattern.compile("sa_family=(AF_\\w+)");

    @TempDir
    Path dir;

    @Test
    void everyConnectionTheGatewayAttemptsGoesToAConfiguredEndpoint() throws Exception {
        Path strace = Path.of("/usr/bin/strace");
        assumeTrue(
                Files.isExecutable(strace),
                "strace is not installed (apt-get install strace): the connection audit cannot run here");
        try (Scene scene = new Scene("audit", dir, "steady", Duration.ofMillis(200))) {
            Path trace = dir.resolve("connections.strace");
            scene.simulator.start();
            Files.createDirectories(dir);
            // --seccomp-bpf stops only on the traced calls, so the JVM runs at nearly its normal speed; it also kills
            // the traced gateway if strace itself ends.
            scene.gateway = GatewayProcess.start(
                    dir,
                    scene.config("every-reading"),
                    List.of(
                            strace.toString(),
                            "-f",
                            "--seccomp-bpf",
                            "-qq",
                            "-e",
                            "trace=connect,sendto,sendmsg",
                            "-o",
                            trace.toString()));
            Await.until(
                    "30 observations charted through the traced gateway",
                    Duration.ofSeconds(90),
                    () -> count(scene) >= 30);
            scene.gateway.stop();

            URI fhir = URI.create(scene.fhir.base());
            Set<String> configured = Set.of(fhir.getHost() + ":" + fhir.getPort());

            List<String> lines = Files.readAllLines(trace);
            Set<String> network = new LinkedHashSet<>();
            Set<String> local = new LinkedHashSet<>();
            List<String> otherFamilies = new ArrayList<>();
            for (String line : lines) {
                Matcher m;
                if ((m = INET.matcher(line)).find()) {
                    network.add(m.group(2) + ":" + m.group(1));
                } else if ((m = INET6.matcher(line)).find()) {
                    network.add(unmapped(m.group(2)) + ":" + m.group(1));
                } else if ((m = UNIX.matcher(line)).find()) {
                    local.add(m.group(1));
                } else if ((m = FAMILY.matcher(line)).find() && !m.group(1).equals("AF_NETLINK")) {
                    // AF_NETLINK talks to the kernel (the interface list); any other family is unexpected.
                    otherFamilies.add(line);
                }
            }

            assertThat(network)
                    .as("the gateway's connections (strace in %s)", trace)
                    .contains(fhir.getHost() + ":" + fhir.getPort())
                    .isSubsetOf(configured);
            assertThat(local).as("local sockets").isSubsetOf(LOCAL_SOCKETS.keySet());
            assertThat(otherFamilies).as("sockets of other families").isEmpty();
        }
    }

    /** {@code ::ffff:127.0.0.1} is the IPv4 address a dual-stack socket connects to. */
    private static String unmapped(String address) {
        return address.startsWith("::ffff:") ? address.substring("::ffff:".length()) : address;
    }

    private static int count(Scene scene) {
        try {
            return scene.fhir.countObservations(scene.patient());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
