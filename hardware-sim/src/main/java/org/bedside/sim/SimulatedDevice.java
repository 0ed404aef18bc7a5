package org.bedside.sim;

import java.nio.file.Path;

/**
 * A simulated bedside device behind a virtual serial port. It is created with its port already present (so the port
 * path can be handed to a gateway first), sends nothing until {@link #start()}, and removes its port at {@link
 * #stop()}.
 */
public interface SimulatedDevice extends AutoCloseable {

    /** The name it was given, such as {@code bed12-spo2}. */
    String name();

    /** The stable path the gateway opens (a symlink to the current {@code /dev/pts/N}). */
    Path portPath();

    /**
     * Starts sending.
     *
     * @throws IllegalStateException when already started or stopped
     */
    void start();

    /** Stops sending and removes the port; idempotent. */
    void stop();

    boolean isRunning();

    SimulatorStatus status();

    FaultInjector faults();

    @Override
    default void close() {
        stop();
    }
}
