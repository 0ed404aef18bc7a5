package org.bedside.runtime.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerStatus;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.PipelineStatus;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.mqtt.MqttEgress;
import org.bedside.runtime.capture.Captures;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.runtime.pcd01.Pcd01Inbound;
import org.bedside.runtime.signals.LocalSignalsService;
import org.bedside.runtime.wiring.Alarms;
import org.bedside.runtime.wiring.BedAssociations;
import org.bedside.runtime.wiring.BufferStats;
import org.bedside.runtime.wiring.Consumers;
import org.bedside.runtime.wiring.Devices;
import org.bedside.uplink.UplinkStatus;
import org.bedside.uplink.UplinkWorker;
import org.jspecify.annotations.Nullable;

/**
 * What the status page shows, as served at {@code /api/status}; {@code captures} are the captures being recorded now
 * ({@code bedside capture}); {@code travelling} the devices that travel with the patient and their pairings
 * (docs/patients.md).
 */
public record GatewayStatus(
        String gateway,
        String bed,
        Instant now,
        Instant startedAt,
        List<Device> devices,
        Uplink uplink,
        Buffer buffer,
        List<BedAssociations.BedStatus> beds,
        @Nullable Adt adt,
        List<Consumer> consumers,
        @Nullable AlarmsStatus alarms,
        @Nullable Pcd01In pcd01In,
        @Nullable List<Captures.CaptureStatus> captures,
        List<BedAssociations.TravellerStatus> travelling) {

    /**
     * One consumer of the buffer (the FHIR uplink, the MQTT egress...): its state, what waits for it, when it last
     * delivered, its dead letters.
     *
     * @param destination where it delivers, without credentials
     * @param connected for a destination with a connection of its own (MQTT): whether it is up; null otherwise
     * @param lastDeliveredAt when its destination last acknowledged a batch
     * @param draining whether a backlog is being drained (live readings first)
     */
    public record Consumer(
            String name,
            String state,
            String detail,
            Instant since,
            String destination,
            @Nullable Boolean connected,
            long pendingRecords,
            @Nullable Long oldestPendingAgeSeconds,
            @Nullable Instant lastDeliveredAt,
            long delivered,
            long retries,
            long failures,
            @Nullable String lastFailure,
            long deadLettered,
            long deadLettersWaiting,
            boolean draining) {}

    /**
     * The hospital's admissions: the ADT listener (where it listens, null without one, and its messages by outcome:
     * recorded, duplicate, not_ours, and refusal reasons) and the FHIR Encounter source (null without one).
     */
    public record Adt(
            @Nullable String listen,
            Map<String, Long> messages,
            @Nullable Encounters encounters) {}

    /**
     * The FHIR Encounter source: how often it polls, when every bed was last polled successfully, and since when and
     * why polls fail (null while they succeed); the associations keep their last state while it is stale.
     */
    public record Encounters(
            String pollEvery,
            @Nullable Instant lastSuccess,
            @Nullable Instant staleSince,
            @Nullable String staleReason) {}

    /**
     * The PCD-01 listener: where it listens, its PCD-01 messages by outcome (stored, quarantined, duplicate,
     * no-readings, store-failed, and refusal reasons), its PCD-10 {@code ORU^R42} messages the same way ({@code
     * pumpEvents}), the readings it stored (quarantined ones among them), the acknowledgements sent by code and the
     * failures before the handler (framing, parsing) by reason.
     */
    public record Pcd01In(
            String listen,
            Map<String, Long> messages,
            Map<String, Long> pumpEvents,
            long readingsStored,
            long readingsQuarantined,
            Map<String, Long> acks,
            Map<String, Long> listenerFailures) {

        static @Nullable Pcd01In of(Optional<Pcd01Inbound> inbound) {
            if (inbound.isEmpty() || inbound.get().address() == null) {
                return null;
            }
            Pcd01Inbound p = inbound.get();
            var listen = java.util.Objects.requireNonNull(p.address());
            Map<String, Long> acks = new java.util.TreeMap<>();
            var stats = p.listenerStats();
            if (stats != null) {
                for (AckCode c : AckCode.values()) {
                    if (stats.acksSent(c) > 0) {
                        acks.put(c.name(), stats.acksSent(c));
                    }
                }
            }
            return new Pcd01In(
                    "mllp://" + listen.getHostString() + ":" + listen.getPort(),
                    p.counts(),
                    p.pumpEventCounts(),
                    p.readingsStored(),
                    p.readingsQuarantined(),
                    acks,
                    stats == null ? Map.of() : stats.failuresByReason());
        }
    }

    /** The buffer's disk: NORMAL, or THINNING / CRITICAL with the reason. */
    public record Buffer(String level, String reason, double freePercent, Map<String, Long> thinned) {}

    public record Device(
            String id,
            String name,
            String driver,
            String port,
            String state,
            String detail,
            @Nullable String session,
            Instant since,
            @Nullable Instant lastFrameAt,
            long frames,
            long readings,
            long decodeFailures,
            Map<String, Long> decodeFailuresByReason,
            long storeFailures,
            @Nullable String patient,
            @Nullable LastCharted lastCharted,
            @Nullable Long waiting,
            @Nullable Unit unit) {}

    /**
     * The physical unit in the slot, as it named itself on the wire (docs/architecture.md, "Device"): no patient data.
     *
     * @param serialNumber its serial number, or null when it sent none
     * @param systemId its system id, or null
     * @param model manufacturer and model as it sent them ("Philips M8000"), or null
     */
    public record Unit(
            @Nullable String serialNumber,
            @Nullable String systemId,
            @Nullable String model) {
        static @Nullable Unit of(org.bedside.model.@Nullable DeviceIdentity id) {
            if (id == null) {
                return null;
            }
            String model = ((id.manufacturer() == null ? "" : id.manufacturer()) + " "
                            + (id.model() == null ? "" : id.model()))
                    .trim();
            return new Unit(id.serialNumber(), id.systemId(), model.isEmpty() ? null : model);
        }
    }

    public record LastCharted(String metric, @Nullable String value, String unit, Instant effective) {}

    public record Uplink(
            String state,
            String detail,
            String server,
            String charting,
            Instant since,
            @Nullable Instant lastSuccessAt,
            long pendingRecords,
            @Nullable Long oldestPendingAgeSeconds,
            long observationsCreated,
            long observationsMatched,
            long retries,
            long rejections,
            long deadLettersWaiting,
            long backfilled,
            Map<String, Long> notCharted) {}

    /** What the status page needs to see, injected into the resources that serve it. */
    record Sources(
            GatewaySettings settings,
            Devices devices,
            Optional<UplinkWorker> uplink,
            BufferStats bufferStats,
            GuardedStore store,
            Instant startedAt,
            BedAssociations beds,
            Consumers consumers,
            Optional<MqttEgress> mqttEgress,
            @Nullable Alarms alarms,
            Optional<Pcd01Inbound> pcd01In,
            Captures captures,
            LocalSignalsService localSignals) {}

    static GatewayStatus of(Sources g) {
        UplinkStatus u = g.uplink().map(UplinkWorker::status).orElse(null);
        Instant now = Instant.now();
        Map<String, Long> waiting = g.bufferStats().pendingByDevice().orElse(null);
        List<Device> devices = g.devices().pipelines().stream()
                .map(p -> device(g.settings(), p, u, waiting))
                .toList();
        Long age = g.bufferStats()
                .oldestPending()
                .map(t -> Duration.between(t, now).toSeconds())
                .orElse(null);
        var settings = g.settings();
        Uplink uplink = u == null
                ? notConfigured(g, age)
                : new Uplink(
                        u.state().name(),
                        u.detail(),
                        settings.uplink().baseUrl().toString(),
                        settings.uplink().everyReading()
                                ? "every reading"
                                : "latest valid value every "
                                        + settings.uplink().chartingInterval().toSeconds() + " s",
                        u.since(),
                        u.lastSuccessAt(),
                        g.bufferStats().pendingRecords(),
                        age,
                        u.observationsCreated(),
                        u.observationsMatched(),
                        u.retries(),
                        u.rejections(),
                        u.deadLettersWaiting(),
                        u.backfilled(),
                        u.notCharted());
        var guard = g.store().status();
        Buffer buffer = new Buffer(
                guard.level().name(), guard.reason(), Math.round(guard.freeShare() * 1000) / 10.0, guard.thinned());
        var listen = g.beds().adtAddress();
        var source = g.beds().encounterSource();
        var adtSettings = settings.beds().adt();
        Encounters encounters = source == null || adtSettings == null || adtSettings.encounters() == null
                ? null
                : new Encounters(
                        adtSettings.encounters().pollEvery().toString(),
                        source.lastSuccess(),
                        source.staleSince(),
                        source.staleReason());
        Adt adt = listen == null && encounters == null
                ? null
                : new Adt(
                        listen == null ? null : "mllp://" + listen.getHostString() + ":" + listen.getPort(),
                        g.beds().adtCounts(),
                        encounters);
        List<Consumer> consumers =
                g.consumers().all().stream().map(c -> consumer(g, c, now)).toList();
        return new GatewayStatus(
                settings.gatewayId(),
                settings.bed(),
                now,
                g.startedAt(),
                devices,
                uplink,
                buffer,
                g.beds().status(now),
                adt,
                consumers,
                g.alarms() == null
                        ? null
                        : AlarmsStatus.of(g.alarms(), g.localSignals().status(), false),
                Pcd01In.of(g.pcd01In()),
                // Only the running ones: the page says a capture is being recorded while it is (GET /api/captures
                // lists the ended ones too).
                g.captures().runningNow(),
                g.beds().travellers(now));
    }

    /**
     * The uplink without a FHIR server: said so, with where the readings go instead; the backlog is that destination's
     * (PCD-01 out, else the MQTT egress).
     */
    private static Uplink notConfigured(Sources g, @Nullable Long age) {
        List<String> instead = new java.util.ArrayList<>();
        if (g.settings().pcd01Out() != null) {
            instead.add("PCD-01 to " + g.settings().pcd01Out().destination());
        }
        g.mqttEgress()
                .ifPresent(e -> instead.add("MQTT to " + e.settings().endpoint().describe()));
        return new Uplink(
                "NOT_CONFIGURED",
                "FHIR uplink: not configured"
                        + (instead.isEmpty() ? "" : "; the readings go as " + String.join(" and ", instead)),
                "not configured",
                "none",
                g.startedAt(),
                null,
                g.bufferStats().pendingRecords(),
                age,
                0,
                0,
                0,
                0,
                0,
                0,
                Map.of());
    }

    private static Consumer consumer(Sources g, BufferConsumer<?> c, Instant now) {
        ConsumerStatus s = c.status();
        BufferStats pending = g.consumers().pending(c.name());
        Long age = pending.oldestPending()
                .map(t -> Duration.between(t, now).toSeconds())
                .orElse(null);
        String destination = c.name();
        Boolean connected = null;
        if (c.name().equals(UplinkWorker.CURSOR)) {
            destination = String.valueOf(g.settings().uplink().baseUrl());
        }
        destination = g.consumers().destination(c.name()).orElse(destination);
        MqttEgress egress = g.mqttEgress().filter(e -> e.consumer() == c).orElse(null);
        if (egress != null) {
            destination = egress.settings().endpoint().describe();
            connected = egress.publisher().state().connected();
        }
        return new Consumer(
                s.name(),
                s.state().name(),
                s.detail(),
                s.since(),
                destination,
                connected,
                pending.pendingRecords(),
                age,
                s.lastSuccessAt(),
                s.delivered(),
                s.retries(),
                s.failures(),
                s.lastFailure(),
                s.deadLettered(),
                s.deadLettersWaiting(),
                s.draining());
    }

    /** @param waiting the uplink's pending records by device; null when the store cannot tell */
    private static Device device(
            GatewaySettings settings, DevicePipeline p, @Nullable UplinkStatus u, @Nullable Map<String, Long> waiting) {
        PipelineStatus s = p.status();
        var context = settings.deviceContexts().get(p.device());
        UplinkStatus.LastCharted last =
                u == null ? null : u.lastCharted().get(p.device().value());
        Map<String, Long> failures = new java.util.TreeMap<>();
        s.decodeFailures().forEach((reason, n) -> {
            if (n > 0) {
                failures.put(reason.label(), n);
            }
        });
        return new Device(
                p.device().value(),
                context == null ? p.device().value() : context.displayName(),
                s.driver(),
                s.endpoint(),
                s.state().name(),
                s.detail(),
                s.session(),
                s.since(),
                s.lastFrameAt(),
                s.frames(),
                s.readings(),
                s.decodeFailureTotal(),
                failures,
                s.storeFailures(),
                context == null ? null : context.patientReference(),
                last == null ? null : new LastCharted(last.metric(), last.value(), last.unit(), last.effective()),
                waiting == null ? null : waiting.getOrDefault(p.device().value(), 0L),
                Unit.of(s.unit()));
    }
}
