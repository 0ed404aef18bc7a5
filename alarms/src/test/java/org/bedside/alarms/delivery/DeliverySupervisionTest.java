package org.bedside.alarms.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.bedside.hl7.pcd.Pcd05Report;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

/**
 * Delivery to a person is supervised ({@link AlertDeliveries#undelivered}): pure, the clock is the test's. A high- or
 * medium-priority alert with no PCD-05 saying a person got it within the time, or whose latest status is
 * Undeliverable, is named; the alarm ends when a later status says a person got it or when the alert's END is sent;
 * the alert itself is never touched.
 */
class DeliverySupervisionTest {
    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
    private static final Duration WITHIN = Duration.ofSeconds(60);

    static AlertReport notification(
            String id, int count, AlertReport.Phase phase, AlertReport.Priority priority, Instant at) {
        return new AlertReport(
                DeviceId.of("bed12-spo2"),
                "bed12-spo2/150456-low/" + id,
                "150456-low",
                count,
                phase,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                priority,
                AlarmEvent.Priority.UNKNOWN,
                phase.closesAlert() ? AlertReport.AlarmState.INACTIVE : AlertReport.AlarmState.ACTIVE,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.GATEWAY,
                Metrics.SPO2,
                new BigDecimal("86"),
                UcumUnit.PERCENT,
                new BigDecimal("90"),
                null,
                "SpO2 low (below 90 %)",
                "SpO2 86 % below 90 % for 15s",
                0,
                T0.minusSeconds(15),
                phase == AlertReport.Phase.END ? at : null,
                null,
                at);
    }

    static Pcd05Report.Status status(Pcd05Report.Disposition d, Instant at) {
        return new Pcd05Report.Status(1, d, "D-1", null, "pager-12", at);
    }

    @Test
    void noStatusWithinTheTimeIsAnAlarmFromTheDeadlineOnAndADeliveryEndsIt() {
        AlertDeliveries d = new AlertDeliveries(WITHIN);
        AlertReport start = notification("1", 0, AlertReport.Phase.START, AlertReport.Priority.MEDIUM, T0);
        d.sending(start);
        d.sending(start); // a retry changes nothing
        assertThat(d.undelivered(T0.plusSeconds(60))).as("at the deadline").isEmpty();
        // Received: the Alert Manager has it, no person yet
        d.record(start.alertId(), status(Pcd05Report.Disposition.RECEIVED, T0.plusSeconds(2)), T0.plusSeconds(2));
        assertThat(d.undelivered(T0.plusSeconds(60))).isEmpty();
        assertThat(d.undelivered(T0.plusSeconds(61))).singleElement().satisfies(u -> {
            assertThat(u.alertId()).isEqualTo(start.alertId());
            assertThat(u.since()).isEqualTo(T0.plusSeconds(60));
            assertThat(u.reason()).contains("within 60 s");
        });
        d.record(start.alertId(), status(Pcd05Report.Disposition.DELIVERED, T0.plusSeconds(70)), T0.plusSeconds(70));
        assertThat(d.undelivered(T0.plusSeconds(71))).isEmpty();
        assertThat(d.undelivered(T0.plusSeconds(3600))).isEmpty();
    }

    @Test
    void undeliverableIsAnAlarmAtOnceUntilALaterStatusSaysAPersonGotIt() {
        AlertDeliveries d = new AlertDeliveries(WITHIN);
        AlertReport start = notification("2", 0, AlertReport.Phase.START, AlertReport.Priority.HIGH, T0);
        d.sending(start);
        Instant failed = T0.plusSeconds(5);
        d.record(start.alertId(), status(Pcd05Report.Disposition.UNDELIVERABLE, failed), failed);
        assertThat(d.undelivered(T0.plusSeconds(6))).singleElement().satisfies(u -> {
            assertThat(u.since()).isEqualTo(failed);
            assertThat(u.reason()).contains("Undeliverable");
        });
        // A cancellation says nothing about a person: still an alarm.
        d.record(start.alertId(), status(Pcd05Report.Disposition.CANCELLED, T0.plusSeconds(7)), T0.plusSeconds(7));
        assertThat(d.undelivered(T0.plusSeconds(8))).hasSize(1);
        d.record(start.alertId(), status(Pcd05Report.Disposition.READ, T0.plusSeconds(20)), T0.plusSeconds(20));
        assertThat(d.undelivered(T0.plusSeconds(21))).isEmpty();
        // Delivered to one person, then undeliverable to the next: an alarm again.
        d.record(
                start.alertId(), status(Pcd05Report.Disposition.UNDELIVERABLE, T0.plusSeconds(30)), T0.plusSeconds(30));
        assertThat(d.undelivered(T0.plusSeconds(31))).hasSize(1);
        // The alert's END ends it, whatever the Alert Manager said.
        d.sending(notification("2", 1, AlertReport.Phase.END, AlertReport.Priority.HIGH, T0.plusSeconds(40)));
        assertThat(d.undelivered(T0.plusSeconds(41))).isEmpty();
        // The alert's own state is what it was: the delivery record says what the Alert Manager said.
        assertThat(d.of(start.alertId()).lastStatus()).isEqualTo("Undeliverable");
        assertThat(start.alarmState()).isEqualTo(AlertReport.AlarmState.ACTIVE);
    }

