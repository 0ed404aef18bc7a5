/**
 * A simulated GE Datex-Ohmeda S/5 / CARESCAPE monitor speaking the Datex-Ohmeda Record Interface over a virtual serial
 * port: it waits for the gateway's transmission requests and sends displayed-values records (and pleth waveform
 * records) from a scenario. The encoder is written from ../shared/design/protocols.md section 2, not from the
 * driver's tables.
 */
@NullMarked
package org.bedside.sim.gedri;

import org.jspecify.annotations.NullMarked;
