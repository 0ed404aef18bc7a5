package org.bedside.alarms.delivery;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.parser.PipeParser;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.consumer.Delivery;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Sink;
import org.bedside.buffer.consumer.Translator;
import org.bedside.drivers.replay.Replay;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.OutboundMessage;
import org.bedside.hl7.mllp.SendResult;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlertReport;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * Alert notifications from the buffer to an Alert Manager as IHE PCD-04 over MLLP, under the consumer's own cursor
 * ({@value #CURSOR}): one message at a time, committed after the Alert Manager's accept acknowledgement.
 *
 * <ul>
 *   <li><b>Acknowledgements</b> ({@link MllpClient}): CA and AA accept; AR, a timeout or a lost connection retry the
 *       same message (the same MSH-10) with the consumer's back-off; AE and CR refuse it (a dead letter); CE retries,
 *       but a message answered CE {@value #MAX_COMMIT_ERRORS} times in a row is taken as refused, so that one message
 *       the Alert Manager cannot take never holds back the alerts behind it.
 *   <li><b>Heartbeat</b>: every {@code heartbeat} a watchdog ({@code MDC_EVT_ACTIVE}) goes out, so that the Alert
 *       Manager notices a silent gateway.
 *   <li><b>Late</b>: a notification delivered more than {@code lateAfter} after it was decided is marked late in the
 *       message (see {@link Pcd04Encoder}), never paged as if live.
 *   <li><b>Supervised</b>: {@link #status} says since when something has been waiting for the Alert Manager; waiting
 *       longer than {@code supervision} is a technical alarm of the gateway (health and status page).
 * </ul>
 *
 * <p>The Alert Manager's commit acknowledgement says it has taken responsibility for the notification; it is recorded
 * in {@link AlertDeliveries} (when given), where the PCD-05 statuses that follow ({@link Pcd05Inbound}) say what became
 * of it. A sink may take only some alerts ({@code takes}): the escalation destination takes those escalated at least
 * once ({@link #escalatedAtLeast}), each of its notifications to the end.
 */
public final class Pcd04Sink implements Sink<Pcd04Sink.Outgoing>, AutoCloseable {
    public static final String CURSOR = "pcd04";
    static final int MAX_COMMIT_ERRORS = 5;

    /** What goes to the Alert Manager. */
    public sealed interface Outgoing permits Alert, Heartbeat {}

    /**
     * @param clockUnsynchronised the notification was appended while the gateway's wall clock was not trusted: its times
     *     are as that clock read, and the message says so
     */
    public record Alert(AlertReport report, boolean clockUnsynchronised) implements Outgoing {
        public Alert(AlertReport report) {
            this(report, false);
        }
    }

    public record Heartbeat(Instant due) implements Outgoing {}

    /**
     * @param heartbeat how often the watchdog goes out; zero for none
     * @param lateAfter a notification delivered later than this after it was decided is marked late
     * @param supervision something waiting longer than this for the Alert Manager is a technical alarm
     */
    public record Settings(Duration heartbeat, Duration lateAfter, Duration supervision) {}

    /**
     * @param waitingSince since when a message has been waiting for the Alert Manager, null when nothing waits
     * @param alarm whether it has waited longer than the supervision time: the gateway's technical alarm
     */
    public record Status(
            String destination,
            long sent,
            long accepted,
            long refused,
            long heartbeats,
            long late,
            @Nullable Instant lastAcceptedAt,
            @Nullable String lastProblem,
            @Nullable Instant waitingSince,
            boolean alarm,
            @Nullable String lastNotificationId) {}

    private final MllpClient client;
    private final String destination;
    private final Pcd04Encoder encoder;
    private final Settings settings;
    private final InstantSource clock;
    private final PipeParser parser = new Hl7Parser().pipeParser();

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private volatile @Nullable Instant lastAcceptedAt;
    private volatile @Nullable String lastProblem;
    private volatile @Nullable Instant waitingSince;
    private volatile @Nullable String lastNotificationId;
    private @Nullable String commitErrorsFor;
    private int commitErrors;
    private long heartbeatSequence;
    private final Predicate<AlertReport> takes;
    private final @Nullable AlertDeliveries deliveries;

    public Pcd04Sink(
            MllpClient client, String destination, Pcd04Encoder encoder, Settings settings, InstantSource clock) {
        this(client, destination, encoder, settings, clock, a -> true, null);
    }

    /**
     * @param takes which notifications this destination gets (every one for the Alert Manager; the escalated ones for
     *     the escalation destination)
     * @param deliveries where the Alert Manager's acceptances are recorded, or null
     */
    public Pcd04Sink(
            MllpClient client,
            String destination,
            Pcd04Encoder encoder,
            Settings settings,
            InstantSource clock,
            Predicate<AlertReport> takes,
            @Nullable AlertDeliveries deliveries) {
        this.client = client;
        this.destination = destination;
        this.encoder = encoder;
        this.settings = settings;
        this.clock = clock;
        this.takes = takes;
        this.deliveries = deliveries;
    }

    /**
     * The notifications of alerts escalated {@code level} times or more: the ESCALATE that reached the level and every
     * later notification of the alert (its END carries its level too), so that a second destination hears the alert
     * from its escalation to its end. Stateless, so a restart from any cursor position takes the same ones.
     */
    public static Predicate<AlertReport> escalatedAtLeast(int level) {
        return a -> a.escalationLevel() >= level;
    }

    public Status status() {
        Instant since = waitingSince;
        boolean alarm =
                since != null && Duration.between(since, clock.instant()).compareTo(settings.supervision()) > 0;
        return new Status(
                destination,
                sent.get(),
                accepted.get(),
                refused.get(),
                heartbeats.get(),
                late.get(),
                lastAcceptedAt,
                lastProblem,
                since,
                alarm,
                lastNotificationId);
    }

    public Settings settings() {
        return settings;
    }

    /** Closes the connection to the Alert Manager (after the consumer stopped). */
    @Override
    public void close() {
        client.close();
    }

    /**
     * Alerts never wait for the wall clock to be trusted: a notification stamped on an untrusted clock goes at once,
     * with a note that its times may be off ({@link Pcd04Encoder#CLOCK_NOTE}).
     */
    @Override
    public boolean takesUntrustedTimes() {
        return true;
    }

    @Override
    public Translator<Outgoing> translator(Lane lane) {
        if (lane == Lane.LIVE) {
            return record -> List.of(); // the consumer never opens one (unbounded live lag): alerts go in order
        }
        return new Translator<>() {
            private long lastPosition = ReadingStore.NONE;
            private @Nullable Instant nextHeartbeat;

            @Override
            public List<Item<Outgoing>> accept(StoredRecord record) {
                lastPosition = record.position();
                List<Item<Outgoing>> items = new ArrayList<>(1);
                for (Reading r : record.readings()) {
                    if (r instanceof AlertReport a && takes.test(a)) {
                        items.add(new Item<>(new Alert(a, record.clock() != null), record.position()));
                    }
                }
                return items;
            }

            @Override
            public List<Item<Outgoing>> flushDue(Instant now) {
                if (settings.heartbeat().isZero()) {
                    return List.of();
                }
                Instant next = nextHeartbeat;
                if (next != null && now.isBefore(next)) {
                    return List.of();
                }
                nextHeartbeat = now.plus(settings.heartbeat());
                return List.of(new Item<>(new Heartbeat(now), lastPosition));
            }
        };
    }

    /**
     * Sends one item (the consumer's batch size for this sink is 1: a retry or a refusal then concerns exactly the
     * message that got it, and nothing accepted is sent again).
     */
    @Override
    public Delivery<Outgoing> deliver(List<Item<Outgoing>> items) {
        if (items.size() != 1) {
            throw new IllegalArgumentException("the PCD-04 sink sends one message at a time, not " + items.size());
        }
        Item<Outgoing> item = items.get(0);
        Instant now = clock.instant();
        OutboundMessage message;
        boolean isLate = false;
        try {
            if (item.value() instanceof Alert a) {
                AlertDeliveries d = deliveries;
                if (d != null) {
                    d.sending(a.report());
                }
                Duration age = Duration.between(a.report().receivedAt(), now);
                isLate = age.compareTo(settings.lateAfter()) > 0;
                message = OutboundMessage.of(
                        encoder.encode(a.report(), now, isLate ? age : null, a.clockUnsynchronised()), parser);
            } else {
                String id = "heartbeat-" + now.toEpochMilli() + "-" + (++heartbeatSequence);
                message = OutboundMessage.of(
                        encoder.heartbeat(id, now, settings.heartbeat().multipliedBy(2)), parser);
            }
        } catch (HL7Exception e) {
            return refuse(item, 0, "HAPI could not build the PCD-04: " + e.getMessage());
        }
        sent.incrementAndGet();
        SendResult result = client.send(message);
        if (result instanceof SendResult.Accepted) {
            onAccepted(item, isLate);
            return Delivery.delivered();
        }
        if (waitingSince == null) {
            waitingSince = now;
        }
        if (result instanceof SendResult.Refused r) {
            return refuse(item, 0, "the Alert Manager at " + destination + " refused it: " + r.reason());
        }
        SendResult.RetryLater retry = (SendResult.RetryLater) result;
        lastProblem = retry.reason();
        if (retry.code() == AckCode.CE) {
            commitErrors = message.controlId().equals(commitErrorsFor) ? commitErrors + 1 : 1;
            commitErrorsFor = message.controlId();
            if (commitErrors >= MAX_COMMIT_ERRORS) {
                commitErrors = 0;
                commitErrorsFor = null;
                return refuse(
                        item,
                        0,
                        "the Alert Manager at " + destination + " answered CE " + MAX_COMMIT_ERRORS + " times: "
                                + retry.reason());
            }
        }
        return Delivery.retry("the Alert Manager at " + destination + ": " + retry.reason(), null);
    }

    private void onAccepted(Item<Outgoing> item, boolean isLate) {
        accepted.incrementAndGet();
        Instant at = clock.instant();
        lastAcceptedAt = at;
        waitingSince = null;
        commitErrors = 0;
        commitErrorsFor = null;
        if (item.value() instanceof Alert a) {
            lastNotificationId = a.report().notificationId();
            AlertDeliveries d = deliveries;
            if (d != null) {
                d.acceptedByAlertManager(a.report(), destination, at);
            }
            if (isLate) {
                late.incrementAndGet();
            }
        } else {
            heartbeats.incrementAndGet();
        }
    }

    private Delivery<Outgoing> refuse(Item<Outgoing> item, int status, String reason) {
        refused.incrementAndGet();
        lastProblem = reason;
        waitingSince = null;
        return new Delivery.Refused<>(0, List.of(new Delivery.Refusal<>(item, status, reason)));
    }

    @Override
    public Letter letter(Item<Outgoing> item) {
        if (item.value() instanceof Alert a) {
            return new Letter(a.report().notificationId(), a.report().device().value(), Replay.json(a.report()));
        }
        Heartbeat h = (Heartbeat) item.value();
        return new Letter("heartbeat-" + h.due().toEpochMilli(), "gateway", "{\"heartbeat\":\"" + h.due() + "\"}");
    }
}
