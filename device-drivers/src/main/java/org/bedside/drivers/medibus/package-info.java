/**
 * Dräger Medibus over RS-232, slow data: the gateway opens the link (ICC), then asks in turn for measured data (code
 * pages 1 and 2), the current alarms and the device settings, one request in flight, with NOP keep-alives and
 * time-outs; it also answers the device's own commands. See docs/drivers/medibus.md and ../shared/design/protocols.md
 * section 3. Only {@link org.bedside.drivers.medibus.MedibusDriver} is public.
 */
@NullMarked
package org.bedside.drivers.medibus;

import org.jspecify.annotations.NullMarked;
