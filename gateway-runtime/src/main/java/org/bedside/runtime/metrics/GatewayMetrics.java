package org.bedside.runtime.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.LinkState;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.mqtt.RedeliveryFilter;
import org.bedside.runtime.wiring.BufferStats;
import org.bedside.runtime.wiring.Consumers;
import org.bedside.runtime.wiring.Devices;
import org.bedside.uplink.UplinkStatus;
import org.bedside.uplink.UplinkWorker;

/**
 * The gateway's meters, read from the pipelines' and the uplink's counters at scrape time:
 *
 * <ul>
 *   <li>{@code bedside_readings_total{device}}, {@code bedside_frames_total{device}}
 *   <li>{@code bedside_decode_failures_total{device,reason}}
 *   <li>{@code bedside_device_connected{device}} (1 while frames decode)
 *   <li>{@code bedside_store_failures_total{device}}: readings the buffer could not take
 *   <li>{@code bedside_mqtt_redeliveries_dropped_total{device}} (MQTT devices): readings of redelivered messages, not
 *       stored twice
 *   <li>{@code bedside_buffer_pending_records}, {@code bedside_buffer_oldest_pending_age_seconds}
 *   <li>{@code bedside_uploads_total{outcome=accepted|retried|rejected}}
 *   <li>{@code bedside_observations_total{result=created|matched}}
 *   <li>{@code bedside_readings_not_charted_total{reason}}
 *   <li>per consumer of the buffer: {@code bedside_consumer_delivered_total{consumer}},
 *       {@code bedside_consumer_retries_total{consumer}}, {@code bedside_consumer_pending_records{consumer}}, {@code bedside_consumer_failures_total{consumer}} (unexpected
 *       errors it survived), {@code bedside_consumer_dead_letters_total{consumer}}, {@code bedside_consumer_online{consumer}}
 * </ul>
 */
@ApplicationScoped
public class GatewayMetrics {
    @Inject
    Devices devices;

    @Inject
    Consumers consumers;

    @Inject
    Optional<UplinkWorker> uplink;

    @Inject
    BufferStats bufferStats;

    @Inject
    GuardedStore store;

    @Inject
    MeterRegistry registry;

