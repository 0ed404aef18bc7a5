/**
 * Runs one device: link → framer → decoder → store, with reconnects, idle detection and counters. Plain Java, one
 * thread per device; the runtime only starts, stops and observes pipelines.
 */
@NullMarked
package org.bedside.drivers.pipeline;

import org.jspecify.annotations.NullMarked;
