package org.bedside.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.LinkLostException;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.sim.FaultInjector.GarbagePlacement;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.scenario.VitalSigns;
import org.bedside.sim.serial.EmittedFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator over a real pseudo-terminal, read by the gateway's serial transport and Masimo driver. */
class MasimoSimulatorPtyTest {
    private static final LocalDateTime START = LocalDateTime.of(2026, 11, 22, 8, 0, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private MasimoSimulator sim;
    private GatewayReader reader;

    @AfterEach
    void tearDown() {
        if (reader != null) {
            reader.close();
        }
        if (sim != null) {
            sim.stop();
        }
    }

    private MasimoSimulator simulator(String scenario, Duration period) throws IOException {
        return simulator(scenario, period, VirtualSerialPort.DEFAULT_MAX_UNREAD_BYTES);
    }

    /** With {@code Integer.MAX_VALUE}, a test thread slowed by a busy machine cannot make the port drop lines. */
    private MasimoSimulator simulator(String scenario, Duration period, int maxUnreadBytes) throws IOException {
        sim = MasimoSimulator.builder("bed12-spo2", Scenarios.parse(scenario))
                .period(period)
                .simulatedClock(START)
                .portDirectory(dir)
                .maxUnreadBytes(maxUnreadBytes)
                .build();
        return sim;
    }

    private static int secondOf(Instant deviceTime) {
        return (int) Duration.between(MasimoDecoding.utc(START), deviceTime).toSeconds();
    }

    private void assertLinesMatchWhatWasEmitted(List<GatewayReader.Event> lines) {
        List<EmittedFrame<VitalSigns>> emitted = sim.emittedFrames();
        for (GatewayReader.Event line : lines) {
            int index = secondOf(line.deviceTime());
            EmittedFrame<VitalSigns> sent = emitted.stream()
                    .filter(e -> e.index() == index)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("decoded a line the simulator did not send: " + line));
            MasimoDecoding.assertDecodedAs(
                    line.line(),
                    sent.values(),
                    sent.deviceTime(),
                    MasimoModel.RADICAL_7,
                    AlarmLimits.ADULT,
                    sent.toString());
        }
    }

