package org.bedside.alarms.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bedside.hl7.pcd.Pcd05Report;
import org.bedside.model.AlertReport;
import org.jspecify.annotations.Nullable;

/**
 * What became of each alert once it left the gateway — <b>kept apart from the alert's own state</b>. An alert is active
 * because its device and the rules say so ({@link AlertReport}); whether an Alert Manager took it (its commit
 * acknowledgement of the PCD-04), delivered it to a device, whether someone read, accepted or rejected it (PCD-05), is
 * recorded here and never changes the alert: a PCD-05 neither ends nor silences an alert that the device still reports
 * (IHE PCD TF-2 Appendix L: "a local alarm is not cleared by a remote actor").
 *
 * <p>Per alert id, the latest of each: accepted by an Alert Manager (per destination), received, delivered, read,
 * accepted (an acknowledgement by a clinician; in ACM terms the alert is then {@code acknowledged}, inactivation
 * {@code alert-acknowledged}), rejected, undeliverable, cancelled, with their times and who or which endpoint. At most
 * {@value #MAX_ALERTS} alerts are kept, the least recently reported forgotten first. Thread-safe.
 */
public final class AlertDeliveries {
    static final int MAX_ALERTS = 10_000;

    /**
     * An alert the Alert Manager has not delivered to anyone: the gateway's technical alarm (docs/alarms.md, "Delivery
     * to a person is supervised"). It names the alert, never its patient.
     *
     * @param alertId the alert
     * @param reason why: no delivery status in time, or the Alert Manager's {@code Undeliverable}
     * @param since when it became an alarm: the deadline that passed, or when the {@code Undeliverable} came
     */
    public record Undelivered(String alertId, String reason, Instant since) {}

    /**
     * The delivery of one alert, as known now.
     *
     * @param alertManagers per destination ({@code host:port}), when it last accepted a notification of the alert
     * @param lastNotification the notification id an Alert Manager last accepted
     * @param acceptedBy who accepted the alert at the endpoint (PRT-5), when a PCD-05 said
     * @param acceptance the status that accepted it ({@code Accepted}, {@code AcceptedFalse}...)
     * @param lastStatus the latest PCD-05 status ({@code Delivered}...), with {@link #lastStatusAt}
     * @param reports PCD-05 statuses recorded for the alert
     */
    public record Delivery(
            String alertId,
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
            int reports) {

        /** A clinician accepted the alert at an endpoint: in ACM terms, acknowledged. */
        public boolean acknowledged() {
            return acceptedAt != null;
        }

        /**
         * The ACM event phase the delivery amounts to: {@code acknowledged} once accepted (PCD TF-2 Table B.8.5-4),
         * else null. This is the delivery's, not the alert's: the alert's phase stays what its device and rules say.
         */
        public @Nullable String acmPhase() {
            return acknowledged() ? AlertReport.Phase.ACKNOWLEDGED.acmCode() : null;
        }

        /** {@code alert-acknowledged} once accepted, else null; the alert's own inactivation state is unchanged. */
        public @Nullable String acmInactivationState() {
            return acknowledged() ? AlertReport.InactivationState.ALERT_ACKNOWLEDGED.acmCode() : null;
        }
    }

    private static final class Entry {
        final String alertId;
        final Map<String, Instant> alertManagers = new TreeMap<>();

        @Nullable
        String lastNotification;

        @Nullable
        Instant receivedAt;

        @Nullable
        Instant deliveredAt;

        @Nullable
        String deliveredTo;

        @Nullable
        Instant readAt;

        @Nullable
        Instant acceptedAt;

        @Nullable
        String acceptedBy;

        @Nullable
        String acceptance;

        @Nullable
        Instant rejectedAt;

        @Nullable
        String rejectedBy;

        @Nullable
        Instant undeliverableAt;

        @Nullable
        Instant cancelledAt;

        @Nullable
        String lastStatus;

        @Nullable
        Instant lastStatusAt;

        int reports;

        /** When a high- or medium-priority notification of the alert was decided: a person must get it from then. */
        @Nullable
        Instant expectedFrom;

