package org.bedside.runtime.wiring;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.alarms.delivery.AlertDeliveries;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.alarms.delivery.Pcd05Inbound;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.model.AlertReport;
import org.bedside.runtime.config.AlarmSettings;
import org.jspecify.annotations.Nullable;

/**
 * The alarm path as configured: the engine behind its consumer of the buffer, the PCD-04 consumer when an Alert
 * Manager is configured, the escalation destination's PCD-04 consumer when one is, and the PCD-05 listener. The
 * consumers are of the one loop ({@link Consumers} starts and stops them); the listener starts with the gateway
 * ({@link #startListener}). This holder is what the status resources and health checks read.
 */
public final class Alarms {
    private final AlarmSettings settings;
    private final @Nullable AlarmEngineSink engine;
    private final @Nullable BufferConsumer<AlertReport> engineConsumer;
    private final @Nullable Pcd04Sink pcd04;
    private final @Nullable BufferConsumer<Pcd04Sink.Outgoing> pcd04Consumer;
    private final AlertDeliveries deliveries;
    private final @Nullable Pcd05Inbound pcd05In;
    private final @Nullable Pcd04Sink escalation;
    private final @Nullable BufferConsumer<Pcd04Sink.Outgoing> escalationConsumer;

    Alarms(
            AlarmSettings settings,
            @Nullable AlarmEngineSink engine,
            @Nullable BufferConsumer<AlertReport> engineConsumer,
            @Nullable Pcd04Sink pcd04,
            @Nullable BufferConsumer<Pcd04Sink.Outgoing> pcd04Consumer,
            AlertDeliveries deliveries,
            @Nullable Pcd05Inbound pcd05In,
            @Nullable Pcd04Sink escalation,
            @Nullable BufferConsumer<Pcd04Sink.Outgoing> escalationConsumer) {
        this.settings = settings;
        this.engine = engine;
        this.engineConsumer = engineConsumer;
        this.pcd04 = pcd04;
        this.pcd04Consumer = pcd04Consumer;
        this.deliveries = deliveries;
        this.pcd05In = pcd05In;
        this.escalation = escalation;
        this.escalationConsumer = escalationConsumer;
    }

    /** What became of each alert at the Alert Managers (commit acknowledgements, PCD-05), apart from its state. */
    public AlertDeliveries deliveries() {
        return deliveries;
    }

    /** The PCD-05 listener, when {@code gateway.alarms.pcd05-in} is configured. */
    public Optional<Pcd05Inbound> pcd05In() {
        return Optional.ofNullable(pcd05In);
    }

    /** The escalation destination, when {@code gateway.alarms.escalation.pcd04} is configured. */
    public Optional<Pcd04Sink> escalation() {
        return Optional.ofNullable(escalation);
    }

    /** Starts the PCD-05 listener (after the consumers, like the other listeners). */
    void startListener() throws java.io.IOException {
        if (pcd05In != null) {
            pcd05In.start();
        }
    }

    /** Stops the PCD-05 listener: no more status reports are taken. */
    void stopListener() {
        if (pcd05In != null) {
            pcd05In.stop();
        }
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
        if (escalationConsumer != null) {
            all.add(escalationConsumer);
        }
        return all;
    }

    /** After the consumers stopped. */
    void close() {
        if (pcd04 != null) {
            pcd04.close();
        }
        if (escalation != null) {
            escalation.close();
        }
        if (pcd05In != null) {
            try {
                pcd05In.close();
            } catch (java.io.IOException e) {
                // its journal was forced after every report; nothing is lost
            }
        }
    }
}
