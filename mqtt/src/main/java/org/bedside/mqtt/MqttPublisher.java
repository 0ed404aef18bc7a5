package org.bedside.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress's delivery: publishes a batch of messages at QoS 1 and returns only when the broker has acknowledged every
 * one (PUBACK), or says why not. The consumer that drives it commits its cursor only after {@link Outcome.Delivered}.
 *
 * <ul>
 *   <li>{@link Outcome.Delivered}: every PUBACK arrived with a success code (0x00, or 0x10 "no matching subscribers");
 *   <li>{@link Outcome.RetryLater}: the broker is away, the connection broke, a PUBACK did not come in time, or the
 *       broker answered "not now" (quota exceeded, server busy...): the whole batch again later; a subscriber may then
 *       see some messages twice, with the same {@code id};
 *   <li>{@link Outcome.Refused}: the broker refused these messages with a reason code at or above 0x80 that waiting
 *       will not change (not authorized, topic invalid, packet too large): the consumer dead-letters them and moves on.
 *       A broker that answers such a message by closing the connection (a DISCONNECT with one of those codes, which
 *       HiveMQ may send before Paho completes the PUBACK) makes the publisher send the batch again one message at a
 *       time, to find the one it refuses.
 * </ul>
 *
 * <p>The gateway's presence: the connection carries a last will, {@code offline} retained on the gateway's status topic,
 * which the broker publishes when the gateway disappears without saying goodbye (a SIGKILL, a pulled plug, a lost
 * network); after every connect the publisher sets {@code online} retained; {@link #close} sets {@code offline} itself.
 *
 * <p>{@link #deliverAsync} publishes a batch and returns without waiting for its acknowledgements, so that the
 * consumer can read and publish the next batch meanwhile: the window of messages in flight (the broker's Receive
 * Maximum) then spans batches instead of emptying at each batch's end. Its outcome tells only what a batch's
 * acknowledgements say; the consumer answers anything but delivered by sending the batch again through {@link
 * #deliver}, which also finds a message the broker answers by closing the connection.
 *
 * <p>Paho keeps nothing: memory persistence, no offline buffer, no automatic reconnect. {@link #deliver} connects when
 * needed, so a broker that comes back is used at the next delivery. Used by one consumer thread; every delivery runs on
 * the publisher's own thread, one after another, so that the consumer encodes the next batch while a batch waits for
 * the broker's window; {@link #state} may be read from any.
 */
public final class MqttPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);
    static final byte[] ONLINE = "online".getBytes(StandardCharsets.UTF_8);
    static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.UTF_8);

    /**
     * One message to publish. The payload is handed over, not copied: whoever makes a message gives it an array that
     * nobody else keeps (the encoders, {@code SenmlEncoder} and {@link AlertJson}, return a fresh one each time), and
     * nobody writes to it afterwards, neither the maker nor a reader of {@link #payload}. Paho publishes that array as
     * it is, on every attempt; a copy per message (two, before 2026-12-04) bought nothing but garbage.
     */
    public record Message(String topic, byte[] payload, boolean retained) {}

    /** What became of a batch. */
    public sealed interface Outcome permits Outcome.Delivered, Outcome.RetryLater, Outcome.Refused {
        /** Every message of the batch was acknowledged. */
        record Delivered(int messages) implements Outcome {}

        /**
         * Nothing can be said for the batch: deliver all of it again after the pause (or the consumer's back-off).
         *
         * @param misconfigured the broker refused the gateway's login (bad user name or password, not authorized, a
         *     client id it does not take): only a person can fix it
         */
        record RetryLater(String reason, Optional<Duration> pause, boolean misconfigured) implements Outcome {
            public RetryLater(String reason, Optional<Duration> pause) {
                this(reason, pause, false);
            }
        }

        /**
         * The broker refused these messages (by their index in the batch, with its reason code and words); every other
         * one was acknowledged.
         */
        record Refused(Map<Integer, Rejection> refused) implements Outcome {
            public Refused {
                refused = Map.copyOf(refused);
            }
        }

        /** One refusal: the MQTT 5 reason code and what it means. */
        record Rejection(int code, String reason) {}
    }

    /** Where the publisher stands, for health and the status page. */
    public record State(boolean connected, String detail, Instant since) {}

    /** CONNACK codes that say the gateway's login is wrong, not that the broker is away. */
    private static final java.util.Set<Integer> LOGIN_REFUSED = java.util.Set.of(0x85, 0x86, 0x87, 0x8A, 0x8C);

    private final MqttEndpoint endpoint;
    private final String statusTopic;
    private final Duration publishTimeout;
    private final AtomicLong published = new AtomicLong();
    private @Nullable MqttAsyncClient client;
    private volatile State state;
    private volatile @Nullable String lostBecause;
    /** The reason code of the broker's last DISCONNECT on this connection; 0 if none. */
    private volatile int disconnectCode;
    /** Tokens of {@link #deliverAsync} not yet seen complete, oldest first, across batches (publishing thread only). */
    private final Deque<IMqttToken> window = new ArrayDeque<>();

    /**
     * The one thread that hands messages to Paho, the batches of {@link #deliverAsync} in order and {@link #deliver}
     * after them: the consumer reads and encodes the next batch while this one waits for slots in the broker's window
     * (HiveMQ's Receive Maximum is 10), so that the window does not run dry while it encodes; and the client, its
     * reconnects and the window are only ever touched by this thread.
     */
    private final java.util.concurrent.ExecutorService publishing;

    /**
     * @param statusTopic the gateway's status topic ({@link EgressTopics#gatewayStatus()}), for the last will
     * @param publishTimeout how long a batch may wait for its acknowledgements
     */
    public MqttPublisher(MqttEndpoint endpoint, String statusTopic, Duration publishTimeout) {
        this.endpoint = endpoint;
        this.statusTopic = statusTopic;
        this.publishTimeout = publishTimeout;
        this.state = new State(false, "not connected yet", Instant.now());
        this.publishing = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mqtt-publish-" + endpoint.clientId());
            t.setDaemon(true);
            return t;
        });
    }

    public State state() {
        return state;
    }

    /** Messages acknowledged by the broker since start. */
    public long published() {
        return published.get();
    }

    /**
     * Publishes the batch and waits for every acknowledgement. Never throws for what the broker or network does. Runs on
     * the publishing thread, after the batches handed to {@link #deliverAsync} before it.
     */
    public Outcome deliver(List<Message> batch) {
        if (batch.isEmpty()) {
            return new Outcome.Delivered(0);
        }
        java.util.concurrent.Future<Outcome> outcome;
        try {
            outcome = publishing.submit(() -> deliverHere(batch));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return new Outcome.RetryLater("the MQTT egress is closed", Optional.empty());
        }
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a stop: the consumer goes on from its committed position
            return new Outcome.RetryLater("interrupted while publishing", Optional.empty());
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** {@link #deliver}'s work, on the publishing thread. */
    private Outcome deliverHere(List<Message> batch) {
        MqttAsyncClient c;
        try {
            c = connected();
        } catch (IOException e) {
            return notConnected(e);
        }
        long deadline = System.nanoTime() + publishTimeout.toNanos();
        List<IMqttToken> tokens = new ArrayList<>(batch.size());
        Deque<IMqttToken> inFlight = new ArrayDeque<>();
        try {
            for (Message m : batch) {
                MqttMessage message = new MqttMessage(m.payload());
                message.setQos(1);
                message.setRetained(m.retained());
                IMqttToken token;
                while (true) {
                    try {
                        token = c.publish(m.topic(), message);
                        break;
                    } catch (MqttException e) {
                        // Paho refuses to exceed the broker's Receive Maximum: wait for the oldest to be acknowledged.
                        if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                            throw e;
                        }
                        IMqttToken oldest = inFlight.pollFirst();
                        if (oldest != null && !oldest.isComplete()) {
                            awaitToken(oldest, deadline);
                        } else {
                            // Acknowledged, but Paho's callback thread has not yet freed its slot (it counts a
                            // message in flight until after the token completes): a moment, within the deadline.
                            if (System.nanoTime() - deadline > 0) {
                                throw new TimedOut();
                            }
                            LockSupport.parkNanos(200_000);
                        }
                    }
                }
                tokens.add(token);
                inFlight.addLast(token);
            }
            for (IMqttToken token : tokens) {
                awaitToken(token, deadline);
            }
        } catch (MqttException e) {
            int refusal = serverRefusal(e);
            if (refusal != 0) {
                // The broker answered a message it will never take by closing the connection (HiveMQ may send the
                // DISCONNECT before Paho has completed the PUBACK's token): which message is found one at a time, so
                // that it goes to the dead letters instead of holding back everything behind it.
                dropClient();
                setState(false, "the broker disconnected the gateway: " + MqttFailures.reason(refusal));
                return batch.size() == 1 ? refusedAlone(batch.get(0), refusal) : oneByOne(batch);
            }
            return retry(MqttFailures.describe(e));
        } catch (TimedOut e) {
            return retry("no acknowledgement from " + endpoint.describe() + " within " + publishTimeout);
        }
        Map<Integer, Outcome.Rejection> refused = new LinkedHashMap<>();
        String transientReason = null;
        for (int i = 0; i < tokens.size(); i++) {
            int[] codes = tokens.get(i).getReasonCodes();
            int code = codes == null || codes.length == 0 ? 0 : codes[0];
            if (code >= 0x80) {
                if (MqttFailures.isTransient(code)) {
                    transientReason = "the broker answered " + MqttFailures.reason(code);
                } else {
                    refused.put(
                            i,
                            new Outcome.Rejection(
                                    code,
                                    "the broker refused " + batch.get(i).topic() + ": " + MqttFailures.reason(code)));
                }
            }
        }
        if (transientReason != null) {
            return retry(transientReason);
        }
        published.addAndGet(batch.size() - refused.size());
        if (!refused.isEmpty()) {
            // A broker may close the connection after refusing (HiveMQ does, under MQTT 5): the next batch starts on a
            // fresh connection rather than on one that is about to go.
            dropClient();
            setState(false, refused.size() + " message(s) refused; reconnecting for the next batch");
            LOG.warn(
                    "MQTT egress: {} of {} messages refused, first: {}",
                    refused.size(),
                    batch.size(),
                    refused.values().iterator().next().reason());
            return new Outcome.Refused(refused);
        }
        return new Outcome.Delivered(batch.size());
    }

    /**
     * Hands the batch to the publishing thread and returns at once, with the outcome its acknowledgements will give:
     * {@link Outcome.Delivered}, {@link Outcome.Refused} by reason code, or {@link Outcome.RetryLater} when the
     * connection broke, a token failed or no PUBACK came within the publish time-out (counted from this call). The
     * future always completes, exceptionally only for a bug. Batches are handed to Paho in the order of the calls.
     */
    public CompletableFuture<Outcome> deliverAsync(List<Message> batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(new Outcome.Delivered(0));
        }
        long deadline = System.nanoTime() + publishTimeout.toNanos();
        Acknowledgements acks = new Acknowledgements(batch);
        try {
            publishing.execute(() -> handOver(batch, acks, deadline));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            acks.future.complete(new Outcome.RetryLater("the MQTT egress is closed", Optional.empty()));
            return acks.future;
        }
        return acks.future.completeOnTimeout(
                new Outcome.RetryLater(
                        "no acknowledgement from " + endpoint.describe() + " within " + publishTimeout,
                        Optional.empty()),
                publishTimeout.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /**
     * Hands one batch of {@link #deliverAsync} to Paho, on the publishing thread: waits only while the broker's Receive
     * Maximum is reached, for the oldest message in flight. Its outcome is completed by the acknowledgements, or here
     * when the connection or a publish fails.
     */
    private void handOver(List<Message> batch, Acknowledgements acks, long deadline) {
        if (acks.future.isDone()) {
            return; // timed out before its turn
        }
        MqttAsyncClient c;
        try {
            c = connected();
        } catch (IOException e) {
            acks.future.complete(notConnected(e));
            return;
        }
        try {
            for (int i = 0; i < batch.size(); i++) {
                Message m = batch.get(i);
                MqttMessage message = new MqttMessage(m.payload());
                message.setQos(1);
                message.setRetained(m.retained());
                MqttActionListener listener = acks.listener(i);
                IMqttToken token;
                while (true) {
                    try {
                        token = c.publish(m.topic(), message, null, listener);
                        break;
                    } catch (MqttException e) {
                        if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                            throw e;
                        }
                        IMqttToken oldest = window.pollFirst();
                        if (oldest != null && !oldest.isComplete()) {
                            awaitQuietly(oldest, deadline);
                        } else {
                            if (System.nanoTime() - deadline > 0) {
                                throw new TimedOut();
                            }
                            LockSupport.parkNanos(200_000);
                        }
                    }
                }
                while (!window.isEmpty() && window.peekFirst().isComplete()) {
                    window.pollFirst();
                }
                window.addLast(token);
            }
        } catch (MqttException e) {
            acks.future.complete(retry(MqttFailures.describe(e)));
        } catch (TimedOut e) {
            acks.future.complete(retry("no acknowledgement from " + endpoint.describe() + " within " + publishTimeout));
        } catch (RuntimeException e) {
            acks.future.completeExceptionally(e); // the consumer's unexpected error: logged, counted, survived
        }
    }

    /** Waits for a token of an earlier batch to free its slot; how it ended is that batch's outcome. */
    private static void awaitQuietly(IMqttToken token, long deadline) throws TimedOut {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimedOut();
        }
        try {
            token.waitForCompletion(Math.max(1, left / 1_000_000));
        } catch (MqttException e) {
            return; // failed: its slot is free
        }
        if (!token.isComplete()) {
            throw new TimedOut();
        }
    }

    /** The acknowledgements of one batch of {@link #deliverAsync}, gathered on Paho's callback thread. */
    private final class Acknowledgements {
        final List<Message> batch;
        final int[] codes;
        final AtomicInteger left;
        final CompletableFuture<Outcome> future = new CompletableFuture<>();
        volatile @Nullable Throwable failure;

        Acknowledgements(List<Message> batch) {
            this.batch = batch;
            this.codes = new int[batch.size()];
            this.left = new AtomicInteger(batch.size());
        }

        MqttActionListener listener(int index) {
            return new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] c = token.getReasonCodes();
                    codes[index] = c == null || c.length == 0 ? 0 : c[0];
                    arrived();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable exception) {
                    failure = exception;
                    arrived();
                }
            };
        }

        private void arrived() {
            if (left.decrementAndGet() == 0) {
                future.complete(outcome());
            }
        }

        private Outcome outcome() {
            Throwable f = failure;
            if (f != null) {
                String why = f instanceof MqttException m ? MqttFailures.describe(m) : f.toString();
                return new Outcome.RetryLater(why, Optional.empty());
            }
            Map<Integer, Outcome.Rejection> refused = new LinkedHashMap<>();
            for (int i = 0; i < codes.length; i++) {
                int code = codes[i];
                if (code >= 0x80) {
                    if (MqttFailures.isTransient(code)) {
                        return new Outcome.RetryLater(
                                "the broker answered " + MqttFailures.reason(code), Optional.empty());
                    }
                    refused.put(
                            i,
                            new Outcome.Rejection(
                                    code,
                                    "the broker refused " + batch.get(i).topic() + ": " + MqttFailures.reason(code)));
                }
            }
            if (!refused.isEmpty()) {
                return new Outcome.Refused(refused);
            }
            published.addAndGet(batch.size());
            return new Outcome.Delivered(batch.size());
        }
    }

    /** Reason codes of a server DISCONNECT that refuse a message for good, not the connection. */
    private static final java.util.Set<Integer> MESSAGE_REFUSED = java.util.Set.of(0x87, 0x90, 0x95, 0x99, 0x9A, 0x9B);

    private static final java.util.regex.Pattern DISCONNECT_RC =
            java.util.regex.Pattern.compile("Disconnect RC: (\\d+)");

    /** The reason code of a server DISCONNECT that refused a message, or 0. */
    private int serverRefusal(MqttException e) {
        int code = disconnectCode;
        if (code == 0 && e.getMessage() != null) {
            // Paho's token may fail before its callback thread has told us the DISCONNECT's code.
            java.util.regex.Matcher m = DISCONNECT_RC.matcher(e.getMessage());
            if (m.find()) {
                code = Integer.parseInt(m.group(1));
            }
        }
        return MESSAGE_REFUSED.contains(code) ? code : 0;
    }

    private Outcome refusedAlone(Message m, int code) {
        return new Outcome.Refused(Map.of(
                0, new Outcome.Rejection(code, "the broker refused " + m.topic() + ": " + MqttFailures.reason(code))));
    }

    /** Each message of the batch on its own: the ones the broker refuses, by index; a retry if the broker goes away. */
    private Outcome oneByOne(List<Message> batch) {
        Map<Integer, Outcome.Rejection> refused = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Outcome one = deliverHere(List.of(batch.get(i)));
            if (one instanceof Outcome.Refused r) {
                refused.put(i, r.refused().get(0));
            } else if (one instanceof Outcome.RetryLater) {
                return one;
            }
        }
        return refused.isEmpty() ? new Outcome.Delivered(batch.size()) : new Outcome.Refused(refused);
    }

    private static final class TimedOut extends Exception {
        TimedOut() {
            super(null, null, false, false);
        }
    }

    private static void awaitToken(IMqttToken token, long deadline) throws MqttException, TimedOut {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimedOut();
        }
        token.waitForCompletion(Math.max(1, left / 1_000_000));
        if (!token.isComplete()) {
            throw new TimedOut();
        }
        MqttException e = token.getException();
        if (e != null) {
            throw e;
        }
    }

    private Outcome notConnected(IOException e) {
        Throwable cause = e.getCause();
        boolean login = cause instanceof MqttException m && LOGIN_REFUSED.contains(m.getReasonCode());
        setState(false, e.getMessage());
        dropClient();
        return new Outcome.RetryLater(String.valueOf(e.getMessage()), Optional.empty(), login);
    }

    private Outcome retry(String reason) {
        setState(false, reason);
        dropClient();
        return new Outcome.RetryLater(reason, Optional.empty());
    }

    private MqttAsyncClient connected() throws IOException {
        MqttAsyncClient c = client;
        if (c != null && c.isConnected()) {
            return c;
        }
        dropClient();
        try {
            c = new MqttAsyncClient(endpoint.serverUri().toString(), endpoint.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("cannot create an MQTT client: " + e.getMessage(), e);
        }
        MqttAsyncClient created = c;
        c.setCallback(new Callbacks());
        try {
            var options = endpoint.connectionOptions();
            MqttMessage will = new MqttMessage(OFFLINE);
            will.setQos(1);
            will.setRetained(true);
            options.setWill(statusTopic, will);
            lostBecause = null;
            disconnectCode = 0;
            c.connect(options).waitForCompletion(endpoint.connectTimeout().toMillis() + 1000);
            MqttMessage online = new MqttMessage(ONLINE);
            online.setQos(1);
            online.setRetained(true);
            IMqttToken t = c.publish(statusTopic, online);
            t.waitForCompletion(endpoint.connectTimeout().toMillis());
            int[] codes = t.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                throw new IOException("the broker refused the gateway's status " + statusTopic + ": "
                        + MqttFailures.reason(codes[0]));
            }
        } catch (MqttException e) {
            closeQuietly(created);
            throw new IOException("cannot connect to " + endpoint.describe() + ": " + MqttFailures.describe(e), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(created);
            throw e;
        }
        client = c;
        setState(true, "connected to " + endpoint.describe());
        LOG.info("MQTT egress connected to {}", endpoint.describe());
        return c;
    }

    private void setState(boolean connected, String detail) {
        State old = state;
        state = new State(connected, detail, old.connected() == connected ? old.since() : Instant.now());
        if (old.connected() && !connected) {
            LOG.warn("MQTT egress to {}: {}", endpoint.describe(), detail);
        }
    }

    private void dropClient() {
        MqttAsyncClient c = client;
        client = null;
        window.clear();
        if (c != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException | RuntimeException e) {
            // going anyway
        }
        try {
            c.close(true);
        } catch (MqttException | RuntimeException e) {
            // nothing more to release
        }
    }

    /** Says {@code offline} (retained), then disconnects normally, so the broker does not publish the will. */
    @Override
    public void close() {
        publishing.shutdownNow();
        try {
            // What it was handing over ends at its next wait (interrupted); the client is then this thread's.
            publishing.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        MqttAsyncClient c = client;
        if (c != null && c.isConnected()) {
            try {
                MqttMessage offline = new MqttMessage(OFFLINE);
                offline.setQos(1);
                offline.setRetained(true);
                c.publish(statusTopic, offline).waitForCompletion(2000);
                c.disconnect().waitForCompletion(2000);
            } catch (MqttException | RuntimeException e) {
                LOG.info("MQTT egress: could not say offline before closing: {}", MqttFailures.describe(e));
            }
        }
        // A stop asked for is not a lost connection: the state changes without the warning setState gives.
        state = new State(false, "closed", Instant.now());
        dropClient();
    }

    private final class Callbacks implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (response.getException() == null) {
                disconnectCode = response.getReturnCode();
            }
            String why = response.getException() != null
                    ? MqttFailures.describe(response.getException())
                    : "the broker disconnected the gateway: " + MqttFailures.reason(response.getReturnCode());
            lostBecause = why;
            setState(false, "connection lost: " + why);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            setState(false, MqttFailures.describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
