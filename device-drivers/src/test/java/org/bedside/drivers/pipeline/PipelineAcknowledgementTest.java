package org.bedside.drivers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.LinkLostException;
import org.bedside.drivers.transport.Transport;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

/**
 * The pipeline tells a message link, after each read, whether that read's readings were stored: what lets the MQTT
 * link acknowledge a message to its broker only once its readings are in the buffer.
 */
class PipelineAcknowledgementTest {
    private static final SenmlMqttDriver DRIVER = new SenmlMqttDriver();
    private static final DeviceId DEVICE = DeviceId.of("bed12-hub");
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final DevicePipeline.Settings SETTINGS =
            new DevicePipeline.Settings(Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMillis(50));

    /** Everything that happened, in order: "append <n readings>", "append failed", "ack true|false". */
    private final List<String> events = new CopyOnWriteArrayList<>();

    private volatile boolean failAppends;

    private final MessageLink link = new MessageLink();

    private static byte[] pack(int spo2) {
        return ("[{\"bt\":" + NOW.getEpochSecond() + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":" + spo2 + "}]")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acknowledgesEachMessageOnlyAfterItsReadingsWereStored() throws Exception {
        try (DevicePipeline p = pipeline()) {
            p.start();
            Await.until("connected", Duration.ofSeconds(10), () -> events.contains("append 1"));
            events.clear();

            link.messages.add(pack(97));
            link.messages.add("not json".getBytes(StandardCharsets.UTF_8));
            Await.until("two messages handled", Duration.ofSeconds(10), () -> events.size() >= 3);

            assertThat(events).containsExactly("append 1", "ack true", "ack true");
            assertThat(p.status().decodeFailures().get(DecodeFailure.Reason.MALFORMED))
                    .isEqualTo(1);

            failAppends = true;
            link.messages.add(pack(96));
            Await.until("the failed append reported", Duration.ofSeconds(10), () -> events.size() >= 5);
            assertThat(events.subList(3, 5)).containsExactly("append failed", "ack false");
            assertThat(p.status().storeFailures()).isEqualTo(1);
        }
    }

    private DevicePipeline pipeline() {
        Transport transport = new Transport() {
            @Override
            public Link open() {
                return link;
            }

            @Override
            public String describe() {
                return "messages";
            }
        };
        return new DevicePipeline(
                DEVICE,
                DRIVER,
                DriverOptions.defaults(DRIVER.info()),
                transport,
                this::append,
                InstantSource.fixed(NOW),
                SETTINGS);
    }

    private void append(List<Reading> readings) throws IOException {
        if (failAppends && readings.get(0) instanceof NumericReading) {
            events.add("append failed");
            throw new IOException("disk full");
        }
        events.add("append " + readings.size());
    }

    /** One message per read, as the MQTT link gives them. */
    private final class MessageLink implements Link {
        final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override
        public int read(ByteBuffer into, Duration timeout) throws IOException {
            if (closed) {
                throw new LinkLostException("closed");
            }
            try {
                byte[] m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (m == null) {
                    return 0;
                }
                into.put(m);
                return m.length;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LinkLostException("interrupted");
            }
        }

        @Override
        public void afterDelivery(boolean stored) {
            events.add("ack " + stored);
        }

        @Override
        public void write(ByteBuffer bytes) {}

        @Override
        public void close() {
            closed = true;
        }
    }
}
