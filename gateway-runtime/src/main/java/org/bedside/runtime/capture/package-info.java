/**
 * Captures for the field: {@link org.bedside.runtime.capture.Captures} records a device's conversation through the
 * running gateway (a tap on its pipeline) into {@code <data-dir>/captures}, and {@link
 * org.bedside.runtime.capture.CaptureCommand} is {@code bedside capture}, a plain-Java client of the gateway's {@code
 * /api/captures}.
 */
@NullMarked
package org.bedside.runtime.capture;

import org.jspecify.annotations.NullMarked;
