package org.bedside.runtime.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.runtime.pcd01.Pcd01Inbound;

/**
 * The PCD-01 listener's metrics, when {@code gateway.pcd01-in} is configured: {@code
 * bedside_pcd01_messages_total{outcome}} (stored, quarantined, duplicate, no-readings, store-failed and the refusal
 * reasons), {@code bedside_pcd01_readings_total}, {@code bedside_pcd01_readings_quarantined_total}, {@code
 * bedside_pcd01_acks_total{code}} and {@code bedside_pcd01_listener_failures_total{reason}} (framing and parsing,
 * before the handler).
 */
@ApplicationScoped
public class Pcd01InMetrics {
    private static final List<String> OUTCOMES =
            List.of("stored", "quarantined", "duplicate", "no-readings", "store-failed");

    @Inject
    Optional<Pcd01Inbound> pcd01In;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent event) {
        if (pcd01In.isEmpty()) {
            return;
        }
        Pcd01Inbound p = pcd01In.get();
        for (String outcome : OUTCOMES) {
            counter("bedside_pcd01_messages_total", "PCD-01 messages by outcome", p, Pcd01Inbound::counts, outcome);
            counter(
                    "bedside_pcd10_messages_total",
                    "PCD-10 messages by outcome",
                    p,
                    Pcd01Inbound::pumpEventCounts,
                    outcome);
        }
        for (FailureReason r : FailureReason.values()) {
            counter("bedside_pcd01_messages_total", "PCD-01 messages by outcome", p, Pcd01Inbound::counts, r.label());
            counter(
                    "bedside_pcd10_messages_total",
                    "PCD-10 messages by outcome",
                    p,
                    Pcd01Inbound::pumpEventCounts,
                    r.label());
        }
        FunctionCounter.builder("bedside_pcd01_readings_total", p, Pcd01Inbound::readingsStored)
                .description("Readings of PCD-01 messages stored (quarantined ones among them)")
                .register(registry);
        FunctionCounter.builder("bedside_pcd01_readings_quarantined_total", p, Pcd01Inbound::readingsQuarantined)
                .description("Readings of PCD-01 messages whose PID-3 disagreed with the bed's association")
                .register(registry);
        for (AckCode c : AckCode.values()) {
            FunctionCounter.builder(
                            "bedside_pcd01_acks_total",
                            p,
                            x -> x.listenerStats() == null
                                    ? 0
                                    : x.listenerStats().acksSent(c))
                    .description("Acknowledgements the PCD-01 listener sent")
                    .tag("code", c.name())
                    .register(registry);
        }
        for (FailureReason r : FailureReason.values()) {
            FunctionCounter.builder(
                            "bedside_pcd01_listener_failures_total",
                            p,
                            x -> x.listenerStats() == null
                                    ? 0
                                    : x.listenerStats().failures(r))
                    .description("Failures of the PCD-01 listener (framing, parsing, connections)")
                    .tag("reason", r.label())
                    .register(registry);
        }
    }

    private void counter(
            String name,
            String description,
            Pcd01Inbound p,
            java.util.function.Function<Pcd01Inbound, java.util.Map<String, Long>> counts,
            String outcome) {
        FunctionCounter.builder(name, p, x -> counts.apply(x).getOrDefault(outcome, 0L))
                .description(description)
                .tag("outcome", outcome)
                .register(registry);
    }
}
