/**
 * Philips IntelliVue Data Export, over the MIB/RS-232 port ({@link org.bedside.drivers.ivue.IntelliVueSerialDriver})
 * and over the LAN ({@link org.bedside.drivers.ivue.IntelliVueLanDriver}): association, MDS create event, extended
 * polls of numerics, alerts and waves, keep-alive and release in {@code IvueSession}; serial framing with transparency
 * and CRC-16/X-25; one small decoder per message; the physio id to MDC/LOINC/UCUM table in {@code IvueCodes}. Wire
 * format and sources: ../shared/design/protocols.md section 1; for biomed: docs/drivers/intellivue.md. Only the two
 * drivers are public.
 */
@NullMarked
package org.bedside.drivers.ivue;

import org.jspecify.annotations.NullMarked;
