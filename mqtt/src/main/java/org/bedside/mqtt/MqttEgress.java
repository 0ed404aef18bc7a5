package org.bedside.mqtt;

import java.time.Duration;
import java.time.InstantSource;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;

/**
 * The MQTT egress as the gateway runs it: the buffer's one consumer loop ({@link BufferConsumer}, cursor {@value
 * #CURSOR}, dead letters of its own) driving an {@link MqttSink} over one {@link MqttPublisher} (the connection with
 * the gateway's last will). {@link #close} stops the loop first, then says {@code offline} and disconnects.
 */
public final class MqttEgress implements AutoCloseable {
    public static final String CURSOR = "mqtt";
    /** By default, the main cursor this far behind the present means a backlog: live readings first. */
    public static final Duration DEFAULT_LIVE_LAG = Duration.ofSeconds(30);

    /**
     * @param interval {@link Duration#ZERO} to publish every reading, else the sampling interval of numerics
     * @param batchSize the most messages per batch (up to three batches wait for their PUBACKs at once; the cursor
     *     commits past a batch once all its PUBACKs arrived)
     * @param publishTimeout how long a batch may wait for its acknowledgements
     * @param retryMaxDelay the longest back-off while the broker is away
     * @param liveLag the main cursor this far behind the present (plus two intervals) means a backlog: live readings go
     *     first, and device statuses older than this are published without the retained flag
     */
    public record Settings(
            MqttEndpoint endpoint,
            EgressTopics topics,
            Duration interval,
            int batchSize,
            Duration publishTimeout,
            Duration retryMaxDelay,
            Duration liveLag) {

        public Settings {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("interval must not be negative");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
            if (liveLag.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("the live lag must be at least 1 s");
            }
        }

        public boolean everyReading() {
            return interval.isZero();
        }
    }

    private final Settings settings;
    private final MqttPublisher publisher;
    private final BufferConsumer<EgressMessages.Outgoing> consumer;
    private final MqttSink sink;

    public MqttEgress(
            Settings settings,
            ReadingStore store,
            DeadLetterStore deadLetters,
            InstantSource clock,
            TrustedClock trustedClock) {
        this.settings = settings;
        this.publisher =
                new MqttPublisher(settings.endpoint(), settings.topics().gatewayStatus(), settings.publishTimeout());
        // A device status older than the live lag belongs to a backlog: published, not retained (docs/mqtt.md).
        this.sink = new MqttSink(publisher, settings.topics(), settings.interval(), settings.liveLag(), clock);
        this.consumer = new BufferConsumer<>(
                ConsumerSettings.of(
                        CURSOR,
                        settings.batchSize(),
                        Duration.ofMillis(500),
                        settings.retryMaxDelay(),
                        settings.liveLag().plus(settings.interval().multipliedBy(2))),
                store,
                sink,
                deadLetters,
                clock,
                trustedClock);
    }

    public Settings settings() {
        return settings;
    }

    /** The sink, for the runtime to give it its withdrawals. */
    public MqttSink sink() {
        return sink;
    }

    public MqttPublisher publisher() {
        return publisher;
    }

    public BufferConsumer<EgressMessages.Outgoing> consumer() {
        return consumer;
    }

    public void start() {
        consumer.start();
    }

    @Override
    public void close() {
        consumer.close();
        publisher.close();
    }
}
