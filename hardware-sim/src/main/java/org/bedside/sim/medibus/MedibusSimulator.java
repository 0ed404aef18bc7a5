package org.bedside.sim.medibus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.sim.pty.VirtualSerialPort;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.serial.SerialDeviceSimulator;
import org.bedside.sim.serial.SerialSimulatorBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A Dräger ventilator's Medibus port on a virtual serial port. Like the device, it answers commands only once the link
 * is open: the gateway's ICC opens it (answered, and followed by the device's own ICC), data requests are answered from
 * the scenario, NOP keeps it open, and {@link Builder#linkTimeout} without a command closes it again (requests are then
 * not answered until the next ICC). STOP closes it at once. A request with a bad checksum is answered with "corrupt"
 * (0x15).
 *
 * <p>Each data request answers from the scenario second the simulator is at: one second per answer to measured data
 * CP1, so a gateway polling every second plays the scenario in real time.
 */
public final class MedibusSimulator extends SerialDeviceSimulator<MedibusAnswers.Values> {
    static final int SOH = 0x01;
    static final int ESC = 0x1B;
    static final int CR = 0x0D;
    static final byte[] IDENTIFICATION = "0161'Evita4'04.03      ".getBytes(StandardCharsets.US_ASCII);

    private final Scenario scenario;
    private final Duration linkTimeout;
    private final byte[] command = new byte[512];
    private int length = -1;
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private volatile boolean open;
    private long lastCommandNanos;
    private long second;
    private MedibusAnswers.@Nullable Values current;

    private MedibusSimulator(Builder b, VirtualSerialPort port) {
        super(b.settings(Duration.ofMillis(5)), port);
        this.scenario = b.scenario();
        this.linkTimeout = b.linkTimeout;
    }

    public static Builder builder(String name, Scenario scenario) {
        return new Builder(name, scenario);
    }

    /** Whether the device considers the link open (an ICC was answered and the gateway has not fallen silent). */
    public boolean linkOpen() {
        return open;
    }

    /** Commands from the gateway with a valid checksum. */
    public long commandsReceived() {
        return commands.get();
    }

    /** Commands from the gateway answered with "corrupt". */
    public long corruptCommands() {
        return corrupt.get();
    }

    @Override
    protected void onBytes(byte[] bytes, int n, Output<MedibusAnswers.Values> out, long nowNanos) {
        for (int i = 0; i < n; i++) {
            byte b = bytes[i];
            if (b == ESC || b == SOH) {
                command[0] = b;
                length = 1;
            } else if (b == CR && length > 0) {
                handle(length, out, nowNanos);
                length = -1;
            } else if (length > 0 && length < command.length) {
                command[length++] = b;
            } else {
                length = -1;
            }
        }
    }

    private void handle(int n, Output<MedibusAnswers.Values> out, long nowNanos) {
        if (n < 4) {
            return;
        }
        int sum = 0;
        for (int i = 0; i < n - 2; i++) {
            sum += command[i] & 0xFF;
        }
        String checksum = new String(command, n - 2, 2, StandardCharsets.US_ASCII);
        boolean valid = checksum.equalsIgnoreCase(String.format("%02X", sum & 0xFF));
        if (command[0] == SOH) {
            return; // the gateway's answer to our own ICC: nothing to do
        }
        if (!valid) {
            corrupt.incrementAndGet();
            answer(out, 0x15, new byte[0], "corrupt");
            return;
        }
        commands.incrementAndGet();
        lastCommandNanos = nowNanos;
        int code = command[1] & 0xFF;
        switch (code) {
            case 0x51 -> {
                open = true;
                answer(out, code, new byte[0], "answer 51");
                send(out, MedibusAnswers.message(ESC, 0x51, new byte[0]), "command 51");
            }
            case 0x55 -> {
                answer(out, code, new byte[0], "answer 55");
                open = false;
            }
            default -> {
                if (open) {
                    answer(out, code, data(code), "answer " + String.format("%02X", code));
                }
            }
        }
    }

    private byte[] data(int code) {
        if (code == 0x24 || current == null) {
            MonitorVitals v = MonitorVitals.at(scenario, second);
            current = MedibusAnswers.values(v, second);
            if (code == 0x24) {
                second++;
            }
        }
        MedibusAnswers.Values x = current;
        return switch (code) {
            case 0x24 -> MedibusAnswers.measuredCp1(x);
            case 0x2B -> MedibusAnswers.measuredCp2(x);
            case 0x27 -> MedibusAnswers.alarmsCp1(x);
            case 0x29 -> MedibusAnswers.settings(x);
            case 0x52 -> IDENTIFICATION;
            default -> new byte[0]; // NOP, alarms CP2 (none), anything else: an empty answer
        };
    }

    private void answer(Output<MedibusAnswers.Values> out, int code, byte[] data, String kind) {
        send(out, MedibusAnswers.message(SOH, code, data), kind);
    }

    private void send(Output<MedibusAnswers.Values> out, byte[] message, String kind) {
        MedibusAnswers.Values x =
                current != null ? current : MedibusAnswers.values(MonitorVitals.at(scenario, second), second);
        LocalDateTime time = deviceTime(second);
        out.send(second, kind, time, x, message);
    }

    @Override
    protected void onTick(Output<MedibusAnswers.Values> out, long nowNanos) {
        if (open && nowNanos - lastCommandNanos > linkTimeout.toNanos()) {
            open = false; // the gateway fell silent: the device drops the link
        }
    }

    /** The second checksum character changed: the gateway's checksum check fails. */
    @Override
    protected byte[] corruptChecksum(byte[] frame) {
        byte[] bad = frame.clone();
        int at = bad.length - 2;
        bad[at] = (byte) (bad[at] == '0' ? '1' : '0');
        return bad;
    }

    /** Settings of a simulator; each has a default except the name and the scenario. */
    public static final class Builder extends SerialSimulatorBuilder<Builder> {
        private Duration linkTimeout = Duration.ofSeconds(10);

        private Builder(String name, Scenario scenario) {
            super(name, scenario);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Silence from the gateway after which the device drops the link; 10 s by default. */
        public Builder linkTimeout(Duration timeout) {
            this.linkTimeout = timeout;
            return this;
        }

        public MedibusSimulator build() throws IOException {
            return new MedibusSimulator(this, openPort("Draeger", "Evita4"));
        }
    }
}
