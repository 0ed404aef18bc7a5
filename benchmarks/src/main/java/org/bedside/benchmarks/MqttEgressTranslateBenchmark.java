package org.bedside.benchmarks;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.format.MalformedRecordException;
import org.bedside.buffer.format.ReadingRecordFormat;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.bedside.mqtt.EgressMessages;
import org.bedside.mqtt.EgressTopics;
import org.bedside.mqtt.MqttPublisher;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MQTT egress consumer's own work per message, on one thread, without the broker: one buffer record of
 * {@code bench-mqtt} (one SpO2 reading) decoded from its bytes ({@code ReadingRecordFormat}), translated by {@code
 * EgressMessages} (SenML) into the message, and that message's payload handed to a Paho {@code MqttMessage}, as {@code
 * MqttPublisher} does. The score is messages per second; with {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes
 * allocated per message, which does not depend on the load of a shared machine. Not in it: the Chronicle tailer and the
 * cursor (the store's), Paho's publishing and the broker.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class MqttEgressTranslateBenchmark {
    private static final int DISTINCT = 4096;

    private ByteBuffer[] records;
    private EgressMessages messages;
    private int next;

    @Setup
    public void setUp() {
        DeviceId device = DeviceId.of("bed12-spo2");
        Instant t = Instant.parse("2026-12-04T00:00:00.123456Z");
        records = new ByteBuffer[DISTINCT];
        for (int i = 0; i < DISTINCT; i++) {
            Instant at = t.plusMillis(1000L * i);
            var r = new NumericReading(
                    device, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, at, at);
            ByteBuffer b = ReadingRecordFormat.encode(List.of(r), ByteBuffer.allocate(256));
            b.flip();
            records[i] = b.asReadOnlyBuffer();
        }
        messages = new EgressMessages(new EgressTopics(EgressTopics.DEFAULT_PREFIX, "bench-gw"), Duration.ZERO);
    }

    @Benchmark
    public MqttMessage decodeTranslate() throws MalformedRecordException {
        ByteBuffer record = records[next++ & (DISTINCT - 1)].duplicate();
        MqttPublisher.Message m = messages.outgoing(
                        ReadingRecordFormat.decode(record).readings())
                .get(0)
                .message();
        MqttMessage message = new MqttMessage(m.payload());
        message.setQos(1);
        return message;
    }
}
