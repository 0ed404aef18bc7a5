/**
 * The driver SPI. A {@link org.bedside.drivers.spi.DeviceDriver} describes itself ({@link
 * org.bedside.drivers.spi.DriverInfo}) and makes the two parts of its pipeline: a stateful {@link
 * org.bedside.drivers.spi.FrameDecoder} that turns arbitrary chunks of bytes into frames and resynchronises after
 * garbage, and a pure {@link org.bedside.drivers.spi.MessageDecoder} that turns one frame into readings or a typed
 * {@link org.bedside.drivers.spi.DecodeFailure}. Bad bytes are expected, not exceptional: nothing here throws on device
 * input.
 */
@NullMarked
package org.bedside.drivers.spi;

import org.jspecify.annotations.NullMarked;
