package org.bedside.sim;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.bedside.sim.bbraun.SpaceComSimulator;
import org.bedside.sim.gedri.GeDriSimulator;
import org.bedside.sim.ivue.IntelliVueSimulator;
import org.bedside.sim.medibus.MedibusSimulator;
import org.bedside.sim.nonin.NoninPacketEncoder;
import org.bedside.sim.nonin.NoninSimulator;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.serial.SerialDeviceSimulator;
import org.jspecify.annotations.Nullable;

/**
 * Runs simulated devices for the demo until SIGTERM or SIGINT.
 *
 * <pre>
 * java -cp 'hardware-sim/target/lib/*' org.bedside.sim.SimulatorMain \
 *     --masimo bed1:desaturation --masimo bed2:bidmc:01:250ms --intellivue bed3:steady:udp \
 *     --ge-dri bed4:desaturation --nonin bed5:steady:df2 --medibus bed6 --dir /tmp/sim
 * device bed1: /tmp/sim/usb-Masimo_Radical-7_1234567890-if00-port0
 * device bed2: /tmp/sim/usb-Masimo_Radical-7_0987654321-if00-port0
 * device bed3: udp://127.0.0.1:40123
 * device bed4: /tmp/sim/usb-GE_CARESCAPE_...-if00-port0
 * ...
 * </pre>
 *
 * <p>One {@code device NAME: PATH} line per device is printed once its port exists. Commands are read from stdin, one
 * per line, and answered on stdout with a line starting {@code ok} or {@code error}: {@code unplug NAME [SECONDS]},
 * {@code replug NAME}, {@code garbage NAME [BYTES] [between|inside]}, {@code silence NAME SECONDS}, {@code status},
 * {@code help}; for IntelliVue monitors also {@code abort NAME}, {@code refuse NAME [COUNT]}, {@code badfcs NAME} and
 * {@code truncate NAME}; for GE DRI monitors, Nonin oximeters and Medibus ventilators also {@code badsum NAME}. The
 * end of stdin ends the commands, not the simulators.
 */
public final class SimulatorMain {
    static final String USAGE = """
            usage: SimulatorMain --masimo NAME[:SCENARIO[:PERIOD]] [--masimo ...]
                                 [--intellivue NAME[:SCENARIO][:serial|udp][:PERIOD]] [--intellivue ...]
                                 [--ge-dri NAME[:SCENARIO[:PERIOD]]] [--nonin NAME[:SCENARIO][:df13|df2][:PERIOD]]
                                 [--medibus NAME[:SCENARIO]] [--bbraun-bcc NAME[:serial|tcp]]
                                 [--intellivue-latch DURATION] [--dir DIR] [--zone ZONE] [--seed N]
              --masimo  a Masimo Radical-7; SCENARIO is steady (default), desaturation, sensor-off, asystole or
                        bidmc:NN (asystole: the IntelliVue raises its own asystole alarm; an oximeter shows dashes);
                        PERIOD is the time between lines, such as 1s (default), 250ms or 0.05s
              --intellivue  a Philips IntelliVue with Data Export on its serial MIB port (default) or on UDP
                        (127.0.0.1, a free port); PERIOD is the time between numerics results (default 1s)
              --ge-dri  a GE CARESCAPE / S/5 monitor's computer interface (DRI); it sends once the gateway asks;
                        PERIOD is the time between records (default: the interval the gateway asks for)
              --nonin   a Nonin oximeter streaming Data Format 13 (default) or 2; PERIOD is the time between
                        packets (default a third of a second, as the device)
              --medibus a Dräger ventilator's Medibus port; it answers the gateway's polls (19200 baud, even parity)
              --bbraun-bcc  a B. Braun SpaceCom rack of infusion pumps speaking BCC, on a pseudo-terminal and a TCP
                        port of 127.0.0.1 at once; serial (default) or tcp says which one the device line names
              --intellivue-latch  every simulated IntelliVue latches its red (high-priority physiological) alarms,
                        as the monitor's alarm latching setting does: once the condition has gone, the alarm stays
                        listed latched (AL_LATCHED) until a simulated clinician resets it DURATION later (whole
                        seconds, 1s to 1h, such as 30s); default: no latching
              --dir     where the ports' symlinks go (default %s)
              --zone    the devices' clock zone, such as Europe/Berlin (default: this machine's)
              --seed    seeds the scenarios' variation and the injected garbage (default 1)
            commands on stdin: unplug NAME [SECONDS] | replug NAME | garbage NAME [BYTES] [between|inside]
                               | silence NAME SECONDS | status | help
                               | abort NAME | refuse NAME [COUNT] | badfcs NAME | truncate NAME  (IntelliVue)
                               | badsum NAME  (GE DRI, Nonin, Medibus, SpaceCom: a bad checksum)
                               | pumps NAME  (SpaceCom: its pumps now)""".formatted(MasimoSimulator.Builder.defaultPortDirectory());