    @Test
    void aLatchedAlarmResetAtTheMonitorIsOverLikeAnEndedOne() {
        AlertDeliveries d = new AlertDeliveries(WITHIN);
        AlertReport start = notification("6", 0, AlertReport.Phase.START, AlertReport.Priority.HIGH, T0);
        d.sending(start);
        d.record(start.alertId(), status(Pcd05Report.Disposition.UNDELIVERABLE, T0.plusSeconds(5)), T0.plusSeconds(5));
        assertThat(d.undelivered(T0.plusSeconds(6))).hasSize(1);
        d.sending(notification("6", 1, AlertReport.Phase.RESET, AlertReport.Priority.HIGH, T0.plusSeconds(40)));
        assertThat(d.undelivered(T0.plusSeconds(41))).isEmpty();
        assertThat(d.undelivered(T0.plusSeconds(600))).isEmpty();
    }

    @Test
    void anAlertEndedBeforeItsDeadlineAndAnAcceptanceOrRejectionAreNoAlarm() {
        AlertDeliveries d = new AlertDeliveries(WITHIN);
        d.sending(notification("3", 0, AlertReport.Phase.START, AlertReport.Priority.MEDIUM, T0));
        d.sending(notification("3", 1, AlertReport.Phase.END, AlertReport.Priority.MEDIUM, T0.plusSeconds(20)));
        AlertReport accepted = notification("4", 0, AlertReport.Phase.START, AlertReport.Priority.MEDIUM, T0);
        d.sending(accepted);
        d.record(accepted.alertId(), status(Pcd05Report.Disposition.ACCEPTED, T0.plusSeconds(9)), T0.plusSeconds(9));
        AlertReport rejected = notification("5", 0, AlertReport.Phase.START, AlertReport.Priority.MEDIUM, T0);
        d.sending(rejected);
        d.record(rejected.alertId(), status(Pcd05Report.Disposition.REJECTED, T0.plusSeconds(9)), T0.plusSeconds(9));
        assertThat(d.undelivered(T0.plusSeconds(600))).isEmpty();
    }

    @Test
    void aLowPriorityAlertIsNotSupervisedUntilEscalatedAndThenFromItsEscalation() {
        AlertDeliveries d = new AlertDeliveries(WITHIN);
        AlertReport low = notification("6", 0, AlertReport.Phase.START, AlertReport.Priority.LOW, T0);
        d.sending(low);
        assertThat(d.undelivered(T0.plusSeconds(600))).isEmpty();
        Instant escalated = T0.plusSeconds(120);
        d.sending(notification("6", 1, AlertReport.Phase.ESCALATE, AlertReport.Priority.MEDIUM, escalated));
        assertThat(d.undelivered(escalated.plusSeconds(60))).isEmpty();
        assertThat(d.undelivered(escalated.plusSeconds(61)))
                .singleElement()
                .satisfies(u -> assertThat(u.since()).isEqualTo(escalated.plusSeconds(60)));
    }

    @Test
    void withoutATimeNothingIsSupervisedAndSeveralAlarmsComeOldestFirst() {
        AlertDeliveries off = new AlertDeliveries();
        off.sending(notification("7", 0, AlertReport.Phase.START, AlertReport.Priority.HIGH, T0));
        assertThat(off.undelivered(T0.plusSeconds(3600))).isEmpty();
        assertThat(off.expectWithin()).isNull();

        AlertDeliveries d = new AlertDeliveries(WITHIN);
        d.sending(notification("8", 0, AlertReport.Phase.START, AlertReport.Priority.HIGH, T0.plusSeconds(10)));
        d.sending(notification("9", 0, AlertReport.Phase.START, AlertReport.Priority.HIGH, T0));
        assertThat(d.undelivered(T0.plusSeconds(100)))
                .extracting(AlertDeliveries.Undelivered::alertId)
                .containsExactly("bed12-spo2/150456-low/9", "bed12-spo2/150456-low/8");
        assertThatThrownBy(() -> new AlertDeliveries(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
