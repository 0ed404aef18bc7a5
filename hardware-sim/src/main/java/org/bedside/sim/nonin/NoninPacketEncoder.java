package org.bedside.sim.nonin;

import java.util.Set;
import org.bedside.sim.scenario.SensorCondition;
import org.bedside.sim.scenario.VitalSigns;

/**
 * Encodes one Nonin packet: 25 five-byte frames (a third of a second at 75 frames a second), the first with the SYNC
 * status bit, each ending with the sum of its first four bytes. Data bytes: frames 0 and 1 the four-beat pulse rate (two
 * and seven bits), 2 the four-beat SpO2, 3 the firmware revision, 7 (Data Format 13) status 2; the display, fast and
 * eight-beat values in their frames as well. Missing values are 511 (pulse) and 127 (SpO2).
 *
 * <p>Sensor conditions become status bits: no sensor, sensor off, a defective or unrecognised sensor, no cable → sensor
 * alarm (and, in Data Format 2, sensor disconnect for a missing or defective sensor or cable); interference and
 * ambient light → artifact; pulse search and low signal IQ → out of track; low perfusion → red perfusion during the
 * pulse, otherwise green.
 */
public final class NoninPacketEncoder {
    /** The two formats the simulator speaks. */
    public enum Format {
        DF13,
        DF2
    }

    static final int FRAMES = 25;
    static final int FRAME = 5;
    static final int MISSING_HR = 511;
    static final int MISSING_SPO2 = 127;
    private static final int FIRMWARE = 0x30;

    private final Format format;

    public NoninPacketEncoder(Format format) {
        this.format = format;
    }

    public Format format() {
        return format;
    }

    /**
     * @param pulse whether a pulse falls in this packet (perfusion bits are set only then)
     */
    public byte[] packet(VitalSigns v, boolean pulse) {
        int hr = v.pulseRate() == null ? MISSING_HR : v.pulseRate();
        int spo2 = v.spo2() == null ? MISSING_SPO2 : v.spo2();
        int status = 0x80 | statusBits(v.conditions());
        int perfusion = v.has(SensorCondition.LOW_PERFUSION) ? 0x04 : 0x02;
        byte[] packet = new byte[FRAMES * FRAME];
        for (int i = 0; i < FRAMES; i++) {
            int s = status | (i == 0 ? 0x01 : 0) | (pulse && i >= 5 && i <= 16 ? perfusion : 0);
            int data = data(i, hr, spo2);
            int pleth = pleth(i);
            int at = i * FRAME;
            if (format == Format.DF13) {
                packet[at] = (byte) s;
                packet[at + 1] = (byte) (pleth >> 8);
                packet[at + 2] = (byte) pleth;
            } else {
                packet[at] = 0x01;
                packet[at + 1] = (byte) s;
                packet[at + 2] = (byte) (pleth >> 8);
            }
            packet[at + 3] = (byte) data;
            packet[at + 4] = (byte) ((packet[at] & 0xFF) + (packet[at + 1] & 0xFF) + (packet[at + 2] & 0xFF) + data);
        }
        return packet;
    }

    private int statusBits(Set<SensorCondition> conditions) {
        int bits = 0;
        for (SensorCondition c : conditions) {
            bits |= switch (c) {
                case NO_SENSOR, NO_CABLE, DEFECTIVE_SENSOR -> format == Format.DF2 ? 0x08 | 0x40 : 0x08;
                case SENSOR_OFF, UNRECOGNIZED_SENSOR -> 0x08;
                case INTERFERENCE, AMBIENT_LIGHT -> 0x20;
                case PULSE_SEARCH, LOW_SIGNAL_IQ -> 0x10;
                case LOW_PERFUSION, SENSOR_CALIBRATING -> 0;
            };
        }
        return bits;
    }

    private int data(int frame, int hr, int spo2) {
        return switch (frame) {
            case 0, 13, 19, 21 -> (hr >> 7) & 0x03;
            case 1, 14, 20, 22 -> hr & 0x7F;
            case 2, 8, 9, 10, 15, 16 -> spo2;
            case 3 -> FIRMWARE;
            default -> 0;
        };
    }

    /** A pulse-like plethysmogram over the packet, 16 bits (Data Format 13) or 8 bits in the high byte (2). */
    private static int pleth(int frame) {
        return 0x8000 + (int) Math.round(12_000 * Math.sin(Math.PI * frame / FRAMES));
    }
}