    static final int DEFAULT_GARBAGE_BYTES = 32;

    /** One {@code --masimo} argument. */
    record DeviceSpec(String name, String scenario, Duration period) {}

    /** One {@code --intellivue} argument. */
    record MonitorSpec(String name, String scenario, IntelliVueSimulator.Transport transport, Duration period) {}

    /** The devices that speak a serial protocol of their own, each with its simulator in {@code sim.<protocol>}. */
    enum SerialKind {
        GE_DRI("--ge-dri"),
        NONIN("--nonin"),
        MEDIBUS("--medibus");

        final String option;

        SerialKind(String option) {
            this.option = option;
        }
    }

    /**
     * One {@code --ge-dri}, {@code --nonin} or {@code --medibus} argument. A null period leaves the pace to the device
     * (GE DRI: the interval the gateway asks for; Nonin: three packets a second; Medibus: the gateway's polls).
     */
    record SerialSpec(
            SerialKind kind,
            String name,
            String scenario,
            @Nullable Duration period,
            NoninPacketEncoder.Format noninFormat) {}

    /** One {@code --bbraun-bcc} argument. */
    record RackSpec(String name, SpaceComSimulator.Transport transport) {}

    /** The command line, parsed. */
    record Options(
            List<DeviceSpec> devices,
            Path directory,
            ZoneId zone,
            long seed,
            List<MonitorSpec> monitors,
            List<SerialSpec> serial,
            List<RackSpec> racks,
            Duration intellivueLatch) {
        Options(List<DeviceSpec> devices, Path directory, ZoneId zone, long seed) {
            this(devices, directory, zone, seed, List.of(), List.of(), List.of(), Duration.ZERO);
        }
    }

    private final Map<String, MasimoSimulator> devices;
    private final Map<String, IntelliVueSimulator> monitors;
    private final Map<String, SerialDeviceSimulator<?>> serial;

    SimulatorMain(Map<String, MasimoSimulator> devices) {
        this(devices, Map.of(), Map.of());
    }

