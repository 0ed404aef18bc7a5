package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Quality;
import org.junit.jupiter.api.Test;

class EgressMessagesTest {
    private static final DeviceId RACK = DeviceId.of("bed12-pumps");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final EgressTopics TOPICS = new EgressTopics(EgressTopics.DEFAULT_PREFIX, "icu-gw-12");

    private static InfusionStatus pump(String channel, int second, String rate) {
        return new InfusionStatus(
                RACK,
                channel,
                InfusionStatus.State.INFUSING,
                "Noradrenalin 5mg/50ml",
                "36248",
                List.of(new CompoundReading.Component(
                        InfusionMetrics.RATE,
                        rate == null ? null : new BigDecimal(rate),
                        InfusionMetrics.ML_PER_HOUR,
                        rate == null ? Quality.notAvailable("the pump reports no value (INRT _NV)") : Quality.VALID)),
                null,
                T0.plusSeconds(second));
    }

    private static String payload(MqttPublisher.Message m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void aPumpChannelIsPublishedOnTheReadingsTopicWithItsStateChannelAndNumbers() {
        List<MqttPublisher.Message> out =
                new EgressMessages(TOPICS, Duration.ZERO).messages(List.of(pump("1-1", 0, "5.00")));
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.topic()).isEqualTo("bedside/icu-gw-12/bed12-pumps/readings");
            assertThat(payload(m))
                    .contains("\"n\":\"infusion\"", "\"vs\":\"infusing\"", "\"channel\":\"1-1\"")
                    .contains("\"n\":\"MDC_FLOW_FLUID_PUMP\"", "\"v\":5.00", "\"ucum\":\"mL/h\"", "\"mdc\":157784");
        });
    }

    @Test
    void perIntervalEachPumpChannelIsSampledOnItsOwnAndOnlyWithAValidNumber() {
        EgressMessages egress = new EgressMessages(TOPICS, Duration.ofMinutes(1));
        assertThat(egress.messages(List.of(pump("1-1", 0, null))))
                .as("no valid number yet")
                .isEmpty();
        assertThat(egress.messages(List.of(pump("1-1", 5, "5.00")))).hasSize(1);
        assertThat(egress.messages(List.of(pump("1-1", 10, "8.00"))))
                .as("same channel, same minute")
                .isEmpty();
        assertThat(egress.messages(List.of(pump("1-2", 10, "12.00"))))
                .as("another channel")
                .hasSize(1);
        assertThat(egress.messages(List.of(pump("1-1", 61, "8.00"))))
                .as("the next minute")
                .hasSize(1);
    }
}
