/**
 * Health: liveness for the process, and readiness with one check per device (its link state, naming the port) and one
 * for the uplink (its state and how much is waiting).
 */
@NullMarked
package org.bedside.runtime.health;

import org.jspecify.annotations.NullMarked;
