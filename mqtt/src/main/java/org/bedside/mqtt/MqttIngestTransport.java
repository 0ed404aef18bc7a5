package org.bedside.mqtt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.LinkLostException;
import org.bedside.drivers.transport.Transport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jspecify.annotations.Nullable;

/**
 * MQTT ingest for devices that publish (sensor hubs, BLE bridges): each link is a connection to the broker on a
 * persistent session, subscribed at QoS 1 to the configured topics, and each read yields one whole message (the
 * driver's framer is the identity). A message is acknowledged to the broker (PUBACK) only in {@link
 * Link#afterDelivery}, when the pipeline has appended its readings to the buffer:
 *
 * <ul>
 *   <li>killed between delivery and append, the gateway never acknowledged it: the broker delivers it again when the
 *       gateway reconnects with the same client id;
 *   <li>an append that fails (disk full) is not acknowledged either, and the link is dropped: the pipeline reconnects
 *       after its back-off and the broker delivers the message again, with everything after it;
 *   <li>acknowledgements go in arrival order (MQTT 5 section 4.6): one thread reads, decodes, appends and acknowledges,
 *       one message at a time.
 * </ul>
 *
 * <p>Memory is bounded: the CONNECT tells the broker the largest packet the gateway takes (MQTT 5 Maximum Packet Size;
 * the broker drops larger ones for this client) and how many unacknowledged messages it may have in flight (Receive
 * Maximum), which is also the bound of the queue between Paho's thread and the pipeline's. A lost connection ends the
 * link with its cause, which the pipeline records as the device's {@code DISCONNECTED} status and state.
 */
public final class MqttIngestTransport implements Transport {

    /**
     * How the ingest connection behaves.
     *
     * @param receiveMaximum unacknowledged messages the broker may send ahead (MQTT 5 Receive Maximum)
     * @param maximumPacketSize the largest packet the broker may send (MQTT 5 Maximum Packet Size), bytes
     */
    public record Settings(int receiveMaximum, long maximumPacketSize) {
        /** 16 messages ahead; packets up to 256 KiB (the driver decodes up to 64 KiB and counts longer ones). */
        public static final Settings DEFAULT = new Settings(16, 256 * 1024);

        public Settings {
            if (receiveMaximum < 1 || receiveMaximum > 65535) {
                throw new IllegalArgumentException("receive maximum must be 1..65535: " + receiveMaximum);
            }
            if (maximumPacketSize < 128) {
                throw new IllegalArgumentException("maximum packet size must be at least 128 bytes");
            }
        }
    }

    private final MqttEndpoint endpoint;
    private final List<String> topics;
    private final Settings settings;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();

