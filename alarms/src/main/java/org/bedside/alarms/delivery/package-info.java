/**
 * The alarm engine at work: fed by the buffer's consumer loop under its own cursor ({@link
 * org.bedside.alarms.delivery.AlarmEngineSink}), and its notifications delivered to an Alert Manager as IHE PCD-04
 * over MLLP ({@link org.bedside.alarms.delivery.Pcd04Sink}). Unlike {@code org.bedside.alarms}, these classes do I/O.
 */
@NullMarked
package org.bedside.alarms.delivery;

import org.jspecify.annotations.NullMarked;
