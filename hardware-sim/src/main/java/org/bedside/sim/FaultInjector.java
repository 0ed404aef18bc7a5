package org.bedside.sim;

import java.io.IOException;
import java.time.Duration;

/**
 * The faults a serial device and its cable produce, on demand: line noise, a device that stops talking, a pulled
 * cable. Used by tests (to prove the gateway's resync, idle watchdog and reconnect) and by the demo's command line.
 * Every method returns at once; timed faults end by themselves.
 */
public interface FaultInjector {

    /** Where injected garbage goes. */
    enum GarbagePlacement {
        /** Now, between two lines: the framer glues it to the front of the next line, which is then lost. */
        BETWEEN_LINES,
        /** Inside the next line, before its CR LF: that line is lost, the ones after it decode. */
        INSIDE_LINE
    }

    /**
     * Sends {@code length} random bytes (from the simulator's seed, so a test sees the same bytes every run).
     *
     * @throws IllegalArgumentException when {@code length} is not positive
     */
    void injectGarbage(int length, GarbagePlacement placement);

    /**
     * Sends nothing for {@code duration}; the port stays open. The scenario keeps running, so the lines due meanwhile
     * are lost rather than sent late.
     */
    void silence(Duration duration);

    /** Pulls the cable: the port's symlink disappears and the gateway's reads fail. */
    void unplug() throws IOException;

    /** Plugs the cable back in: a new pseudo-terminal behind the same symlink. Cancels a pending timed replug. */
    void replug() throws IOException;

    /** Pulls the cable now and plugs it back in after {@code duration}. */
    void unplugFor(Duration duration) throws IOException;
}
