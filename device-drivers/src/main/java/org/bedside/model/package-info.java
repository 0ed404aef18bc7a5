/**
 * The reading model: what every driver produces and every consumer (buffer, uplink, alarms, live view) reads. A
 * {@link org.bedside.model.Reading} is one thing a device said at one moment, with both clocks (the device's and the
 * gateway's), its codes (IEEE 11073 MDC, plus LOINC where one exists), its UCUM unit and the quality the device
 * reported. Values are never clamped, interpolated or invented: an invalid value stays invalid and says why.
 */
@NullMarked
package org.bedside.model;

import org.jspecify.annotations.NullMarked;
