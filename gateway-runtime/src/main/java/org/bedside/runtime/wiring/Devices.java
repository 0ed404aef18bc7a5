package org.bedside.runtime.wiring;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.buffer.StoreException;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.model.DeviceId;
import org.bedside.mqtt.RedeliveryFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured devices' pipelines, one thread each, built but not started: {@link GatewayLifecycle} starts them
 * after the consumers (so that their first readings wake a consumer already listening) and stops them first. A device
 * on an MQTT broker appends through its {@link RedeliveryFilter}, so that a message the broker delivers again is not
 * stored twice.
 */
public final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    private final List<DevicePipeline> pipelines;
    private final Map<DeviceId, RedeliveryFilter> redeliveryFilters;

    Devices(List<DevicePipeline> pipelines, Map<DeviceId, RedeliveryFilter> redeliveryFilters) {
        this.pipelines = List.copyOf(pipelines);
        this.redeliveryFilters = Map.copyOf(redeliveryFilters);
    }

    public List<DevicePipeline> pipelines() {
        return pipelines;
    }

    public Optional<DevicePipeline> pipeline(String device) {
        return pipelines.stream().filter(p -> p.device().value().equals(device)).findFirst();
    }

    /** The redelivery filter of an MQTT device (for its count of redeliveries dropped); empty for other devices. */
    public Optional<RedeliveryFilter> redeliveryFilter(DeviceId device) {
        return Optional.ofNullable(redeliveryFilters.get(device));
    }

    void start() {
        pipelines.forEach(DevicePipeline::start);
    }

    /** Lets the filters of silent MQTT devices move their bookmarks, so that they hold back the buffer's retention little. */
    void expireRedeliveries(Instant now) {
        for (Map.Entry<DeviceId, RedeliveryFilter> e : redeliveryFilters.entrySet()) {
            try {
                e.getValue().expire(now);
            } catch (StoreException | RuntimeException ex) {
                LOG.warn("Cannot move the redelivery bookmark of {}: {}", e.getKey(), ex.getMessage());
            }
        }
    }

    void close() {
        pipelines.forEach(DevicePipeline::close);
        redeliveryFilters.values().forEach(RedeliveryFilter::close);
    }
}
