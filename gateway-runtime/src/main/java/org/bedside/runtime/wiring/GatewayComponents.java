package org.bedside.runtime.wiring;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.alarms.delivery.AlertDeliveries;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.alarms.delivery.Pcd05Inbound;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.guard.FreeSpace;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.ReadingSink;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.mqtt.MqttEgress;
import org.bedside.mqtt.MqttIngestTransport;
import org.bedside.mqtt.RedeliveryFilter;
import org.bedside.patients.AuditLog;
import org.bedside.patients.DevicePairings;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.Releases;
import org.bedside.runtime.capture.Captures;
import org.bedside.runtime.config.AlarmSettings;
import org.bedside.runtime.config.BedSettings;
import org.bedside.runtime.config.CaptureSettings;
import org.bedside.runtime.config.ConfigProblems;
import org.bedside.runtime.config.GatewayConfig;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.runtime.config.Pcd01InSettings;
import org.bedside.runtime.pcd01.Pcd01Inbound;
import org.bedside.uplink.EncounterSearch;
import org.bedside.uplink.PatientLookup;
import org.bedside.uplink.Pcd01Out;
import org.bedside.uplink.Pcd01Sink;
import org.bedside.uplink.UplinkWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producers of the gateway's components. Each is a singleton made once, on first use, with plain {@code new} from
 * the checked settings; none is started here (that is {@link GatewayLifecycle}'s job, in order). A problem with the
 * configuration or the data directory fails the producer with a message naming the key, and the gateway does not
 * start.
 */
@Singleton
public class GatewayComponents {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayComponents.class);

    @Produces
    @Singleton
    GatewaySettings settings(GatewayConfig config) {
        try {
            return GatewaySettings.from(config);
        } catch (ConfigProblems e) {
            LOG.error("The gateway does not start: {}", e.getMessage());
            throw e;
        }
    }

    @Produces
    @Singleton
    SystemClock systemClock(GatewaySettings s) {
        try {
            return SystemClock.of(s.dataDirectory());
        } catch (IOException e) {
            throw dataDirectory(e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    @Typed(ChronicleReadingStore.class)
    ChronicleReadingStore chronicle(GatewaySettings s, SystemClock clock) {
        try {
            ChronicleReadingStore opened =
                    ChronicleReadingStore.open(s.dataDirectory().resolve("buffer"), s.store());
            opened.checkClockWith(clock);
            return opened;
        } catch (StoreException e) {
            throw dataDirectory(e.getMessage(), e);
        }
    }

    /** The store every component appends to and reads from: the Chronicle store behind the free-space guard. */
    @Produces
    @Singleton
    @Typed(GuardedStore.class)
    GuardedStore store(ChronicleReadingStore chronicle, GatewaySettings s) {
        try {
            return new GuardedStore(chronicle, FreeSpace.of(chronicle.directory()), s.guard());
        } catch (IOException e) {
            throw dataDirectory("cannot read the free space: " + e.getMessage(), e);
        }
    }

    /** At shutdown, after every pipeline and consumer stopped: stores the held values, marks a clean close. */
    void closeStore(@Disposes GuardedStore store) {
        store.close();
    }

    /** The audit of refused inbound data (docs/security.md): in the box's audit log, beside the ADT listener's. */
    @Produces
    @Singleton
    RefusalAudit refusalAudit(BedAssociations beds) {
        return new RefusalAudit(beds.audit(), InstantSource.system());
    }

    @Produces
    @Singleton
    Devices devices(GatewaySettings s, GuardedStore store, RefusalAudit refusals, BedAssociations beds) {
        List<DevicePipeline> pipelines = new ArrayList<>();
        Map<DeviceId, RedeliveryFilter> filters = new LinkedHashMap<>();
        org.bedside.drivers.spi.DemographicsFingerprint demographicsKey;
        try {
            // One key per installation, kept with the data: a fingerprint is stable across restarts and means nothing
            // on another box (docs/patients.md, "Signs from the devices").
            demographicsKey = org.bedside.drivers.spi.DemographicsFingerprint.openOrCreate(
                    s.dataDirectory().resolve("patients/demographics.key"));
        } catch (java.io.IOException e) {
            throw dataDirectory("cannot read or make the demographics key: " + e.getMessage(), e);
        }
        for (GatewaySettings.DeviceSettings d : s.devices()) {
            // The pipeline only appends: consumers hear of it through the store's append listener. The signs from the
            // devices are known before the frame is stored, so that no consumer reads a reading after a sign first.
            ReadingSink sink = readings -> {
                beds.observeSigns(readings);
                store.append(readings);
            };
            if (d.transport() instanceof MqttIngestTransport) {
                // A broker delivers a message again when its PUBACK was lost: recognised by what it says, not stored
                // twice (docs/mqtt.md, "Acknowledgement and redelivery").
                try {
                    RedeliveryFilter filter = RedeliveryFilter.open(store, d.id());
                    filters.put(d.id(), filter);
                    sink = filter;
                } catch (StoreException e) {
                    filters.values().forEach(RedeliveryFilter::close);
                    throw dataDirectory(
                            "cannot read back the redelivery bookmark of " + d.id() + ": " + e.getMessage(), e);
                }
            }
            DevicePipeline pipeline = new DevicePipeline(
                    d.id(), d.driver(), d.options(), d.transport(), sink, InstantSource.system(), d.pipeline());
            // A message posing as another device's (SenML names under another base name) is audited.
            pipeline.failureListener(refusals.device(d.id()));
            pipeline.demographicsKey(demographicsKey);
            pipelines.add(pipeline);
        }
        return new Devices(pipelines, filters);
    }

    /**
     * The beds' patients: the audit log ({@code <data-dir>/audit/audit.jsonl}), the ADT journal ({@code
     * <data-dir>/patients/adt-events.jsonl}) replayed, and the ADT listener (started by the lifecycle).
     */
    @Produces
    @Singleton
    BedAssociations bedAssociations(GatewaySettings s) {
        try {
            AuditLog audit = new AuditLog(s.dataDirectory().resolve("audit/audit.jsonl"), InstantSource.system());
            Map<String, Object> loaded = new LinkedHashMap<>();
            loaded.put("gateway", s.gatewayId());
            loaded.put("devices", s.devices().size());
            for (BedSettings.Bed b : s.beds().beds()) {
                loaded.put("bed " + b.name(), b.location() + (b.fixedPatient() == null ? " adt" : " configured"));
            }
            audit.record("configuration-loaded", loaded);
            PatientAssociations associations = s.beds().adt() == null
                    ? null
                    : PatientAssociations.open(
                            s.dataDirectory().resolve("patients/adt-events.jsonl"),
                            BedAssociations.adtBeds(s.beds()),
                            audit);
            Releases releases = associations == null
                    ? null
                    : Releases.open(s.dataDirectory().resolve("patients/releases.jsonl"), audit);
            EncounterSearch encounters = s.fhirUplink() ? new EncounterSearch(s.uplink()) : null;
            DevicePairings pairings = associations == null
                    ? null
                    : DevicePairings.open(
                            s.dataDirectory().resolve("patients/device-pairings.jsonl"), associations, audit);
            BedAssociations beds = new BedAssociations(s.beds(), associations, releases, audit, encounters, pairings);
            if (associations != null) {
                // The signs from the devices of the beds that take their patient from associations; a device that
                // travels with its patient says nothing about the bed it stands in.
                Map<DeviceId, org.bedside.patients.BedLocation> watched = new LinkedHashMap<>();
                for (BedSettings.Bed b : s.beds().beds()) {
                    if (b.fixedPatient() == null) {
                        b.devices().stream()
                                .filter(d -> !s.beds().travelling().devices().contains(d))
                                .forEach(d -> watched.put(d, b.location()));
                    }
                }
                beds.watchSigns(org.bedside.patients.BedSigns.open(
                        s.dataDirectory().resolve("patients/device-signs.jsonl"),
                        watched,
                        java.util.Objects.requireNonNull(s.beds().adt()).sensorOffGap(),
                        associations,
                        audit));
            }
            return beds;
        } catch (IOException e) {
            throw dataDirectory("cannot open the audit log or the ADT journal: " + e.getMessage(), e);
        }
    }

    void closeBedAssociations(@Disposes BedAssociations beds) {
        beds.close();
    }

    /**
     * Patients by identifier on the FHIR server, for the bedside page (with the uplink's TLS and authorization); none
     * without a FHIR uplink (the page then says it cannot look patients up).
     */
    @Produces
    @Singleton
    Optional<PatientLookup> patientLookup(GatewaySettings s) {
        return s.fhirUplink() ? Optional.of(new PatientLookup(s.uplink())) : Optional.empty();
    }

    /** The replays that chart released readings (started and stopped by the lifecycle, with the consumers). */
    @Produces
    @Singleton
    ReleaseReplays releaseReplays(GatewaySettings s, GuardedStore store, BedAssociations beds, SystemClock clock) {
        return new ReleaseReplays(s, store, beds, clock, InstantSource.system());
    }

    /**
     * PCD-01 in, when {@code gateway.pcd01-in} is configured: its listener (started by the lifecycle) appends to the
     * store like a device pipeline; the messages already stored are read back from the buffer here.
     */
    @Produces
    @Singleton
    Optional<Pcd01Inbound> pcd01In(GatewaySettings s, GuardedStore store, BedAssociations beds, RefusalAudit refusals) {
        Pcd01InSettings p = s.pcd01In();
        if (p == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Pcd01Inbound(
                    p,
                    store,
                    beds::adtPatientsAt,
                    beds.assigningAuthorities(),
                    // audited: who tried to send the gateway readings it must not take
                    refusals.connections("pcd01-connection-refused")));
        } catch (StoreException e) {
            throw dataDirectory("cannot read back the PCD-01 messages already stored: " + e.getMessage(), e);
        }
    }

    void closePcd01In(@Disposes Optional<Pcd01Inbound> pcd01In) {
        pcd01In.ifPresent(Pcd01Inbound::close);
    }

    /** The FHIR uplink, when {@code gateway.uplink.base-url} is configured. */
    @Produces
    @Singleton
    Optional<UplinkWorker> uplink(GatewaySettings s, GuardedStore store, SystemClock clock, BedAssociations beds) {
        if (!s.fhirUplink()) {
            return Optional.empty();
        }
        return Optional.of(new UplinkWorker(
                s.uplink(),
                store,
                s.deviceContexts(),
                beds,
                deadLetters(s.dataDirectory(), UplinkWorker.CURSOR),
                InstantSource.system(),
                clock));
    }

    /**
     * The MQTT egress, when {@code gateway.mqtt-egress} is configured: a consumer of its own (cursor {@value
     * MqttEgress#CURSOR}, dead letters in {@code dead-letters/mqtt}), woken by the store's append listener like the
     * uplink.
     */
    @Produces
    @Singleton
    Optional<MqttEgress> mqttEgress(GatewaySettings s, GuardedStore store, SystemClock clock, BedAssociations beds) {
        MqttEgress.Settings e = s.mqttEgress();
        if (e == null) {
            return Optional.empty();
        }
        MqttEgress egress = new MqttEgress(
                e, store, deadLetters(s.dataDirectory(), MqttEgress.CURSOR), InstantSource.system(), clock);
        egress.sink().withdrawals(beds.mqttWithdrawals());
        return Optional.of(egress);
    }

    /**
     * PCD-01 out, when {@code gateway.pcd01-out} is configured: a consumer of its own (cursor {@value
     * Pcd01Sink#CURSOR}, dead letters in {@code dead-letters/pcd01}) sending the charted readings to an interface
     * engine, for the patients the beds' associations name (the uplink's answers, in HL7 v2 terms).
     */
    @Produces
    @Singleton
    Optional<Pcd01Out> pcd01Out(GatewaySettings s, GuardedStore store, SystemClock clock, BedAssociations beds) {
        Pcd01Out.Settings p = s.pcd01Out();
        if (p == null) {
            return Optional.empty();
        }
        return Optional.of(new Pcd01Out(
                p,
                store,
                beds.pcd01Patients(s.deviceContexts()),
                deadLetters(s.dataDirectory(), Pcd01Sink.CURSOR),
                InstantSource.system(),
                clock));
    }

    @Produces
    @Singleton
    Consumers consumers(
            Optional<UplinkWorker> uplink,
            Optional<MqttEgress> mqttEgress,
            Optional<Pcd01Out> pcd01Out,
            Alarms alarms,
            GuardedStore store) {
        List<BufferConsumer<?>> all = new ArrayList<>();
        List<AutoCloseable> afterStop = new ArrayList<>();
        Map<String, String> destinations = new LinkedHashMap<>();
        uplink.ifPresent(u -> all.add(u.consumer()));
        mqttEgress.ifPresent(e -> {
            all.add(e.consumer());
            afterStop.add(e.publisher());
        });
        pcd01Out.ifPresent(p -> {
            all.add(p.consumer());
            afterStop.add(p.sink()); // its MLLP connection, once the loop stopped
            destinations.put(Pcd01Sink.CURSOR, p.settings().destination());
        });
        all.addAll(alarms.consumers());
        return new Consumers(all, afterStop, store, destinations);
    }

    @Produces
    @Singleton
    AlarmSettings alarmSettings(GatewayConfig config) {
        try {
            AlarmSettings s = AlarmSettings.from(config);
            // Every setting in force, with the hash that identifies them, once at start.
            s.describe().forEach(line -> LOG.info("{}", line));
            return s;
        } catch (ConfigProblems e) {
            LOG.error("The gateway does not start: {}", e.getMessage());
            throw e;
        }
    }

    /**
     * The alarm path: the engine as a consumer of the buffer (cursor {@code alarms}, its rebuild point in
     * {@code <data-dir>/alarms}), PCD-04 to the Alert Manager (cursor {@code pcd04}) when one is configured, PCD-04 of
     * the escalated alerts to a second destination (cursor {@code pcd04-escalation}) when one is, and the PCD-05
     * listener (its journal in {@code <data-dir>/alarms}). The engine never looks at the patient: an alert of a bed
     * without a confirmed patient goes out with the bed only.
     */
    @Produces
    @Singleton
    Alarms alarms(AlarmSettings a, GatewaySettings s, GuardedStore store, SystemClock clock, RefusalAudit refusals) {
        AlarmEngineSink engine = null;
        BufferConsumer<AlertReport> engineConsumer = null;
        if (a.enabled()) {
            try {
                engine = new AlarmEngineSink(
                        store,
                        a::policyOf,
                        s.dataDirectory().resolve("alarms"),
                        a.frameLag(),
                        Duration.ofMinutes(1),
                        InstantSource.system());
            } catch (IOException e) {
                throw dataDirectory("cannot use " + s.dataDirectory().resolve("alarms") + ": " + e.getMessage(), e);
            }
            engineConsumer = new BufferConsumer<>(
                    // One engine reading the buffer in order: no live lane (unbounded live lag), batches of any size.
                    new ConsumerSettings(
                            AlarmEngineSink.CURSOR,
                            1000,
                            Duration.ofMillis(200),
                            Duration.ofSeconds(5),
                            Duration.ofDays(36500),
                            Duration.ofMillis(200),
                            3,
                            Duration.ofMinutes(10)),
                    store,
                    engine,
                    deadLetters(s.dataDirectory(), AlarmEngineSink.CURSOR),
                    InstantSource.system(),
                    // Like the uplink: a record stamped before the wall clock was trusted waits for it (its receive
                    // times are then corrected), so that the engine's clock and the frames' times agree.
                    clock);
        }
        AlertDeliveries deliveries = new AlertDeliveries(a.expectDeliveryWithin());
        Pcd04Sink pcd04 = null;
        BufferConsumer<Pcd04Sink.Outgoing> pcd04Consumer = null;
        AlarmSettings.Pcd04Settings am = a.pcd04();
        if (am != null) {
            pcd04 = pcd04Sink(am, every -> true, deliveries);
            pcd04Consumer = pcd04Consumer(Pcd04Sink.CURSOR, am, pcd04, s, store, clock);
        }
        Pcd04Sink escalation = null;
        BufferConsumer<Pcd04Sink.Outgoing> escalationConsumer = null;
        AlarmSettings.Pcd04Settings second = a.escalation();
        if (second != null) {
            // Its own consumer under its own cursor, in the same loop: escalated alerts only.
            escalation = pcd04Sink(second, Pcd04Sink.escalatedAtLeast(a.escalationFromLevel()), deliveries);
            escalationConsumer = pcd04Consumer(ESCALATION_CURSOR, second, escalation, s, store, clock);
        }
        Pcd05Inbound pcd05In = null;
        AlarmSettings.Pcd05InSettings in = a.pcd05In();
        if (in != null && am != null) {
            try {
                pcd05In = new Pcd05Inbound(
                        new Pcd05Inbound.Settings(
                                in.bind(),
                                in.allowed(),
                                in.maxMessageSize(),
                                am.sender().application(),
                                am.sender().eui64(),
                                in.tls(),
                                // audited: who tried to report on the gateway's alerts
                                refusals.connections("pcd05-connection-refused")),
                        deliveries,
                        s.dataDirectory().resolve("alarms"));
            } catch (IOException e) {
                throw dataDirectory("cannot use " + s.dataDirectory().resolve("alarms") + ": " + e.getMessage(), e);
            }
        }
        return new Alarms(
                a, engine, engineConsumer, pcd04, pcd04Consumer, deliveries, pcd05In, escalation, escalationConsumer);
    }

    /** The cursor of the escalation destination's PCD-04 consumer. */
    static final String ESCALATION_CURSOR = "pcd04-escalation";

    private static Pcd04Sink pcd04Sink(
            AlarmSettings.Pcd04Settings am,
            java.util.function.Predicate<AlertReport> takes,
            AlertDeliveries deliveries) {
        MllpClient client = new MllpClient(MllpClientConfig.of(am.host(), am.port())
                .withAckTimeout(am.ackTimeout())
                .withConnectTimeout(am.connectTimeout()));
        return new Pcd04Sink(
                client,
                am.destination(),
                new Pcd04Encoder(am.sender(), am.location()),
                am.delivery(),
                InstantSource.system(),
                takes,
                deliveries);
    }

    private BufferConsumer<Pcd04Sink.Outgoing> pcd04Consumer(
            String cursor,
            AlarmSettings.Pcd04Settings am,
            Pcd04Sink sink,
            GatewaySettings s,
            GuardedStore store,
            SystemClock clock) {
        return new BufferConsumer<>(
                // One message at a time (a retry or a refusal is about exactly one), in buffer order.
                new ConsumerSettings(
                        cursor,
                        1,
                        Duration.ofMillis(200),
                        am.retryMaxDelay(),
                        Duration.ofDays(36500),
                        Duration.ofMillis(200),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                deadLetters(s.dataDirectory(), cursor),
                InstantSource.system(),
                clock);
    }

    void closeAlarms(@Disposes Alarms alarms) {
        alarms.close();
    }

    /** {@code gateway.capture}: where captures go and how large and long one may be. */
    @Produces
    @Singleton
    CaptureSettings captureSettings(GatewayConfig config) {
        try {
            return CaptureSettings.from(config);
        } catch (ConfigProblems e) {
            LOG.error("The gateway does not start: {}", e.getMessage());
            throw e;
        }
    }

    /** Captures for the field ({@code bedside capture}): taps on the running pipelines, nothing until one is asked. */
    @Produces
    @Singleton
    Captures captures(GatewaySettings s, CaptureSettings c, Devices devices) {
        return new Captures(s, c, devices, InstantSource.system());
    }

    /** Ends the running captures (their files are flushed and closed). */
    void closeCaptures(@Disposes Captures captures) {
        captures.close();
    }

    /**
     * How much waits for the first destination (the FHIR uplink; PCD-01 out or the MQTT egress without one), computed
     * at most every 2 s however often it is asked.
     */
    @Produces
    @Singleton
    BufferStats bufferStats(GatewaySettings s, GuardedStore store) {
        return new BufferStats(store, firstDestination(s), Duration.ofSeconds(2));
    }

    /** The cursor of the destination the buffer's backlog is counted for. */
    static String firstDestination(GatewaySettings s) {
        if (s.fhirUplink()) {
            return UplinkWorker.CURSOR;
        }
        return s.pcd01Out() != null ? Pcd01Sink.CURSOR : MqttEgress.CURSOR;
    }

    /**
     * A consumer's dead letters, {@code <data-dir>/dead-letters/<consumer>}. The uplink's used to be
     * {@code <data-dir>/dead-letters} itself: they are moved into {@code uplink/} once.
     */
    static DeadLetterStore deadLetters(Path dataDirectory, String consumer) {
        Path root = dataDirectory.resolve("dead-letters");
        Path dir = root.resolve(consumer);
        try {
            DeadLetterStore store = new DeadLetterStore(dir);
            if (consumer.equals(UplinkWorker.CURSOR)) {
                moveInto(root, dir);
                moveInto(root.resolve("retried"), dir.resolve("retried"));
            }
            return store;
        } catch (IOException e) {
            throw dataDirectory("cannot use the dead letters in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void moveInto(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(from, "*.json")) {
            for (Path f : old) {
                Files.move(f, to.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static IllegalStateException dataDirectory(String message, Exception cause) {
        LOG.error("The gateway does not start: gateway.data-dir: {}", message);
        return new IllegalStateException("gateway.data-dir: " + message, cause);
    }
}
