/**
 * A Philips IntelliVue monitor that speaks Data Export (../shared/design/protocols.md section 1) over a
 * pseudo-terminal (the MIB/RS-232 port) or UDP on loopback (the LAN): it accepts or refuses associations, sends its
 * MDS create event, answers single and extended polls of numerics, alerts and waves from a scenario, drops a client
 * that stays silent, and injects faults on demand. Its encoder is written from the protocol description, not from the
 * driver's decoder, so that round trips test both. {@link org.bedside.sim.ivue.IntelliVueSimulator} is the entry
 * point.
 */
@NullMarked
package org.bedside.sim.ivue;

import org.jspecify.annotations.NullMarked;
