package org.bedside.runtime.pcd01;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.common.RateLimitedLog;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.MessageHeader;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.mllp.ConnectionRefusal;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.InboundMessage;
import org.bedside.hl7.mllp.ListenerStats;
import org.bedside.hl7.mllp.MllpHandler;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.pcd.Pcd01Decoder;
import org.bedside.hl7.pcd.Pcd01Report;
import org.bedside.hl7.pcd.Pcd10Decoder;
import org.bedside.hl7.pcd.Pcd10Report;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Reading;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientKey;
import org.bedside.runtime.config.Pcd01InSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IHE PCD-01 in: the MLLP listener ({@code gateway.pcd01-in}) and its handler. HAPI parses, {@link Pcd01Decoder} reads
 * the {@code ORU^R01} into observations; each PATIENT_RESULT's PV1-3 chooses a configured bed and OBX-18 the device at
 * that bed; the readings are appended to the buffer — one record per device, with a marker naming the message — and
 * only then does the listener acknowledge (CA when MSH-15 asks for enhanced mode, as PCD-01 does; AA otherwise).
 *
 * <p>The same listener and handler take IHE PCD-10 {@code ORU^R42} (infusion events, {@link Pcd10Decoder}) by the same
 * rules: PV1-3 chooses the bed, the pump's OBX-18 (its MDS row) the device, the PID is compared the same way; the
 * record holds one {@code InfusionStatus} per infusate source, the event as an {@code InfusionEvent} and the pump's
 * EUI-64 as a {@code DeviceIdentity}, then the marker naming the message. A pump event is not an alarm (pumps alarm by
 * PCD-04): no consumer reads an {@code InfusionEvent} as an alarm or a device condition. PCD-10 messages are counted
 * apart from PCD-01's ({@link #pumpEventCounts}).
 *
 * <ul>
 *   <li><b>Nothing half-stored.</b> Every check (decoding, bed, device) is made before the first append; a message that
 *       fails one gets an error acknowledgement (AE/CE, or AR/CR for a message type not taken) naming what was wrong,
 *       and nothing of it is stored.
 *   <li><b>Retransmissions</b> (the same sender and MSH-10) are recognised by {@link SeenMessages}, also after a
 *       restart, acknowledged and not stored again. A message of several records that a crash cut between two appends
 *       is completed by the retransmission: each record has its own key.
 *   <li><b>A PID that disagrees</b> with the gateway's own association for the bed (an MR of a configured assigning
 *       authority other than the one patient ADT puts in the bed now) makes its readings quarantined: stored under
 *       the device's quarantine name {@code <device>.pid-mismatch}, which is no configured device, so the uplink never
 *       charts them (counted {@code no-patient}); they stay in the buffer.
 * </ul>
 *
 * <p>Logs name the control id and the reason, never a patient.
 */