    void register(@Observes StartupEvent event) {
        for (DevicePipeline p : devices.pipelines()) {
            String device = p.device().value();
            counter(
                    "bedside_readings_total",
                    "Readings decoded and stored",
                    p,
                    s -> s.status().readings(),
                    "device",
                    device);
            counter("bedside_frames_total", "Frames decoded", p, s -> s.status().frames(), "device", device);
            counter(
                    "bedside_store_failures_total",
                    "Frames whose readings the buffer could not take",
                    p,
                    s -> s.status().storeFailures(),
                    "device",
                    device);
            for (DecodeFailure.Reason reason : DecodeFailure.Reason.values()) {
                counter(
                        "bedside_decode_failures_total",
                        "Frames or bytes that could not be decoded",
                        p,
                        s -> s.status().decodeFailures().getOrDefault(reason, 0L),
                        "device",
                        device,
                        "reason",
                        reason.label());
            }
            devices.redeliveryFilter(p.device())
                    .ifPresent(f -> counter(
                            "bedside_mqtt_redeliveries_dropped_total",
                            "Readings of MQTT messages the broker delivered again, recognised and not stored twice",
                            f,
                            RedeliveryFilter::duplicates,
                            "device",
                            device));
            Gauge.builder("bedside_device_connected", p, s -> s.status().state() == LinkState.CONNECTED ? 1 : 0)
                    .description("1 while the device's frames decode")
                    .tag("device", device)
                    .register(registry);
        }
        Gauge.builder("bedside_buffer_pending_records", bufferStats, BufferStats::pendingRecords)
                .description("Records not yet acknowledged by the FHIR server")
                .register(registry);
        Gauge.builder(
                        "bedside_buffer_oldest_pending_age_seconds",
                        bufferStats,
                        b -> b.oldestPending()
                                .map(t -> (double)
                                        Duration.between(t, Instant.now()).toSeconds())
                                .orElse(0.0))
                .description("Age of the oldest reading not yet acknowledged by the FHIR server")
                .register(registry);
        for (String kind : java.util.List.of("waveform", "numeric")) {
            counter(
                    "bedside_buffer_thinned_total",
                    "Readings not stored because the disk is nearly full, by kind",
                    store,
                    g -> g.status().thinned().getOrDefault(kind, 0L),
                    "kind",
                    kind);
        }
        Gauge.builder("bedside_buffer_free_ratio", store, g -> g.status().freeShare())
                .description("Share of the buffer's file system that is free")
                .register(registry);
        Gauge.builder(
                        "bedside_buffer_degraded",
                        store,
                        g -> g.status().level() == org.bedside.buffer.guard.GuardStatus.Level.NORMAL ? 0 : 1)
                .description("1 while the free-space guard thins the buffer")
                .register(registry);
        // Without a FHIR server there are no uplink meters (the consumers' below cover PCD-01 out).
        uplink.ifPresent(this::uplinkMeters);
        for (BufferConsumer<?> c : consumers.all()) {
            String name = c.name();
            counter(
                    "bedside_consumer_delivered_total",
                    "Items a consumer's destination acknowledged",
                    c,
                    x -> x.status().delivered(),
                    "consumer",
                    name);
            counter(
                    "bedside_consumer_retries_total",
                    "Deliveries a consumer had to try again",
                    c,
                    x -> x.status().retries(),
                    "consumer",
                    name);
            counter(
                    "bedside_consumer_failures_total",
                    "Unexpected errors a consumer survived (it starts again from its committed position)",
                    c,
                    x -> x.status().failures(),
                    "consumer",
                    name);
            counter(
                    "bedside_consumer_dead_letters_total",
                    "Items or records a consumer put into its dead letters",
                    c,
                    x -> x.status().deadLettered(),
                    "consumer",
                    name);
            Gauge.builder("bedside_consumer_pending_records", consumers.pending(name), BufferStats::pendingRecords)
                    .description("Records the consumer has not yet delivered and committed")
                    .tag("consumer", name)
                    .register(registry);
            Gauge.builder(
                            "bedside_consumer_online",
                            c,
                            x -> x.status().state() == org.bedside.buffer.consumer.ConsumerState.ONLINE ? 1 : 0)
                    .description("1 while the consumer's destination acknowledges")
                    .tag("consumer", name)
                    .register(registry);
        }
    }

    private void uplinkMeters(UplinkWorker uplink) {
        counter(
                "bedside_uploads_total",
                "Transaction Bundles by outcome",
                uplink,
                u -> u.status().bundlesAccepted(),
                "outcome",
                "accepted");
        counter(
                "bedside_uploads_total",
                "Transaction Bundles by outcome",
                uplink,
                u -> u.status().retries(),
                "outcome",
                "retried");
        counter(
                "bedside_uploads_total",
                "Transaction Bundles by outcome",
                uplink,
                u -> u.status().rejections(),
                "outcome",
                "rejected");
        counter(
                "bedside_observations_total",
                "Observations sent, by what the server did",
                uplink,
                u -> u.status().observationsCreated(),
                "result",
                "created");
        counter(
                "bedside_observations_total",
                "Observations sent, by what the server did",
                uplink,
                u -> u.status().observationsMatched(),
                "result",
                "matched");
        for (String reason : uplink.status().notCharted().keySet()) {
            counter(
                    "bedside_readings_not_charted_total",
                    "Readings kept in the buffer but not charted, by reason",
                    uplink,
                    u -> u.status().notCharted().getOrDefault(reason, 0L),
                    "reason",
                    reason.toLowerCase(Locale.ROOT));
        }
        counter(
                "bedside_dead_letters_total",
                "Observations the FHIR server refused one by one",
                uplink,
                u -> u.status().deadLettered());
        Gauge.builder("bedside_dead_letters_waiting", uplink, u -> u.status().deadLettersWaiting())
                .description("Dead letters not yet retried successfully")
                .register(registry);
        counter(
                "bedside_observations_backfilled_total",
                "Observations charted late from the buffer (tagged)",
                uplink,
                u -> u.status().backfilled());
        Gauge.builder("bedside_uplink_online", uplink, u -> u.status().state() == UplinkStatus.State.ONLINE ? 1 : 0)
                .description("1 while the FHIR server accepts uploads")
                .register(registry);
    }

    private <T> void counter(String name, String description, T source, ToDoubleFunction<T> f, String... tags) {
        FunctionCounter.builder(name, source, f)
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
