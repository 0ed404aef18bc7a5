/**
 * Builds the gateway from its configuration: each component — the settings, the clock, the store, the device
 * pipelines, each consumer of the buffer — is a CDI bean made by a producer in {@link
 * org.bedside.runtime.wiring.GatewayComponents} with plain {@code new}, so that the library modules know nothing of
 * CDI; {@link org.bedside.runtime.wiring.GatewayLifecycle} starts them in order at startup and stops them at shutdown.
 * Health, metrics and the pages inject what they observe.
 */
@NullMarked
package org.bedside.runtime.wiring;

import org.jspecify.annotations.NullMarked;
