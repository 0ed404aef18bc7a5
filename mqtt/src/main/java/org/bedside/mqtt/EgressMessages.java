package org.bedside.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.senml.SenmlEncoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;

/**
 * The messages one buffer record (the readings of one frame of one device) becomes: its numerics and blood pressures
 * as one pack on {@code .../readings}, each alarm as a pack on {@code .../alarms}, each device status as a retained pack
 * on {@code .../status}. Waveforms are not published.
 *
 * <p>Sampling of numerics: every reading, or per interval the <em>first</em> valid value of each device and metric in
 * each interval of its time (device time, else receive time). Alarms and status are never sampled. First rather than
 * latest (the FHIR uplink charts the latest): a message never waits for an interval to close, so the consumer commits
 * every record it has published. After a restart the sampler starts empty and may publish an interval's first value
 * again, with the same {@code id}; a subscriber drops it. Not thread-safe: one consumer drives it.
 */
public final class EgressMessages {
    private final EgressTopics topics;
    private final SenmlEncoder encoder;
    private final Duration interval;
    /** Per device and metric, the start of the last interval published. Bounded by the number of series. */
    private final Map<String, Long> lastInterval = new HashMap<>();

    /**
     * @param interval {@link Duration#ZERO} for every reading
     */
    public EgressMessages(EgressTopics topics, Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative");
        }
        this.topics = topics;
        this.encoder = new SenmlEncoder(topics.gatewayId());
        this.interval = interval;
    }

    public List<MqttPublisher.Message> messages(List<Reading> record) {
        List<Reading> measurements = new ArrayList<>();
        List<MqttPublisher.Message> out = new ArrayList<>();
        for (Reading r : record) {
            if (r instanceof NumericReading || r instanceof CompoundReading) {
                if (sampled(r)) {
                    measurements.add(r);
                }
            } else if (r instanceof AlarmEvent a) {
                out.add(new MqttPublisher.Message(topics.alarms(a.device()), encoder.encode(List.of(a)), false));
            } else if (r instanceof DeviceStatus s) {
                out.add(new MqttPublisher.Message(topics.deviceStatus(s.device()), encoder.encode(List.of(s)), true));
            } else if (r instanceof WaveformSegment) {
                continue;
            }
        }
        if (!measurements.isEmpty()) {
            out.add(
                    0,
                    new MqttPublisher.Message(
                            topics.readings(measurements.get(0).device()), encoder.encode(measurements), false));
        }
        return out;
    }

    private boolean sampled(Reading r) {
        if (interval.isZero()) {
            return true;
        }
        boolean valid = r instanceof NumericReading n
                ? n.isValid()
                : ((CompoundReading) r).components().stream().anyMatch(CompoundReading.Component::isValid);
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
