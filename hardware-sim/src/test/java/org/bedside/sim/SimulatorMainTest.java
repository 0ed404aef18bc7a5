package org.bedside.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.Drivers;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.SimulatorMain.SerialKind;
import org.bedside.sim.SimulatorMain.SerialSpec;
import org.bedside.sim.bbraun.SpaceComSimulator;
import org.bedside.sim.nonin.NoninPacketEncoder.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorMainTest {
    @TempDir
    Path dir;

    @Test
    void parsesDeviceSpecsWhoseScenarioHasAColon() {
        assertThat(SimulatorMain.device("bed1"))
                .isEqualTo(new SimulatorMain.DeviceSpec("bed1", "steady", Duration.ofSeconds(1)));
        assertThat(SimulatorMain.device("bed1:desaturation"))
                .isEqualTo(new SimulatorMain.DeviceSpec("bed1", "desaturation", Duration.ofSeconds(1)));
        assertThat(SimulatorMain.device("bed2:bidmc:01"))
                .isEqualTo(new SimulatorMain.DeviceSpec("bed2", "bidmc:01", Duration.ofSeconds(1)));
        assertThat(SimulatorMain.device("bed2:bidmc:01:250ms"))
                .isEqualTo(new SimulatorMain.DeviceSpec("bed2", "bidmc:01", Duration.ofMillis(250)));
        assertThat(SimulatorMain.device("bed3:sensor-off:0.05s"))
                .isEqualTo(new SimulatorMain.DeviceSpec("bed3", "sensor-off", Duration.ofMillis(50)));
        assertThat(SimulatorMain.device("bed3:steady:PT2S").period()).isEqualTo(Duration.ofSeconds(2));

        assertThatThrownBy(() -> SimulatorMain.device("bed4:nope:1s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known scenarios: steady, desaturation, sensor-off");
        assertThatThrownBy(() -> SimulatorMain.device(":steady")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesAnIntelliVueMonitorSpecification() {
        assertThat(SimulatorMain.monitor("bed7"))
                .isEqualTo(new SimulatorMain.MonitorSpec(
                        "bed7",
                        "steady",
                        org.bedside.sim.ivue.IntelliVueSimulator.Transport.SERIAL,
                        Duration.ofSeconds(1)));
        assertThat(SimulatorMain.monitor("bed7:desaturation:udp:200ms"))
                .isEqualTo(new SimulatorMain.MonitorSpec(
                        "bed7",
                        "desaturation",
                        org.bedside.sim.ivue.IntelliVueSimulator.Transport.UDP,
                        Duration.ofMillis(200)));
        assertThat(SimulatorMain.monitor("bed7:bidmc:01:serial").scenario()).isEqualTo("bidmc:01");
        assertThat(SimulatorMain.monitor("bed7:udp").transport())
                .isEqualTo(org.bedside.sim.ivue.IntelliVueSimulator.Transport.UDP);
        assertThatThrownBy(() -> SimulatorMain.monitor("bed7:nope:udp")).hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--masimo", "a", "--intellivue", "a"}))
                .hasMessageContaining("same name");
    }

    @Test
    void runsAnIntelliVueOnUdpBesideAMasimoAndAnswersItsCommands() throws Exception {
        SimulatorMain main = SimulatorMain.start(SimulatorMain.parse(new String[] {
            "--masimo", "bed1:steady:20ms", "--intellivue", "bed7:steady:udp:100ms", "--dir", dir.toString()
        }));
        try {
            List<String> status = main.handle("status");
            assertThat(status).hasSize(2);
            assertThat(status.get(1)).startsWith("ok status bed7 running unassociated udp://127.0.0.1:");
            assertThat(main.handle("abort bed7")).containsExactly("ok bed7 aborts its association");
            assertThat(main.handle("refuse bed7 2")).containsExactly("ok bed7 refuses the next 2 association requests");
            assertThat(main.handle("badfcs bed7")).containsExactly("ok the next frame of bed7 has a bad FCS");
            assertThat(main.handle("truncate bed7")).containsExactly("ok the next frame of bed7 is cut short");
            assertThat(main.handle("silence bed7 0.5")).containsExactly("ok bed7 silent for 0.5 s");
            assertThat(main.handle("unplug bed7 0.2")).containsExactly("ok unplugged bed7 for 0.2 s");
            assertThat(main.handle("garbage bed7 8")).containsExactly("ok 8 bytes of garbage between lines of bed7");
            assertThat(main.handle("abort bed1"))
                    .containsExactly("error: no IntelliVue monitor 'bed1'; monitors: bed7");
            assertThat(main.handle("unplug bed9")).containsExactly("error: no device 'bed9'; devices: bed1, bed7");
        } finally {
            main.stopAll();
        }
    }

    @Test
    void intellivueLatchMakesEverySimulatedMonitorLatchItsRedAlarms() throws Exception {
        assertThat(SimulatorMain.parse(new String[] {"--intellivue", "a"}).intellivueLatch())
                .isEqualTo(Duration.ZERO);
        SimulatorMain.Options options = SimulatorMain.parse(
                new String[] {"--intellivue", "bed7:asystole:udp", "--intellivue-latch", "30s", "--dir", dir.toString()
                });
        assertThat(options.intellivueLatch()).isEqualTo(Duration.ofSeconds(30));
        for (String bad : List.of("0s", "500ms", "1.5s", "2h", "soon")) {
            assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--intellivue", "a", "--intellivue-latch", bad}))
                    .as(bad)
                    .hasMessage("--intellivue-latch " + bad + ": a time in whole seconds from 1s to 1h, such as 30s");
        }
        SimulatorMain main = SimulatorMain.start(options);
        try {
            assertThat(main.handle("status"))
                    .singleElement()
                    .satisfies(s ->
                            assertThat(s).startsWith("ok status bed7 running").endsWith(" latch=30s"));
        } finally {
            main.stopAll();
        }
        assertThat(SimulatorMain.USAGE).contains("--intellivue-latch DURATION");
    }

    @Test
    void runsASpaceComRackOnTcpAndListsItsPumps() throws Exception {
        SimulatorMain main = SimulatorMain.start(
                SimulatorMain.parse(new String[] {"--bbraun-bcc", "bed12-pumps:tcp", "--dir", dir.toString()}));
        try {
            assertThat(main.handle("status")).singleElement().asString().startsWith("ok status bed12-pumps");
            Await.until(
                    "the rack's pumps in their slots",
                    Duration.ofSeconds(10),
                    () -> main.handle("pumps bed12-pumps").size() == 2);
            assertThat(main.handle("pumps bed12-pumps"))
                    .contains("ok pump bed12-pumps 11 infusing 5.00 mL/h Noradrenalin 5mg/50ml alarms=[]");
            assertThat(main.handle("badsum bed12-pumps"))
                    .containsExactly("ok the next frame of bed12-pumps has a bad checksum");
            assertThat(main.handle("pumps bed9")).containsExactly("error: no SpaceCom rack 'bed9'");
        } finally {
            main.stopAll();
        }
        assertThat(SimulatorMain.rack("r1"))
                .isEqualTo(new SimulatorMain.RackSpec("r1", SpaceComSimulator.Transport.SERIAL));
        assertThat(SimulatorMain.rack("r1:TCP"))
                .isEqualTo(new SimulatorMain.RackSpec("r1", SpaceComSimulator.Transport.TCP));
        assertThatThrownBy(() -> SimulatorMain.rack("r1:udp"))
                .hasMessage("--bbraun-bcc r1:udp: 'udp' is neither serial nor tcp");
    }

    @Test
    void theCommandReaderDropsALineLongerThanItsBoundAndReadsTheNextOne() throws Exception {
        // 5 MB without a newline (as from /dev/zero), then a command: the long line is never held whole
        byte[] endless = new byte[5_000_000];
        byte[] next = "\nstatus\nhelp".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.InputStream in = new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream(endless), new java.io.ByteArrayInputStream(next));
        List<String> lines = new ArrayList<>();
        int[] tooLong = {0};
        SimulatorMain.readCommands(in, lines::add, () -> tooLong[0]++);
        assertThat(tooLong[0]).isEqualTo(1);
        assertThat(lines).containsExactly("status", "help");
        assertThat(SimulatorMain.TOO_LONG)
                .isEqualTo("error: a command is at most 1024 characters; that line was dropped");
    }

    @Test
    void parsesGeDriNoninAndMedibusSpecifications() {
        assertThat(SimulatorMain.serialDevice(SerialKind.GE_DRI, "bed4"))
                .isEqualTo(new SerialSpec(SerialKind.GE_DRI, "bed4", "steady", null, Format.DF13));
        assertThat(SimulatorMain.serialDevice(SerialKind.GE_DRI, "bed4:bidmc:01:250ms"))
                .isEqualTo(new SerialSpec(SerialKind.GE_DRI, "bed4", "bidmc:01", Duration.ofMillis(250), Format.DF13));
        assertThat(SimulatorMain.serialDevice(SerialKind.NONIN, "bed5:desaturation:df2:50ms"))
                .isEqualTo(new SerialSpec(SerialKind.NONIN, "bed5", "desaturation", Duration.ofMillis(50), Format.DF2));
        assertThat(SimulatorMain.serialDevice(SerialKind.NONIN, "bed5:df13"))
                .isEqualTo(new SerialSpec(SerialKind.NONIN, "bed5", "steady", null, Format.DF13));
        assertThat(SimulatorMain.serialDevice(SerialKind.MEDIBUS, "bed6:sensor-off"))
                .isEqualTo(new SerialSpec(SerialKind.MEDIBUS, "bed6", "sensor-off", null, Format.DF13));

        // A Medibus device answers polls: it has no period, and a format belongs to Nonin only.
        assertThatThrownBy(() -> SimulatorMain.serialDevice(SerialKind.MEDIBUS, "bed6:steady:1s"))
                .hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> SimulatorMain.serialDevice(SerialKind.GE_DRI, "bed4:df2"))
                .hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> SimulatorMain.serialDevice(SerialKind.NONIN, ":steady"))
                .hasMessageContaining("--nonin :steady: the device needs a name");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--nonin", "a", "--medibus", "a"}))
                .hasMessageContaining("same name");
        assertThat(SimulatorMain.parse(new String[] {"--medibus", "vent"}).serial())
                .extracting(SerialSpec::name)
                .containsExactly("vent");
    }

    @Test
    void runsGeDriNoninAndMedibusDevicesThatTheGatewaysDriversRead() throws Exception {
        SimulatorMain main = SimulatorMain.start(SimulatorMain.parse(new String[] {
            "--ge-dri", "bed4:steady:100ms",
            "--nonin", "bed5:steady:df2:50ms",
            "--medibus", "bed6",
            "--dir", dir.toString()
        }));
        List<DevicePipeline> pipelines = new ArrayList<>();
        try {
            List<String> status = main.handle("status");
            assertThat(status).hasSize(3);
            List<List<Reading>> readings = new ArrayList<>();
            String[][] beds = {{"bed4", "ge-dri"}, {"bed5", "nonin-df2"}, {"bed6", "medibus"}};
            for (int i = 0; i < beds.length; i++) {
                assertThat(status.get(i)).startsWith("ok status " + beds[i][0] + " running plugged ");
                Path port = Path.of(status.get(i).replaceAll(".* port=(\\S+) .*", "$1"));
                assertThat(Files.isSymbolicLink(port)).as(port.toString()).isTrue();
                DeviceDriver driver = Drivers.byCode(beds[i][1]).orElseThrow();
                List<Reading> stored = new CopyOnWriteArrayList<>();
                readings.add(stored);
                DevicePipeline pipeline = new DevicePipeline(
                        DeviceId.of(beds[i][0]),
                        driver,
                        DriverOptions.parse(
                                driver.info(), beds[i][1].equals("nonin-df2") ? Map.of() : Map.of("interval", "1s")),
                        new SerialTransport(port, driver.info().defaultSerial()),
                        stored::addAll,
                        InstantSource.system(),
                        new DevicePipeline.Settings(
                                Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(300)));
                pipelines.add(pipeline);
                pipeline.start();
            }
            for (int i = 0; i < beds.length; i++) {
                List<Reading> stored = readings.get(i);
                Await.until(beds[i][0] + " read by " + beds[i][1], Duration.ofSeconds(30), () -> {
                    synchronized (stored) {
                        return stored.stream()
                                .anyMatch(r -> r instanceof NumericReading n
                                        && n.metric().equals(Metrics.SPO2)
                                        && n.quality().isValid());
                    }
                });
            }

            assertThat(main.handle("badsum bed4")).containsExactly("ok the next frame of bed4 has a bad checksum");
            assertThat(main.handle("badsum bed6")).containsExactly("ok the next frame of bed6 has a bad checksum");
            assertThat(main.handle("garbage bed5 8")).containsExactly("ok 8 bytes of garbage between lines of bed5");
            assertThat(main.handle("silence bed5 0.5")).containsExactly("ok bed5 silent for 0.5 s");
            assertThat(main.handle("status").get(1)).contains(" silent ");
            assertThat(main.handle("unplug bed6")).containsExactly("ok unplugged bed6");
            assertThat(main.handle("status").get(2)).contains(" unplugged ");
            assertThat(main.handle("replug bed6")).singleElement().asString().startsWith("ok replugged bed6: ");
            assertThat(main.handle("unplug bed4 0.2")).containsExactly("ok unplugged bed4 for 0.2 s");
            assertThat(main.handle("badsum bed9"))
                    .containsExactly(
                            "error: no GE DRI, Nonin, Medibus or SpaceCom device 'bed9'; those devices: bed4, bed5,"
                                    + " bed6");
            assertThat(main.handle("badsum")).containsExactly("error: usage: badsum NAME");
            assertThat(main.handle("unplug bed9"))
                    .containsExactly("error: no device 'bed9'; devices: bed4, bed5, bed6");
        } finally {
            pipelines.forEach(DevicePipeline::close);
            main.stopAll();
        }
        try (var files = Files.list(dir)) {
            assertThat(files).as("every port removed at exit").isEmpty();
        }
    }

    @Test
    void parsesTheCommandLine() {
        SimulatorMain.Options o = SimulatorMain.parse(new String[] {
            "--masimo", "a:steady:50ms", "--masimo", "b", "--dir", "/tmp/x", "--zone", "Europe/Berlin", "--seed", "7"
        });

        assertThat(o.devices()).extracting(SimulatorMain.DeviceSpec::name).containsExactly("a", "b");
        assertThat(o.directory()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(o.seed()).isEqualTo(7);
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {}))
                .hasMessageContaining("at least one --masimo, --intellivue, --ge-dri");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--masimo", "a", "--masimo", "a"}))
                .hasMessageContaining("same name");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--masimo", "a", "--zone", "Mars/Base"}))
                .hasMessageContaining("unknown time zone");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--masimo"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--bogus", "1"}))
                .hasMessageContaining("unknown option --bogus");
    }

    @Test
    void answersCommandsOnTheRunningDevices() throws Exception {
        SimulatorMain main = SimulatorMain.start(SimulatorMain.parse(
                new String[] {"--masimo", "bed1:steady:20ms", "--masimo", "bed2:bidmc:01:20ms", "--dir", dir.toString()
                }));
        try {
            Path bed1 = dir.resolve("usb-Masimo_Radical-7_" + MasimoSimulator.serialNumberFor("bed1") + "-if00-port0");
            assertThat(Files.isSymbolicLink(bed1)).isTrue();

            assertThat(main.handle("status"))
                    .hasSize(2)
                    .allSatisfy(l -> assertThat(l).startsWith("ok status bed").contains(" running plugged "));

            assertThat(main.handle("unplug bed1")).containsExactly("ok unplugged bed1");
            assertThat(Files.exists(bed1, LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(main.handle("status").get(0)).contains(" unplugged ");

            assertThat(main.handle("replug bed1")).singleElement().asString().startsWith("ok replugged bed1: ");
            assertThat(Files.isSymbolicLink(bed1)).isTrue();

            assertThat(main.handle("garbage bed2 16 inside"))
                    .containsExactly("ok 16 bytes of garbage inside the next line of bed2");
            assertThat(main.handle("garbage bed2")).containsExactly("ok 32 bytes of garbage between lines of bed2");
            assertThat(main.handle("silence bed2 0.5")).containsExactly("ok bed2 silent for 0.5 s");
            assertThat(main.handle("status").get(1)).contains(" silent ");
            assertThat(main.handle("unplug bed2 0.2")).containsExactly("ok unplugged bed2 for 0.2 s");

            assertThat(main.handle("unplug bed9")).containsExactly("error: no device 'bed9'; devices: bed1, bed2");
            assertThat(main.handle("silence bed1")).containsExactly("error: usage: silence NAME SECONDS");
            assertThat(main.handle("silence bed1 -3"))
                    .singleElement()
                    .asString()
                    .startsWith("error: ");
            assertThat(main.handle("dance")).singleElement().asString().startsWith("error: unknown command 'dance'");
            assertThat(main.handle("  ")).isEmpty();
            assertThat(main.handle("help"))
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l).startsWith("ok "));
        } finally {
            main.stopAll();
        }
        try (var files = Files.list(dir)) {
            assertThat(files).as("every port removed at exit").isEmpty();
        }
    }

    @Test
    void periodsNeedAUnit() {
        assertThat(SimulatorMain.periodOrNull("01")).isNull();
        assertThat(SimulatorMain.periodOrNull("0ms")).isNull();
        assertThat(SimulatorMain.periodOrNull("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(List.of("250ms", "0.25s", "PT0.25S"))
                .allSatisfy(p -> assertThat(SimulatorMain.periodOrNull(p)).isEqualTo(Duration.ofMillis(250)));
    }
}
