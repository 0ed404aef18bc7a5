package org.bedside.alarms.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.alarms.local.TechnicalCondition.ALERT_DELIVERY_FAILING;
import static org.bedside.alarms.local.TechnicalCondition.BUFFER_CRITICAL;
import static org.bedside.alarms.local.TechnicalCondition.DEVICE_LINK_LOST;
import static org.bedside.alarms.local.TechnicalCondition.UPLINK_FAILING;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalSignalsTest {
    private final LocalSignals signals = new LocalSignals(List.of(
            new LocalSignals.Output("buzzer", SignalPattern.BEEP, EnumSet.allOf(TechnicalCondition.class)),
            new LocalSignals.Output("device-led", SignalPattern.BLINK, EnumSet.of(DEVICE_LINK_LOST)),
            new LocalSignals.Output(
                    "delivery-led", SignalPattern.STEADY, EnumSet.of(ALERT_DELIVERY_FAILING, BUFFER_CRITICAL))));

    @Test
    void nothingIsOnWithoutATechnicalAlarm() {
        assertThat(signals.update(Set.of(), 0))
                .containsOnly(
                        Map.entry("buzzer", false), Map.entry("device-led", false), Map.entry("delivery-led", false));
    }

    @Test
    void anAlarmShowsAtOnceOnEveryOutputThatShowsIt() {
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 10_000))
                .containsOnly(
                        Map.entry("buzzer", true), Map.entry("device-led", true), Map.entry("delivery-led", false));
    }

    @Test
    void patternsAreTimedFromWhenTheOutputBecameActive() {
        signals.update(EnumSet.of(DEVICE_LINK_LOST), 1_000);
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 1_199)).containsEntry("buzzer", true);
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 1_200)).containsEntry("buzzer", false);
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 1_499)).containsEntry("device-led", true);
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 1_500)).containsEntry("device-led", false);
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 2_999)).containsEntry("buzzer", false);
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 3_000))
                .containsEntry("buzzer", true)
                .containsEntry("device-led", true);
    }

    @Test
    void aConditionThatComesBackStartsThePatternAgain() {
        signals.update(EnumSet.of(UPLINK_FAILING), 0);
        assertThat(signals.update(EnumSet.of(UPLINK_FAILING), 300)).containsEntry("buzzer", false);
        assertThat(signals.update(Set.of(), 400)).containsEntry("buzzer", false);
        assertThat(signals.update(EnumSet.of(UPLINK_FAILING), 500)).containsEntry("buzzer", true);
    }

    @Test
    void aSecondAlarmOnAnActiveOutputKeepsItsPhaseAndTheFirstEndingKeepsItOn() {
        signals.update(EnumSet.of(BUFFER_CRITICAL), 0);
        assertThat(signals.update(EnumSet.of(BUFFER_CRITICAL, ALERT_DELIVERY_FAILING), 300))
                .containsEntry("buzzer", false)
                .containsEntry("delivery-led", true);
        assertThat(signals.update(EnumSet.of(ALERT_DELIVERY_FAILING), 2_000))
                .containsEntry("buzzer", true)
                .containsEntry("delivery-led", true);
    }

    @Test
    void aTimeGoingBackwardsIsNeverANegativePhase() {
        signals.update(EnumSet.of(DEVICE_LINK_LOST), 5_000);
        assertThat(signals.update(EnumSet.of(DEVICE_LINK_LOST), 4_000)).containsEntry("buzzer", true);
    }

    @Test
    void anOutputWithoutConditionsIsNeverOnAndTheShownConditionsAreListed() {
        LocalSignals s = new LocalSignals(List.of(
                new LocalSignals.Output("spare", SignalPattern.STEADY, Set.of()),
                new LocalSignals.Output("led", SignalPattern.STEADY, EnumSet.of(UPLINK_FAILING))));
        assertThat(s.update(EnumSet.allOf(TechnicalCondition.class), 0))
                .containsEntry("spare", false)
                .containsEntry("led", true);
        assertThat(s.shown()).containsExactly(UPLINK_FAILING);
        assertThat(s.activeOutputs()).containsExactly("led");
    }

    @Test
    void aConditionShowsOnlyOnceItHasLastedTheDelayWithoutABreak() {
        LocalSignals s = new LocalSignals(
                List.of(new LocalSignals.Output("led", SignalPattern.STEADY, EnumSet.of(UPLINK_FAILING))),
                java.time.Duration.ofSeconds(10));
        assertThat(s.update(EnumSet.of(UPLINK_FAILING), 0)).containsEntry("led", false);
        assertThat(s.update(EnumSet.of(UPLINK_FAILING), 9_999)).containsEntry("led", false);
        assertThat(s.counted()).isEmpty();
        assertThat(s.update(EnumSet.of(UPLINK_FAILING), 10_000)).containsEntry("led", true);
        assertThat(s.counted()).containsExactly(UPLINK_FAILING);
        // A break restarts the delay.
        assertThat(s.update(Set.of(), 10_100)).containsEntry("led", false);
        assertThat(s.update(EnumSet.of(UPLINK_FAILING), 10_200)).containsEntry("led", false);
        assertThat(s.update(EnumSet.of(UPLINK_FAILING), 20_199)).containsEntry("led", false);
        assertThat(s.update(EnumSet.of(UPLINK_FAILING), 20_200)).containsEntry("led", true);
    }

    @Test
    void conditionAndPatternKeysAreTheYamlNames() {
        assertThat(TechnicalCondition.ofKey("alert-delivery-failing")).contains(ALERT_DELIVERY_FAILING);
        assertThat(DEVICE_LINK_LOST.key()).isEqualTo("device-link-lost");
        assertThat(TechnicalCondition.ofKey("link-lost")).isEmpty();
        assertThat(SignalPattern.ofKey("beep")).contains(SignalPattern.BEEP);
        assertThat(SignalPattern.ofKey("flash")).isEmpty();
    }
}
