package org.bedside.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class AlertReportTest {
    private static final Instant ONSET = Instant.parse("2026-11-22T10:00:00Z");

    private static AlertReport report(AlertReport.Phase phase, @Nullable Instant conditionEnd) {
        return new AlertReport(
                DeviceId.of("bed2-monitor"),
                "bed2-monitor/device:p-4bb8-0c10/1795428000000000",
                "device:p-4bb8-0c10",
                2,
                phase,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlertReport.Priority.HIGH,
                AlarmEvent.Priority.HIGH,
                AlertReport.AlarmState.INACTIVE,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.DEVICE,
                Metrics.SPO2,
                null,
                null,
                null,
                null,
                "Desat",
                "why",
                0,
                ONSET,
                conditionEnd,
                null,
                ONSET.plusSeconds(60));
    }

    @Test
    void endAndResetCloseTheAlertAndNoOtherPhaseDoes() {
        assertThat(Arrays.stream(AlertReport.Phase.values()).filter(AlertReport.Phase::closesAlert))
                .containsExactly(AlertReport.Phase.RESET, AlertReport.Phase.END);
    }

    @Test
    void theConditionsEndIsRequiredOnEndAllowedOnResetAndRefusedElsewhere() {
        assertThat(report(AlertReport.Phase.END, ONSET.plusSeconds(9)).conditionEnd())
                .isEqualTo(ONSET.plusSeconds(9));
        assertThatThrownBy(() -> report(AlertReport.Phase.END, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(report(AlertReport.Phase.RESET, ONSET.plusSeconds(9)).conditionEnd())
                .isEqualTo(ONSET.plusSeconds(9));
        assertThat(report(AlertReport.Phase.RESET, null).conditionEnd())
                .as("an alarm first seen already latched was never seen present")
                .isNull();
        assertThatThrownBy(() -> report(AlertReport.Phase.UPDATE, ONSET.plusSeconds(9)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
