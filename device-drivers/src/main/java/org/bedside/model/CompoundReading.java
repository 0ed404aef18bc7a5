package org.bedside.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One measurement made of several numbers taken together, such as a non-invasive blood pressure (systolic, diastolic,
 * mean): IEEE 11073's compound numeric. The components share one time and are charted together (FHIR's
 * blood-pressure profile is one Observation with components); each keeps its own quality.
 */
public record CompoundReading(
        DeviceId device,
        MetricCode metric,
        List<Component> components,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    /** One number of the measurement, with its own code, unit and quality. */
    public record Component(MetricCode metric, @Nullable BigDecimal value, UcumUnit unit, Quality quality) {
        public Component {
            if (value == null && quality.isValid()) {
                throw new IllegalArgumentException(
                        "a missing " + metric.label() + " value needs an invalidating quality");
            }
        }

        public boolean isValid() {
            return value != null && quality.isValid();
        }
    }

    public CompoundReading {
        if (components.isEmpty()) {
            throw new IllegalArgumentException("a compound reading has at least one component");
        }
        components = List.copyOf(components);
    }

    /** The component of this metric, if the device sent it. */
    public java.util.Optional<Component> component(MetricCode m) {
        return components.stream().filter(c -> c.metric().equals(m)).findFirst();
    }

    @Override
    public CompoundReading withReceivedAt(Instant t) {
        return new CompoundReading(device, metric, components, deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return metric.identityPart();
    }
}
