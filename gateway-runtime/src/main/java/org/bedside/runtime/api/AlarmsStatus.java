package org.bedside.runtime.api;

import java.time.Instant;
import java.util.List;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.model.AlertReport;
import org.bedside.runtime.wiring.Alarms;
import org.jspecify.annotations.Nullable;

/**
 * The alarm path as served at {@code /api/alarms} (and, without the alerts, in {@code /api/status}): the open alerts
 * with their IHE ACM state, the engine's counters and the Alert Manager's delivery status — kept apart from the alerts'
 * own state, since an alert's state is what the device and the rules say, and its delivery is what the Alert Manager
 * acknowledged.
 */
public record AlarmsStatus(
        boolean engine,
        String careUnit,
        String settingsHash,
        int openAlerts,
        @Nullable List<Alert> alerts,
        AlarmEngineSink.@Nullable Stats stats,
        @Nullable AlertManager alertManager) {

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
            Instant notifiedAt) {

        static Alert of(AlertReport a) {
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
                    a.receivedAt());
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
    static AlarmsStatus of(Alarms alarms, boolean withAlerts) {
        List<AlertReport> open =
                alarms.engine().map(AlarmEngineSink::openAlerts).orElse(List.of());
        return new AlarmsStatus(
                alarms.engine().isPresent(),
                alarms.settings().careUnit(),
                alarms.settings().hash(),
                open.size(),
                withAlerts ? open.stream().map(Alert::of).toList() : null,
                alarms.engine().map(AlarmEngineSink::stats).orElse(null),
                alarms.pcd04().map(p -> AlertManager.of(p.status())).orElse(null));
    }
}
