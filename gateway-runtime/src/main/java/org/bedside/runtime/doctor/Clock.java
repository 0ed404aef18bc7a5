package org.bedside.runtime.doctor;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Whether the kernel's clock is synchronised, as {@code adjtimex(2)} reports it with no change asked ({@code modes =
 * 0}): {@code TIME_ERROR} (5) means unsynchronised. chrony, ntpd and systemd-timesyncd all clear it once they have
 * set the clock, so this works whichever of them the box runs, and without systemd.
 */
final class Clock {
    static final int TIME_OK = 0;
    static final int TIME_ERROR = 5;

    private Clock() {}

    interface LibC extends Library {
        /** {@code struct timex} is 208 bytes on 64-bit Linux and smaller on 32-bit: 512 zeroed bytes cover both. */
        int adjtimex(byte[] timex);
    }

    /** The kernel's clock state (0 to 5), or -1 when it cannot be asked. */
    static int kernelState() {
        try {
            LibC libc = Native.load("c", LibC.class);
            return libc.adjtimex(new byte[512]);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return -1;
        }
    }
}
