package org.bedside.sim;

import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a simulated device, for status commands and test diagnostics.
 *
 * @param tty the pseudo-terminal behind the port, null while unplugged
 * @param linesEmitted lines produced, including those sent while unplugged (dropped), excluding those silenced
 * @param linesSilenced lines that were due while the device was silenced and never produced
 * @param bytesWritten bytes the port took
 * @param bytesDropped bytes dropped because nobody read or the port was unplugged
 */
public record SimulatorStatus(
        String name,
        Path port,
        @Nullable Path tty,
        boolean running,
        boolean silent,
        long linesEmitted,
        long linesSilenced,
        long bytesWritten,
        long bytesDropped) {

    public boolean plugged() {
        return tty != null;
    }

    /** One line, {@code key=value} pairs: {@code bed1 running plugged tty=/dev/pts/3 lines=120 ...}. */
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s %s %s%s port=%s tty=%s lines=%d silenced=%d bytes-written=%d bytes-dropped=%d",
                name,
                running ? "running" : "stopped",
                tty != null ? "plugged" : "unplugged",
                silent ? " silent" : "",
                port,
                tty != null ? tty : "-",
                linesEmitted,
                linesSilenced,
                bytesWritten,
                bytesDropped);
    }
}
