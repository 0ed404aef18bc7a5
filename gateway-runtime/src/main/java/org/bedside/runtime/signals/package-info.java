/**
 * Local signals on the box's GPIO: a buzzer and LEDs for the gateway's own technical alarms, decided by {@link
 * org.bedside.alarms.local.LocalSignals} and driven through Pi4J's gpiod provider (libgpiod: {@code /dev/gpiochip*}
 * and the {@code gpio} group, never root). A box without GPIO logs one line and goes on.
 */
@NullMarked
package org.bedside.runtime.signals;

import org.jspecify.annotations.NullMarked;
