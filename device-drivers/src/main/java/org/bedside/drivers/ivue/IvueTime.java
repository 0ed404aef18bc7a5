package org.bedside.drivers.ivue;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import org.jspecify.annotations.Nullable;

/** The monitor's two clocks (§1.3, §1.5): BCD AbsoluteTime and RelativeTime in 1/8 ms ticks. */
final class IvueTime {
    private IvueTime() {}

    /**
     * AbsoluteTime: century, year, month, day, hour, minute, second, hundredths, each a BCD byte, in the monitor's
     * local time.
     *
     * @return null for "not supported" (all 0xFF, what most monitors send in poll results) or for bytes that are no
     *     valid BCD date: a bad clock is no reason to drop the values it stamps
     */
    static @Nullable LocalDateTime absolute(byte[] b, int offset) {
        int[] v = new int[8];
        for (int i = 0; i < 8; i++) {
            int x = b[offset + i] & 0xFF;
            int hi = x >> 4;
            int lo = x & 0x0F;
            if (hi > 9 || lo > 9) {
                return null;
            }
            v[i] = hi * 10 + lo;
        }
        try {
            return LocalDateTime.of(v[0] * 100 + v[1], v[2], v[3], v[4], v[5], v[6], v[7] * 10_000_000);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Signed difference {@code later − earlier} of two RelativeTimes, across the 32-bit wrap (about 6.2 days). */
    static long ticksBetween(long earlier, long later) {
        return (int) (later - earlier);
    }
}
