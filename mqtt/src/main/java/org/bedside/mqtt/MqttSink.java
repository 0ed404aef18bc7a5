package org.bedside.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.consumer.Delivery;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Sink;
import org.bedside.buffer.consumer.Translator;
import org.bedside.model.DeviceId;
import org.jspecify.annotations.Nullable;

/**
 * The MQTT egress as a sink of the buffer's consumer ({@code org.bedside.buffer.consumer.BufferConsumer}): the
 * consumer owns the cursor ({@code mqtt}), batches, back-off, live-first draining and dead letters; this sink turns
 * records into SenML messages ({@link EgressMessages}) and hands each batch to the {@link MqttPublisher}, which
 * returns once every PUBACK arrived:
 *
 * <ul>
 *   <li>all acknowledged: delivered (the consumer commits);
 *   <li>the broker away, the connection broken, no PUBACK in time, a "not now" reason code: retry, the same batch later;
 *   <li>the broker refuses the gateway's login: misconfigured (retried slowly, the state says so);
 *   <li>messages refused with a reason code that waiting will not change (not authorized for that topic, packet too
 *       large): those go to the consumer's dead letters with the code and reason, the rest count as delivered.
 * </ul>
 *
 * <p>It keeps up to {@value #PIPELINE_DEPTH} batches in flight ({@link #deliverAsync}): the consumer reads and
 * encodes the next batch while the earlier ones wait for their PUBACKs, so that the broker's window of unacknowledged
 * messages does not empty at each batch's end. Anything but all acknowledged makes the consumer send again through
 * {@link #deliver}, one batch at a time, from the first batch not delivered.
 *
 * <p>Idempotent as the consumer requires: a record delivered again (after a crash, or by the main lane after the live
 * lane) gives the same messages with the same {@code id}s, which a subscriber uses to drop what it has seen. Each lane
 * has its own sampler, so per-interval sampling is not shared between the live lane and the backlog.
 */
public final class MqttSink implements Sink<EgressMessages.Outgoing> {
    /** Batches on their way at once: two keep the window full; one more absorbs a slow encode or commit. */
    static final int PIPELINE_DEPTH = 3;

    /** The destination's name for its withdrawals: the egress's cursor. */
    public static final String DESTINATION = MqttEgress.CURSOR;

    /**
     * What the MQTT egress owes in withdrawals (docs/patients.md, "Withdrawal"; docs/mqtt.md): the runtime answers from
     * the ADT journal and remembers, durably, what was done.
     */
    public interface Withdrawals {
        /** The notices not yet published, in order; asked at every round of the loop: must be cheap. */
        List<Notice> owed();

        /** Records, forced to the disk, that the notice was published ({@code outcome} in words). */
        void done(Notice notice, int messages, String outcome) throws java.io.IOException;
    }

    /**
     * One withdrawal as the egress publishes it: no patient (the egress never names one), the bed and the window.
     *
     * @param id the cancel's sender and control id
     * @param devices the bed's devices: one message on each one's {@code withdrawals} topic
     * @param bed PV1-3 of the bed
     * @param since the cancelled association's start
     * @param until when the cancel was received
     * @param association the association's short name (as it ends FHIR Observation identifiers)
     * @param reason in words ({@code admission cancelled (A11 MSG00042)})
     */
    public record Notice(
            String id,
            List<DeviceId> devices,
            String bed,
            Instant since,
            Instant until,
            String association,
            String reason) {
        public Notice {
            devices = List.copyOf(devices);
        }
    }

    private volatile @Nullable Withdrawals withdrawals;
    private final MqttPublisher publisher;
    private final EgressTopics topics;
    private final Duration interval;
    private final Duration retainWithin;
    private final InstantSource clock;

    /**
     * @param interval {@link Duration#ZERO} to publish every reading, else the sampling interval of numerics
     * @param retainWithin device statuses received longer ago than this (a backlog) are published but not retained
     */
    public MqttSink(
            MqttPublisher publisher,
            EgressTopics topics,
            Duration interval,
            Duration retainWithin,
            InstantSource clock) {
        this.publisher = publisher;
        this.topics = topics;
        this.interval = interval;
        this.retainWithin = retainWithin;
        this.clock = clock;
    }

    public MqttPublisher publisher() {
        return publisher;
    }

    @Override
    public Translator<EgressMessages.Outgoing> translator(Lane lane) {
        EgressMessages messages = new EgressMessages(topics, interval, retainWithin, clock);
        return record -> items(messages, record);
    }

    private static List<Item<EgressMessages.Outgoing>> items(EgressMessages messages, StoredRecord record) {
        if (!record.isReadable()) {
            return List.of();
        }
        List<Item<EgressMessages.Outgoing>> out = new ArrayList<>();
        for (EgressMessages.Outgoing o : messages.outgoing(record.readings())) {
            out.add(new Item<>(o, record.position()));
        }
        return out;
    }

