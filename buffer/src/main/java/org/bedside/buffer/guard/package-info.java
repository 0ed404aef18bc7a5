/**
 * The free-space guard and the clinical retention policy: before the disk is full (Chronicle Queue fails hard on a full
 * disk), what is stored is thinned in a clinical order — waveforms first, then high-rate numerics (keeping the latest
 * value of every metric) — while alarms and device status are never dropped.
 */
@NullMarked
package org.bedside.buffer.guard;

import org.jspecify.annotations.NullMarked;
