package org.bedside.runtime.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.bedside.alarms.delivery.AlertDeliveries;
import org.bedside.alarms.delivery.Pcd05Inbound;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.hl7.pcd.Pcd05Report;
import org.bedside.runtime.wiring.Alarms;

/**
 * The PCD-05 listener's metrics, when {@code gateway.alarms.pcd05-in} is configured: {@code
 * bedside_pcd05_messages_total{outcome}} (recorded, duplicate, store_failed and the refusal reasons), {@code
 * bedside_pcd05_statuses_total{status}} (delivered, read, accepted, rejected... as the Alert Manager reported them),
 * {@code bedside_pcd05_acks_total{code}} and {@code bedside_pcd05_listener_failures_total{reason}}.
 */
@ApplicationScoped
public class Pcd05InMetrics {
    private static final List<String> OUTCOMES = List.of("recorded", "duplicate", "store_failed");

    @Inject
    Alarms alarms;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent event) {
        if (alarms.pcd05In().isEmpty()) {
            return;
        }
        Pcd05Inbound p = alarms.pcd05In().get();
        AlertDeliveries d = alarms.deliveries();
        for (String outcome : OUTCOMES) {
            outcome(p, outcome);
        }
        for (FailureReason r : FailureReason.values()) {
            outcome(p, r.label());
        }
        for (Pcd05Report.Disposition s : Pcd05Report.Disposition.values()) {
            FunctionCounter.builder(
                            "bedside_pcd05_statuses_total",
                            d,
                            x -> x.statusCounts().getOrDefault(s.label(), 0L))
                    .description("Alert statuses the Alert Manager reported (PCD-05 PRT-3.2)")
                    .tag("status", s.label())
                    .register(registry);
        }
        for (AckCode c : AckCode.values()) {
            FunctionCounter.builder(
                            "bedside_pcd05_acks_total",
                            p,
                            x -> x.listenerStats() == null
                                    ? 0
                                    : x.listenerStats().acksSent(c))
                    .description("Acknowledgements the PCD-05 listener sent")
                    .tag("code", c.name())
                    .register(registry);
        }
        for (FailureReason r : FailureReason.values()) {
            FunctionCounter.builder(
                            "bedside_pcd05_listener_failures_total",
                            p,
                            x -> x.listenerStats() == null
                                    ? 0
                                    : x.listenerStats().failures(r))
                    .description("Failures of the PCD-05 listener (framing, parsing, connections)")
                    .tag("reason", r.label())
                    .register(registry);
        }
    }

    private void outcome(Pcd05Inbound p, String outcome) {
        FunctionCounter.builder(
                        "bedside_pcd05_messages_total", p, x -> x.outcomes().getOrDefault(outcome, 0L))
                .description("PCD-05 messages by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }
}
