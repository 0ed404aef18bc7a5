package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bedside.runtime.systemd.NotifyListener;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway under a stand-in for systemd ({@code NOTIFY_SOCKET} a real AF_UNIX datagram socket, {@code
 * WATCHDOG_USEC} 4 s): READY=1 once it runs, WATCHDOG=1 while its loops turn, and no more pings once the uplink's
 * consumer hangs in an upload to a FHIR server that accepts the connection and never answers, while the device's
 * pipeline goes on turning. STOPPING=1 on SIGTERM.
 */
class SystemdNotifyIT {
    @TempDir
    Path dir;

    @Test
    void readyThenWatchdogPingsThatStopWhenAConsumerHangs() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        CountDownLatch uploadStarted = new CountDownLatch(1);
        try (NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString());
                ServerSocket silentFhir = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                MasimoSimulator oximeter = MasimoSimulator.builder("notify-spo2", Scenarios.parse(Scenarios.STEADY))
                        .period(Duration.ofMillis(200))
                        .portDirectory(dir.resolve("serial"))
                        .build()) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silentFhir.accept()); // read nothing, answer nothing
                        uploadStarted.countDown();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            oximeter.start();
            String yaml = """
                    gateway:
                      id: notify-gw
                      patient: Patient/notify-patient
                      data-dir: %s
                      devices:
                        notify-spo2:
                          driver: masimo-ascii
                          port: %s
                      uplink:
                        base-url: http://127.0.0.1:%d/fhir
                        charting: every-reading
                        timeout: 120s
                    """.formatted(dir.resolve("data"), oximeter.portPath(), silentFhir.getLocalPort());
            try (GatewayProcess gateway = GatewayProcess.start(
                    dir, yaml, Map.of("NOTIFY_SOCKET", systemd.name(), "WATCHDOG_USEC", "4000000"))) {
                int ready = systemd.await("READY=1", 0, Duration.ofSeconds(60));
                assertThat(uploadStarted.await(60, TimeUnit.SECONDS))
                        .as("the uplink connected to the silent server")
                        .isTrue();
                // The consumer is now inside an upload that will not return for 120 s; stalled after 3 s.
                int stalled = systemd.await(
                        l -> l.startsWith("STATUS=stalled: consumer uplink: no turn for"),
                        "a stalled status",
                        ready,
                        Duration.ofSeconds(30));
                assertThat(systemd.received().subList(ready, stalled)).contains("WATCHDOG=1");
                assertThat(systemd.received().get(stalled)).doesNotContain("device notify-spo2");
                // Two more ping periods (1 s each) go by, each with a stalled status and no ping.
                systemd.await(
                        l -> l.startsWith("STATUS=stalled"),
                        "a second stalled status",
                        stalled + 1,
                        Duration.ofSeconds(10));
                int third = systemd.await(
                        l -> l.startsWith("STATUS=stalled"),
                        "a third stalled status",
                        stalled + 2,
                        Duration.ofSeconds(10));
                assertThat(systemd.received().subList(stalled, third + 1))
                        .noneMatch(m -> m.lines().anyMatch("WATCHDOG=1"::equals));

                gateway.stop();
                systemd.await("STOPPING=1", third, Duration.ofSeconds(30));
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
