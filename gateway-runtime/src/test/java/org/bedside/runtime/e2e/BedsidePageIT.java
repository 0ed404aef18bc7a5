package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.bedside.sim.AlarmLimits;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bedside page in a real browser (headless Chromium): the packaged gateway reading a simulated oximeter on a
 * pseudo-terminal behind a long by-id style port path, its FHIR server unreachable (a growing backlog), its alarm limits
 * set so that the oximeter reports an SpO2-low alarm. At 1,280 px and at 375 px nothing overflows a tile or the page,
 * the device tile says its link state in a word and shows SpO2 with its unit; stopping the gateway makes the page say
 * that live updates are lost, and starting it again makes the same page live again. Screenshots go to {@code
 * target/page-screenshots/}.
 */
class BedsidePageIT {
    private static final Path SCREENSHOTS = Path.of("target", "page-screenshots");
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

    /** Every tile, and the page itself, no wider than its box; every element inside a tile within the tile. */
    private static final String OVERFLOWS = """
            (() => {
              const bad = [];
              const page = document.documentElement;
              if (page.scrollWidth > page.clientWidth) bad.push('page ' + page.scrollWidth + ' > ' + page.clientWidth);
              document.querySelectorAll('.tile').forEach(tile => {
                const name = tile.getAttribute('aria-label');
                if (tile.scrollWidth > tile.clientWidth) bad.push(name + ' ' + tile.scrollWidth + ' > ' + tile.clientWidth);
                const box = tile.getBoundingClientRect();
                tile.querySelectorAll('*').forEach(e => {
                  const r = e.getBoundingClientRect();
                  if (r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5))
                    bad.push(name + ': ' + e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(r.left) + '..'
                        + Math.round(r.right) + ' outside ' + Math.round(box.left) + '..' + Math.round(box.right));
                });
              });
              return bad.slice(0, 10).join('; ');
            })()
            """;

    @TempDir
    Path dir;

    @Test
    void showsEachDeviceLiveOnADesktopAndAPhoneAndSaysWhenLiveUpdatesAreLostUntilTheyComeBack() throws Exception {
        Optional<Path> chromium = Browser.executable();
        assumeTrue(
                chromium.isPresent(),
                "NOT TESTED: no Chromium on this machine (apt-get install chromium); the bedside page was not checked"
                        + " in a browser");
        // A port path as long as udev's by-id names get, under a deep directory: it must wrap, not push things off.
        Path ports = dir.resolve("serial")
                .resolve("by-id-pci-0000:00:14.0-usb-0:1.4.2:1.0-port0-as-long-as-real-udev-paths-get");
        String device = "page-bed-spo2";
        try (MasimoSimulator oximeter = MasimoSimulator.builder(device, Scenarios.parse("steady"))
                .period(Duration.ofMillis(500))
                // Above any steady SpO2: the oximeter reports "SpO2 low" all along.
                .alarmLimits(new AlarmLimits(99, 100, 40, 180))
                .portDirectory(ports)
                .build()) {
            oximeter.start();
            try (GatewayProcess gateway = GatewayProcess.start(dir, config(device, oximeter.portPath()));
                    Browser browser = Browser.start(chromium.get(), dir.resolve("chromium"))) {
                browser.size(1280, 900, false);
                browser.open(gateway.url("/"));
                awaitLiveDeviceTile(browser, device);
                browser.awaitTrue(
                        "the alerts tile shows the oximeter's SpO2-low alarm with its priority",
                        PAGE_TIMEOUT,
                        "[...document.querySelectorAll('.alerts .alarm')].some(a => /SpO2/i.test(a.innerText)"
                                + " && /priority/.test(a.innerText))");
                browser.awaitTrue(
                        "the gateway alerts tile shows the engine's SpO2-low alert, live, with its priority in words and"
                                + " its state",
                        PAGE_TIMEOUT,
                        "[...document.querySelectorAll('.engine-alerts .engine-alert')].some(a =>"
                                + " /SpO2/i.test(a.querySelector('.alarm-text').innerText)"
                                + " && /priority/.test(a.querySelector('.priority').innerText)"
                                + " && /active/.test(a.querySelector('.alarm-state').innerText))");
                browser.awaitTrue(
                        "the uplink tile shows a backlog (the FHIR server is unreachable)",
                        PAGE_TIMEOUT,
                        "Number(document.querySelector('.uplink .backlog').textContent) > 0");
                browser.awaitTrue(
                        "a trend chart is drawn for SpO2",
                        PAGE_TIMEOUT,
                        "[...document.querySelectorAll('.trend')].some(t => /SpO2/.test(t.dataset.label)"
                                + " && t.querySelector('canvas') && t.querySelector('canvas').width > 0)");
                assertThat(browser.eval(OVERFLOWS).asText())
                        .as("overflow at 1280 px")
                        .isEmpty();
                assertThat(browser.eval("document.getElementById('not-primary').innerText")
                                .asText())
                        .contains("Not a primary alarm display");
                browser.screenshot(SCREENSHOTS.resolve("page-1280.png"));

                browser.size(375, 812, true);
                browser.open(gateway.url("/"));
                awaitLiveDeviceTile(browser, device);
                assertThat(browser.eval(OVERFLOWS).asText())
                        .as("overflow at 375 px")
                        .isEmpty();
                browser.screenshot(SCREENSHOTS.resolve("page-375.png"));

                gateway.stop();
                browser.awaitTrue(
                        "the page says that live updates are lost",
                        Duration.ofSeconds(15),
                        "document.body.classList.contains('lost')"
                                + " && /Live updates lost/.test(document.getElementById('live').innerText)");
                browser.screenshot(SCREENSHOTS.resolve("page-375-updates-lost.png"));

                // The same page, not reloaded, comes back live when the gateway does.
                gateway.restart();
                awaitLiveDeviceTile(browser, device);
            }
        }
    }

