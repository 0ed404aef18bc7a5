package org.bedside.sim.nonin;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.VitalSigns;
import org.bedside.sim.serial.SerialDeviceSimulator;
import org.bedside.sim.serial.SerialSimulatorBuilder;

/**
 * A Nonin oximeter streaming packets on a virtual serial port: three a second, as the device does (75 frames a second),
 * or one every {@link Builder#period} for fast tests. Packet {@code n} carries the scenario's vitals at second {@code
 * n / 3}; a pulse is drawn in every third packet. There is nothing to ask the device: it streams from start.
 */
public final class NoninSimulator extends SerialDeviceSimulator<VitalSigns> {
    public static final String KIND_PACKET = "packet";
    static final int PACKETS_PER_SECOND = 3;
    static final Duration PACKET_PERIOD = Duration.ofSeconds(1).dividedBy(PACKETS_PER_SECOND);

    private final Scenario scenario;
    private final NoninPacketEncoder encoder;
    private final long periodNanos;
    private long nextNanos;
    private long packets;

    private NoninSimulator(Builder b, VirtualSerialPort port) {
        super(b.settings(Duration.ofMillis(5)), port);
        this.scenario = b.scenario();
        this.encoder = new NoninPacketEncoder(b.format);
        this.periodNanos = b.period.toNanos();
    }

    public static Builder builder(String name, Scenario scenario) {
        return new Builder(name, scenario);
    }

    public NoninPacketEncoder encoder() {
        return encoder;
    }

    public Scenario scenario() {
        return scenario;
    }

    @Override
    protected void onStart(Output<VitalSigns> out, long nowNanos) {
        nextNanos = nowNanos;
    }

    @Override
    protected void onBytes(byte[] bytes, int length, Output<VitalSigns> out, long nowNanos) {
        // Format selection and serial number requests are not simulated: the device streams as configured.
    }

    @Override
    protected void onTick(Output<VitalSigns> out, long nowNanos) {
        while (nowNanos - nextNanos >= 0) {
            long second = packets / PACKETS_PER_SECOND;
            VitalSigns v = scenario.at(second);
            LocalDateTime time = deviceTime(second);
            out.send(packets, KIND_PACKET, time, v, encoder.packet(v, packets % PACKETS_PER_SECOND == 0));
            packets++;
            // Fell behind by more than a period (a paused JVM): carry on from now, no burst.
            nextNanos = nowNanos - nextNanos > periodNanos ? nowNanos + periodNanos : nextNanos + periodNanos;
        }
    }

    /** The checksum of frame 10 made wrong: the framer drops that packet and finds the next. */
    @Override
    protected byte[] corruptChecksum(byte[] frame) {
        byte[] bad = frame.clone();
        bad[10 * NoninPacketEncoder.FRAME + 4] ^= 0x01;
        return bad;
    }

    /** Settings of a simulator; each has a default except the name and the scenario. */
    public static final class Builder extends SerialSimulatorBuilder<Builder> {
        private NoninPacketEncoder.Format format = NoninPacketEncoder.Format.DF13;
        private Duration period = PACKET_PERIOD;

        private Builder(String name, Scenario scenario) {
            super(name, scenario);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Data Format 13 by default. */
        public Builder format(NoninPacketEncoder.Format format) {
            this.format = format;
            return this;
        }

        /** One packet per period; a third of a second by default, as the device. */
        public Builder period(Duration period) {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period must be positive: " + period);
            }
            this.period = period;
            return this;
        }

        public NoninSimulator build() throws IOException {
            return new NoninSimulator(
                    this, openPort("Nonin", format == NoninPacketEncoder.Format.DF13 ? "Onyx-II-9560" : "OEM-III"));
        }
    }
}