    @Test
    void theGatewayDecodesExactlyTheLinesTheSimulatorSent() throws Exception {
        // 80 lines of sensor-off: normal, then sensor off (dashes), pulse search, and normal again.
        simulator("sensor-off", Duration.ofMillis(20), Integer.MAX_VALUE);
        reader = GatewayReader.open(sim.portPath());
        sim.start();

        assertThat(reader.readUntil(() -> reader.lines().size() >= 80, TIMEOUT)).isTrue();

        List<GatewayReader.Event> lines = reader.lines();
        assertThat(reader.failures()).isEmpty();
        assertThat(lines.stream().map(e -> secondOf(e.deviceTime())).limit(80))
                .as("every line, in order, none lost")
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 80).boxed().toList());
        assertLinesMatchWhatWasEmitted(lines);
        assertThat(sim.emittedFrames().subList(0, 80))
                .allSatisfy(e -> assertThat(e.delivered()).isTrue());
    }

    @Test
    void unpluggingFailsTheGatewaysReadsAndReplugServesTheSamePathAgain() throws Exception {
        simulator("steady", Duration.ofMillis(50));
        Path port = sim.portPath();
        reader = GatewayReader.open(port);
        sim.start();
        assertThat(reader.readUntil(() -> reader.lines().size() >= 3, TIMEOUT)).isTrue();

        sim.faults().unplug();

        assertThat(Files.exists(port, LinkOption.NOFOLLOW_LINKS)).isFalse();
        long lostAt = System.nanoTime();
        assertThatThrownBy(() -> reader.readUntil(() -> false, Duration.ofSeconds(5)))
                .isInstanceOf(LinkLostException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - lostAt)).isLessThan(Duration.ofSeconds(5));
        reader.close();
        reader = null;
        assertThatThrownBy(() -> new SerialTransport(port, SerialSettings.of8N1(9600)).open())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");

        // The device keeps sending into the void.
        long before = sim.framesEmitted();
        assertThat(sim.awaitFrames(before + 3, TIMEOUT)).isTrue();
        List<EmittedFrame<VitalSigns>> emitted = sim.emittedFrames();
        assertThat(emitted.subList(emitted.size() - 3, emitted.size()))
                .allSatisfy(e -> assertThat(e.bytesTaken()).isZero());
        assertThat(sim.port().bytesDropped()).isPositive();
        assertThat(sim.status().plugged()).isFalse();
        long lastBeforeReplug = emitted.get(emitted.size() - 1).index();

        sim.faults().replug();

        assertThat(Files.readSymbolicLink(port))
                .isEqualTo(sim.port().devicePath().orElseThrow());
        reader = GatewayReader.open(port);
        assertThat(reader.readUntil(() -> reader.lines().size() >= 3, TIMEOUT)).isTrue();
        assertThat(reader.lines())
                .allSatisfy(e -> assertThat(secondOf(e.deviceTime())).isGreaterThan((int) lastBeforeReplug));
        assertLinesMatchWhatWasEmitted(reader.lines());
    }

    @Test
    void aTimedUnplugPlugsBackInByItself() throws Exception {
        simulator("steady", Duration.ofMillis(50));
        Path port = sim.portPath();
        sim.start();

        sim.faults().unplugFor(Duration.ofMillis(300));
        assertThat(Files.exists(port, LinkOption.NOFOLLOW_LINKS)).isFalse();

        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(port) && System.nanoTime() < deadline) {
            sim.awaitFrames(sim.framesEmitted() + 1, Duration.ofSeconds(1)); // a line per check, not a busy loop
        }
        assertThat(sim.status().plugged()).isTrue();
        reader = GatewayReader.open(port);
        assertThat(reader.readUntil(() -> reader.lines().size() >= 2, TIMEOUT)).isTrue();
        assertLinesMatchWhatWasEmitted(reader.lines());
    }

    @Test
    void garbageCostsAtMostTheLineItTouchesAndTheFollowingLinesDecode() throws Exception {
        simulator("desaturation", Duration.ofMillis(30), Integer.MAX_VALUE);
        reader = GatewayReader.open(sim.portPath());
        sim.start();
        assertThat(reader.readUntil(() -> reader.lines().size() >= 3, TIMEOUT)).isTrue();

        sim.faults().injectGarbage(24, GarbagePlacement.INSIDE_LINE);
        assertThat(reader.readUntil(() -> !reader.failures().isEmpty() && reader.linesSinceLastFailure() >= 3, TIMEOUT))
                .isTrue();
        int failuresAfterInside = reader.failures().size();

        sim.faults().injectGarbage(24, GarbagePlacement.BETWEEN_LINES);
        assertThat(reader.readUntil(
                        () -> reader.failures().size() > failuresAfterInside && reader.linesSinceLastFailure() >= 3,
                        TIMEOUT))
                .isTrue();

        List<EmittedFrame<VitalSigns>> emitted = sim.emittedFrames();
        assertThat(emitted.stream().filter(EmittedFrame::corrupted)).hasSize(1);
        EmittedFrame<VitalSigns> corrupted =
                emitted.stream().filter(EmittedFrame::corrupted).findFirst().orElseThrow();
        Set<Integer> decoded =
                reader.lines().stream().map(e -> secondOf(e.deviceTime())).collect(Collectors.toSet());
        assertThat(decoded).doesNotContain((int) corrupted.index());
        int last = reader.lines().stream()
                .mapToInt(e -> secondOf(e.deviceTime()))
                .max()
                .orElseThrow();
        long lost = emitted.stream()
                .filter(e -> e.index() <= last && e.delivered() && !decoded.contains((int) e.index()))
                .count();
        assertThat(lost).as("one line per injection at most").isBetween(1L, 2L);
        assertLinesMatchWhatWasEmitted(reader.lines());
    }

    @Test
    void baudPacingSpreadsALineOverTheTimeA9600BaudLineTakes() throws Exception {
        sim = MasimoSimulator.builder("bed12-spo2", Scenarios.parse("steady"))
                .period(Duration.ofSeconds(2)) // only line 0 is read
                .simulatedClock(START)
                .portDirectory(dir)
                .baudPacing(true)
                .build();
        try (Link link = new SerialTransport(sim.portPath(), SerialSettings.of8N1(9600)).open()) {
            // Line 0 is due at start. However late the threads run on a busy machine, its last byte cannot arrive
            // before pacing lets it: measuring from start gives a lower bound that load cannot break.
            long started = System.nanoTime();
            sim.start();
            ByteBuffer got = ByteBuffer.allocate(1024);
            long deadline = started + TIMEOUT.toNanos();
            while (!endsWithLf(got) && System.nanoTime() < deadline) {
                link.read(got, Duration.ofMillis(100));
            }
            Duration lineTime = Duration.ofNanos(System.nanoTime() - started);
            byte[] line = Arrays.copyOf(got.array(), got.position());

            assertThat(sim.awaitFrames(1, TIMEOUT)).isTrue();
            assertThat(line).isEqualTo(sim.emittedFrames().get(0).bytes());
            // 9600 8N1 is about 1.04 ms a byte: a 140-byte line takes some 145 ms, not the microseconds of one write.
            // The last 8-byte piece goes out without a wait after it, hence the margin.
            assertThat(lineTime).isGreaterThan(Duration.ofNanos((line.length - 8) * 1_000_000L));
        }
    }

    private static boolean endsWithLf(ByteBuffer b) {
        return b.position() > 0 && b.get(b.position() - 1) == '\n';
    }
}
