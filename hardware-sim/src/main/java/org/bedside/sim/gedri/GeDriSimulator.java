package org.bedside.sim.gedri;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.sim.gedri.GeDriRequestReader.DisplayedValues;
import org.bedside.sim.gedri.GeDriRequestReader.Request;
import org.bedside.sim.gedri.GeDriRequestReader.Waveforms;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.serial.SerialDeviceSimulator;
import org.bedside.sim.serial.SerialSimulatorBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A GE CARESCAPE monitor's computer interface on a virtual serial port. Like the monitor, it sends nothing until asked:
 * a displayed-values request makes it send a record every requested interval (with the classes requested) until a
 * request with interval 0 stops it; a waveform request for the pleth makes it send one waveform record of 100 samples a
 * second. Requests with a bad checksum are ignored, as are requests at a DRI level newer than the monitor's.
 *
 * <pre>{@code
 * GeDriSimulator sim = GeDriSimulator.builder("bed7-monitor", Scenarios.parse("steady"))
 *         .period(Duration.ofMillis(200))   // faster than the requested interval, for tests
 *         .portDirectory(tempDir)
 *         .build();
 * sim.start();
 * sim.faults().corruptNextChecksum();
 * }</pre>
 *
 * <p>Record {@code n} carries the scenario's vitals at second {@code n × interval}, whatever the period.
 */
public final class GeDriSimulator extends SerialDeviceSimulator<MonitorVitals> {
    public static final String KIND_DISPLAYED_VALUES = "displayed-values";
    public static final String KIND_PLETH = "pleth";
    private static final int PLETH_SAMPLES_PER_SECOND = 100;

    private final Scenario scenario;
    private final GeDriRecordEncoder encoder;
    private final @Nullable Duration period;
    private final GeDriRequestReader reader = new GeDriRequestReader();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private volatile int interval;

    // Confined to the simulator's thread.
    private int classes;
    private long nextRecordNanos;
    private long records;
    private boolean pleth;
    private long nextWaveNanos;
    private long waves;

    private GeDriSimulator(Builder b, VirtualSerialPort port) {
        super(b.settings(Duration.ofMillis(10)), port);
        this.scenario = b.scenario();
        this.encoder = new GeDriRecordEncoder(b.level);
        this.period = b.period;
    }

    public static Builder builder(String name, Scenario scenario) {
        return new Builder(name, scenario);
    }

    public Scenario scenario() {
        return scenario;
    }

    public GeDriRecordEncoder encoder() {
        return encoder;
    }

    /** Requests the monitor acted on. */
    public long requestsAccepted() {
        return accepted.get();
    }

    /** Frames the monitor did not act on: bad checksum or length, an unknown request, a level it does not speak. */
    public long requestsIgnored() {
        return ignored.get() + reader.rejected();
    }

    /** The interval the gateway asked for, in seconds; 0 while not transmitting. */
    public int requestedInterval() {
        return interval;
    }

    @Override
    protected void onBytes(byte[] bytes, int length, Output<MonitorVitals> out, long nowNanos) {
        for (Request request : reader.feed(bytes, length)) {
            if (request.level() > encoder.level()) {
                ignored.incrementAndGet(); // a monitor ignores a level newer than its own
                continue;
            }
            if (request instanceof DisplayedValues d) {
                if (d.recordType() != 1) {
                    ignored.incrementAndGet(); // trends are not simulated
                    continue;
                }
                accepted.incrementAndGet();
                if (d.interval() == -1) {
                    send(out, d.classes());
                } else {
                    interval = Math.max(0, d.interval());
                    classes = d.classes();
                    nextRecordNanos = nowNanos;
                }
            } else if (request instanceof Waveforms w) {
                accepted.incrementAndGet();
                if (w.waves().contains(GeDriRecordEncoder.WAVE_PLETH)) {
                    pleth = w.start();
                    nextWaveNanos = nowNanos;
                }
            }
        }
    }

    @Override
    protected void onTick(Output<MonitorVitals> out, long nowNanos) {
        int seconds = interval;
        if (seconds > 0 && nowNanos - nextRecordNanos >= 0) {
            send(out, classes);
            long step = period != null
                    ? period.toNanos()
                    : Duration.ofSeconds(seconds).toNanos();
            nextRecordNanos = nowNanos - nextRecordNanos > step ? nowNanos + step : nextRecordNanos + step;
        }
        if (pleth && nowNanos - nextWaveNanos >= 0) {
            sendPleth(out);
            long step = period != null
                    ? period.toNanos() / Math.max(1, seconds)
                    : Duration.ofSeconds(1).toNanos();
            nextWaveNanos = nowNanos - nextWaveNanos > step ? nowNanos + step : nextWaveNanos + step;
        }
    }

    private void send(Output<MonitorVitals> out, int requestedClasses) {
        long second = records * Math.max(1, interval);
        MonitorVitals vitals = MonitorVitals.at(scenario, second);
        LocalDateTime time = deviceTime(second);
        byte[] record = encoder.displayedValues(vitals, time, (int) records, requestedClasses);
        out.send(records, KIND_DISPLAYED_VALUES, time, vitals, GeDriRecordEncoder.frame(record));
        records++;
    }

    private void sendPleth(Output<MonitorVitals> out) {
        short[] samples = new short[PLETH_SAMPLES_PER_SECOND];
        for (int i = 0; i < samples.length; i++) {
            // a pulse-like wave, one beat per second
            samples[i] = (short) Math.round(1000 * Math.sin(Math.PI * i / samples.length));
        }
        MonitorVitals vitals = MonitorVitals.at(scenario, waves);
        LocalDateTime time = deviceTime(waves);
        byte[] record = encoder.waveform(GeDriRecordEncoder.WAVE_PLETH, samples, time, (int) waves);
        out.send(waves, KIND_PLETH, time, vitals, GeDriRecordEncoder.frame(record));
        waves++;
    }

    /** The checksum is the second-last byte of the frame (unless it was escaped: then the escape's partner). */
    @Override
    protected byte[] corruptChecksum(byte[] frame) {
        byte[] bad = frame.clone();
        int at = bad.length - 2;
        if (bad[at - 1] == 0x7D) {
            bad[at] ^= 0x01; // 5E/5D become 5F/5C: a checksum of 7F/7C instead of 7E/7D
        } else {
            bad[at] = (byte) (bad[at] == 0x7C ? 0x7B : bad[at] + 1);
            if (bad[at] == 0x7E || bad[at] == 0x7D) {
                bad[at] = 0x00;
            }
        }
        return bad;
    }

    /** Settings of a simulator; each has a default except the name and the scenario. */
    public static final class Builder extends SerialSimulatorBuilder<Builder> {
        private int level = GeDriRecordEncoder.LEVEL_2015;
        private @Nullable Duration period;

        private Builder(String name, Scenario scenario) {
            super(name, scenario);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** The DRI level of the records: {@link GeDriRecordEncoder#LEVEL_2015} by default. */
        public Builder level(int level) {
            this.level = level;
            return this;
        }

        /** Sends a record every {@code period} instead of every requested interval: plays the scenario faster. */
        public Builder period(Duration period) {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period must be positive: " + period);
            }
            this.period = period;
            return this;
        }

        public GeDriSimulator build() throws IOException {
            new GeDriRecordEncoder(level); // checks the level before a port is made
            return new GeDriSimulator(this, openPort("GE", "CARESCAPE-B650"));
        }
    }
}
