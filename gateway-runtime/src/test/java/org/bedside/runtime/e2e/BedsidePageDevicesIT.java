package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bedside page in a real browser (headless Chromium) with two devices at once: two simulated oximeters on two
 * pseudo-terminals, read by the packaged gateway, charting to the real FHIR sandbox. While the sandbox is down each
 * device tile counts its own records waiting (together the uplink's backlog) and says nothing is charted yet; once the
 * sandbox is back each tile shows the value charted for its device; unplugging one oximeter (its pty closed) makes its
 * tile say Disconnected and name its port while the other stays Connected and keeps charting. Screenshots go to {@code
 * target/page-screenshots/}.
 */
class BedsidePageDevicesIT {
    private static final Path SCREENSHOTS = Path.of("target", "page-screenshots");
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A JavaScript expression: the text of {@code selector} in the device tile of {@code device}. */
    private static String text(String device, String selector) {
        return "(document.querySelector('.device[data-device=\"" + device + "\"] " + selector + "') || {}).textContent";
    }

    /** A JavaScript expression: the number of records the tile of {@code device} says are waiting, or -1. */
    private static String waiting(String device) {
        return "(() => { const m = /^(\\d+) records? waiting for charting$/.exec(" + text(device, ".waiting")
                + " || ''); return m ? Number(m[1]) : -1; })()";
    }

    @Test
    void eachDeviceHasItsOwnLinkStateLastChartedAndWaitingAndOneUnpluggedLeavesTheOtherConnected() throws Exception {
        Optional<Path> chromium = Browser.executable();
        assumeTrue(
                chromium.isPresent(),
                "NOT TESTED: no Chromium on this machine (apt-get install chromium); the bedside page with several"
                        + " devices was not checked in a browser");
        FhirSandboxProcess sandbox = Sandbox.get();
        String patient = "page-devices-patient";
        Sandbox.server().createPatient(patient);
        // An outage from the start: the backlog grows per device until the server is back.
        sandbox.stop();
        try {
            withTwoDevices(chromium.get(), sandbox, patient);
        } finally {
            // The sandbox is shared by every end-to-end test of this JVM: never leave it down for the next one.
            if (!sandbox.isAlive()) {
                sandbox.restart();
            }
        }
    }

    private void withTwoDevices(Path chromium, FhirSandboxProcess sandbox, String patient) throws Exception {
        String a = "page-devices-a";
        String b = "page-devices-b";
        try (MasimoSimulator first = MasimoSimulator.builder(a, Scenarios.parse("steady"))
                        .period(Duration.ofMillis(500))
                        .portDirectory(dir.resolve("ports-a"))
                        .build();
                MasimoSimulator second = MasimoSimulator.builder(b, Scenarios.parse("steady"))
                        .period(Duration.ofMillis(500))
                        .portDirectory(dir.resolve("ports-b"))
                        .build()) {
            first.start();
            second.start();
            String portA = first.portPath().toString();
            String portB = second.portPath().toString();
            try (GatewayProcess gateway = GatewayProcess.start(
                            dir, config(patient, sandbox.baseUrl(), a, first.portPath(), b, second.portPath()));
                    Browser browser = Browser.start(chromium, dir.resolve("chromium"))) {
                browser.size(1280, 900, false);
                browser.open(gateway.url("/"));
                for (String device : new String[] {a, b}) {
                    browser.awaitTrue(
                            device + ": Connected, nothing charted yet, some of its records waiting",
                            PAGE_TIMEOUT,
                            text(device, ".state .word") + " === 'Connected' && " + text(device, ".last-charted")
                                    + " === 'nothing charted yet' && " + waiting(device) + " > 0");
                }
                browser.awaitTrue(
                        "the tiles' waiting records add up to the uplink's backlog",
                        PAGE_TIMEOUT,
                        waiting(a) + " + " + waiting(b) + " === Number(document.querySelector('.uplink .backlog')"
                                + ".textContent)");
                // The endpoint as the gateway describes it: "serial:PATH 9600 8N1".
                assertThat(browser.eval(text(a, ".port")).asText())
                        .contains(portA)
                        .doesNotContain(portB);
                assertThat(browser.eval(text(b, ".port")).asText())
                        .contains(portB)
                        .doesNotContain(portA);
                browser.screenshot(SCREENSHOTS.resolve("devices-1280-outage.png"));

                sandbox.restart();
                for (String device : new String[] {a, b}) {
                    browser.awaitTrue(
                            device + ": its own last charted value (metric, number, unit, time)",
                            Duration.ofSeconds(90),
                            "/^[A-Za-z][\\w ]* \\d+(\\.\\d+)? \\S+ \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\)$/.test("
                                    + text(device, ".last-charted") + ")");
                }

                // Unplugged: the second oximeter's pty goes away.
                second.stop();
                browser.awaitTrue(
                        "the unplugged device's tile says Disconnected and names its port",
                        PAGE_TIMEOUT,
                        text(b, ".state .word") + " === 'Disconnected' && " + text(b, ".port") + ".includes('" + portB
                                + "') && " + text(b, ".detail") + ".includes('" + portB + "')");
                browser.awaitTrue(
                        "the unplugged device's records are all charted (none waiting)",
                        PAGE_TIMEOUT,
                        waiting(b) + " === 0");
                String charted = browser.eval(text(a, ".last-charted")).asText();
                browser.awaitTrue(
                        "the other device stays Connected and keeps charting",
                        PAGE_TIMEOUT,
                        text(a, ".state .word") + " === 'Connected' && " + text(a, ".last-charted") + " !== '" + charted
                                + "'");
                assertThat(browser.eval(text(b, ".state .word")).asText()).isEqualTo("Disconnected");
                browser.screenshot(SCREENSHOTS.resolve("devices-1280-one-unplugged.png"));
            }
        }
    }

    private String config(String patient, String fhir, String a, Path portA, String b, Path portB) {
        return """
                gateway:
                  id: page-devices-gw
                  bed: ICU bed 14
                  patient: Patient/%s
                  data-dir: %s
                  devices:
                    %s:
                      driver: masimo-ascii
                      port: %s
                      idle-timeout: 3s
                      reconnect-max-delay: 1s
                    %s:
                      driver: masimo-ascii
                      port: %s
                      idle-timeout: 3s
                      reconnect-max-delay: 1s
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                    timeout: 10s
                """.formatted(patient, dir.resolve("data"), a, portA, b, portB, fhir);
    }
}
