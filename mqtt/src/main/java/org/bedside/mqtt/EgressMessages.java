package org.bedside.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.senml.SenmlEncoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;

/**
 * The messages one buffer record (the readings of one frame of one device) becomes: its numerics, blood pressures and
 * pump channels ({@link InfusionStatus}) as one pack on {@code .../readings}, each alarm as a pack on {@code .../alarms},
 * each device status as a retained pack on {@code .../status}, each of the alarm engine's notifications as JSON on
 * {@code .../alerts} ({@link AlertJson}). Waveforms are not published.
 *
 * <p>Sampling of numerics: every reading, or per interval the <em>first</em> valid value of each device and metric in
 * each interval of its time (device time, else receive time). Alarms and status are never sampled. First rather than
 * latest (the FHIR uplink charts the latest): a message never waits for an interval to close, so the consumer commits
 * every record it has published. After a restart the sampler starts empty and may publish an interval's first value
 * again, with the same {@code id}; a subscriber drops it. Not thread-safe: one consumer drives it.
 */
public final class EgressMessages {
    /**
     * An alert notification published longer than this after the engine decided it is marked late: the broker was
     * away or the alert waited in a backlog. The same time as the PCD-04 default ({@code late-after}).
     */
    static final Duration ALERT_LATE_AFTER = Duration.ofSeconds(30);

    private final EgressTopics topics;
    private final SenmlEncoder encoder;
    private final Duration interval;
    private final @Nullable Duration retainWithin;
    private final InstantSource clock;
    /** Per device and metric, the start of the last interval published. Bounded by the number of series. */
    private final Map<String, Long> lastInterval = new HashMap<>();

    /**
     * @param interval {@link Duration#ZERO} for every reading
     */
    public EgressMessages(EgressTopics topics, Duration interval) {
        this(topics, interval, null, InstantSource.system());
    }

    /**
     * @param retainWithin a device status is published retained only when received at most this long ago; null to
     *     retain every one
     */
    public EgressMessages(
            EgressTopics topics, Duration interval, @Nullable Duration retainWithin, InstantSource clock) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative");
        }
        this.topics = topics;
        this.encoder = new SenmlEncoder(topics.gatewayId());
        this.interval = interval;
        this.retainWithin = retainWithin;
        this.clock = clock;
    }

    /** One message with what it is about: the identity of its (first) reading and the device. */
    public record Outgoing(MqttPublisher.Message message, String identity, DeviceId device) {}

    public List<MqttPublisher.Message> messages(List<Reading> record) {
        return outgoing(record).stream().map(Outgoing::message).toList();
    }

    public List<Outgoing> outgoing(List<Reading> record) {
        List<Reading> measurements = new ArrayList<>();
        List<Outgoing> out = new ArrayList<>();
        // The unit the record names vouches for each of its readings: it goes on every SenML record made of them.
        DeviceIdentity unit = DeviceIdentity.of(record);
        for (Reading r : record) {
            if (r instanceof NumericReading || r instanceof CompoundReading || r instanceof InfusionStatus) {
                if (sampled(r)) {
                    measurements.add(r);
                }
            } else if (r instanceof AlarmEvent a) {
                out.add(new Outgoing(
                        new MqttPublisher.Message(topics.alarms(a.device()), encoder.encode(List.of(a), unit), false),
                        a.key(),
                        a.device()));
            } else if (r instanceof DeviceStatus s) {
                out.add(new Outgoing(
                        new MqttPublisher.Message(
                                topics.deviceStatus(s.device()), encoder.encode(List.of(s), unit), retain(s)),
                        s.key(),
                        s.device()));
            } else if (r instanceof AlertReport a) {
                boolean late = Duration.between(a.receivedAt(), clock.instant()).compareTo(ALERT_LATE_AFTER) > 0;
                out.add(new Outgoing(
                        new MqttPublisher.Message(topics.alerts(a.device()), AlertJson.encode(a, late), false),
                        a.notificationId(),
                        a.device()));
            } else if (r instanceof WaveformSegment) {
                continue;
            }
        }
        if (!measurements.isEmpty()) {
            Reading first = measurements.get(0);
            out.add(
                    0,
                    new Outgoing(
                            new MqttPublisher.Message(
                                    topics.readings(first.device()), encoder.encode(measurements, unit), false),
                            first.key(),
                            first.device()));
        }
        return out;
    }

    /**
     * A status is retained only when it is recent: while a backlog drains, old statuses are published (not retained) and
     * must not replace the device's current one on the broker.
     */
    private boolean retain(DeviceStatus s) {
        return retainWithin == null
                || Duration.between(s.receivedAt(), clock.instant()).compareTo(retainWithin) <= 0;
    }

    private boolean sampled(Reading r) {
        if (interval.isZero()) {
            return true;
        }
        boolean valid;
        if (r instanceof NumericReading n) {
            valid = n.isValid();
        } else if (r instanceof InfusionStatus pump) {
            // A pump channel is sampled as a whole (its state with its numbers), per channel.
            valid = pump.values().stream().anyMatch(CompoundReading.Component::isValid);
        } else {
            valid = ((CompoundReading) r).components().stream().anyMatch(CompoundReading.Component::isValid);
        }
        if (!valid) {
            return false;
        }
        Instant t = r.deviceTime() != null ? r.deviceTime() : r.receivedAt();
        long bucket = Math.floorDiv(t.toEpochMilli(), interval.toMillis());
        String series = r.device().value() + "/" + r.subjectPart();
        Long last = lastInterval.get(series);
        if (last != null && last >= bucket) {
            return false;
        }
        lastInterval.put(series, bucket);
        return true;
    }
}
