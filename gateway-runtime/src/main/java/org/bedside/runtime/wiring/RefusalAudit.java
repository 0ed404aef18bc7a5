package org.bedside.runtime.wiring;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.hl7.mllp.ConnectionRefusal;
import org.bedside.model.DeviceId;
import org.bedside.patients.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals of inbound data that the box's audit log keeps, beside the ADT listener's own ({@code
 * adt-connection-refused}, written by the ADT handler): whoever tried to send the gateway data it must not take.
 *
 * <ul>
 *   <li>{@code <listener>-connection-refused}: a connection an MLLP listener refused before reading a message (a
 *       source outside the allow-list, a client without an acceptable certificate), with the listener, the source,
 *       the reason, the detail and the certificate's subject. The listener already reports at most one a minute per
 *       source and cause, with the number refused since.
 *   <li>{@code device-message-refused}: a message on a device's link that says it comes from another device (a SenML
 *       name under another sensor's base name, {@link DecodeFailure.Reason#OTHER_DEVICE}), with the device, the reason
 *       and the detail (the names, never a value). At most one entry a minute per device and reason, with the number
 *       refused since the last one, so that a flooding sensor cannot fill the disk with forced entries.
 * </ul>
 *
 * No message was taken in either case, and no patient data is written: neither a connection refusal nor a SenML name
 * carries any.
 */
public final class RefusalAudit {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalAudit.class);
    static final Duration PER_CAUSE = Duration.ofMinutes(1);

    private final AuditLog audit;
    private final InstantSource clock;
    private final Map<String, Window> windows = new HashMap<>();

    private record Window(Instant lastEntry, long suppressed) {}

    public RefusalAudit(AuditLog audit, InstantSource clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** The listener to give an MLLP listener: each reported refusal becomes {@code action}. */
    public ConnectionRefusal.Listener connections(String action) {
        return refusal -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("listener", refusal.listener());
            fields.put("source", refusal.source().getHostAddress());
            fields.put("reason", refusal.reason().label());
            fields.put("detail", refusal.detail());
            if (refusal.subject() != null) {
                fields.put("subject", refusal.subject());
            }
            if (refusal.alsoRefused() > 0) {
                fields.put("alsoRefusedSinceLastEntry", refusal.alsoRefused());
            }
            audit.record(action, fields);
        };
    }

    /** The listener to give a device's pipeline: a message posing as another device's is audited. */
    public Consumer<DecodeFailure> device(DeviceId device) {
        return failure -> {
            if (failure.reason() == DecodeFailure.Reason.OTHER_DEVICE) {
                deviceRefused(device, failure);
            }
        };
    }

    private void deviceRefused(DeviceId device, DecodeFailure failure) {
        String key = device + "|" + failure.reason();
        Instant now = clock.instant();
        long since;
        synchronized (windows) {
            Window w = windows.get(key);
            if (w != null && now.isBefore(w.lastEntry().plus(PER_CAUSE))) {
                windows.put(key, new Window(w.lastEntry(), w.suppressed() + 1));
                return;
            }
            since = w == null ? 0 : w.suppressed();
            windows.put(key, new Window(now, 0));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("device", device);
        fields.put("reason", failure.reason().label());
        fields.put("detail", failure.detail());
        if (since > 0) {
            fields.put("alsoRefusedSinceLastEntry", since);
        }
        try {
            audit.record("device-message-refused", fields);
        } catch (IOException e) {
            // The message is refused and counted anyway; the audit log's trouble is the box's (disk) to report.
            LOG.warn("Device {}: the refused message could not be audited: {}", device, e.getMessage());
        }
    }
}
