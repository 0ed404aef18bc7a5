package org.bedside.sim.ivue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.ivue.IntelliVueLanDriver;
import org.bedside.drivers.ivue.IntelliVueSerialDriver;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.drivers.transport.Transport;
import org.bedside.drivers.transport.UdpTransport;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.FaultInjector;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator on a real pseudo-terminal and a real UDP socket, read by the gateway's own device pipeline (jSerialComm
 * or UDP, framer, session): association, numerics, faults and re-association, all waited for with deadlines.
 */
class IntelliVueSimulatorTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private record Gateway(DevicePipeline pipeline, List<Reading> readings) implements AutoCloseable {
        long count(int mdc) {
            synchronized (readings) {
                return readings.stream()
                        .filter(r -> r instanceof NumericReading n && n.metric().mdc() == mdc)
                        .count();
            }
        }

        long failures(DecodeFailure.Reason reason) {
            return pipeline.status().decodeFailures().get(reason);
        }

        List<String> disconnects() {
            synchronized (readings) {
                return readings.stream()
                        .filter(r -> r instanceof DeviceStatus s && s.code() == DeviceStatus.Code.DISCONNECTED)
                        .map(r -> ((DeviceStatus) r).detail())
                        .toList();
            }
        }

        @Override
        public void close() {
            pipeline.close();
        }
    }

    private static Gateway gateway(IntelliVueSimulator sim) {
        DeviceDriver driver = sim.transport() == IntelliVueSimulator.Transport.SERIAL
                ? new IntelliVueSerialDriver()
                : new IntelliVueLanDriver();
        Transport transport = sim.transport() == IntelliVueSimulator.Transport.SERIAL
                ? new SerialTransport(sim.portPath(), SerialSettings.of8N1(115_200))
                : new UdpTransport(new InetSocketAddress("127.0.0.1", sim.udpPort()));
        List<Reading> readings = new CopyOnWriteArrayList<>();
        DevicePipeline p = new DevicePipeline(
                DeviceId.of(sim.name()),
                driver,
                DriverOptions.parse(driver.info(), Map.of("poll-period", "10s")),
                transport,
                readings::addAll,
                InstantSource.system(),
                new DevicePipeline.Settings(Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMillis(500)));
        p.start();
        return new Gateway(p, readings);
    }

    private IntelliVueSimulator simulator(String name, IntelliVueSimulator.Transport transport) throws IOException {
        return IntelliVueSimulator.builder(name, Scenarios.parse("steady"))
                .transport(transport)
                .period(Duration.ofMillis(200))
                .portDirectory(dir)
                .build();
    }

    @Test
    void overAPseudoTerminalTheGatewayAssociatesAndReadsEveryVitalSign() throws Exception {
        try (IntelliVueSimulator sim = simulator("pty-monitor", IntelliVueSimulator.Transport.SERIAL)) {
            assertThat(sim.endpoint()).startsWith(dir.toString()).contains("usb-Philips_IntelliVue_MIB_");
            sim.start();
            try (Gateway g = gateway(sim)) {
                Await.until("20 SpO2 readings", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= 20);
                for (int mdc : List.of(
                        Metrics.HEART_RATE_ECG.mdc(),
                        Metrics.PULSE_RATE_OXIMETRY.mdc(),
                        Metrics.RESPIRATION_RATE.mdc(),
                        Metrics.TEMPERATURE.mdc())) {
                    assertThat(g.count(mdc)).as("mdc %d", mdc).isPositive();
                }
                assertThat(g.pipeline().status().session()).contains("associated with Philips SIM-MX");
                assertThat(sim.associations()).isEqualTo(1);
            }
        }
    }

    @Test
    void overAPseudoTerminalBadFcsTruncatedFramesAndGarbageCostOnlyTheFramesTheyHit() throws Exception {
        try (IntelliVueSimulator sim = simulator("pty-faults", IntelliVueSimulator.Transport.SERIAL)) {
            sim.start();
            try (Gateway g = gateway(sim)) {
                Await.until("numerics", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= 5);
                sim.faults().corruptNextFrame();
                Await.until("a bad FCS", DEADLINE, () -> g.failures(DecodeFailure.Reason.BAD_CHECKSUM) >= 1);
                sim.faults().truncateNextFrame();
                Await.until("a truncated frame", DEADLINE, () -> g.failures(DecodeFailure.Reason.TRUNCATED) >= 1);
                sim.faults().injectGarbage(40, FaultInjector.GarbagePlacement.BETWEEN_LINES);
                Await.until("garbage", DEADLINE, () -> g.failures(DecodeFailure.Reason.GARBAGE) >= 1);
                long before = g.count(Metrics.SPO2.mdc());
                Await.until("numerics go on", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= before + 10);
                // a lost frame or two is not a lost association
                assertThat(sim.associations()).isEqualTo(1);
                assertThat(g.disconnects()).isEmpty();
            }
        }
    }

    @Test
    void overAPseudoTerminalAnAbortAndAPulledCableEndInANewAssociation() throws Exception {
        try (IntelliVueSimulator sim = simulator("pty-abort", IntelliVueSimulator.Transport.SERIAL)) {
            sim.start();
            try (Gateway g = gateway(sim)) {
                Await.until("numerics", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= 5);
                sim.faults().abortAssociation();
                Await.until("a second association", DEADLINE, () -> sim.associations() >= 2);
                long before = g.count(Metrics.SPO2.mdc());
                Await.until("numerics again", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= before + 5);
                assertThat(g.disconnects()).contains("session ended: the monitor aborted the association");

                sim.faults().unplugFor(Duration.ofSeconds(1));
                Await.until("a third association", DEADLINE, () -> sim.associations() >= 3);
                long after = g.count(Metrics.SPO2.mdc());
                Await.until("numerics after the replug", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= after + 5);
            }
        }
    }

    @Test
    void overUdpTheGatewayReadsRetriesARefusalAndComesBackAfterSilence() throws Exception {
        try (IntelliVueSimulator sim = simulator("lan-monitor", IntelliVueSimulator.Transport.UDP)) {
            assertThat(sim.endpoint()).isEqualTo("udp://127.0.0.1:" + sim.udpPort());
            sim.faults().refuseAssociations(1);
            sim.start();
            try (Gateway g = gateway(sim)) {
                Await.until("numerics after a refusal", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= 5);
                assertThat(sim.refusals()).isEqualTo(1);
                assertThat(g.disconnects())
                        .anySatisfy(
                                d -> assertThat(d).startsWith("session ended: the monitor refused the association"));

                // the monitor goes quiet: the session gives up and associates again once it talks
                sim.faults().silence(Duration.ofSeconds(7));
                Await.until(
                        "the silence noticed",
                        DEADLINE,
                        () -> g.disconnects().stream().anyMatch(d -> d.contains("within 5 s")));
                long before = g.count(Metrics.SPO2.mdc());
                Await.until("numerics after the silence", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= before + 5);
                assertThat(sim.associations()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void overUdpAClosedSocketIsALostLinkAndTheGatewayReconnects() throws Exception {
        try (IntelliVueSimulator sim = simulator("lan-unplug", IntelliVueSimulator.Transport.UDP)) {
            sim.start();
            try (Gateway g = gateway(sim)) {
                Await.until("numerics", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= 5);
                sim.faults().unplugFor(Duration.ofSeconds(2));
                Await.until("a second association", DEADLINE, () -> sim.associations() >= 2);
                long before = g.count(Metrics.SPO2.mdc());
                Await.until("numerics again", DEADLINE, () -> g.count(Metrics.SPO2.mdc()) >= before + 5);
                assertThat(g.disconnects()).isNotEmpty();
            }
        }
    }
}
