package org.bedside.sim.serial;

import org.bedside.sim.FaultInjector;

/** The faults of a binary serial device: those of every serial device, and a frame whose checksum does not match. */
public interface SerialFaultInjector extends FaultInjector {

    /** The next frame sent carries a wrong checksum (or check bytes), as line noise inside it would leave it. */
    void corruptNextChecksum();
}
