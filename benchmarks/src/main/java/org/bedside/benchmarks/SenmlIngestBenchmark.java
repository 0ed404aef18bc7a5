package org.bedside.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;
import org.bedside.mqtt.RedeliveryFilter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MQTT ingest on one thread: one SenML JSON message of a sensor hub (a pack of three records, about 170 bytes: base
 * name, absolute base time, SpO2, pulse rate and perfusion index) through the {@code senml-mqtt} driver's decoder, and
 * on to the buffer as the gateway stores it: through the device's {@link RedeliveryFilter} into the Chronicle store, one
 * record per message. The score is messages per second. Every message has a base time of its own, so that the filter
 * takes the path of a new message, not of a redelivery (the distinct messages outnumber what the filter remembers).
 * {@code decode} leaves the filter and the store out. The MQTT client, the broker and the acknowledgement are not in
 * it: Paho's delivery is another thread's work (docs/mqtt.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Dchronicle.analytics.disable=true"})
public class SenmlIngestBenchmark {
    /** More than {@link RedeliveryFilter#DEFAULT_CAPACITY}: a message comes round again only once it is forgotten. */
    private static final int DISTINCT_MESSAGES = 1 << 15;

    private static final DeviceId DEVICE = DeviceId.of("bed12-hub");

    private byte[][] messages;
    private MessageDecoder decoder;
    private ChronicleReadingStore store;
    private RedeliveryFilter filter;
    private Path dir;
    private int next;
    private Instant receivedAt;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SenmlMqttDriver driver = new SenmlMqttDriver();
        decoder = driver.newMessageDecoder(DEVICE, DriverOptions.parse(driver.info(), Map.of()));
        receivedAt = Instant.now();
        long base = receivedAt.getEpochSecond() - DISTINCT_MESSAGES;
        messages = new byte[DISTINCT_MESSAGES][];
        for (int i = 0; i < DISTINCT_MESSAGES; i++) {
            messages[i] = String.format(
                            "[{\"bn\":\"urn:dev:mac:0024befffe804ff1:\",\"bt\":%d.%03d,\"bu\":\"%%\",\"n\":\"spo2\","
                                    + "\"v\":%d},{\"n\":\"pulse\",\"u\":\"beat/min\",\"v\":%d},"
                                    + "{\"n\":\"pi\",\"v\":%d.%d}]",
                            base + i, i % 1000, 88 + i % 12, 50 + i % 90, i % 20, i % 10)
                    .getBytes(StandardCharsets.UTF_8);
            if (!(decoder.decode(ByteBuffer.wrap(messages[i]), receivedAt) instanceof DecodeResult.Decoded)) {
                throw new IllegalStateException(
                        "the benchmark's message does not decode: " + new String(messages[i], StandardCharsets.UTF_8));
            }
        }
        dir = Files.createTempDirectory("bedside-bench");
        store = ChronicleReadingStore.open(dir);
        filter = RedeliveryFilter.open(store, DEVICE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        filter.close();
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Decoder, redelivery filter and durable append: the ingest path of one message after Paho hands it over. */
    @Benchmark
    public long decodeAndAppend() throws IOException {
        DecodeResult r = decoder.decode(ByteBuffer.wrap(messages[next++ & (DISTINCT_MESSAGES - 1)]), receivedAt);
        if (!(r instanceof DecodeResult.Decoded d)) {
            throw new IllegalStateException(r.toString());
        }
        filter.accept(d.readings());
        return filter.duplicates();
    }

    /** The decoder only: JSON to readings. */
    @Benchmark
    public List<Reading> decode() {
        DecodeResult r = decoder.decode(ByteBuffer.wrap(messages[next++ & (DISTINCT_MESSAGES - 1)]), receivedAt);
        if (!(r instanceof DecodeResult.Decoded d)) {
            throw new IllegalStateException(r.toString());
        }
        return d.readings();
    }
}
