package org.bedside.sim.bbraun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.bbraun.BccDriver;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.drivers.transport.TcpTransport;
import org.bedside.drivers.transport.Transport;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Reading;
import org.bedside.sim.serial.EmittedFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated SpaceCom over a real pseudo-terminal and over TCP, read by the gateway's pipeline with the BCC driver
 * and session: association, polling, multi-part answers, the pump script, a bad checksum answered with NAK.
 */
class SpaceComSimulatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final BccDriver DRIVER = new BccDriver();

    @TempDir
    java.nio.file.Path dir;

    private SpaceComSimulator sim;
    private DevicePipeline pipeline;
    private final List<Reading> stored = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (sim != null) {
            sim.stop();
        }
    }

    private void start(SpaceComSimulator.Transport kind) throws IOException {
        // parts of at most 700 bytes: every answer with two pumps or more comes in parts
        sim = SpaceComSimulator.builder("bed12-pumps")
                .portDirectory(dir)
                .maxPart(700)
                .speed(4) // the script's 30 s in under 8
                .transport(kind)
                .build();
        sim.start();
        Transport transport = kind == SpaceComSimulator.Transport.SERIAL
                ? new SerialTransport(sim.portPath(), DRIVER.info().defaultSerial())
                : new TcpTransport("127.0.0.1", sim.tcpPort());
        pipeline = new DevicePipeline(
                DeviceId.of("bed12-pumps"),
                DRIVER,
                DriverOptions.parse(DRIVER.info(), Map.of("interval", "1s", "timeout", "1s")),
                transport,
                stored::addAll,
                InstantSource.system(),
                new DevicePipeline.Settings(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(300)));
        pipeline.start();
    }

    private List<InfusionStatus> pump(String channel) {
        return stored.stream()
                .filter(r -> r instanceof InfusionStatus s && s.channel().equals(channel))
                .map(r -> (InfusionStatus) r)
                .toList();
    }

    private static String rate(InfusionStatus s) {
        return s.value(InfusionMetrics.RATE)
                .map(CompoundReading.Component::value)
                .map(Object::toString)
                .orElse("none");
    }

    @Test
    void overThePtyThePumpsStartChangeRateAndOccludeAsScripted() throws Exception {
        start(SpaceComSimulator.Transport.SERIAL);
        Await.until(
                "pump 1-1 infusing",
                TIMEOUT,
                () -> pump("1-1").stream()
                        .anyMatch(s -> s.state() == InfusionStatus.State.INFUSING && rate(s).equals("5.00")));
        InfusionStatus first = pump("1-1").get(0);
        assertThat(first.drugLabel()).isEqualTo("Noradrenalin 5mg/50ml");
        assertThat(first.pumpSerial()).isEqualTo("36248");
        assertThat(first.value(InfusionMetrics.VOLUME_TO_BE_INFUSED)
                        .orElseThrow()
                        .value())
                .hasToString("50.0");
        Await.until(
                "pump 1-2 starts at 10 s",
                TIMEOUT,
                () -> pump("1-2").stream().anyMatch(s -> s.state() == InfusionStatus.State.INFUSING));
        assertThat(pump("1-2").get(0).state()).as("inserted stopped").isEqualTo(InfusionStatus.State.STOPPED);
        Await.until(
                "pump 1-3 nears its end",
                TIMEOUT,
                () -> stored.stream()
                        .anyMatch(r -> r instanceof AlarmEvent a && a.code().equals("1-3:near-end")));
        Await.until(
                "pump 1-1 changes rate at 30 s",
                TIMEOUT,
                () -> pump("1-1").stream().anyMatch(s -> rate(s).equals("8.00")));
        assertThat(pipeline.status().decodeFailureTotal()).isZero();
        assertThat(pipeline.status().session()).startsWith("associated with SpaceSystem, polling every 1000 ms");
        assertThat(sim.requestsRefused())
                .as("the gateway never sends anything but reading requests")
                .isZero();
        assertThat(sim.emittedFrames().stream()
                        .filter(f -> f.bytes().length > 1)
                        .count())
                .as("answers in parts were sent and acknowledged one by one")
                .isGreaterThan(sim.requestsAnswered());
    }

    @Test
    void overTcpThePumpsAreReadAndASpaceComSwitchedOffIsADisconnection() throws Exception {
        start(SpaceComSimulator.Transport.TCP);
        Await.until("pump data", TIMEOUT, () -> pump("1-1").size() >= 2);
        assertThat(pipeline.status().session()).startsWith("associated with SpaceSystem");
        assertThat(sim.requestsRefused()).isZero();
        sim.stop(); // the SpaceCom switched off: the link ends, the gateway reconnects with its back-off
        Await.until(
                "the disconnection recorded",
                TIMEOUT,
                () -> stored.stream()
                        .anyMatch(r -> r instanceof DeviceStatus s && s.code() == DeviceStatus.Code.DISCONNECTED));
    }

    @Test
    void aDamagedAnswerOnTheSerialLineIsNakedCountedAndTheResentOneTaken() throws Exception {
        start(SpaceComSimulator.Transport.SERIAL);
        Await.until("pump data", TIMEOUT, () -> pump("1-1").size() >= 2);
        sim.faults().corruptNextChecksum();
        Await.until(
                "the bad checksum counted",
                TIMEOUT,
                () -> pipeline.status().decodeFailures().getOrDefault(DecodeFailure.Reason.BAD_CHECKSUM, 0L) == 1);
        long before = pump("1-1").size();
        Await.until("data after it", TIMEOUT, () -> pump("1-1").size() >= before + 2);
        assertThat(pipeline.status().reconnects())
                .as("NAK and resend: no time-out, no reconnect")
                .isEqualTo(1);
        assertThat(sim.emittedFrames().stream().filter(EmittedFrame::corrupted).count())
                .isEqualTo(1);
    }
}