    public MqttIngestTransport(MqttEndpoint endpoint, List<String> topics, Settings settings) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one topic");
        }
        this.endpoint = endpoint;
        this.topics = List.copyOf(topics);
        this.settings = settings;
    }

    public MqttEndpoint endpoint() {
        return endpoint;
    }

    public List<String> topics() {
        return topics;
    }

    /** Messages handed to the pipeline since start. */
    public long delivered() {
        return delivered.get();
    }

    /** Messages acknowledged to the broker since start. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Messages the broker marked as sent before (DUP): redeliveries after a lost connection or a restart. */
    public long redelivered() {
        return redelivered.get();
    }

    @Override
    public String describe() {
        return endpoint.serverUri() + "/" + String.join(",", topics);
    }

    @Override
    public Link open() throws IOException {
        MqttAsyncClient client;
        try {
            client = new MqttAsyncClient(endpoint.serverUri().toString(), endpoint.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("cannot create an MQTT client for " + endpoint.describe() + ": " + e.getMessage(), e);
        }
        IngestLink link = new IngestLink(client);
        client.setManualAcks(true);
        client.setCallback(link);
        try {
            var options = endpoint.connectionOptions();
            options.setReceiveMaximum(settings.receiveMaximum());
            options.setMaximumPacketSize(settings.maximumPacketSize());
            client.connect(options).waitForCompletion(endpoint.connectTimeout().toMillis() + 1000);
            MqttSubscription[] subscriptions =
                    topics.stream().map(t -> new MqttSubscription(t, 1)).toArray(MqttSubscription[]::new);
            IMqttToken sub = client.subscribe(subscriptions);
            sub.waitForCompletion(endpoint.connectTimeout().toMillis());
            int[] codes = sub.getReasonCodes();
            for (int i = 0; i < codes.length && i < topics.size(); i++) {
                if (codes[i] >= 0x80) {
                    throw new IOException("the broker refused the subscription to " + topics.get(i) + ": "
                            + MqttFailures.reason(codes[i]));
                }
            }
        } catch (MqttException e) {
            link.close();
            throw new IOException("cannot connect to " + endpoint.describe() + ": " + MqttFailures.describe(e), e);
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }

    /** What Paho's thread hands to the pipeline's: a message, or the end of the connection. */
    private record Arrival(
            int id,
            int qos,
            byte[] payload,
            boolean duplicate,
            @Nullable String lost) {}

    private final class IngestLink implements Link, MqttCallback {
        private final MqttAsyncClient client;
        // Never more than receive-maximum messages are unacknowledged, so Paho's thread never waits here; the end
        // marker has room too.
        private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>(settings.receiveMaximum() + 2);
        private @Nullable Arrival current;
        private volatile boolean closed;

        IngestLink(MqttAsyncClient client) {
            this.client = client;
        }

        @Override
        public int read(ByteBuffer into, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (closed) {
                    throw new LinkLostException("the MQTT link to " + describe() + " was closed");
                }
                long left = deadline - System.nanoTime();
                Arrival a;
                try {
                    a = arrivals.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LinkLostException("interrupted while reading from " + describe());
                }
                if (a == null) {
                    return 0;
                }
                String lost = a.lost();
                if (lost != null) {
                    throw new LinkLostException("connection to " + endpoint.describe() + " lost: " + lost);
                }
                delivered.incrementAndGet();
                if (a.duplicate()) {
                    redelivered.incrementAndGet();
                }
                if (a.payload().length == 0) {
                    // Nothing to decode or store; acknowledged at once so that it is not delivered again.
                    current = a;
                    afterDelivery(true);
                    continue;
                }
                current = a;
                // A message longer than the buffer arrives cut: the identity framer reports it as too long.
                int n = Math.min(a.payload().length, into.remaining());
                into.put(a.payload(), 0, n);
                return n;
            }
        }

        @Override
        public void afterDelivery(boolean stored) throws IOException {
            Arrival a = current;
            current = null;
            if (a == null) {
                return;
            }
            if (!stored) {
                throw new LinkLostException("message " + a.id() + " from " + describe() + " could not be stored and"
                        + " was not acknowledged; reconnecting, so that the broker delivers it again");
            }
            if (a.qos() == 0) {
                return;
            }
            try {
                client.messageArrivedComplete(a.id(), a.qos());
                acknowledged.incrementAndGet();
            } catch (MqttException e) {
                throw new LinkLostException(
                        "cannot acknowledge message " + a.id() + " to " + describe() + ": " + MqttFailures.describe(e),
                        e);
            }
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            throw new IOException("an MQTT ingest link only receives");
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (client.isConnected()) {
                    // Quiesce 0: nothing more is acknowledged; what was not is delivered again next time.
                    client.disconnectForcibly(0, 1000, false);
                }
            } catch (MqttException | RuntimeException e) {
                // The connection is going anyway.
            }
            try {
                client.close(true);
            } catch (MqttException | RuntimeException e) {
                // Nothing more to release.
            }
        }

        // Paho's callback thread from here on.

        @Override
        public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
            if (!closed) {
                arrivals.put(new Arrival(
                        message.getId(), message.getQos(), message.getPayload(), message.isDuplicate(), null));
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            String why = response.getException() != null
                    ? MqttFailures.describe(response.getException())
                    : response.getReturnCode() != 0
                            ? "the broker disconnected the gateway: " + MqttFailures.reason(response.getReturnCode())
                                    + (response.getReasonString() == null
                                            ? ""
                                            : " (" + response.getReasonString() + ")")
                            : "the broker closed the connection";
            lost(why);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            lost(MqttFailures.describe(exception));
        }

        private void lost(String why) {
            // offer, not put: with the queue full the pipeline is busy and finds the marker after the messages.
            if (!arrivals.offer(new Arrival(-1, 0, new byte[0], false, why))) {
                closed = true;
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
