package org.bedside.buffer;

/**
 * Marks a record whose receive times were taken while the gateway's wall clock was not trustworthy (a Raspberry Pi
 * has no real-time clock and can run on a wrong time until NTP synchronises). It carries what is needed to correct
 * those times later: the boot the record was written in, and the wall clock minus the monotonic clock at that moment.
 * Once the wall clock is trusted in the same boot, {@code trustedOffset - offsetNanos} is how far the wall clock was
 * wrong; the monotonic clock does not jump.
 *
 * @param bootId the kernel's boot id ({@code /proc/sys/kernel/random/boot_id})
 * @param offsetNanos wall-clock epoch nanoseconds minus monotonic nanoseconds, when the record was written
 */
public record ClockStamp(String bootId, long offsetNanos) {
    public ClockStamp {
        if (bootId.isBlank() || bootId.length() > 64) {
            throw new IllegalArgumentException("bad boot id: " + bootId);
        }
    }
}
