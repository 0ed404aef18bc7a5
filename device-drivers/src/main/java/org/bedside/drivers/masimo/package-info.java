/**
 * Masimo Radical-7, Radical-5, Rad-8 and Rad-97 pulse oximeters, "ASCII 1" serial output (9600 8N1, one line per second,
 * CR LF). See docs/drivers/masimo-ascii.md and ../shared/design/protocols.md section 4.1. Only {@link
 * org.bedside.drivers.masimo.MasimoDriver} is public.
 */
@NullMarked
package org.bedside.drivers.masimo;

import org.jspecify.annotations.NullMarked;
