/**
 * Builds the gateway from its configuration with plain {@code new}: the store, one pipeline per device, the uplink;
 * starts them at startup and stops them at shutdown.
 */
@NullMarked
package org.bedside.runtime.wiring;

import org.jspecify.annotations.NullMarked;
