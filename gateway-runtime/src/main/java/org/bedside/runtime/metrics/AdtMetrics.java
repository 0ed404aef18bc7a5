package org.bedside.runtime.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.bedside.hl7.FailureReason;
import org.bedside.runtime.wiring.BedAssociations;

/**
 * The ADT listener's own counts, when {@code gateway.adt} is configured: {@code
 * bedside_adt_listener_failures_total{reason}}, among them the refused connections ({@code source_refused}, {@code
 * client_certificate_refused}, {@code tls_handshake_failed}), which are also in the audit log.
 */
@ApplicationScoped
public class AdtMetrics {
    @Inject
    BedAssociations beds;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent event) {
        if (!beds.hasAdt()) {
            return;
        }
        for (FailureReason r : FailureReason.values()) {
            FunctionCounter.builder(
                            "bedside_adt_listener_failures_total",
                            beds,
                            b -> b.adtListenerStats() == null
                                    ? 0
                                    : b.adtListenerStats().failures(r))
                    .description("Failures of the ADT listener (refused connections, framing, parsing)")
                    .tag("reason", r.label())
                    .register(registry);
        }
    }
}
