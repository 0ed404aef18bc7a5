package org.bedside.sim.nonin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.FaultInjector.GarbagePlacement;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated oximeter over a real pseudo-terminal, read by the gateway's pipeline with the Nonin driver. */
class NoninSimulatorPtyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    java.nio.file.Path dir;

    private NoninSimulator sim;
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

    private void start(NoninPacketEncoder.Format format) throws IOException {
        sim = NoninSimulator.builder("bed3-spo2", Scenarios.parse("steady"))
                .format(format)
                .period(Duration.ofMillis(20))
                .portDirectory(dir)
                .build();
        sim.start();
        DeviceDriver driver = NoninRoundTripTest.driver(format);
        pipeline = new DevicePipeline(
                DeviceId.of("bed3-spo2"),
                driver,
                DriverOptions.defaults(driver.info()),
                new SerialTransport(sim.portPath(), driver.info().defaultSerial()),
                stored::addAll,
                InstantSource.system(),
                new DevicePipeline.Settings(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(300)));
        pipeline.start();
    }

    private long spo2Readings() {
        synchronized (stored) {
            return stored.stream()
                    .filter(r -> r instanceof NumericReading n && n.metric().equals(Metrics.SPO2))
                    .count();
        }
    }

    @Test
    void packetsStreamThroughThePipelineAndFaultsCostOnlyTheirPackets() throws Exception {
        start(NoninPacketEncoder.Format.DF13);
        Await.until("packets decoded", TIMEOUT, () -> spo2Readings() >= 30);
        assertThat(pipeline.status().decodeFailureTotal()).isZero();
        synchronized (stored) {
            assertThat(stored)
                    .filteredOn(r -> r instanceof NumericReading n && n.metric().equals(Metrics.SPO2))
                    .allMatch(r -> ((NumericReading) r).isValid());
        }
        sim.faults().corruptNextChecksum();
        Await.until(
                "the bad packet counted",
                TIMEOUT,
                () -> pipeline.status().decodeFailures().get(DecodeFailure.Reason.BAD_CHECKSUM) >= 1);
        sim.faults().injectGarbage(17, GarbagePlacement.BETWEEN_LINES);
        long before = spo2Readings();
        Await.until("packets after the faults", TIMEOUT, () -> spo2Readings() >= before + 30);
        // the packet with the bad checksum, the garbage (and at most the packet it glued to): nothing else failed
        assertThat(pipeline.status().decodeFailureTotal()).isBetween(2L, 4L);
        assertThat(sim.emittedFrames()).filteredOn(f -> f.corrupted()).hasSize(1);
    }

    @Test
    void aPulledCableIsADisconnectionAndDataResumesAfterTheReplug() throws Exception {
        start(NoninPacketEncoder.Format.DF2);
        Await.until("packets decoded", TIMEOUT, () -> spo2Readings() >= 10);
        sim.faults().unplugFor(Duration.ofMillis(700));
        Await.until(
                "a disconnection recorded",
                TIMEOUT,
                () -> stored.stream()
                        .anyMatch(r -> r instanceof DeviceStatus s && s.code() == DeviceStatus.Code.DISCONNECTED));
        long before = spo2Readings();
        Await.until("packets again", TIMEOUT, () -> spo2Readings() >= before + 10);
    }
}
