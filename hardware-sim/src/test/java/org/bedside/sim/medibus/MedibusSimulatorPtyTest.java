package org.bedside.sim.medibus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated ventilator over a real pseudo-terminal, talked to by the gateway's pipeline with the Medibus driver
 * and session: ICC, polling, the device's own commands, faults.
 */
class MedibusSimulatorPtyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    java.nio.file.Path dir;

    private MedibusSimulator sim;
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

    private void start() throws IOException {
        sim = MedibusSimulator.builder("bed5-vent", Scenarios.parse("desaturation"))
                .portDirectory(dir)
                .build();
        sim.start();
        MedibusDriverRef d = new MedibusDriverRef();
        pipeline = new DevicePipeline(
                DeviceId.of("bed5-vent"),
                d.driver,
                DriverOptions.parse(d.driver.info(), Map.of("interval", "1s", "timeout", "1s")),
                new SerialTransport(sim.portPath(), d.driver.info().defaultSerial()),
                stored::addAll,
                InstantSource.system(),
                new DevicePipeline.Settings(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(300)));
        pipeline.start();
    }

    private static final class MedibusDriverRef {
        final org.bedside.drivers.medibus.MedibusDriver driver = MedibusRoundTripTest.DRIVER;
    }

    private long spo2Readings() {
        synchronized (stored) {
            return stored.stream()
                    .filter(r -> r instanceof NumericReading n && n.metric().equals(Metrics.SPO2))
                    .count();
        }
    }

    @Test
    void theSessionOpensTheLinkPollsAndDecodesWhatTheVentilatorAnswers() throws Exception {
        start();
        Await.until("three cycles", TIMEOUT, () -> spo2Readings() >= 3);
        assertThat(sim.linkOpen()).isTrue();
        assertThat(pipeline.status().decodeFailureTotal()).isZero();
        assertThat(pipeline.status().session()).isEqualTo("open, polling every 1 s; device 0161'Evita4'04.03");
        // every SpO2 read is one the ventilator answered (read first: an answer is logged before it can be read)
        List<Integer> read;
        synchronized (stored) {
            read = stored.stream()
                    .filter(r -> r instanceof NumericReading n && n.metric().equals(Metrics.SPO2))
                    .map(r -> ((NumericReading) r).value().intValueExact())
                    .toList();
        }
        List<Integer> answered = sim.emittedFrames().stream()
                .filter(f -> f.kind().equals("answer 24"))
                .map(f -> f.values().vitals().spo2())
                .toList();
        assertThat(answered).containsAll(read);
    }

    @Test
    void aDamagedAnswerIsCountedAndAskedForAgain() throws Exception {
        start();
        Await.until("data", TIMEOUT, () -> spo2Readings() >= 2);
        sim.faults().corruptNextChecksum();
        Await.until(
                "the bad checksum counted",
                TIMEOUT,
                () -> pipeline.status().decodeFailures().get(DecodeFailure.Reason.BAD_CHECKSUM) == 1);
        long before = spo2Readings();
        Await.until("data after it", TIMEOUT, () -> spo2Readings() >= before + 2);
        assertThat(pipeline.status().reconnects()).isEqualTo(1); // asked again: no time-out, no reconnect
    }

    @Test
    void aSilentDeviceLosesTheSessionAndTheGatewayOpensItAgain() throws Exception {
        start();
        Await.until("data", TIMEOUT, () -> spo2Readings() >= 2);
        sim.faults().silence(Duration.ofMillis(2500));
        Await.until(
                "the session lost",
                TIMEOUT,
                () -> stored.stream()
                        .anyMatch(r -> r instanceof DeviceStatus s
                                && s.code() == DeviceStatus.Code.DISCONNECTED
                                && s.detail().startsWith("session ended: no answer to")));
        long before = spo2Readings();
        Await.until("data again", TIMEOUT, () -> spo2Readings() >= before + 2);
        assertThat(pipeline.status().reconnects()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPulledCableIsADisconnectionAndTheLinkIsOpenedAgainAfterTheReplug() throws Exception {
        start();
        Await.until("data", TIMEOUT, () -> spo2Readings() >= 2);
        long commands = sim.commandsReceived();
        sim.faults().unplugFor(Duration.ofMillis(800));
        Await.until(
                "a disconnection recorded",
                TIMEOUT,
                () -> stored.stream()
                        .anyMatch(r -> r instanceof DeviceStatus s && s.code() == DeviceStatus.Code.DISCONNECTED));
        long before = spo2Readings();
        Await.until("data again", TIMEOUT, () -> spo2Readings() >= before + 2);
        assertThat(sim.commandsReceived()).isGreaterThan(commands);
    }
}
