/**
 * The capture file of {@code bedside capture}: a device's conversation with the gateway, both directions with their
 * times, written by a {@link org.bedside.drivers.pipeline.ByteTap} on the running pipeline and decoded by {@code bedside
 * replay}. The format is described in {@link org.bedside.drivers.capture.CaptureFile}.
 */
@NullMarked
package org.bedside.drivers.capture;

import org.jspecify.annotations.NullMarked;
