package org.bedside.runtime.wiring;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.model.AlertReport;
import org.bedside.runtime.config.AlarmSettings;
import org.jspecify.annotations.Nullable;

/**
 * The alarm path as configured: the engine behind its consumer of the buffer, and the PCD-04 consumer when an Alert
 * Manager is configured. Both are consumers of the one loop ({@link Consumers} starts and stops them); this holder is
 * what the status resources and health checks read.
 */
public final class Alarms {
    private final AlarmSettings settings;
    private final @Nullable AlarmEngineSink engine;
    private final @Nullable BufferConsumer<AlertReport> engineConsumer;
    private final @Nullable Pcd04Sink pcd04;
    private final @Nullable BufferConsumer<Pcd04Sink.Outgoing> pcd04Consumer;

    Alarms(
            AlarmSettings settings,
            @Nullable AlarmEngineSink engine,
            @Nullable BufferConsumer<AlertReport> engineConsumer,
            @Nullable Pcd04Sink pcd04,
            @Nullable BufferConsumer<Pcd04Sink.Outgoing> pcd04Consumer) {
        this.settings = settings;
        this.engine = engine;
        this.engineConsumer = engineConsumer;
        this.pcd04 = pcd04;
        this.pcd04Consumer = pcd04Consumer;
    }

    public AlarmSettings settings() {
        return settings;
    }

    /** The engine, when {@code gateway.alarms.enabled}. */
    public Optional<AlarmEngineSink> engine() {
        return Optional.ofNullable(engine);
    }

    /** The PCD-04 destination, when an Alert Manager is configured. */
    public Optional<Pcd04Sink> pcd04() {
        return Optional.ofNullable(pcd04);
    }

    /** The consumers of the alarm path, for {@link Consumers}. */
    List<BufferConsumer<?>> consumers() {
        List<BufferConsumer<?>> all = new ArrayList<>();
        if (engineConsumer != null) {
            all.add(engineConsumer);
        }
        if (pcd04Consumer != null) {
            all.add(pcd04Consumer);
        }
        return all;
    }

    /** After the consumers stopped. */
    void close() {
        if (pcd04 != null) {
            pcd04.close();
        }
    }
}
