package org.bedside.uplink;

import org.bedside.model.DeviceId;
import org.jspecify.annotations.Nullable;

/**
 * What the uplink knows of a configured device: how to describe it as a FHIR Device, and the patient it is associated
 * with (a fixed association from the configuration, as for a device that stays in one room).
 *
 * @param patientReference a literal reference such as {@code Patient/123}, or null when no patient is associated:
 *     that device's readings stay in the buffer and are not charted
 */
public record DeviceContext(
        DeviceId device,
        String displayName,
        String manufacturer,
        String deviceType,
        @Nullable String patientReference) {}