    private static void awaitLiveDeviceTile(Browser browser, String device) throws Exception {
        browser.awaitTrue(
                "the device tile says Connected (word and symbol) and shows SpO2 with its unit % and its age",
                PAGE_TIMEOUT, """
                (() => {
                  const tile = document.querySelector('.device[data-device="%s"]');
                  if (!tile) return false;
                  const state = tile.querySelector('.state');
                  const spo2 = [...tile.querySelectorAll('.value')].find(v => v.querySelector('.label').textContent === 'SpO2');
                  return state.querySelector('.word').textContent === 'Connected'
                      && state.querySelector('.symbol').textContent.trim() !== ''
                      && spo2 !== undefined && /^\\d+(\\.\\d+)?$/.test(spo2.querySelector('.number').textContent)
                      && spo2.querySelector('.unit').textContent === '%%'
                      && /ago|just now/.test(spo2.querySelector('.age').textContent);
                })()
                """.formatted(device));
        browser.awaitTrue(
                "live updates on",
                PAGE_TIMEOUT,
                "!document.body.classList.contains('lost') && /Live updates: on/.test(document.getElementById('live').innerText)");
    }

    private String config(String device, Path port) {
        return """
                gateway:
                  id: page-gw
                  bed: ICU bed 12
                  patient: Patient/page-patient
                  data-dir: %s
                  devices:
                    %s:
                      driver: masimo-ascii
                      port: %s
                      idle-timeout: 3s
                      reconnect-max-delay: 1s
                  alarms:
                    # A low limit above any steady SpO2, without delay: the engine's own alert is open at once.
                    care-unit: page
                    care-units:
                      page:
                        spo2.low: 99
                        spo2.low.delay: 0s
                  uplink:
                    # Nothing listens there: the backlog grows, as during an outage.
                    base-url: http://127.0.0.1:9/fhir
                    retry-max-delay: 2s
                    timeout: 2s
                """.formatted(dir.resolve("data"), device, port);
    }
}
