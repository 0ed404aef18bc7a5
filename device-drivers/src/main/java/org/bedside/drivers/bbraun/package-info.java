/**
 * B. Braun Space infusion pumps behind a SpaceCom (or SpaceStation) over its "BCC" protocol, serial or TCP: the frame
 * ({@code SOH length STX ... ETX|ETB checksum EOT}), multi-part answers, the polling session (ADMIN:ALIVE, MEM:GET,
 * ACK/NAK, time-outs, re-association) and the records ({@code relTime,address,PARAM,value}) decoded into {@link
 * org.bedside.model.InfusionStatus} readings and pump alarms. Read-only by construction: everything the gateway sends
 * goes through {@link org.bedside.drivers.bbraun.BccReadOnlyLink}, which knows only reading requests. See
 * docs/drivers/bbraun-bcc.md and ../shared/design/protocols.md section 5.1. Only {@link
 * org.bedside.drivers.bbraun.BccDriver} is public.
 */
@NullMarked
package org.bedside.drivers.bbraun;

import org.jspecify.annotations.NullMarked;