    SimulatorMain(
            Map<String, MasimoSimulator> devices,
            Map<String, IntelliVueSimulator> monitors,
            Map<String, SerialDeviceSimulator<?>> serial) {
        this.devices = devices;
        this.monitors = monitors;
        this.serial = serial;
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SimulatorMain main;
        try {
            main = start(options);
        } catch (IOException | RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            main.stopAll();
                            stopped.countDown();
                        },
                        "simulator-shutdown"));
        PrintStream out = System.out;
        main.devices.values().forEach(d -> out.println("device " + d.name() + ": " + d.portPath()));
        main.monitors.values().forEach(m -> out.println("device " + m.name() + ": " + m.endpoint()));
        main.serial.values().forEach(d -> out.println("device " + d.name() + ": " + endpoint(d)));
        out.flush();
        try {
            readCommands(
                    System.in,
                    line -> {
                        for (String answer : main.handle(line)) {
                            out.println(answer);
                        }
                        out.flush();
                    },
                    () -> {
                        out.println(TOO_LONG);
                        out.flush();
                    });
        } catch (IOException e) {
            System.err.println("stdin: " + e.getMessage() + "; commands are no longer read");
        }
        // The demo may run us with stdin closed: keep simulating until a signal ends the JVM.
        stopped.await();
    }

    /** The longest command line read; a longer one is answered with an error, never kept whole. */
    static final int MAX_COMMAND = 1024;

    static final String TOO_LONG = "error: a command is at most " + MAX_COMMAND + " characters; that line was dropped";

    /**
     * Reads commands, one a line, until the end of {@code in}, handing each to {@code handler}. A line longer than
     * {@link #MAX_COMMAND} characters is dropped up to its end and reported as {@code error: ...}: a standard input
     * without newlines (such as {@code < /dev/zero}) never grows a line in memory.
     */
    static void readCommands(java.io.InputStream in, java.util.function.Consumer<String> handler, Runnable tooLongLine)
            throws IOException {
        java.io.Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        char[] buffer = new char[512];
        for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
            for (int i = 0; i < n; i++) {
                char c = buffer[i];
                if (c == '\n') {
                    if (tooLong) {
                        tooLongLine.run();
                    } else {
                        handler.accept(line.toString().replace("\r", ""));
                    }
                    line.setLength(0);
                    tooLong = false;
                } else if (!tooLong) {
                    if (line.length() == MAX_COMMAND) {
                        tooLong = true;
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        if (tooLong) {
            tooLongLine.run();
        } else if (!line.isEmpty()) {
            handler.accept(line.toString());
        }
    }

    private static String endpoint(SerialDeviceSimulator<?> d) {
        return d instanceof SpaceComSimulator s ? s.endpoint() : d.portPath().toString();
    }

    /** Makes and starts the simulators; on failure, the ones already made are removed. */
    static SimulatorMain start(Options options) throws IOException {
        Map<String, MasimoSimulator> devices = new LinkedHashMap<>();
        Map<String, IntelliVueSimulator> monitors = new LinkedHashMap<>();
        Map<String, SerialDeviceSimulator<?>> serial = new LinkedHashMap<>();
        try {
            for (MonitorSpec m : options.monitors()) {
                monitors.put(
                        m.name(),
                        IntelliVueSimulator.builder(m.name(), Scenarios.parse(m.scenario(), options.seed()))
                                .transport(m.transport())
                                .period(m.period())
                                .zone(options.zone())
                                .seed(options.seed())
                                .portDirectory(options.directory())
                                .latchRedAlarms(options.intellivueLatch())
                                .build());
            }
            for (DeviceSpec d : options.devices()) {
                Scenario scenario = Scenarios.parse(d.scenario(), options.seed());
                MasimoSimulator sim = MasimoSimulator.builder(d.name(), scenario)
                        .period(d.period())
                        .zone(options.zone())
                        .seed(options.seed())
                        .portDirectory(options.directory())
                        .build();
                devices.put(d.name(), sim);
            }
            for (SerialSpec d : options.serial()) {
                serial.put(d.name(), serialSimulator(d, options));
            }
            for (RackSpec r : options.racks()) {
                serial.put(
                        r.name(),
                        SpaceComSimulator.builder(r.name())
                                .transport(r.transport())
                                .seed(options.seed())
                                .zone(options.zone())
                                .portDirectory(options.directory())
                                .build());
            }
        } catch (IOException | RuntimeException e) {
            devices.values().forEach(MasimoSimulator::stop);
            monitors.values().forEach(IntelliVueSimulator::stop);
            serial.values().forEach(SimulatedDevice::stop);
            throw e;
        }
        devices.values().forEach(MasimoSimulator::start);
        monitors.values().forEach(IntelliVueSimulator::start);
        serial.values().forEach(SimulatedDevice::start);
        return new SimulatorMain(devices, monitors, serial);
    }

    private static SerialDeviceSimulator<?> serialSimulator(SerialSpec d, Options options) throws IOException {
        Scenario scenario = Scenarios.parse(d.scenario(), options.seed());
        Duration period = d.period();
        return switch (d.kind()) {
            case GE_DRI -> {
                GeDriSimulator.Builder b = GeDriSimulator.builder(d.name(), scenario)
                        .zone(options.zone())
                        .seed(options.seed())
                        .portDirectory(options.directory());
                yield (period != null ? b.period(period) : b).build();
            }
            case NONIN -> {
                NoninSimulator.Builder b = NoninSimulator.builder(d.name(), scenario)
                        .format(d.noninFormat())
                        .zone(options.zone())
                        .seed(options.seed())
                        .portDirectory(options.directory());
                yield (period != null ? b.period(period) : b).build();
            }
            case MEDIBUS ->
                MedibusSimulator.builder(d.name(), scenario)
                        .zone(options.zone())
                        .seed(options.seed())
                        .portDirectory(options.directory())
                        .build();
        };
    }

    void stopAll() {
        devices.values().forEach(MasimoSimulator::stop);
        monitors.values().forEach(IntelliVueSimulator::stop);
        serial.values().forEach(SimulatedDevice::stop);
    }

    /**
     * @throws IllegalArgumentException with a message for the user
     */
    static Options parse(String[] args) {
        List<DeviceSpec> devices = new ArrayList<>();
        List<MonitorSpec> monitors = new ArrayList<>();
        List<SerialSpec> serial = new ArrayList<>();
        List<RackSpec> racks = new ArrayList<>();
        Path directory = MasimoSimulator.Builder.defaultPortDirectory();
        ZoneId zone = ZoneId.systemDefault();
        long seed = Scenarios.DEFAULT_SEED;
        Duration latch = Duration.ZERO;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--masimo" -> devices.add(device(value));
                case "--intellivue" -> monitors.add(monitor(value));
                case "--ge-dri" -> serial.add(serialDevice(SerialKind.GE_DRI, value));
                case "--nonin" -> serial.add(serialDevice(SerialKind.NONIN, value));
                case "--medibus" -> serial.add(serialDevice(SerialKind.MEDIBUS, value));
                case "--bbraun-bcc" -> racks.add(rack(value));
                case "--intellivue-latch" -> latch = latch(value);
                case "--dir" -> directory = Path.of(value);
                case "--zone" -> {
                    try {
                        zone = ZoneId.of(value);
                    } catch (DateTimeException e) {
                        throw new IllegalArgumentException("unknown time zone '" + value + "'");
                    }
                }
                case "--seed" -> {
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed is a whole number, not '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (devices.isEmpty() && monitors.isEmpty() && serial.isEmpty() && racks.isEmpty()) {
            throw new IllegalArgumentException(
                    "no device: give at least one --masimo, --intellivue, --ge-dri, --nonin, --medibus or --bbraun-bcc");
        }
        List<String> names = new ArrayList<>();
        devices.forEach(d -> names.add(d.name()));
        monitors.forEach(m -> names.add(m.name()));
        serial.forEach(d -> names.add(d.name()));
        racks.forEach(r -> names.add(r.name()));
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("two devices have the same name");
        }
        return new Options(
                List.copyOf(devices),
                directory,
                zone,
                seed,
                List.copyOf(monitors),
                List.copyOf(serial),
                List.copyOf(racks),
                latch);
    }

    /** The {@code --intellivue-latch} time: whole seconds from 1 s to 1 h, as the simulated monitor counts them. */
    static Duration latch(String value) {
        Duration d = periodOrNull(value);
        if (d == null
                || d.getNano() != 0
                || d.compareTo(Duration.ofSeconds(1)) < 0
                || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(
                    "--intellivue-latch " + value + ": a time in whole seconds from 1s to 1h, such as 30s");
        }
        return d;
    }

    /**
     * {@code NAME[:SCENARIO][:PERIOD]} for GE DRI, {@code NAME[:SCENARIO][:df13|df2][:PERIOD]} for Nonin and {@code
     * NAME[:SCENARIO]} for Medibus, whose pace is the gateway's polling; the scenario may contain a colon itself.
     */
    static SerialSpec serialDevice(SerialKind kind, String value) {
        List<String> parts = new ArrayList<>(List.of(value.split(":", -1)));
        String name = parts.remove(0);
        Duration period = null;
        NoninPacketEncoder.Format format = NoninPacketEncoder.Format.DF13;
        if (kind != SerialKind.MEDIBUS && !parts.isEmpty()) {
            period = periodOrNull(parts.get(parts.size() - 1));
            if (period != null) {
                parts.remove(parts.size() - 1);
            }
        }
        if (kind == SerialKind.NONIN && !parts.isEmpty()) {
            String last = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
            if (last.equals("df13") || last.equals("df2")) {
                format = last.equals("df2") ? NoninPacketEncoder.Format.DF2 : NoninPacketEncoder.Format.DF13;
                parts.remove(parts.size() - 1);
            }
        }
        String scenario = parts.isEmpty() ? Scenarios.STEADY : String.join(":", parts);
        Scenarios.parse(scenario); // fails early, naming the known scenarios
        if (name.isEmpty()) {
            throw new IllegalArgumentException(kind.option + " " + value + ": the device needs a name");
        }
        return new SerialSpec(kind, name, scenario, period, format);
    }

    /** {@code NAME[:serial|tcp]}: the rack's pumps follow its own script, not a vital-signs scenario. */
    static RackSpec rack(String value) {
        String[] parts = value.split(":", -1);
        if (parts[0].isEmpty() || parts.length > 2) {
            throw new IllegalArgumentException("--bbraun-bcc " + value + ": expected NAME[:serial|tcp]");
        }
        SpaceComSimulator.Transport t = SpaceComSimulator.Transport.SERIAL;
        if (parts.length == 2) {
            t = switch (parts[1].toLowerCase(Locale.ROOT)) {
                case "serial" -> SpaceComSimulator.Transport.SERIAL;
                case "tcp" -> SpaceComSimulator.Transport.TCP;
                default ->
                    throw new IllegalArgumentException(
                            "--bbraun-bcc " + value + ": '" + parts[1] + "' is neither serial nor tcp");
            };
        }
        return new RackSpec(parts[0], t);
    }

    /** {@code NAME[:SCENARIO][:serial|udp][:PERIOD]}; the scenario may contain a colon itself ({@code bidmc:01}). */
    static MonitorSpec monitor(String value) {
        List<String> parts = new ArrayList<>(List.of(value.split(":", -1)));
        String name = parts.remove(0);
        Duration period = Duration.ofSeconds(1);
        IntelliVueSimulator.Transport transport = IntelliVueSimulator.Transport.SERIAL;
        if (!parts.isEmpty()) {
            Duration p = periodOrNull(parts.get(parts.size() - 1));
            if (p != null) {
                period = p;
                parts.remove(parts.size() - 1);
            }
        }
        if (!parts.isEmpty()) {
            String last = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
            if (last.equals("serial") || last.equals("udp")) {
                transport =
                        last.equals("udp") ? IntelliVueSimulator.Transport.UDP : IntelliVueSimulator.Transport.SERIAL;
                parts.remove(parts.size() - 1);
            }
        }
        String scenario = parts.isEmpty() ? Scenarios.STEADY : String.join(":", parts);
        Scenarios.parse(scenario);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("--intellivue " + value + ": the device needs a name");
        }
        return new MonitorSpec(name, scenario, transport, period);
    }

    /** {@code NAME[:SCENARIO[:PERIOD]]}; the scenario may contain a colon itself ({@code bidmc:01}). */
    static DeviceSpec device(String value) {
        List<String> parts = new ArrayList<>(List.of(value.split(":", -1)));
        String name = parts.remove(0);
        Duration period = Duration.ofSeconds(1);
        if (parts.size() >= 2) {
            Duration p = periodOrNull(parts.get(parts.size() - 1));
            if (p != null) {
                period = p;
                parts.remove(parts.size() - 1);
            }
        }
        String scenario = parts.isEmpty() ? Scenarios.STEADY : String.join(":", parts);
        Scenarios.parse(scenario); // fails early, naming the known scenarios
        if (name.isEmpty()) {
            throw new IllegalArgumentException("--masimo " + value + ": the device needs a name");
        }
        return new DeviceSpec(name, scenario, period);
    }

    /** {@code 250ms}, {@code 1s}, {@code 0.05s} or ISO-8601 {@code PT0.25S}; null for anything else. */
    static @Nullable Duration periodOrNull(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.startsWith("pt")) {
                d = Duration.parse(t);
            } else if (t.endsWith("ms")) {
                d = Duration.ofNanos(new BigDecimal(t.substring(0, t.length() - 2))
                        .movePointRight(6)
                        .longValueExact());
            } else if (t.endsWith("s")) {
                d = Duration.ofNanos(new BigDecimal(t.substring(0, t.length() - 1))
                        .movePointRight(9)
                        .longValueExact());
            } else {
                return null;
            }
            return d.isNegative() || d.isZero() ? null : d;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Runs one command line; returns the lines to answer. */
    List<String> handle(String commandLine) {
        String[] words = commandLine.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return List.of();
        }
        try {
            return switch (words[0]) {
                case "status" -> {
                    List<String> lines = new ArrayList<>();
                    devices.values().forEach(d -> lines.add("ok status " + d.status()));
                    monitors.values().forEach(m -> lines.add("ok status " + m.status()));
                    serial.values().forEach(d -> lines.add("ok status " + d.status()));
                    yield lines;
                }
                case "help" -> USAGE.lines().map(l -> "ok " + l).toList();
                case "pumps" -> {
                    checkWords(words, 2, 2);
                    if (!(serial.get(words[1]) instanceof SpaceComSimulator rack)) {
                        throw new IllegalArgumentException("no SpaceCom rack '" + words[1] + "'");
                    }
                    yield rack.pumps().stream()
                            .map(p -> "ok pump " + rack.name() + " " + p)
                            .toList();
                }
                case "unplug" -> unplug(words);
                case "replug" -> {
                    IntelliVueSimulator m = monitorOrNull(words, 2, 2);
                    if (m != null) {
                        m.faults().replug();
                        yield List.of("ok replugged " + m.name() + ": " + m.endpoint());
                    }
                    SimulatedDevice d = device(words, 2, 2);
                    d.faults().replug();
                    yield List.of("ok replugged " + d.name() + ": " + port(d));
                }
                case "garbage" -> garbage(words);
                case "silence" -> {
                    IntelliVueSimulator m = monitorOrNull(words, 3, 3);
                    FaultInjector f =
                            m != null ? m.faults() : device(words, 3, 3).faults();
                    Duration duration = seconds(words[2]);
                    f.silence(duration);
                    yield List.of("ok " + words[1] + " silent for " + words[2] + " s");
                }
                case "abort" -> {
                    IntelliVueSimulator m = monitor(words, 2, 2);
                    m.faults().abortAssociation();
                    yield List.of("ok " + m.name() + " aborts its association");
                }
                case "refuse" -> {
                    IntelliVueSimulator m = monitor(words, 2, 3);
                    int count = words.length == 3 ? count(words[2]) : 1;
                    m.faults().refuseAssociations(count);
                    yield List.of("ok " + m.name() + " refuses the next " + count + " association requests");
                }
                case "badfcs" -> {
                    IntelliVueSimulator m = monitor(words, 2, 2);
                    m.faults().corruptNextFrame();
                    yield List.of("ok the next frame of " + m.name() + " has a bad FCS");
                }
                case "truncate" -> {
                    IntelliVueSimulator m = monitor(words, 2, 2);
                    m.faults().truncateNextFrame();
                    yield List.of("ok the next frame of " + m.name() + " is cut short");
                }
                case "badsum" -> {
                    checkWords(words, 2, 2);
                    SerialDeviceSimulator<?> d = serial.get(words[1]);
                    if (d == null) {
                        throw new IllegalArgumentException("no GE DRI, Nonin, Medibus or SpaceCom device '" + words[1]
                                + "'; those devices: "
                                + (serial.isEmpty() ? "none" : String.join(", ", serial.keySet())));
                    }
                    d.faults().corruptNextChecksum();
                    yield List.of("ok the next frame of " + d.name() + " has a bad checksum");
                }
                default ->
                    throw new IllegalArgumentException("unknown command '" + words[0]
                            + "'; commands: unplug, replug, garbage, silence, status, help, abort, refuse, badfcs,"
                            + " truncate, badsum, pumps");
            };
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            return List.of("error: " + e.getMessage());
        }
    }

    private List<String> unplug(String[] words) throws IOException {
        IntelliVueSimulator m = monitorOrNull(words, 2, 3);
        if (m != null) {
            if (words.length == 3) {
                m.faults().unplugFor(seconds(words[2]));
                return List.of("ok unplugged " + m.name() + " for " + words[2] + " s");
            }
            m.faults().unplug();
            return List.of("ok unplugged " + m.name());
        }
        SimulatedDevice d = device(words, 2, 3);
        if (words.length == 3) {
            d.faults().unplugFor(seconds(words[2]));
            return List.of("ok unplugged " + d.name() + " for " + words[2] + " s");
        }
        d.faults().unplug();
        return List.of("ok unplugged " + d.name());
    }

    private List<String> garbage(String[] words) {
        IntelliVueSimulator m = monitorOrNull(words, 2, 4);
        FaultInjector faults = m != null ? m.faults() : device(words, 2, 4).faults();
        String name = words[1];
        int bytes = DEFAULT_GARBAGE_BYTES;
        FaultInjector.GarbagePlacement placement = FaultInjector.GarbagePlacement.BETWEEN_LINES;
        for (int i = 2; i < words.length; i++) {
            switch (words[i]) {
                case "between" -> placement = FaultInjector.GarbagePlacement.BETWEEN_LINES;
                case "inside" -> placement = FaultInjector.GarbagePlacement.INSIDE_LINE;
                default -> {
                    try {
                        bytes = Integer.parseInt(words[i]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "garbage takes a byte count and 'between' or 'inside', not '" + words[i] + "'");
                    }
                }
            }
        }
        faults.injectGarbage(bytes, placement);
        return List.of("ok " + bytes + " bytes of garbage "
                + (placement == FaultInjector.GarbagePlacement.INSIDE_LINE ? "inside the next line" : "between lines")
                + " of " + name);
    }

    /** The IntelliVue monitor the command names, or null when it names none (it may name a Masimo). */
    private @Nullable IntelliVueSimulator monitorOrNull(String[] words, int minWords, int maxWords) {
        if (words.length < 2) {
            return null;
        }
        IntelliVueSimulator m = monitors.get(words[1]);
        if (m != null) {
            checkWords(words, minWords, maxWords);
        }
        return m;
    }

    private IntelliVueSimulator monitor(String[] words, int minWords, int maxWords) {
        checkWords(words, minWords, maxWords);
        IntelliVueSimulator m = monitors.get(words[1]);
        if (m == null) {
            throw new IllegalArgumentException("no IntelliVue monitor '" + words[1] + "'; monitors: "
                    + (monitors.isEmpty() ? "none" : String.join(", ", monitors.keySet())));
        }
        return m;
    }

    private static int count(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a positive whole number");
        }
    }

    private static void checkWords(String[] words, int minWords, int maxWords) {
        if (words.length < minWords || words.length > maxWords) {
            throw new IllegalArgumentException("usage: "
                    + switch (words[0]) {
                        case "unplug" -> "unplug NAME [SECONDS]";
                        case "replug" -> "replug NAME";
                        case "garbage" -> "garbage NAME [BYTES] [between|inside]";
                        case "refuse" -> "refuse NAME [COUNT]";
                        case "abort", "badfcs", "truncate", "badsum", "pumps" -> words[0] + " NAME";
                        default -> "silence NAME SECONDS";
                    });
        }
    }

    /** The serial device (Masimo, GE DRI, Nonin or Medibus) the command names. */
    private SimulatedDevice device(String[] words, int minWords, int maxWords) {
        checkWords(words, minWords, maxWords);
        SimulatedDevice d = devices.get(words[1]);
        if (d == null) {
            d = serial.get(words[1]);
        }
        if (d == null) {
            List<String> all = new ArrayList<>(devices.keySet());
            all.addAll(monitors.keySet());
            all.addAll(serial.keySet());
            throw new IllegalArgumentException("no device '" + words[1] + "'; devices: " + String.join(", ", all));
        }
        return d;
    }

    /** The port with the pseudo-terminal behind it, for the replug answer. */
    private static Object port(SimulatedDevice d) {
        if (d instanceof SerialDeviceSimulator<?> s) {
            return s.port();
        }
        return d.portPath();
    }

    private static Duration seconds(String text) {
        try {
            Duration d = Duration.ofNanos(new BigDecimal(text).movePointRight(9).longValueExact());
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a positive number of seconds");
        }
    }
}
