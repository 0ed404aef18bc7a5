package org.bedside.uplink;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.parser.PipeParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.Delivery;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Sink;
import org.bedside.buffer.consumer.Translator;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.OutboundMessage;
import org.bedside.hl7.mllp.SendResult;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PCD-01 out: the charted readings as IHE PCD-01 {@code ORU^R01} (PCD DEC, {@link Pcd01Encoder}) to an interface engine
 * over MLLP ({@link MllpClient}), driven by the consumer loop under its own cursor ({@value #CURSOR}).
 *
 * <ul>
 *   <li><b>What goes out</b>: per record (one frame of one device), its standard MDC numerics and compounds (NIBP) for
 *       the patient the bed's association names at the time they were taken (the same answer as the FHIR uplink's):
 *       one message per record and patient. A reading with no patient, or whose patient has no identifier for PID-3 (a
 *       configured FHIR reference), is not sent and counted; one whose bed's association is uncertain is held: the
 *       cursor does not pass it, and it is read again when the association changes. Pumps ({@link InfusionStatus}) are
 *       not charted; alarms travel as PCD-04; waveforms, device status and vendor metrics have no PCD-01 numeric.
 *       Everything not sent is counted by reason ({@link Status#notSent}).
 *   <li><b>Control id</b>: MSH-10 is a hash of what the message says (the device, the patient, the readings' identities),
 *       and MSH-7 is when the gateway received the frame, so the same records always make the same message: a message
 *       sent again after a lost acknowledgement, an outage or a gateway crash carries the same control id, and an
 *       interface engine drops the repeat. A different patient makes a different message with a different control id.
 *   <li><b>Acknowledgements</b>: one message at a time, committed after AA or CA. AR (the engine's system is down, not
 *       the content), no answer, a broken connection or an acknowledgement for another control id: the same message is
 *       sent again with the loop's back-off, for as long as it takes. AE (an error in the content) and CR (type,
 *       version or processing id not supported) refuse it: a dead letter naming the code and the engine's reason. CE
 *       is retried, but a message answered CE {@value #MAX_COMMIT_ERRORS} times in a row is taken as refused, so that
 *       one message the engine cannot take never holds back the readings behind it. (The loop itself does not
 *       dead-letter when the engine refuses everything and accepted nothing lately: then the state is {@code
 *       REJECTED}.)
 * </ul>
 */
public final class Pcd01Sink implements Sink<Pcd01Sink.Message>, AutoCloseable {
    public static final String CURSOR = "pcd01";
    /** The cursor a withdrawal reads the buffer again with: never committed, so it leaves no file. */
    static final String WITHDRAWAL_CURSOR = "pcd01-withdrawal";

    private static final Logger LOG = LoggerFactory.getLogger(Pcd01Sink.class);
    static final int MAX_COMMIT_ERRORS = 5;
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * One {@code ORU^R01}, encoded once.
     *
     * @param readings how many readings it carries
     * @param encoded the message, or null when HAPI could not build it ({@code problem} says why)
     */
    public record Message(
            DeviceId device,
            String controlId,
            int readings,
            @Nullable OutboundMessage encoded,
            @Nullable String problem) {}

    /**
     * @param destination where the messages go, for people ({@code mllp://engine.hospital.org:2575})
     * @param sent messages sent (a resend counts again)
     * @param resent sends of a message that had been sent before (after a lost acknowledgement or a retry)
     * @param accepted messages the engine acknowledged
     * @param refused messages dead-lettered (AE, CR, CE repeated)
     * @param readingsSent readings in accepted messages
     * @param notSent readings not sent, by reason (counted each time a record is read)
     */
    public record Status(
            String destination,
            long sent,
            long resent,
            long accepted,
            long refused,
            long readingsSent,
            @Nullable Instant lastAcceptedAt,
            @Nullable String lastControlId,
            @Nullable String lastProblem,
            Map<String, Long> notSent) {}

    private final MllpClient client;
    private final String destination;
    private final Pcd01Encoder encoder;
    private final Pcd01Encoder.Sender sender;
    private final Pcd01Patients patients;
    private final Duration maxClockSkew;
    private final InstantSource clock;
    private final PipeParser parser = new Hl7Parser().pipeParser();

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong readingsSent = new AtomicLong();
    private final Map<String, AtomicLong> notSent = new ConcurrentHashMap<>();
    private volatile @Nullable Instant lastAcceptedAt;
    private volatile @Nullable String lastControlId;
    private volatile @Nullable String lastProblem;
    private @Nullable String lastSentControlId;
    private @Nullable String commitErrorsFor;
    private int commitErrors;
    /** The withdrawal being sent and how many of its messages the engine acknowledged, to resume after a retry. */
    private @Nullable String withdrawing;

    private int withdrawalMessagesDone;
    private final AtomicLong withdrawalsSent = new AtomicLong();

    /**
     * @param maxClockSkew the uplink's rule for which clock places a reading in time (device or receive time), so that
     *     the patient is asked about the same moment as the uplink asks
     */
    public Pcd01Sink(
            MllpClient client,
            String destination,
            Pcd01Encoder.Sender sender,
            Pcd01Patients patients,
            Duration maxClockSkew,
            InstantSource clock) {
        this.client = client;
        this.destination = destination;
        this.sender = sender;
        this.encoder = new Pcd01Encoder(sender);
        this.patients = patients;
        this.maxClockSkew = maxClockSkew;
        this.clock = clock;
    }

    public Status status() {
        Map<String, Long> counts = new TreeMap<>();
        notSent.forEach((reason, n) -> counts.put(reason, n.get()));
        return new Status(
                destination,
                sent.get(),
                resent.get(),
                accepted.get(),
                refused.get(),
                readingsSent.get(),
                lastAcceptedAt,
                lastControlId,
                lastProblem,
                counts);
    }

    public String destination() {
        return destination;
    }

    /** Closes the connection to the engine (after the consumer stopped). */
    @Override
    public void close() {
        client.close();
    }

    private void notSent(String reason, int readings) {
        notSent.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(readings);
    }

    @Override
    public Translator<Message> translator(Lane lane) {
        if (lane == Lane.LIVE) {
            return record -> List.of(); // the consumer never opens one (unbounded live lag): messages go in order
        }
        return new Translator<>() {
            /** The first record holding a reading whose bed's association is uncertain now, or -1. */
            private long heldFrom = -1;

            private long heldVersion;

            @Override
            public List<Item<Message>> accept(StoredRecord record) {
                if (!record.isReadable()) {
                    notSent("unreadable-record", 1);
                    return List.of();
                }
                Map<Pcd01Patients.Answer.Identified, List<Reading>> byPatient = new LinkedHashMap<>();
                DeviceIdentity unit = DeviceIdentity.of(record.readings());
                for (Reading r : record.readings()) {
                    if (r instanceof DeviceIdentity) {
                        // Which unit sent the record's readings, not a reading to send: not counted as not sent.
                        continue;
                    }
                    if (r instanceof InfusionStatus || r instanceof InfusionEvent) {
                        notSent("infusion-not-charted", 1);
                        continue;
                    }
                    if (!(r instanceof NumericReading) && !(r instanceof CompoundReading)) {
                        // Alarms go as PCD-04; waveforms and device status have no PCD-01 numeric here.
                        notSent("not-a-numeric", 1);
                        continue;
                    }
                    if (r instanceof NumericReading n && !n.metric().isStandard()) {
                        notSent("vendor-metric", 1);
                        continue;
                    }
                    Instant time = ChartingTime.effective(r, maxClockSkew);
                    Pcd01Patients.Answer answer = patients.patientAt(r.device(), time);
                    if (answer instanceof Pcd01Patients.Answer.NotSent no) {
                        notSent(no.reason(), 1);
                    } else if (answer instanceof Pcd01Patients.Answer.Held) {
                        notSent("quarantined", 1);
                        if (heldFrom < 0) {
                            heldFrom = record.position();
                            heldVersion = patients.version();
                        }
                    } else {
                        byPatient
                                .computeIfAbsent((Pcd01Patients.Answer.Identified) answer, a -> new ArrayList<>())
                                .add(r);
                    }
                }
                List<Item<Message>> items = new ArrayList<>(byPatient.size());
                byPatient.forEach(
                        (to, readings) -> items.add(new Item<>(message(to, readings, unit), record.position())));
                return items;
            }

            @Override
            public OptionalLong heldPosition() {
                return heldFrom < 0 ? OptionalLong.empty() : OptionalLong.of(heldFrom);
            }

            @Override
            public boolean wantsReread() {
                return heldFrom >= 0 && patients.version() != heldVersion;
            }
        };
    }

    /** @param unit the physical unit the record names, for the MDS row's OBX-18; not part of the control id */
    private Message message(Pcd01Patients.Answer.Identified to, List<Reading> readings, @Nullable DeviceIdentity unit) {
        DeviceId device = readings.get(0).device();
        String controlId = controlId(device, to, readings);
        try {
            Pcd01Encoder.Request request = new Pcd01Encoder.Request(
                    controlId,
                    readings.get(0).receivedAt(),
                    to.patient(),
                    to.location(),
                    new Equipment(device.value(), sender.application(), sender.eui64(), "EUI-64"),
                    unit,
                    readings);
            return new Message(
                    device,
                    controlId,
                    readings.size(),
                    OutboundMessage.of(encoder.encode(request).message(), parser),
                    null);
        } catch (HL7Exception | RuntimeException e) {
            return new Message(device, controlId, readings.size(), null, "HAPI could not build the ORU^R01: " + e);
        }
    }

    /**
     * MSH-10: 20 hex digits of SHA-256 over what the message says — the sender, the device, the patient's identifier and
     * the identities of the readings (which survive restarts and salvages; store positions do not). No patient data in
     * clear.
     */
    static String controlId(DeviceId device, Pcd01Patients.Answer.Identified to, List<Reading> readings) {
        StringBuilder b = new StringBuilder("pcd01|")
                .append(device.value())
                .append('|')
                .append(to.patient().value())
                .append('^')
                .append(to.patient().assigningAuthority())
                .append('^')
                .append(to.patient().type())
                .append('|')
                .append(to.location());
        for (Reading r : readings) {
            b.append('|').append(r.key());
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().withUpperCase().formatHex(h, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Sends one message (the consumer's batch size for this sink is 1: a retry or a refusal then concerns exactly the
     * message that got it, and nothing accepted is sent again).
     */
    @Override
    public Delivery<Message> deliver(List<Item<Message>> items) {
        if (items.size() != 1) {
            throw new IllegalArgumentException("the PCD-01 sink sends one message at a time, not " + items.size());
        }
        Item<Message> item = items.get(0);
        Message m = item.value();
        OutboundMessage encoded = m.encoded();
        if (encoded == null) {
            return refuse(item, String.valueOf(m.problem()));
        }
        sent.incrementAndGet();
        if (m.controlId().equals(lastSentControlId)) {
            resent.incrementAndGet();
        }
        lastSentControlId = m.controlId();
        SendResult result = client.send(encoded);
        if (result instanceof SendResult.Accepted) {
            accepted.incrementAndGet();
            readingsSent.addAndGet(m.readings());
            lastAcceptedAt = clock.instant();
            lastControlId = m.controlId();
            commitErrors = 0;
            commitErrorsFor = null;
            return Delivery.delivered();
        }
        if (result instanceof SendResult.Refused r) {
            return refuse(item, "the interface engine at " + destination + " refused it: " + r.reason());
        }
        SendResult.RetryLater retry = (SendResult.RetryLater) result;
        lastProblem = retry.reason();
        if (retry.code() == AckCode.CE) {
            commitErrors = m.controlId().equals(commitErrorsFor) ? commitErrors + 1 : 1;
            commitErrorsFor = m.controlId();
            if (commitErrors >= MAX_COMMIT_ERRORS) {
                commitErrors = 0;
                commitErrorsFor = null;
                return refuse(
                        item,
                        "the interface engine at " + destination + " answered CE " + MAX_COMMIT_ERRORS
                                + " times in a row: " + retry.reason());
            }
        }
        return Delivery.retry("the interface engine at " + destination + ": " + retry.reason(), null);
    }

    private Delivery<Message> refuse(Item<Message> item, String reason) {
        refused.incrementAndGet();
        lastProblem = reason;
        return new Delivery.Refused<>(0, List.of(new Delivery.Refusal<>(item, 0, reason)));
    }

    /**
     * The withdrawals owed (docs/patients.md, "Withdrawal"): the messages this sink sent for a cancelled association
     * are sent again with every OBX-11 {@code W} (HL7 table 0085, which PCD TF-2 B.8 uses: "post original as wrong,
     * e.g. transmitted for wrong patient"), under new control ids (a hash of the original's), for the engine to
     * replace what it charted. What was sent is found again in the buffer: the bed's readings up to the committed
     * position, received before the cancel and taken while the association lasted, with the patient the association
     * named, exactly as the translator would have sent them. Sent one at a time with the usual acknowledgement rules;
     * the engine away: retried through the loop, resuming after the last acknowledged one.
     */
    @Override
    public Delivery.@Nullable Retry<Message> owedWork(ReadingStore store, long committedPosition) {
        Withdrawals port = patients.withdrawals();
        List<Withdrawals.Owed> owed = port.owed(CURSOR);
        if (owed.isEmpty()) {
            return null;
        }
        for (Withdrawals.Owed w : owed) {
            if (!w.id().equals(withdrawing)) {
                withdrawing = w.id();
                withdrawalMessagesDone = 0;
            }
            int index = 0;
            int refusedMessages = 0;
            String lastRefusal = null;
            try (ReadingCursor c = store.cursor(WITHDRAWAL_CURSOR)) {
                StoredRecord record;
                while ((record = c.next()) != null && record.position() <= committedPosition) {
                    List<Reading> sentThen = sentFor(record, w);
                    if (sentThen.isEmpty()) {
                        continue;
                    }
                    if (index++ < withdrawalMessagesDone) {
                        continue; // acknowledged before a retry
                    }
                    Message m = withdrawal(w, sentThen, DeviceIdentity.of(record.readings()));
                    OutboundMessage encoded = m.encoded();
                    if (encoded == null) {
                        refusedMessages++;
                        lastRefusal = m.problem();
                        withdrawalMessagesDone++;
                        continue;
                    }
                    SendResult result = client.send(encoded);
                    if (result instanceof SendResult.RetryLater retry) {
                        lastProblem = retry.reason();
                        return new Delivery.Retry<>(
                                "withdrawal to the interface engine at " + destination + ": " + retry.reason(),
                                null,
                                Delivery.Retry.Kind.UNAVAILABLE);
                    }
                    if (result instanceof SendResult.Refused r) {
                        refusedMessages++;
                        lastRefusal = r.reason();
                    } else {
                        withdrawalsSent.incrementAndGet();
                    }
                    withdrawalMessagesDone++;
                }
            } catch (StoreException e) {
                throw new IllegalStateException("cannot read the buffer for withdrawal " + w.id(), e);
            }
            String outcome = refusedMessages == 0
                    ? index + " ORU^R01 sent with OBX-11 W"
                    : "refused by the interface engine: " + refusedMessages + " of " + index + " messages ("
                            + lastRefusal + ")";
            try {
                port.done(CURSOR, w, index, outcome);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record the withdrawal as done", e);
            }
            withdrawing = null;
            withdrawalMessagesDone = 0;
            if (refusedMessages > 0) {
                LOG.error("Withdrawal {} ({}): {}; to be done by hand", w.id(), w.reason(), outcome);
            } else {
                LOG.info("Withdrawal {} ({}): {}", w.id(), w.reason(), outcome);
            }
        }
        return null;
    }

    /** The readings of {@code record} that were sent for the withdrawn association, as the translator sent them. */
    private List<Reading> sentFor(StoredRecord record, Withdrawals.Owed w) {
        if (!record.isReadable()) {
            return List.of();
        }
        List<Reading> out = new ArrayList<>();
        for (Reading r : record.readings()) {
            if (!w.devices().contains(r.device()) || !r.receivedAt().isBefore(w.until())) {
                continue;
            }
            if (!(r instanceof NumericReading) && !(r instanceof CompoundReading)) {
                continue;
            }
            if (r instanceof NumericReading n && !n.metric().isStandard()) {
                continue;
            }
            Instant time = ChartingTime.effective(r, maxClockSkew);
            if (!time.isBefore(w.since()) && (w.ended() == null || time.isBefore(w.ended()))) {
                out.add(r);
            }
        }
        return out;
    }

    /** The original message again, every OBX after the device's (the MDS row) marked W, under a new control id. */
    private Message withdrawal(Withdrawals.Owed w, List<Reading> readings, @Nullable DeviceIdentity unit) {
        DeviceId device = readings.get(0).device();
        Pcd01Patients.Answer.Identified to = new Pcd01Patients.Answer.Identified(w.patient(), w.location());
        String controlId = withdrawalControlId(controlId(device, to, readings));
        try {
            Pcd01Encoder.Request request = new Pcd01Encoder.Request(
                    controlId,
                    clock.instant(),
                    to.patient(),
                    to.location(),
                    new Equipment(device.value(), sender.application(), sender.eui64(), "EUI-64"),
                    unit,
                    readings);
            ca.uhn.hl7v2.model.v26.message.ORU_R01 oru = encoder.encode(request).message();
            List<ca.uhn.hl7v2.model.v26.group.ORU_R01_OBSERVATION> rows =
                    oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATIONAll();
            for (int i = 1; i < rows.size(); i++) {
                rows.get(i).getOBX().getObservationResultStatus().setValue("W");
            }
            return new Message(device, controlId, readings.size(), OutboundMessage.of(oru, parser), null);
        } catch (HL7Exception | RuntimeException e) {
            return new Message(device, controlId, readings.size(), null, "HAPI could not build the ORU^R01: " + e);
        }
    }

    /** The control id of a withdrawal: 20 hex digits of SHA-256 over the original's. */
    static String withdrawalControlId(String original) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("withdrawal|" + original).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().withUpperCase().formatHex(h, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Withdrawal messages the engine acknowledged. */
    public long withdrawalsSent() {
        return withdrawalsSent.get();
    }

    /** The message as it was sent, with its control id: what a person needs to send it again by hand. */
    @Override
    public Letter letter(Item<Message> item) {
        Message m = item.value();
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("controlId", m.controlId());
            g.writeNumberField("readings", m.readings());
            OutboundMessage encoded = m.encoded();
            if (encoded != null) {
                g.writeStringField("hl7", encoded.text());
                g.writeStringField("charset", encoded.charset().name());
            } else {
                g.writeStringField("problem", m.problem());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Letter(m.controlId(), m.device().value(), w.toString());
    }

    /**
     * Sends a dead letter's message again, byte for byte as it was first sent and with its control id (MSH-10), so
     * that an engine that did take it after all drops the repeat: after its cause was fixed at the interface engine.
     */
    @Override
    public Redelivery redeliver(DeadLetterStore.DeadLetter letter) {
        String controlId = null;
        String hl7 = null;
        String charset = null;
        String problem = null;
        try (JsonParser p = JSON.createParser(letter.payload())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Redelivery(false, "not sent: the letter is not a PCD-01 message");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "controlId" -> controlId = p.getValueAsString();
                    case "hl7" -> hl7 = p.getValueAsString();
                    case "charset" -> charset = p.getValueAsString();
                    case "problem" -> problem = p.getValueAsString();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            return new Redelivery(false, "not sent: the letter is not a PCD-01 message (" + e.getMessage() + ")");
        }
        if (controlId == null || hl7 == null) {
            return new Redelivery(
                    false,
                    "not sent: the letter holds no message"
                            + (problem == null ? "" : " (it could not be encoded: " + problem + ")"));
        }
        java.nio.charset.Charset cs;
        try {
            // Letters written before the charset was kept: PCD-01 out always sends UTF-8 (MSH-18 UNICODE UTF-8).
            cs = charset == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(charset);
        } catch (IllegalArgumentException e) {
            return new Redelivery(false, "not sent: unknown charset '" + charset + "' in the letter");
        }
        SendResult result = client.send(new OutboundMessage(controlId, hl7, cs));
        if (result instanceof SendResult.Accepted) {
            accepted.incrementAndGet();
            lastAcceptedAt = clock.instant();
            return new Redelivery(true, "accepted (" + controlId + ")");
        }
        if (result instanceof SendResult.Refused r) {
            return new Redelivery(false, "refused again: " + r.reason());
        }
        return new Redelivery(false, "not sent: " + ((SendResult.RetryLater) result).reason());
    }
}
