package org.bedside.runtime.systemd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether the gateway's loops turn: every device pipeline and every consumer of the buffer has a thread that goes round
 * its loop at least every second or so (reads time out at 100 ms; waits and back-offs are cut into slices of a second)
 * and records when it did. A loop whose thread ended, or that has not turned for longer than the stall limit (a read,
 * an upload or a lock that never returns), is stalled: the watchdog pings stop and systemd restarts the gateway.
 * Whether devices are connected does not matter here: a pipeline waiting for a pulled cable turns all the same.
 */
public final class Watchdog {
    /** One loop: its name for people, whether its thread runs, and {@link System#nanoTime()} of its last turn. */
    public record Loop(String name, BooleanSupplier alive, LongSupplier lastTurnNanos) {}

    private final List<Loop> loops;
    private final Duration stallLimit;
    private final LongSupplier nanoTime;

    public Watchdog(List<Loop> loops, Duration stallLimit, LongSupplier nanoTime) {
        this.loops = List.copyOf(loops);
        this.stallLimit = stallLimit;
        this.nanoTime = nanoTime;
    }

    public Duration stallLimit() {
        return stallLimit;
    }

    /** The stalled loops, each with why, such as {@code consumer uplink: no turn for 71 s}; empty when all turn. */
    public List<String> stalled() {
        long now = nanoTime.getAsLong();
        List<String> stalled = new ArrayList<>();
        for (Loop l : loops) {
            if (!l.alive().getAsBoolean()) {
                stalled.add(l.name() + ": its thread is not running");
                continue;
            }
            long since = now - l.lastTurnNanos().getAsLong();
            if (since > stallLimit.toNanos()) {
                stalled.add(
                        l.name() + ": no turn for " + Duration.ofNanos(since).toSeconds() + " s");
            }
        }
        return stalled;
    }
}
