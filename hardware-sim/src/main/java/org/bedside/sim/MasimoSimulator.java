package org.bedside.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.zip.CRC32;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.VitalSigns;
import org.bedside.sim.serial.SerialDeviceSimulator;
import org.bedside.sim.serial.SerialSimulatorBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A Masimo Radical-7 (or Radical-5) on a virtual serial port: one "ASCII 1" line per period, from a {@link Scenario}.
 *
 * <pre>{@code
 * MasimoSimulator sim = MasimoSimulator.builder("bed12-spo2", Scenarios.parse("desaturation"))
 *         .period(Duration.ofMillis(50))
 *         .portDirectory(tempDir)
 *         .build();                  // the port exists from here: give sim.portPath() to the gateway
 * sim.start();
 * sim.faults().unplugFor(Duration.ofSeconds(2));
 * sim.awaitFrames(100, Duration.ofSeconds(10));
 * sim.stop();                        // removes the port
 * }</pre>
 *
 * <p>Line {@code n} carries the scenario's vitals at second {@code n}, whatever the period: a shorter period plays the
 * scenario faster. The device clock is either the wall clock in the device's zone, truncated to the second (lines
 * sent faster than once a second then share a time, as they would not on a real device), or a simulated clock that
 * starts at a given time and advances one second per line.
 *
 * <p>Lines are sent at a fixed rate. A simulator that falls more than a period behind (a paused JVM) carries on from
 * now rather than sending the missed lines in a burst. With baud pacing, a line is written a few bytes at a time at the
 * speed of a 9600 baud line (about 1.04 ms a byte, so 150 ms for a Radical-7 line); the period should then exceed that.
 *
 * <p>The device only talks: it reads nothing from the port, and its lines have no checksum, so {@code
 * faults().corruptNextChecksum()} refuses; garbage inside a line goes before its CR LF. The thread, the port, the log
 * ({@link #emittedFrames()}, each {@link #KIND_LINE}, its values the line's vitals), the listeners and the faults are
 * those of {@link SerialDeviceSimulator}. Thread-safe.
 */
public final class MasimoSimulator extends SerialDeviceSimulator<VitalSigns> {
    public static final String KIND_LINE = "line";

    private final Scenario scenario;
    private final MasimoLineEncoder encoder;
    private final long periodNanos;
    // The simulator's thread only.
    private long nextLineNanos;
    private long lines;

    private MasimoSimulator(Builder b, MasimoLineEncoder encoder, VirtualSerialPort port) {
        // A tick of one period: the thread wakes for each line, for a fault and for a stop, and not in between.
        super(b.settings(b.period), port);
        this.scenario = b.scenario();
        this.encoder = encoder;
        this.periodNanos = b.period.toNanos();
    }

    /**
     * @param name the device's name, 1 to 64 letters, digits, '.', '_' or '-'
     */
    public static Builder builder(String name, Scenario scenario) {
        return new Builder(name, scenario);
    }

    /**
     * The serial number a simulator gets when none is set: derived from its name, so the port path stays the same
     * from one run to the next.
     */
    public static String serialNumberFor(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%010d", crc.getValue() % 10_000_000_000L);
    }

    public Scenario scenario() {
        return scenario;
    }

    public MasimoLineEncoder encoder() {
        return encoder;
    }

    @Override
    protected boolean listens() {
        return false;
    }

    @Override
    protected boolean hasChecksum() {
        return false;
    }

    @Override
    protected int frameEndLength() {
        return MasimoLineEncoder.LINE_END.length;
    }

    @Override
    protected void onStart(Output<VitalSigns> out, long nowNanos) {
        nextLineNanos = nowNanos;
    }

    @Override
    protected long nanosUntilNextFrame(long nowNanos) {
        return nextLineNanos - nowNanos;
    }

    @Override
    protected void onBytes(byte[] bytes, int length, Output<VitalSigns> out, long nowNanos) {
        // Never called: the device does not listen.
    }

    @Override
    protected void onTick(Output<VitalSigns> out, long nowNanos) {
        if (nowNanos - nextLineNanos < 0) {
            return;
        }
        VitalSigns vitals = scenario.at(lines);
        LocalDateTime deviceTime = deviceTime(lines);
        out.send(lines, KIND_LINE, deviceTime, vitals, encoder.encode(vitals, deviceTime));
        lines++;
        nextLineNanos += periodNanos;
        long now = System.nanoTime();
        if (now - nextLineNanos > periodNanos) {
            // Fell behind (a paused JVM, a slow machine): carry on from now instead of a burst of lines.
            nextLineNanos = now;
        }
    }

    /** Never called: {@link #hasChecksum()} is false, so the fault is refused when asked for. */
    @Override
    protected byte[] corruptChecksum(byte[] frame) {
        throw new UnsupportedOperationException("an ASCII 1 line has no checksum");
    }

    /** Settings of a simulator; each has a default except the name and the scenario. */
    public static final class Builder extends SerialSimulatorBuilder<Builder> {
        private MasimoModel model = MasimoModel.RADICAL_7;
        private @Nullable String serialNumber;
        private AlarmLimits limits = AlarmLimits.ADULT;
        private Duration period = Duration.ofSeconds(1);

        private Builder(String name, Scenario scenario) {
            super(name, scenario);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** {@link SerialDeviceSimulator.Settings#defaultPortDirectory()}, kept here for its callers. */
        public static Path defaultPortDirectory() {
            return SerialDeviceSimulator.Settings.defaultPortDirectory();
        }

        /** Radical-7 (full line) by default. */
        public Builder model(MasimoModel model) {
            this.model = model;
            return this;
        }

        /** Ten digits; by default {@link #serialNumberFor(String) derived from the name}. */
        public Builder serialNumber(String serialNumber) {
            this.serialNumber = serialNumber;
            return this;
        }

        /** {@link AlarmLimits#ADULT} by default. */
        public Builder alarmLimits(AlarmLimits limits) {
            this.limits = limits;
            return this;
        }

        /** One line per period; one second by default, as the device. */
        public Builder period(Duration period) {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period must be positive: " + period);
            }
            this.period = period;
            return this;
        }

        /**
         * Opens the port (its symlink, {@code usb-Masimo_Radical-7_<serial>-if00-port0} under the port directory,
         * exists when this returns); the simulator sends nothing until started.
         *
         * @throws IOException when the pseudo-terminal or the symlink cannot be made
         */
        public MasimoSimulator build() throws IOException {
            String given = serialNumber;
            String serial = given != null ? given : serialNumberFor(name());
            // Validates the serial number before a port is made.
            MasimoLineEncoder encoder = new MasimoLineEncoder(model, serial, limits);
            return new MasimoSimulator(this, encoder, openPort("Masimo", model.displayName(), serial));
        }
    }
}
