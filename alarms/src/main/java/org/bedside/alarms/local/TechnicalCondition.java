package org.bedside.alarms.local;

import java.util.Locale;
import java.util.Optional;

/** A technical alarm of the gateway itself, as local signals show it; {@link #key()} is its name in the YAML file. */
public enum TechnicalCondition {
    /** A device's link is lost or silent: the pipeline's state is {@code DISCONNECTED} or {@code NO_DATA}. */
    DEVICE_LINK_LOST,
    /** The FHIR uplink cannot deliver: retrying, refused, misconfigured or failed. */
    UPLINK_FAILING,
    /** The buffer's disk guard is at its critical level: only alarms, status and latest values are kept. */
    BUFFER_CRITICAL,
    /**
     * An alert or the watchdog has waited for the Alert Manager longer than the supervision time
     * ({@code gateway.alarms.pcd04.supervision}).
     */
    ALERT_DELIVERY_FAILING;

    /** {@code device-link-lost}, {@code uplink-failing}, {@code buffer-critical}, {@code alert-delivery-failing}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The condition named by {@link #key()}; empty for anything else. */
    public static Optional<TechnicalCondition> ofKey(String key) {
        for (TechnicalCondition c : values()) {
            if (c.key().equals(key.strip())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
