/**
 * GE Datex-Ohmeda S/5 and CARESCAPE monitors, serial "computer interface" (Datex-Ohmeda Record Interface, DRI): 19200
 * 8E1 RTS/CTS, {@code 7E}-framed little-endian records with byte stuffing and an additive checksum, requested by the
 * gateway. See docs/drivers/ge-dri.md and ../shared/design/protocols.md section 2. Only {@link
 * org.bedside.drivers.gedri.GeDriDriver} is public.
 */
@NullMarked
package org.bedside.drivers.gedri;

import org.jspecify.annotations.NullMarked;
