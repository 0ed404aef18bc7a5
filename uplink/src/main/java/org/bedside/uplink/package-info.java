/**
 * From the buffer to the hospital's FHIR server: the charting policy picks which readings are charted, the {@link
 * org.bedside.uplink.ObservationMapper} turns them into FHIR R4 Observations that conform to the vital-signs profiles,
 * and the {@link org.bedside.uplink.UplinkWorker} uploads them as transaction Bundles of conditional creates, committing
 * its cursor only after the server's 2xx. Every Observation has a deterministic identifier, so a replay after a crash or
 * an outage creates nothing twice.
 */
@NullMarked
package org.bedside.uplink;

import org.jspecify.annotations.NullMarked;