        /** The alert's END was sent: nothing more is expected. */
        boolean ended;

        /** A status saying a person got it (delivered, read, accepted, rejected) came, and no Undeliverable since. */
        boolean reached;

        /** The latest delivery status said Undeliverable, at {@link #failedAt} (as it arrived). */
        @Nullable
        Instant failedAt;

        Entry(String alertId) {
            this.alertId = alertId;
        }

        Delivery snapshot() {
            return new Delivery(
                    alertId,
                    Map.copyOf(alertManagers),
                    lastNotification,
                    receivedAt,
                    deliveredAt,
                    deliveredTo,
                    readAt,
                    acceptedAt,
                    acceptedBy,
                    acceptance,
                    rejectedAt,
                    rejectedBy,
                    undeliverableAt,
                    cancelledAt,
                    lastStatus,
                    lastStatusAt,
                    reports);
        }
    }

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ALERTS;
        }
    };
    private final Map<String, Long> statuses = new TreeMap<>();
    private final @Nullable Duration expectWithin;

    /** Without delivery supervision: the statuses are recorded, their absence is no alarm. */
    public AlertDeliveries() {
        this(null);
    }

    /**
     * @param expectWithin a high- or medium-priority alert must be reported delivered to a person (PCD-05) within this
     *     long of its notification, else {@link #undelivered} names it; null: not supervised
     */
    public AlertDeliveries(@Nullable Duration expectWithin) {
        if (expectWithin != null && (expectWithin.isNegative() || expectWithin.isZero())) {
            throw new IllegalArgumentException("expect-within must be positive: " + expectWithin);
        }
        this.expectWithin = expectWithin;
    }

    /** How long a person has to get an alert, or null when delivery to a person is not supervised. */
    public @Nullable Duration expectWithin() {
        return expectWithin;
    }

    /**
     * A notification is being sent to an Alert Manager (called before every attempt, so that an Alert Manager that is
     * down or refuses it does not stop the clock). The first notification of the alert at high or medium priority — its
     * START, or the escalation that raised a low one — starts the time within which a PCD-05 must say that a person got
     * it, counted from when that notification was decided ({@link AlertReport#receivedAt()}); its END stops it. Nothing
     * of this changes the alert.
     */
    public synchronized void sending(AlertReport notification) {
        if (expectWithin == null) {
            return;
        }
        boolean end = notification.phase().closesAlert(); // END, or RESET of a latched alarm
        Entry e =
                end ? entries.get(notification.alertId()) : entries.computeIfAbsent(notification.alertId(), Entry::new);
        if (e == null) {
            return;
        }
        if (end) {
            e.ended = true;
            return;
        }
        if (e.expectedFrom == null
                && !e.ended
                && (notification.priority() == AlertReport.Priority.HIGH
                        || notification.priority() == AlertReport.Priority.MEDIUM)) {
            e.expectedFrom = notification.receivedAt();
        }
    }

    /**
     * The alerts not delivered to a person at {@code now}: a high- or medium-priority alert, not ended, whose latest
     * delivery status is {@code Undeliverable}, or for which no status saying a person got it (Delivered, Read, an
     * acceptance, Rejected) came within {@link #expectWithin} of its notification. An alarm ends when a later status
     * says a person got it, or when the alert's END is sent. Pure: {@code now} is the caller's. Oldest first.
     */
    public synchronized List<Undelivered> undelivered(Instant now) {
        List<Undelivered> out = new ArrayList<>();
        Duration within = expectWithin;
        if (within == null) {
            return out;
        }
        for (Entry e : entries.values()) {
            if (e.expectedFrom == null || e.ended) {
                continue;
            }
            if (e.failedAt != null) {
                out.add(new Undelivered(
                        e.alertId,
                        "the Alert Manager reported it Undeliverable, and no later status says a person got it",
                        e.failedAt));
                continue;
            }
            Instant deadline = e.expectedFrom.plus(within);
            if (!e.reached && now.isAfter(deadline)) {
                out.add(new Undelivered(
                        e.alertId,
                        "no PCD-05 says a person got it within " + within.toSeconds() + " s of its notification",
                        deadline));
            }
        }
        out.sort(java.util.Comparator.comparing(Undelivered::since).thenComparing(Undelivered::alertId));
        return out;
    }

    /** The alert id of a notification id ({@code <alert id>#<update count>}), or the text itself without a count. */
    public static String alertIdOf(String notificationId) {
        int hash = notificationId.lastIndexOf('#');
        return hash > 0 && notificationId.substring(hash + 1).chars().allMatch(Character::isDigit)
                ? notificationId.substring(0, hash)
                : notificationId;
    }

    /** An Alert Manager at {@code destination} acknowledged (commit accept) a notification of the alert. */
    public synchronized void acceptedByAlertManager(AlertReport notification, String destination, Instant at) {
        Entry e = entries.computeIfAbsent(notification.alertId(), Entry::new);
        e.alertManagers.put(destination, at);
        e.lastNotification = notification.notificationId();
    }

    /**
     * One PCD-05 status of an alert.
     *
     * @param alertId the alert it is about
     * @param fallbackTime when the status has no time of its own (PRT-11): when the report arrived
     */
    public synchronized void record(String alertId, Pcd05Report.Status status, Instant fallbackTime) {
        Entry e = entries.computeIfAbsent(alertId, Entry::new);
        Instant at = status.at() != null ? status.at() : fallbackTime;
        String who = status.recipient() != null ? status.recipient() : status.endpoint();
        switch (status.disposition()) {
            case RECEIVED -> e.receivedAt = at;
            case DELIVERED -> {
                e.deliveredAt = at;
                e.deliveredTo = who;
            }
            case READ -> e.readAt = at;
            case ACCEPTED, ACCEPTED_POSITIVE, ACCEPTED_NOT_RELEVANT, ACCEPTED_FALSE -> {
                e.acceptedAt = at;
                e.acceptedBy = who;
                e.acceptance = status.disposition().code();
            }
            case REJECTED -> {
                e.rejectedAt = at;
                e.rejectedBy = who;
            }
            case UNDELIVERABLE -> e.undeliverableAt = at;
            case CANCELLED, CANCELLED_OTHER -> e.cancelledAt = at;
            case CALLBACK_START, CALLBACK_END -> {
                // recorded as the latest status only
            }
        }
        if (e.lastStatusAt == null || !at.isBefore(e.lastStatusAt)) {
            e.lastStatus = status.disposition().code();
            e.lastStatusAt = at;
        }
        switch (status.disposition()) {
            case DELIVERED, READ, ACCEPTED, ACCEPTED_POSITIVE, ACCEPTED_NOT_RELEVANT, ACCEPTED_FALSE, REJECTED -> {
                e.reached = true;
                e.failedAt = null;
            }
            case UNDELIVERABLE -> {
                e.reached = false;
                e.failedAt = fallbackTime;
            }
            case RECEIVED, CANCELLED, CANCELLED_OTHER, CALLBACK_START, CALLBACK_END -> {
                // says nothing about whether a person got it
            }
        }
        e.reports++;
        statuses.merge(status.disposition().label(), 1L, Long::sum);
    }

    /** The delivery of an alert, or null when nothing is known of it. */
    public synchronized @Nullable Delivery of(String alertId) {
        Entry e = entries.get(alertId);
        return e == null ? null : e.snapshot();
    }

    /** The deliveries of these alerts (those known), in their order. */
    public synchronized List<Delivery> of(List<String> alertIds) {
        return alertIds.stream()
                .map(entries::get)
                .filter(java.util.Objects::nonNull)
                .map(Entry::snapshot)
                .toList();
    }

    /** PCD-05 statuses recorded, by status label ({@code delivered}, {@code accepted_false}...). */
    public synchronized Map<String, Long> statusCounts() {
        return Map.copyOf(statuses);
    }

    public synchronized int size() {
        return entries.size();
    }
}
