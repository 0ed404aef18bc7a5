package org.bedside.sim.serial;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenario;
import org.jspecify.annotations.Nullable;

/**
 * The settings every serial simulator's builder has (name, scenario, clocks, seed, where its port goes); each
 * simulator's builder adds its own. Each setting has a default except the name and the scenario.
 *
 * @param <B> the simulator's own builder, returned by every setter so that calls chain
 */
public abstract class SerialSimulatorBuilder<B extends SerialSimulatorBuilder<B>> {
    private final String name;
    private final Scenario scenario;
    private ZoneId zone = ZoneId.systemDefault();
    private InstantSource wallClock = InstantSource.system();
    private @Nullable LocalDateTime simulatedClockStart;
    private long seed = 1;
    private @Nullable Path link;
    private Path portDirectory = SerialDeviceSimulator.Settings.defaultPortDirectory();
    private int maxUnreadBytes = VirtualSerialPort.DEFAULT_MAX_UNREAD_BYTES;
    private int logCapacity = 10_000;
    private boolean baudPacing;

    /**
     * @throws IllegalArgumentException for a name that is not 1 to 64 letters, digits, '.', '_' or '-'
     */
    protected SerialSimulatorBuilder(String name, Scenario scenario) {
        SerialDeviceSimulator.Settings.requireValidName(name);
        this.name = name;
        this.scenario = scenario;
    }

    protected abstract B self();

    public String name() {
        return name;
    }

    public Scenario scenario() {
        return scenario;
    }

    public B zone(ZoneId zone) {
        this.zone = zone;
        return self();
    }

    public B wallClock(InstantSource clock) {
        this.wallClock = clock;
        return self();
    }

    /** The device's times follow {@code start} and the scenario's seconds instead of the wall clock. */
    public B simulatedClock(LocalDateTime start) {
        this.simulatedClockStart = start.truncatedTo(ChronoUnit.SECONDS);
        return self();
    }

    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** Where the port's symlink goes, exactly; overrides {@link #portDirectory(Path)}. */
    public B link(Path link) {
        this.link = link;
        return self();
    }

    public B portDirectory(Path directory) {
        this.portDirectory = directory;
        return self();
    }

    /**
     * Unread bytes beyond which frames are dropped whole as unheard ({@link VirtualSerialPort#DEFAULT_MAX_UNREAD_BYTES}
     * by default): a gateway that stalls or connects late never sees a frame cut in the middle.
     */
    public B maxUnreadBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("max unread bytes must be positive: " + bytes);
        }
        this.maxUnreadBytes = bytes;
        return self();
    }

    /** How many of the most recent frames {@link SerialDeviceSimulator#emittedFrames()} keeps; 10 000 by default. */
    public B logCapacity(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("log capacity must be positive: " + frames);
        }
        this.logCapacity = frames;
        return self();
    }

    /**
     * Writes frames at the speed of a {@value SerialDeviceSimulator#PACING_BAUD_RATE} baud line, a few bytes at a time,
     * instead of all at once (so a 150-byte frame takes about 150 ms); off by default.
     */
    public B baudPacing(boolean on) {
        this.baudPacing = on;
        return self();
    }

    /** The settings of the simulator base, with the simulator's own tick. */
    public SerialDeviceSimulator.Settings settings(Duration tick) {
        return new SerialDeviceSimulator.Settings(
                name, tick, zone, wallClock, simulatedClockStart, seed, logCapacity, baudPacing);
    }

    /**
     * Opens the port: at {@link #link(Path)}, or under the port directory with a by-id name for this device and a
     * serial number {@link MasimoSimulator#serialNumberFor derived from its name}.
     */
    protected VirtualSerialPort openPort(String manufacturer, String model) throws IOException {
        return openPort(manufacturer, model, MasimoSimulator.serialNumberFor(name));
    }

    /** Opens the port as {@link #openPort(String, String)} does, with the device's own serial number in its name. */
    protected VirtualSerialPort openPort(String manufacturer, String model, String serialNumber) throws IOException {
        Path l = link;
        Path where = l != null ? l : VirtualSerialPort.byIdPath(portDirectory, manufacturer, model, serialNumber);
        return VirtualSerialPort.open(where, maxUnreadBytes);
    }
}