    @Override
    public int pipelineDepth() {
        return PIPELINE_DEPTH;
    }

    @Override
    public CompletableFuture<Delivery<EgressMessages.Outgoing>> deliverAsync(
            List<Item<EgressMessages.Outgoing>> items) {
        return publisher.deliverAsync(messages(items)).thenApply(outcome -> delivery(items, outcome));
    }

    @Override
    public Delivery<EgressMessages.Outgoing> deliver(List<Item<EgressMessages.Outgoing>> items) {
        return delivery(items, publisher.deliver(messages(items)));
    }

    private static List<MqttPublisher.Message> messages(List<Item<EgressMessages.Outgoing>> items) {
        List<MqttPublisher.Message> batch = new ArrayList<>(items.size());
        items.forEach(i -> batch.add(i.value().message()));
        return batch;
    }

    private static Delivery<EgressMessages.Outgoing> delivery(
            List<Item<EgressMessages.Outgoing>> items, MqttPublisher.Outcome outcome) {
        if (outcome instanceof MqttPublisher.Outcome.Delivered) {
            return Delivery.delivered();
        }
        if (outcome instanceof MqttPublisher.Outcome.RetryLater r) {
            return r.misconfigured()
                    ? Delivery.misconfigured(r.reason())
                    : Delivery.retry(r.reason(), r.pause().orElse(null));
        }
        Map<Integer, MqttPublisher.Outcome.Rejection> refused = ((MqttPublisher.Outcome.Refused) outcome).refused();
        List<Delivery.Refusal<EgressMessages.Outgoing>> refusals = new ArrayList<>();
        refused.forEach((index, rejection) ->
                refusals.add(new Delivery.Refusal<>(items.get(index), rejection.code(), rejection.reason())));
        return new Delivery.Refused<>(items.size() - refused.size(), refusals);
    }

    /** Where the withdrawals come from (the beds' associations); none until set. */
    public void withdrawals(Withdrawals port) {
        this.withdrawals = port;
    }

    /**
     * Publishes the withdrawal notices owed: on {@code <prefix>/<gateway>/<device>/withdrawals} of each of the bed's
     * devices, QoS 1, not retained, a JSON object naming the window whose readings were associated in error. The
     * broker away: retried through the loop; a notice the broker refuses is recorded as refused (for a person).
     */
    @Override
    public Delivery.@Nullable Retry<EgressMessages.Outgoing> owedWork(ReadingStore store, long committedPosition) {
        Withdrawals port = withdrawals;
        if (port == null) {
            return null;
        }
        for (Notice n : port.owed()) {
            List<MqttPublisher.Message> batch = new ArrayList<>();
            for (DeviceId d : n.devices()) {
                batch.add(new MqttPublisher.Message(
                        topics.withdrawals(d), notice(n, d).getBytes(StandardCharsets.UTF_8), false));
            }
            MqttPublisher.Outcome outcome = publisher.deliver(batch);
            if (outcome instanceof MqttPublisher.Outcome.RetryLater r) {
                return r.misconfigured()
                        ? new Delivery.Retry<>("withdrawal: " + r.reason(), null, Delivery.Retry.Kind.MISCONFIGURED)
                        : new Delivery.Retry<>(
                                "withdrawal: " + r.reason(), r.pause().orElse(null), Delivery.Retry.Kind.UNAVAILABLE);
            }
            String words = outcome instanceof MqttPublisher.Outcome.Refused refused
                    ? "refused by the broker: " + refused.refused().size() + " of " + batch.size() + " messages"
                    : batch.size() + " withdrawal messages published";
            try {
                port.done(n, batch.size(), words);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot record the withdrawal as done", e);
            }
        }
        return null;
    }

    /** The notice's JSON for one device. */
    public static String notice(Notice n, DeviceId device) {
        return "{\"withdrawal\":" + quote(n.id()) + ",\"device\":" + quote(device.value()) + ",\"bed\":"
                + quote(n.bed()) + ",\"from\":" + quote(n.since().toString()) + ",\"until\":"
                + quote(n.until().toString()) + ",\"association\":" + quote(n.association()) + ",\"reason\":"
                + quote(n.reason()) + "}";
    }

    @Override
    public Letter letter(Item<EgressMessages.Outgoing> item) {
        MqttPublisher.Message m = item.value().message();
        String payload = "{\"topic\":" + quote(m.topic()) + ",\"retained\":" + m.retained() + ",\"payload\":"
                + quote(new String(m.payload(), StandardCharsets.UTF_8)) + "}";
        return new Letter(item.value().identity(), item.value().device().value(), payload);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
