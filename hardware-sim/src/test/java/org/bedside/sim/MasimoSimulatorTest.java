package org.bedside.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.scenario.VitalSigns;
import org.bedside.sim.serial.EmittedFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's clock, log, silence and lifecycle; nobody reads its port here. */
class MasimoSimulatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private MasimoSimulator sim;

    @AfterEach
    void tearDown() {
        if (sim != null) {
            sim.stop();
        }
    }

    private MasimoSimulator.Builder builder(Scenario scenario) {
        return MasimoSimulator.builder("bed7", scenario)
                .period(Duration.ofMillis(10))
                .portDirectory(dir);
    }

    /** The line as text without its CR LF. */
    private static String text(EmittedFrame<VitalSigns> line) {
        byte[] bytes = line.bytes();
        assertThat(new String(bytes, bytes.length - 2, 2, StandardCharsets.US_ASCII))
                .isEqualTo("\r\n");
        return new String(bytes, 0, bytes.length - 2, StandardCharsets.US_ASCII);
    }

    @Test
    void lineNIsTheScenarioAtSecondNOnASimulatedClock() throws Exception {
        Scenario scenario = Scenarios.parse("desaturation");
        LocalDateTime start = LocalDateTime.of(2026, 12, 31, 23, 59, 55);
        sim = builder(scenario).simulatedClock(start).serialNumber("0000000042").build();
        sim.start();

        assertThat(sim.awaitFrames(10, TIMEOUT)).isTrue();

        List<EmittedFrame<VitalSigns>> lines = sim.emittedFrames().subList(0, 10);
        MasimoLineEncoder encoder = new MasimoLineEncoder(MasimoModel.RADICAL_7, "0000000042", AlarmLimits.ADULT);
        for (int i = 0; i < 10; i++) {
            EmittedFrame<VitalSigns> line = lines.get(i);
            assertThat(line.index()).isEqualTo(i);
            assertThat(line.deviceTime()).isEqualTo(start.plusSeconds(i));
            assertThat(line.values()).isEqualTo(scenario.at(i));
            assertThat(line.bytes()).isEqualTo(encoder.encode(scenario.at(i), start.plusSeconds(i)));
            assertThat(line.corrupted()).isFalse();
        }
        assertThat(text(lines.get(5))).startsWith("01/01/27 00:00:00 SN=0000000042 SPO2=");
    }

    @Test
    void theWallClockIsReadInTheDevicesZoneAndTruncatedToTheSecond() throws Exception {
        InstantSource clock = InstantSource.fixed(Instant.parse("2026-07-01T10:15:30.900Z"));
        sim = builder(Scenarios.parse("steady"))
                .wallClock(clock)
                .zone(ZoneId.of("Europe/Berlin"))
                .build();
        sim.start();

        assertThat(sim.awaitFrames(2, TIMEOUT)).isTrue();

        assertThat(sim.emittedFrames().get(0).deviceTime()).isEqualTo(LocalDateTime.of(2026, 7, 1, 12, 15, 30));
        assertThat(text(sim.emittedFrames().get(1))).startsWith("07/01/26 12:15:30 ");
    }

    @Test
    void theRadical5SendsTheShortLine() throws Exception {
        sim = builder(Scenarios.parse("steady"))
                .model(MasimoModel.RADICAL_5)
                .simulatedClock(LocalDateTime.of(2026, 1, 1, 0, 0))
                .build();
        sim.start();

        assertThat(sim.awaitFrames(1, TIMEOUT)).isTrue();

        assertThat(text(sim.emittedFrames().get(0)))
                .matches("01/01/26 00:00:00 SPO2=\\d{3}% BPM=\\d{3} PI=\\d\\d\\.\\d\\d% ALARM=00 EXC=800");
        assertThat(sim.portPath().getFileName().toString()).contains("Radical-5");
    }

    @Test
    void silenceSkipsLinesWhileTheScenarioRunsOnAndThePortStaysOpen() throws Exception {
        sim = builder(Scenarios.parse("steady")).build();
        sim.start();
        assertThat(sim.awaitFrames(3, TIMEOUT)).isTrue();

        sim.faults().silence(Duration.ofMillis(200));
        assertThat(sim.status().silent()).isTrue();
        long atSilence = sim.framesEmitted();
        assertThat(sim.awaitFrames(atSilence + 5, TIMEOUT)).isTrue();

        SimulatorStatus status = sim.status();
        assertThat(status.silent()).isFalse();
        assertThat(status.plugged()).as("the port stays open").isTrue();
        assertThat(status.linesSilenced()).isPositive();
        List<EmittedFrame<VitalSigns>> lines = sim.emittedFrames();
        long skipped = 0;
        for (int i = 1; i < lines.size(); i++) {
            skipped += lines.get(i).index() - lines.get(i - 1).index() - 1;
        }
        assertThat(skipped).as("the silenced lines' numbers are skipped").isEqualTo(status.linesSilenced());
    }

    @Test
    void listenersSeeEveryLineAndTheLogKeepsTheMostRecent() throws Exception {
        List<EmittedFrame<VitalSigns>> heard = new CopyOnWriteArrayList<>();
        sim = builder(Scenarios.parse("steady")).logCapacity(5).build();
        sim.addListener(heard::add);
        sim.addListener(line -> {
            throw new IllegalStateException("a broken listener does not stop the device");
        });
        sim.start();

        assertThat(sim.awaitFrames(12, TIMEOUT)).isTrue();
        sim.stop();

        List<EmittedFrame<VitalSigns>> log = sim.emittedFrames();
        assertThat(log).hasSize(5);
        assertThat(heard).hasSize((int) sim.framesEmitted());
        assertThat(heard.subList(heard.size() - 5, heard.size())).isEqualTo(log);
        assertThat(log.get(4).index()).isEqualTo(sim.framesEmitted() - 1);
    }

    @Test
    void thePortExistsFromBuildUntilStop() throws Exception {
        sim = builder(Scenarios.parse("steady")).build();
        Path port = sim.portPath();

        assertThat(port)
                .isEqualTo(VirtualSerialPort.byIdPath(
                        dir, "Masimo", "Radical-7", MasimoSimulator.serialNumberFor("bed7")));
        assertThat(Files.isSymbolicLink(port)).isTrue();
        assertThat(sim.framesEmitted()).as("nothing before start").isZero();
        sim.start();
        assertThat(sim.isRunning()).isTrue();
        assertThatThrownBy(sim::start).isInstanceOf(IllegalStateException.class);

        sim.stop();

        assertThat(sim.isRunning()).isFalse();
        assertThat(Files.exists(port, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(sim.awaitFrames(Long.MAX_VALUE, TIMEOUT))
                .as("returns at once when stopped")
                .isFalse();
        assertThatThrownBy(() -> sim.faults().replug()).isInstanceOf(IllegalStateException.class);
        sim.stop(); // idempotent
    }

    @Test
    void aLineWithoutChecksumRefusesTheChecksumFaultAndSendsOn() throws Exception {
        sim = builder(Scenarios.parse("steady")).build();
        sim.start();

        assertThatThrownBy(() -> sim.faults().corruptNextChecksum())
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("bed7")
                .hasMessageContaining("no checksum");

        long before = sim.framesEmitted();
        assertThat(sim.awaitFrames(before + 3, TIMEOUT)).isTrue();
        assertThat(sim.emittedFrames()).noneMatch(EmittedFrame::corrupted);
    }

    @Test
    void refusesBadSettings() throws IOException {
        assertThatThrownBy(() -> MasimoSimulator.builder("bed 7", Scenarios.parse("steady")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder(Scenarios.parse("steady")).period(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        builder(Scenarios.parse("steady")).serialNumber("12").build())
                .isInstanceOf(IllegalArgumentException.class);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no port made for a refused simulator").isEmpty();
        }
        assertThat(MasimoSimulator.serialNumberFor("bed7"))
                .matches("\\d{10}")
                .isEqualTo(MasimoSimulator.serialNumberFor("bed7"))
                .isNotEqualTo(MasimoSimulator.serialNumberFor("bed8"));
    }
}
