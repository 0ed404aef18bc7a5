/**
 * Local signals: which of the gateway's own outputs (a buzzer, LEDs) is on for which of its technical alarms — a device
 * link lost, the uplink failing, the buffer critical, alert delivery supervision failing. {@link
 * org.bedside.alarms.local.LocalSignals} is pure, like the engine: the active conditions and a monotonic time in
 * milliseconds go in, the level of each output comes out, with no threads, clocks or I/O. Driving pins is the
 * runtime's (Pi4J); nothing here depends on the network, so a signal shows a failing uplink when nothing else can.
 */
@NullMarked
package org.bedside.alarms.local;

import org.jspecify.annotations.NullMarked;
