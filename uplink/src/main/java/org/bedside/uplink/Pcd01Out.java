package org.bedside.uplink;

import java.time.Duration;
import java.time.InstantSource;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.pcd.Pcd01Encoder;

/**
 * PCD-01 out as the gateway runs it: the buffer's one consumer loop ({@link BufferConsumer}, cursor {@value
 * Pcd01Sink#CURSOR}, dead letters of its own) driving a {@link Pcd01Sink} over one {@link MllpClient}, beside the FHIR
 * uplink or instead of it. {@link #close} stops the loop first, then closes the connection.
 */
public final class Pcd01Out implements AutoCloseable {

    /**
     * @param client where and how to connect (host, port, TLS, timeouts)
     * @param sender MSH-3/4 (application, EUI-64, facility) and MSH-5/6 (the engine)
     * @param retryMaxDelay the longest back-off while the engine is away or answers AR
     * @param maxClockSkew which clock places a reading in time for its patient (the uplink's rule)
     */
    public record Settings(
            MllpClientConfig client, Pcd01Encoder.Sender sender, Duration retryMaxDelay, Duration maxClockSkew) {

        /** {@code mllp://host:port}, {@code mllps://} with TLS: for the status page and logs. */
        public String destination() {
            return (client.socketFactory() == null ? "mllp://" : "mllps://") + client.host() + ":" + client.port();
        }
    }

    private final Settings settings;
    private final Pcd01Sink sink;
    private final BufferConsumer<Pcd01Sink.Message> consumer;

    public Pcd01Out(
            Settings settings,
            ReadingStore store,
            Pcd01Patients patients,
            DeadLetterStore deadLetters,
            InstantSource clock,
            TrustedClock trustedClock) {
        this.settings = settings;
        this.sink = new Pcd01Sink(
                new MllpClient(settings.client()),
                settings.destination(),
                settings.sender(),
                patients,
                settings.maxClockSkew(),
                clock);
        this.consumer = new BufferConsumer<>(
                // One message at a time (a retry or a refusal is about exactly one), in buffer order: no live lane
                // (unbounded live lag), so that nothing is sent twice while a backlog drains.
                new ConsumerSettings(
                        Pcd01Sink.CURSOR,
                        1,
                        Duration.ofMillis(500),
                        settings.retryMaxDelay(),
                        Duration.ofDays(36500),
                        Duration.ofMillis(200),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                deadLetters,
                clock,
                trustedClock);
    }

    public Settings settings() {
        return settings;
    }

    public Pcd01Sink sink() {
        return sink;
    }

    public BufferConsumer<Pcd01Sink.Message> consumer() {
        return consumer;
    }

    public void start() {
        consumer.start();
    }

    @Override
    public void close() {
        consumer.close();
        sink.close();
    }
}
