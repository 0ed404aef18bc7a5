package org.bedside.runtime.wiring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every consumer loop of the buffer (the FHIR uplink; the MQTT egress, PCD-01 out and the alarm path when configured),
 * for the lifecycle to start and stop and for health, metrics and the status page to observe. Each consumer is also a
 * bean of its own, which is what its owner injects. What a consumer's destination needs closed after
 * its loop stopped (the MQTT connection, which says {@code offline}) is closed by {@link #close}, after the loops.
 */
public final class Consumers {
    private static final Logger LOG = LoggerFactory.getLogger(Consumers.class);
    private final List<BufferConsumer<?>> all;
    private final List<AutoCloseable> afterStop;
    private final Map<String, BufferStats> pending = new LinkedHashMap<>();

    private final Map<String, String> destinations;

    Consumers(List<BufferConsumer<?>> all, List<AutoCloseable> afterStop, ReadingStore store) {
        this(all, afterStop, store, Map.of());
    }

    /** @param destinations where a consumer delivers, by its name, for people (no credentials) */
    Consumers(
            List<BufferConsumer<?>> all,
            List<AutoCloseable> afterStop,
            ReadingStore store,
            Map<String, String> destinations) {
        this.destinations = Map.copyOf(destinations);
        this.all = List.copyOf(all);
        this.afterStop = List.copyOf(afterStop);
        for (BufferConsumer<?> c : this.all) {
            pending.put(c.name(), new BufferStats(store, c.name(), Duration.ofSeconds(2)));
        }
    }

    public List<BufferConsumer<?>> all() {
        return all;
    }

    public Optional<BufferConsumer<?>> named(String name) {
        return all.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Where a consumer delivers ({@code mllp://engine:2575}), when it said so. */
    public Optional<String> destination(String consumer) {
        return Optional.ofNullable(destinations.get(consumer));
    }

    /** What waits in the buffer for a consumer, computed at most every 2 s however often it is asked. */
    public BufferStats pending(String consumer) {
        BufferStats s = pending.get(consumer);
        if (s == null) {
            throw new IllegalArgumentException("no consumer " + consumer);
        }
        return s;
    }

    void start() {
        all.forEach(BufferConsumer::start);
    }

    void close() {
        all.forEach(BufferConsumer::close);
        for (AutoCloseable c : afterStop) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Closing {}: {}", c, e.toString());
            }
        }
    }
}
