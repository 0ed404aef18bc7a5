package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
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

    private static final DeviceId OXIMETER = DeviceId.of("bed12-spo2");

    private static NumericReading spo2(int second) {
        return new NumericReading(
                OXIMETER,
                Metrics.SPO2,
                new BigDecimal("97"),
                UcumUnit.PERCENT,
                Quality.VALID,
                null,
                T0.plusSeconds(second));
    }

    @Test
    void theUnitTheRecordNamesGoesOnEveryRecordOfItsReadingsAndAlarmsAndNothingIsMadeUpWithoutOne() {
        DeviceIdentity unit = new DeviceIdentity(OXIMETER, "0000056661", null, "Masimo", "Radical-7", null, T0);
        AlarmEvent low = new AlarmEvent(
                OXIMETER,
                "spo2-low",
                Metrics.SPO2,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlarmEvent.Priority.HIGH,
                AlarmEvent.State.ACTIVE,
                "SpO2 low",
                null,
                T0);
        List<MqttPublisher.Message> out =
                new EgressMessages(TOPICS, Duration.ZERO).messages(List.of(spo2(0), low, unit));
        assertThat(out)
                .hasSize(2)
                .allSatisfy(m -> assertThat(payload(m))
                        .contains("\"dev_sn\":\"0000056661\"", "\"dev_mfr\":\"Masimo\"", "\"dev_model\":\"Radical-7\"")
                        .doesNotContain("dev_sysid"));
        assertThat(payload(out.get(0)))
                .as("the identity is no reading of its own: one SenML record, the SpO2")
                .contains("\"n\":\"spo2\"")
                .doesNotContain("identity");

        DeviceIdentity intelliVue = new DeviceIdentity(OXIMETER, null, "00-09-FB-9B-B0-76", null, null, null, T0);
        assertThat(payload(new EgressMessages(TOPICS, Duration.ZERO)
                        .messages(List.of(spo2(1), intelliVue))
                        .get(0)))
                .contains("\"dev_sysid\":\"00-09-FB-9B-B0-76\"")
                .doesNotContain("dev_sn", "dev_mfr");
        assertThat(payload(new EgressMessages(TOPICS, Duration.ZERO)
                        .messages(List.of(spo2(2)))
                        .get(0)))
                .as("a record that names no unit: no unit is carried over from an earlier record")
                .doesNotContain("dev_");
    }

    @Test
    void aPumpEventIsNotPublishedButThePumpsEui64TravelsOnItsChannel() {
        List<Reading> pcd10 = List.of(
                new InfusionStatus(RACK, "1.1.2", InfusionStatus.State.INFUSING, "Dopamine", null, List.of(), null, T0),
                new InfusionEvent(
                        RACK,
                        "1.1.2",
                        197288,
                        "MDC_EVT_PUMP_DELIV_START",
                        InfusionEvent.Kind.DELIVERY_START,
                        "",
                        null,
                        T0),
                new DeviceIdentity(RACK, null, "00-12-21-00-00-00-00-00", null, null, null, T0));
        assertThat(new EgressMessages(TOPICS, Duration.ZERO).messages(pcd10))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.topic()).endsWith("/readings");
                    assertThat(payload(m))
                            .contains("\"n\":\"infusion\"", "\"dev_sysid\":\"00-12-21-00-00-00-00-00\"")
                            .doesNotContain("197288", "serial");
                });
    }
}
