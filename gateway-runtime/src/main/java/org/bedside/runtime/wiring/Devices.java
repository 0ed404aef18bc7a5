package org.bedside.runtime.wiring;

import java.util.List;
import java.util.Optional;
import org.bedside.drivers.pipeline.DevicePipeline;

/**
 * The configured devices' pipelines, one thread each, built but not started: {@link GatewayLifecycle} starts them
 * after the consumers (so that their first readings wake a consumer already listening) and stops them first.
 */
public final class Devices {
    private final List<DevicePipeline> pipelines;

    Devices(List<DevicePipeline> pipelines) {
        this.pipelines = List.copyOf(pipelines);
    }

    public List<DevicePipeline> pipelines() {
        return pipelines;
    }

    public Optional<DevicePipeline> pipeline(String device) {
        return pipelines.stream().filter(p -> p.device().value().equals(device)).findFirst();
    }

    void start() {
        pipelines.forEach(DevicePipeline::start);
    }

    void close() {
        pipelines.forEach(DevicePipeline::close);
    }
}