public final class Pcd01Inbound implements MllpHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pcd01Inbound.class);

    /** The suffix of a device's quarantine name. */
    public static final String QUARANTINE_SUFFIX = ".pid-mismatch";

    /** What the gateway's association says of a bed, for the PID check; null: nothing to compare with. */
    @FunctionalInterface
    public interface Association {
        @Nullable
        List<PatientKey> patientsAt(BedLocation bed, Instant time);
    }

    private final Pcd01InSettings settings;
    private final ReadingStore store;
    private final Association association;
    private final List<String> authorities;
    private final Pcd01Decoder decoder;
    private final Pcd10Decoder pumpEvents;
    private final SeenMessages seen;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> pumpEventCounts = new ConcurrentHashMap<>();
    private final LongAdder readings = new LongAdder();
    private final LongAdder quarantinedReadings = new LongAdder();
    private final Map<DeviceId, Instant> lastReceivedAt = new HashMap<>();
    private final Object storing = new Object();
    private final ConnectionRefusal.@Nullable Listener refusals;
    private @Nullable MllpListener listener;
    private boolean closed;

    /**
     * Reads the buffer back for the messages already stored.
     *
     * @param authorities the assigning authorities (PID-3.4) whose MRs name patients (those of {@code gateway.adt})
     */
    public Pcd01Inbound(Pcd01InSettings settings, ReadingStore store, Association association, List<String> authorities)
            throws StoreException {
        this(settings, store, association, authorities, null);
    }

    /**
     * @param refusals told of every connection refused before a message was read (a source outside the allow-list, a
     *     client without an acceptable certificate; the gateway audits them), or null: only counted
     */
    public Pcd01Inbound(
            Pcd01InSettings settings,
            ReadingStore store,
            Association association,
            List<String> authorities,
            ConnectionRefusal.@Nullable Listener refusals)
            throws StoreException {
        this.refusals = refusals;
        this.settings = settings;
        this.store = store;
        this.association = association;
        this.authorities = List.copyOf(authorities);
        this.decoder = new Pcd01Decoder(settings.senderZone());
        this.pumpEvents = new Pcd10Decoder(settings.senderZone());
        this.seen = SeenMessages.open(store, 10_000, Duration.ofHours(1));
    }

    /** Starts the listener. */
    public synchronized void start() throws IOException {
        if (listener != null) {
            return;
        }
        MllpListener l = new MllpListener(
                MllpListenerConfig.builder(settings.bind())
                        .allowList(settings.allowed())
                        .tls(settings.tls())
                        .refusals(refusals)
                        .maxMessageLength(settings.maxMessageSize())
                        .name("pcd01-in")
                        .build(),
                this);
        l.start();
        listener = l;
        LOG.info(
                "PCD-01 listener on mllp://{}:{} for {} device(s)",
                l.localAddress().getHostString(),
                l.localAddress().getPort(),
                settings.devices().size());
    }

    /** Where the listener listens, once started. */
    public @Nullable InetSocketAddress address() {
        MllpListener l = listener;
        return l == null ? null : l.localAddress();
    }

    /** The listener's own counts (framing and parsing failures, acknowledgements by code), once started. */
    public @Nullable ListenerStats listenerStats() {
        MllpListener l = listener;
        return l == null ? null : l.stats();
    }

    /** The readings of one part, once its device (or its quarantine name) and receive time are known. */
    @FunctionalInterface
    private interface Contents {
        List<Reading> readings(DeviceId device, Instant receivedAt);
    }

    /** One part of a message: the readings of one device, stored in one record with the marker naming the message. */
    private record Part(DeviceId device, boolean quarantined, Contents contents) {}

    @Override
    public Decision handle(InboundMessage message) {
        MessageHeader h = message.header();
        boolean pcd10 = isPumpEvent(h);
        if (!h.messageCode().equals("ORU") || !(h.triggerEvent().equals("R01") || pcd10)) {
            return refuse(
                    message,
                    Decision.reject(Hl7Failure.at(
                            FailureReason.UNSUPPORTED_MESSAGE_TYPE,
                            Hl7Location.field("MSH", 9),
                            "this listener takes PCD-01 ORU^R01 and PCD-10 ORU^R42; this message is " + h.type())));
        }
        if (h.controlId().isEmpty()) {
            return refuse(
                    message,
                    Decision.error(Hl7Failure.at(
                            FailureReason.MISSING_CONTROL_ID,
                            Hl7Location.field("MSH", 10),
                            "MSH-10 is empty: a message without a control id cannot be told from its retransmission")));
        }
        if (pcd10) {
            return handlePumpEvent(message);
        }
        Hl7Result<Pcd01Report> decoded = decoder.decode(message.message(), h);
        if (!decoded.isOk()) {
            Hl7Failure f = decoded.failure();
            return refuse(
                    message,
                    f.reason() == FailureReason.UNSUPPORTED_MESSAGE_TYPE ? Decision.reject(f) : Decision.error(f));
        }
        Pcd01Report report = decoded.value();
        List<Part> parts = new ArrayList<>();
        int group = 0;
        for (Pcd01Report.PatientResult result : report.results()) {
            group++;
            if (result.observations().isEmpty()) {
                continue;
            }
            BedLocation bed = BedLocation.of(result.location());
            if (bed == null
                    || settings.devices().stream().noneMatch(d -> d.bed().equals(bed))) {
                return refuse(message, Decision.error(noBed(result.location(), group)));
            }
            Map<DeviceId, List<Pcd01Report.Observation>> byDevice = new LinkedHashMap<>();
            for (Pcd01Report.Observation o : result.observations()) {
                Pcd01InSettings.Device d = deviceFor(bed, o.equipment());
                if (d == null) {
                    return refuse(
                            message,
                            Decision.error(Hl7Failure.at(
                                    FailureReason.BAD_VALUE,
                                    Hl7Location.field("OBX", o.setId(), 18),
                                    "OBX[" + o.setId() + "]-18 equipment '"
                                            + printable(String.valueOf(o.equipment())) + "' at bed " + bed
                                            + " is no device of gateway.pcd01-in.devices")));
                }
                byDevice.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(o);
            }
            boolean disagrees = disagrees(result.patientIdentifiers(), bed, message.receivedAt());
            byDevice.forEach((device, observations) -> parts.add(new Part(
                    device,
                    disagrees,
                    new Pcd01Report.PatientResult(result.patientIdentifiers(), result.location(), observations)
                            ::readings)));
        }
        return store(message, parts);
    }

    /**
     * PCD-10: the bed by PV1-3 and the patient check exactly as for PCD-01; the device by the pump's OBX-18. One part:
     * the sources' {@code InfusionStatus} (none when the message names no infusate source), the event and the pump's
     * identity ({@link Pcd10Report#readings}).
     */
    private Decision handlePumpEvent(InboundMessage message) {
        Hl7Result<Pcd10Report> decoded = pumpEvents.decode(message.message(), message.header());
        if (!decoded.isOk()) {
            Hl7Failure f = decoded.failure();
            return refuse(
                    message,
                    f.reason() == FailureReason.UNSUPPORTED_MESSAGE_TYPE ? Decision.reject(f) : Decision.error(f));
        }
        Pcd10Report report = decoded.value();
        BedLocation bed = BedLocation.of(report.location());
        if (bed == null || settings.devices().stream().noneMatch(d -> d.bed().equals(bed))) {
            return refuse(message, Decision.error(noBed(report.location(), 1)));
        }
        Pcd01InSettings.Device d = deviceFor(bed, report.pump());
        if (d == null) {
            return refuse(
                    message,
                    Decision.error(Hl7Failure.at(
                            FailureReason.BAD_VALUE,
                            Hl7Location.field("OBX", report.pumpSetId(), 18),
                            report.pump() == null
                                    ? "the message names no pump (OBX-18 of its MDS row) and bed " + bed
                                            + " has no device of gateway.pcd01-in.devices without equipment"
                                    : "OBX[" + report.pumpSetId() + "]-18 pump '"
                                            + printable(report.pump().toString()) + "' at bed " + bed
                                            + " is no device of gateway.pcd01-in.devices")));
        }
        boolean disagrees = disagrees(report.patientIdentifiers(), bed, message.receivedAt());
        return store(message, List.of(new Part(d.id(), disagrees, report::readings)));
    }

    private static Hl7Failure noBed(@Nullable CareLocation location, int group) {
        return Hl7Failure.at(
                FailureReason.BAD_VALUE,
                Hl7Location.component("PV1", group, 3, 1),
                (location == null ? "PV1-3 is empty" : "PV1-3 '" + printable(location.toString()) + "'")
                        + " names no bed with a PCD-01 device of this gateway (gateway.beds and"
                        + " gateway.pcd01-in.devices)");
    }

    private Decision store(InboundMessage message, List<Part> parts) {
        MessageHeader h = message.header();
        String sender = printable(h.sendingApplication() + "^" + h.sendingFacility());
        boolean duplicate = true;
        boolean quarantined = false;
        synchronized (storing) {
            try {
                seen.expire(message.receivedAt());
                for (int i = 0; i < parts.size(); i++) {
                    Part p = parts.get(i);
                    // h.type() is ORU^R01 or ORU^R42: a PCD-01 key reads as it always did.
                    String key = SeenMessages.MARKER + h.type() + " from " + sender + ", MSH-10 "
                            + printable(h.controlId()) + ", part " + (i + 1) + " of " + parts.size();
                    if (seen.contains(key)) {
                        continue;
                    }
                    duplicate = false;
                    DeviceId device = p.quarantined() ? quarantineName(p.device()) : p.device();
                    Instant at = receiveTime(device, message.receivedAt());
                    List<Reading> record = new ArrayList<>(p.contents().readings(device, at));
                    int count = record.size();
                    record.add(new DeviceStatus(
                            device,
                            DeviceStatus.Code.CONNECTED,
                            key
                                    + (p.quarantined()
                                            ? SeenMessages.KEY_END
                                                    + "quarantined: PID-3 disagrees with the bed's association"
                                            : ""),
                            null,
                            at));
                    long position = store.append(record);
                    seen.remember(key, position, at);
                    readings.add(count);
                    if (p.quarantined()) {
                        quarantined = true;
                        quarantinedReadings.add(count);
                    }
                }
            } catch (StoreException | RuntimeException e) {
                count(h, "store-failed");
                failureLog.warn(
                        "store",
                        "PCD-01 " + printable(h.controlId()) + ": the buffer did not take the readings: "
                                + e.getMessage());
                return Decision.retryLater("the gateway could not store the readings now; send the message again");
            }
        }
        String outcome =
                parts.isEmpty() ? "no-readings" : duplicate ? "duplicate" : quarantined ? "quarantined" : "stored";
        count(h, outcome);
        if (quarantined) {
            failureLog.warn(
                    "quarantine",
                    "PCD-01 " + printable(h.controlId())
                            + ": PID-3 disagrees with the bed's association; the readings are quarantined, not"
                            + " charted");
        }
        LOG.debug("PCD-01 {}: {}", printable(h.controlId()), outcome);
        return Decision.accept();
    }

    /** Strictly increasing per device, like the pipeline's: a reading's identity holds its receive time in µs. */
    private Instant receiveTime(DeviceId device, Instant received) {
        Instant t = received.truncatedTo(ChronoUnit.MICROS);
        Instant last = lastReceivedAt.get(device);
        if (last != null && !t.isAfter(last)) {
            t = last.plus(1, ChronoUnit.MICROS);
        }
        lastReceivedAt.put(device, t);
        return t;
    }

    private Pcd01InSettings.@Nullable Device deviceFor(BedLocation bed, @Nullable Equipment equipment) {
        Pcd01InSettings.Device any = null;
        for (Pcd01InSettings.Device d : settings.devices()) {
            if (!d.bed().equals(bed)) {
                continue;
            }
            if (d.equipment() == null) {
                any = d;
            } else if (equipment != null
                    && (d.equipment().equalsIgnoreCase(equipment.entityId())
                            || d.equipment().equalsIgnoreCase(equipment.universalId()))) {
                return d;
            }
        }
        return any;
    }

    /**
     * Whether the message names a patient (an MR of a configured authority) other than the one the gateway's own
     * association puts in the bed now: then its readings must not be charted. A message that names nobody the gateway
     * can compare with disagrees with nothing; the association alone decides, as for every device.
     */
    private boolean disagrees(List<PatientIdentifier> ids, BedLocation bed, Instant at) {
        List<PatientKey> named = new ArrayList<>();
        for (PatientIdentifier id : ids) {
            if (id.isMedicalRecordNumber() && authorities.contains(id.assigningAuthority())) {
                named.add(new PatientKey(id.assigningAuthority(), id.value()));
            }
        }
        if (named.isEmpty()) {
            return false;
        }
        List<PatientKey> ours = association.patientsAt(bed, at);
        if (ours == null) {
            return false; // a fixed patient of the configuration: no MRN to compare with
        }
        return ours.size() != 1 || !named.contains(ours.get(0));
    }

    /** The name a device's quarantined readings are stored under: no configured device, so never charted. */
    public static DeviceId quarantineName(DeviceId device) {
        String base = device.value();
        int max = 64 - QUARANTINE_SUFFIX.length();
        return DeviceId.of((base.length() > max ? base.substring(0, max) : base) + QUARANTINE_SUFFIX);
    }

    private Decision refuse(InboundMessage message, Decision decision) {
        Hl7Failure f = decision.failureOrNull();
        String reason = f == null ? "refused" : f.reason().label();
        count(message.header(), reason);
        failureLog.warn(
                reason,
                "PCD-01 " + message.header().type() + " " + printable(message.controlId()) + " refused: " + reason
                        + " at " + Hl7Location.describe(f == null ? null : f.location()));
        return decision;
    }

    /** Counted as a PCD-10 message when it is an {@code ORU^R42}, as a PCD-01 message otherwise. */
    private void count(MessageHeader h, String what) {
        Map<String, LongAdder> of = isPumpEvent(h) ? pumpEventCounts : counts;
        of.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Whether the listener takes the message as PCD-10 ({@code ORU^R42}), not PCD-01. */
    static boolean isPumpEvent(MessageHeader h) {
        return h.messageCode().equals("ORU") && h.triggerEvent().equals("R42");
    }

    /**
     * PCD-01 messages (and any other type refused) by outcome (stored, quarantined, duplicate, no-readings,
     * store-failed) and by refusal reason.
     */
    public Map<String, Long> counts() {
        return sums(counts);
    }

    /** PCD-10 {@code ORU^R42} messages by outcome and refusal reason, as {@link #counts}. */
    public Map<String, Long> pumpEventCounts() {
        return sums(pumpEventCounts);
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Readings stored, quarantined ones included. */
    public long readingsStored() {
        return readings.sum();
    }

    public long readingsQuarantined() {
        return quarantinedReadings.sum();
    }

    /** Called every minute: forgets old message keys so that the bookmark moves. */
    public void expire(Instant now) {
        synchronized (storing) {
            try {
                seen.expire(now);
            } catch (StoreException | RuntimeException e) {
                failureLog.warn("expire", "PCD-01: the bookmark of the messages seen did not move: " + e.getMessage());
            }
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?").replace(";", ",");
    }

    /** Stops the listener: nothing more is appended. */
    public synchronized void stop() {
        MllpListener l = listener;
        listener = null;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public synchronized void close() {
        stop();
        synchronized (storing) {
            if (!closed) {
                closed = true;
                seen.close();
            }
        }
    }
}
