package org.bedside.runtime.wiring;

import java.util.List;
import java.util.Optional;
import org.bedside.buffer.consumer.BufferConsumer;

/**
 * Every consumer loop of the buffer (the FHIR uplink today; MQTT, HL7 v2 and the alert forwarders as they are
 * configured), for the lifecycle to start and stop and for health, metrics and the watchdog to observe. Each consumer
 * is also a bean of its own, which is what its owner injects.
 */
public final class Consumers {
    private final List<BufferConsumer<?>> all;

    Consumers(List<BufferConsumer<?>> all) {
        this.all = List.copyOf(all);
    }

    public List<BufferConsumer<?>> all() {
        return all;
    }

    public Optional<BufferConsumer<?>> named(String name) {
        return all.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    void start() {
        all.forEach(BufferConsumer::start);
    }

    void close() {
        all.forEach(BufferConsumer::close);
    }
}
