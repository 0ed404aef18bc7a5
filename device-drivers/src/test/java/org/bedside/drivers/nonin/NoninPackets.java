package org.bedside.drivers.nonin;

import java.io.ByteArrayOutputStream;

/**
 * Builds Nonin packets from the format description (protocols.md 4.2), for tests: 25 frames, the first with SYNC, the
 * heart rate as nine bits (MSB's two low bits, LSB's seven), each frame's checksum the sum of its first four bytes.
 */
final class NoninPackets {
    int heartRate = 72;
    int spo2 = 97;
    int firmware = 0x30;
    int status2;
    /** Status bits (besides bit 7 and SYNC) set in every frame. */
    int status;
    /** Status bits set only in frames 5 to 16, as perfusion bits are set during a pulse. */
    int pulseStatus;

    private final NoninFormat format;

    NoninPackets(NoninFormat format) {
        this.format = format;
    }

    byte[] packet() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 25; i++) {
            out.writeBytes(frame(i));
        }
        return out.toByteArray();
    }

    int data(int i) {
        return switch (i) {
            case 0 -> (heartRate >> 7) & 0x03;
            case 1 -> heartRate & 0x7F;
            case 2, 8, 9, 10, 15, 16 -> spo2;
            case 3 -> firmware;
            case 7 -> format == NoninFormat.DF13 ? status2 : 0;
            case 13, 19, 21 -> (heartRate >> 7) & 0x03;
            case 14, 20, 22 -> heartRate & 0x7F;
            default -> 0;
        };
    }

    int pleth(int i) {
        return format == NoninFormat.DF13 ? 30_000 + 100 * i : 100 + i;
    }

    byte[] frame(int i) {
        int s = 0x80 | status | (i == 0 ? 0x01 : 0) | (i >= 5 && i <= 16 ? pulseStatus : 0);
        byte[] f = format == NoninFormat.DF13
                ? new byte[] {(byte) s, (byte) (pleth(i) >> 8), (byte) pleth(i), (byte) data(i), 0}
                : new byte[] {0x01, (byte) s, (byte) pleth(i), (byte) data(i), 0};
        f[4] = (byte) ((f[0] & 0xFF) + (f[1] & 0xFF) + (f[2] & 0xFF) + (f[3] & 0xFF));
        return f;
    }
}
