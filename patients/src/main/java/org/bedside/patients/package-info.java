/**
 * Which patient is in which bed. A bed is a location ({@link org.bedside.patients.BedLocation}, HL7 v2 PV1-3
 * point of care^room^bed); ADT events received for it are kept in an append-only journal and replayed, in the order
 * they happened, into each bed's {@link org.bedside.patients.BedTimeline}: who occupied it from when to when, and where
 * it was uncertain. The uplink asks the timeline, per reading and at the time the reading was taken, whom to chart it
 * to (docs/patients.md).
 */
@NullMarked
package org.bedside.patients;

import org.jspecify.annotations.NullMarked;
