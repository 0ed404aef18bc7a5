package org.bedside.runtime.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.alarms.delivery.AlertDeliveries;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.alarms.delivery.Pcd05Inbound;
import org.bedside.model.AlertReport;
import org.bedside.runtime.signals.LocalSignalsStatus;
import org.bedside.runtime.wiring.Alarms;
import org.jspecify.annotations.Nullable;

/**
 * The alarm path as served at {@code /api/alarms} (and, without the alerts, in {@code /api/status}): the open alerts
 * with their IHE ACM state, the engine's counters and the Alert Manager's delivery status — kept apart from the alerts'
 * own state, since an alert's state is what the device and the rules say, and its delivery is what the Alert Manager
 * acknowledged and reported (PCD-05): each alert's {@code delivery} is beside its ACM state, never mixed into it.
 *
 * @param pcd05In the PCD-05 listener: messages by outcome, statuses by kind, when configured
 * @param escalation the second destination's PCD-04 delivery, when configured
 * @param localSignals the buzzer and lamps on the box: which are on, for which of the gateway's technical alarms, the
 *     lamp test and the audio pause; null only in a status read back from JSON that does not carry them
 */
public record AlarmsStatus(
        boolean engine,
        String careUnit,
        String settingsHash,
        int openAlerts,
        @Nullable List<Alert> alerts,
        AlarmEngineSink.@Nullable Stats stats,
        @Nullable AlertManager alertManager,
        Pcd05Inbound.@Nullable Status pcd05In,
        @Nullable AlertManager escalation,
        @Nullable String expectDeliveryWithin,
        @Nullable List<AlertDeliveries.Undelivered> undeliveredToAPerson,
        @Nullable LocalSignalsStatus localSignals) {

    /** One open alert: its latest notification, in ACM terms. */
    public record Alert(
            String alertId,
            String notificationId,
            int updateCount,
            String device,
            String condition,
            String text,
            String detail,
            String kind,
            String phase,
            String alarmState,
            String inactivationState,
            String priority,
            String origin,
            int escalationLevel,
            @Nullable String source,
            @Nullable String value,
            @Nullable String unit,
            @Nullable String lowLimit,
            @Nullable String highLimit,
            Instant onset,
            Instant notifiedAt,
            @Nullable Delivery delivery) {

        static Alert of(AlertReport a, AlertDeliveries deliveries) {
            return new Alert(
                    a.alertId(),
                    a.notificationId(),
                    a.updateCount(),
                    a.device().value(),
                    a.condition(),
                    a.text(),
                    a.detail(),
                    a.kind().name().toLowerCase(java.util.Locale.ROOT),
                    a.phase().acmCode(),
                    a.alarmState().acmCode(),
                    a.inactivationState().acmCode(),
                    a.priority().acmCode(),
                    a.origin().name().toLowerCase(java.util.Locale.ROOT),
                    a.escalationLevel(),
                    a.source() == null ? null : a.source().refId(),
                    a.value() == null ? null : a.value().toPlainString(),
                    a.unit() == null ? null : a.unit().code(),
                    a.lowLimit() == null ? null : a.lowLimit().toPlainString(),
                    a.highLimit() == null ? null : a.highLimit().toPlainString(),
                    a.onset(),
                    a.receivedAt(),
                    Delivery.of(deliveries.of(a.alertId())));
        }
    }

    /**
     * What became of an alert at the Alert Managers: their commit acknowledgements, and the PCD-05 statuses (received,
     * delivered, read, accepted or rejected by a clinician, undeliverable, cancelled, with times). {@code acmPhase}
     * {@code acknowledged} and {@code acmInactivationState} {@code alert-acknowledged} once a clinician accepted it —
     * the delivery's ACM terms; the alert's own phase and inactivation state stay the device's and the rules'.
     */
    public record Delivery(
            Map<String, Instant> alertManagers,
            @Nullable String lastNotification,
            @Nullable Instant receivedAt,
            @Nullable Instant deliveredAt,
            @Nullable String deliveredTo,
            @Nullable Instant readAt,
            @Nullable Instant acceptedAt,
            @Nullable String acceptedBy,
            @Nullable String acceptance,
            @Nullable Instant rejectedAt,
            @Nullable String rejectedBy,
            @Nullable Instant undeliverableAt,
            @Nullable Instant cancelledAt,
            @Nullable String lastStatus,
            @Nullable Instant lastStatusAt,
            int reports,
            boolean acknowledged,
            @Nullable String acmPhase,
            @Nullable String acmInactivationState) {

        static @Nullable Delivery of(AlertDeliveries.@Nullable Delivery d) {
            if (d == null) {
                return null;
            }
            return new Delivery(
                    d.alertManagers(),
                    d.lastNotification(),
                    d.receivedAt(),
                    d.deliveredAt(),
                    d.deliveredTo(),
                    d.readAt(),
                    d.acceptedAt(),
                    d.acceptedBy(),
                    d.acceptance(),
                    d.rejectedAt(),
                    d.rejectedBy(),
                    d.undeliverableAt(),
                    d.cancelledAt(),
                    d.lastStatus(),
                    d.lastStatusAt(),
                    d.reports(),
                    d.acknowledged(),
                    d.acmPhase(),
                    d.acmInactivationState());
        }
    }

    /**
     * PCD-04 delivery: {@code alarm} is the gateway's technical alarm — something has waited for the Alert Manager longer
     * than the supervision time.
     */
    public record AlertManager(
            String destination,
            boolean alarm,
            @Nullable Instant waitingSince,
            @Nullable Instant lastAcceptedAt,
            @Nullable String lastProblem,
            @Nullable String lastDeliveredNotification,
            long sent,
            long accepted,
            long refused,
            long heartbeats,
            long deliveredLate) {

        static AlertManager of(Pcd04Sink.Status s) {
            return new AlertManager(
                    s.destination(),
                    s.alarm(),
                    s.waitingSince(),
                    s.lastAcceptedAt(),
                    s.lastProblem(),
                    s.lastNotificationId(),
                    s.sent(),
                    s.accepted(),
                    s.refused(),
                    s.heartbeats(),
                    s.late());
        }
    }

    /** @param withAlerts whether to list the alerts (the API) or only count them (the status summary) */
    static AlarmsStatus of(Alarms alarms, LocalSignalsStatus localSignals, boolean withAlerts) {
        List<AlertReport> open =
                alarms.engine().map(AlarmEngineSink::openAlerts).orElse(List.of());
        return new AlarmsStatus(
                alarms.engine().isPresent(),
                alarms.settings().careUnit(),
                alarms.settings().hash(),
                open.size(),
                withAlerts
                        ? open.stream()
                                .map(x -> Alert.of(x, alarms.deliveries()))
                                .toList()
                        : null,
                alarms.engine().map(AlarmEngineSink::stats).orElse(null),
                alarms.pcd04().map(p -> AlertManager.of(p.status())).orElse(null),
                alarms.pcd05In().map(Pcd05Inbound::status).orElse(null),
                alarms.escalation().map(p -> AlertManager.of(p.status())).orElse(null),
                alarms.deliveries().expectWithin() == null
                        ? null
                        : alarms.deliveries().expectWithin().toString(),
                alarms.deliveries().expectWithin() == null
                        ? null
                        : alarms.deliveries().undelivered(java.time.Instant.now()),
                localSignals);
    }
}
