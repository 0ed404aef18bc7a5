package org.bedside.sim.gedri;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
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
import org.bedside.sim.FaultInjector.GarbagePlacement;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.serial.EmittedFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated monitor over a real pseudo-terminal, talked to by the gateway's own pipeline: jSerialComm at 19200 8E1
 * RTS/CTS, the DRI framer, decoder and session.
 */
class GeDriSimulatorPtyTest {
    private static final LocalDateTime START = LocalDateTime.of(2026, 11, 22, 8, 0, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final DeviceId DEVICE = DeviceId.of("bed7-monitor");

    @TempDir
    java.nio.file.Path dir;

    private GeDriSimulator sim;
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

    private void start(Duration period) throws IOException {
        sim = GeDriSimulator.builder("bed7-monitor", Scenarios.parse("desaturation"))
                .period(period)
                .simulatedClock(START)
                .portDirectory(dir)
                .build();
        sim.start();
        DriverOptions options = DriverOptions.parse(
                GeDriRoundTripTest.DRIVER.info(), Map.of("interval", "1s", "device-time-zone", "UTC"));
        pipeline = new DevicePipeline(
                DEVICE,
                GeDriRoundTripTest.DRIVER,
                options,
                new SerialTransport(
                        sim.portPath(), GeDriRoundTripTest.DRIVER.info().defaultSerial()),
                stored::addAll,
                InstantSource.system(),
                new DevicePipeline.Settings(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(300)));
        pipeline.start();
    }

    /** The readings of each decoded record, by the record's device time. */
    private Map<Instant, List<Reading>> records() {
        synchronized (stored) {
            return stored.stream()
                    .filter(r -> !(r instanceof DeviceStatus))
                    .collect(Collectors.groupingBy(Reading::deviceTime));
        }
    }

    private long heartRates() {
        synchronized (stored) {
            return stored.stream()
                    .filter(r -> r instanceof NumericReading n && n.metric().equals(Metrics.HEART_RATE_ECG))
                    .count();
        }
    }

    private void assertRecordsAreWhatWasSent() {
        // What was decoded first: a record is in the simulator's log before its bytes can be read.
        Map<Instant, List<Reading>> records = records();
        Map<Instant, EmittedFrame<MonitorVitals>> sent = sim.emittedFrames().stream()
                .filter(f -> f.kind().equals(GeDriSimulator.KIND_DISPLAYED_VALUES) && !f.corrupted())
                .collect(Collectors.toMap(f -> f.deviceTime().toInstant(ZoneOffset.UTC), f -> f, (a, b) -> a));
        assertThat(records).isNotEmpty();
        records.forEach((time, readings) -> {
            EmittedFrame<MonitorVitals> frame = sent.get(time);
            assertThat(frame).as("a record the simulator sent at %s", time).isNotNull();
            assertThat(readings).hasSize(55 + 12 + 3);
            GeDriRoundTripTest.assertDecodedAs(readings, frame.values(), frame.deviceTime());
        });
    }

    @Test
    void theGatewaysSessionRequestsDisplayedValuesAndDecodesEveryRecord() throws Exception {
        start(Duration.ofMillis(100));
        Await.until("20 records decoded", TIMEOUT, () -> heartRates() >= 20);
        assertThat(sim.requestedInterval()).isEqualTo(1);
        assertThat(sim.requestsAccepted()).isEqualTo(2); // the 2015 and the 2009 request
        assertThat(pipeline.status().decodeFailureTotal()).isZero();
        assertThat(pipeline.status().session()).isEqualTo("receiving displayed values every 1 s");
        assertRecordsAreWhatWasSent();
    }

    @Test
    void aBadChecksumOrGarbageCostsOnlyTheFramesTheyTouch() throws Exception {
        start(Duration.ofMillis(100));
        Await.until("records", TIMEOUT, () -> heartRates() >= 5);
        sim.faults().corruptNextChecksum();
        Await.until(
                "a bad checksum counted",
                TIMEOUT,
                () -> pipeline.status().decodeFailures().get(DecodeFailure.Reason.BAD_CHECKSUM) == 1);
        sim.faults().injectGarbage(40, GarbagePlacement.INSIDE_LINE);
        sim.faults().injectGarbage(25, GarbagePlacement.BETWEEN_LINES);
        long before = heartRates();
        Await.until("records after the faults", TIMEOUT, () -> heartRates() >= before + 10);
        assertThat(pipeline.status().decodeFailureTotal()).isBetween(2L, 6L);
        assertRecordsAreWhatWasSent();
        long corrupted =
                sim.emittedFrames().stream().filter(EmittedFrame::corrupted).count();
        assertThat(corrupted).isEqualTo(2);
    }

    @Test
    void afterTheCableIsPulledAndPluggedBackTheNewSessionAsksAgain() throws Exception {
        start(Duration.ofMillis(100));
        Await.until("records", TIMEOUT, () -> heartRates() >= 5);
        long accepted = sim.requestsAccepted();
        sim.faults().unplugFor(Duration.ofSeconds(1));
        Await.until(
                "a disconnection recorded",
                TIMEOUT,
                () -> stored.stream()
                        .anyMatch(r -> r instanceof DeviceStatus s && s.code() == DeviceStatus.Code.DISCONNECTED));
        Await.until("requests again", TIMEOUT, () -> sim.requestsAccepted() >= accepted + 2);
        long before = heartRates();
        Await.until("records again", TIMEOUT, () -> heartRates() >= before + 5);
        assertRecordsAreWhatWasSent();
    }
}
