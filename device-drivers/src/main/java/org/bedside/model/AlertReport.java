package org.bedside.model;

import java.math.BigDecimal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One notification of an alert, as the alarm engine emits it and the buffer keeps it: the start of an alert, an
 * escalation, an end. It follows IHE PCD Alert Communication Management (PCD TF Vol 2 rev 9.0, Appendix B.8.5, the
 * facets of an alert in a [PCD-04] report) and IEC 60601-1-8 (alarm condition, alarm signal, priority), so that every
 * destination — an Alert Manager, MQTT, the status page — can be fed from the buffer alone.
 *
 * <p>An alert has a stable {@link #alertId()} for its whole life and an {@link #updateCount()} that is 0 on its start
 * and one higher on each later notification: an escalation is the same alert with the count raised and phase {@link
 * Phase#ESCALATE}, never a new alert. The id is made from the inputs only — {@code <device>/<condition>/<receive time
 * in µs of the condition's first reading>}, for example {@code bed12-spo2/150456-low/1763788800123456} — so replaying
 * the same readings after a crash gives the same ids and counts, and a destination can drop what it already has. In a
 * [PCD-04] message, {@code alertId#0} is the initial indication's OBR-3 (and every update's OBR-29 Parent) and {@code
 * alertId#updateCount} an indication's own OBR-3.
 *
 * <p>Alerts are about a bed's devices, never about a patient: a report carries no patient, so an alert for a bed whose
 * patient is not confirmed still goes out with the bed's location.
 *
 * @param device the device the condition is about (its configured name)
 * @param alertId stable for the alert's life; see above
 * @param condition the condition within the device: a derived one ({@code 150456-low}, {@code 150456-no-value}), one
 *     the device reported ({@code device:spo2-low}) or a device status ({@code status:sensor_off})
 * @param updateCount 0 for the first notification of the alert, one more for each later one
 * @param kind physiological, technical or advisory; {@code UNKNOWN} when a device reported an alarm without saying
 * @param priority the priority this notification carries (after any escalation)
 * @param devicePriority the priority the device reported, {@code UNKNOWN} when it did not (or the gateway derived the
 *     alert): {@link #priority()} is then the care unit's policy's
 * @param alarmState whether the condition is present (IEC 60601-1-8 alarm condition state)
 * @param inactivationState whether the device's alarm signal is paused or off (ACM inactivation state)
 * @param origin whether the device reported the condition or the gateway derived it
 * @param source the metric the condition is about, or null (a link lost, low battery)
 * @param value the value that triggered the condition (or, later, the latest one), or null
 * @param unit the unit of {@code value} and the limits, or null
 * @param lowLimit the low limit the value was compared with, or null
 * @param highLimit the high limit the value was compared with, or null
 * @param text the condition in words, as a clinician reads it ("SpO2 low (below 90 %)")
 * @param detail why this notification was sent ("SpO2 88 % below 90 % for 15 s")
 * @param escalationLevel 0 until the alert escalates, then one more for each escalation
 * @param onset when the condition began: the receive time of its first reading
 * @param conditionEnd on {@link Phase#END}, and on {@link Phase#RESET} when known: when the condition was last seen
 *     present; otherwise null
 * @param deviceTime the device's time of the reading that caused this notification, or null
 * @param receivedAt when this notification was decided, on the gateway's receive clock
 */
public record AlertReport(
        DeviceId device,
        String alertId,
        String condition,
        int updateCount,
        Phase phase,
        AlarmEvent.Kind kind,
        Priority priority,
        AlarmEvent.Priority devicePriority,
        AlarmState alarmState,
        InactivationState inactivationState,
        Origin origin,
        @Nullable MetricCode source,
        @Nullable BigDecimal value,
        @Nullable UcumUnit unit,
        @Nullable BigDecimal lowLimit,
        @Nullable BigDecimal highLimit,
        String text,
        String detail,
        int escalationLevel,
        Instant onset,
        @Nullable Instant conditionEnd,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    /**
     * The event phase of a notification: ACM {@code MDC_ATTR_EVENT_PHASE} (PCD TF Vol 2 Table B.8.5-4), with its code
     * as sent in a [PCD-04] message.
     */
    public enum Phase {
        /** A time-point event, with no duration. */
        TPOINT("tpoint"),
        /** The start of an alert; an end is expected. */
        START("start"),
        /** A start after which neither continue nor end will come. */
        START_ONLY("start_only"),
        /** The alert goes on (a periodic reminder, not a change). */
        CONTINUE("continue"),
        /**
         * A change of an open alert that no other phase names (Table B.8.5-4: "a change other than a state transition
         * in a previously reported alert"): a new text, the device's signal enabled again, the condition gone while the
         * alarm stays latched at the device ({@link AlarmState#LATCHED}), or present again.
         */
        UPDATE("update"),
        /** The priority rose, or the alert is notified again to a further destination. */
        ESCALATE("escalate"),
        /** The priority fell. */
        DEESCALATE("deescalate"),
        /** The alarm signal was inactivated (silenced, paused) at the device. */
        INACTIVATE("inactivate"),
        /** Acknowledged by a person (at the device or through an Alert Manager). */
        ACKNOWLEDGED("acknowledged"),
        /**
         * A latched alarm was cleared at the device (Table B.8.5-4: "clear latched alarm"): like {@link #END}, the last
         * notification of the alert; see {@link #closesAlert()}.
         */
        RESET("reset"),
        /** Paused; it may restart with the same id. */
        STOP("stop"),
        /** The end of the alert. */
        END("end"),
        /** The alert is present (a snapshot, not a change). */
        PRESENT("present");

        private final String acm;

        Phase(String acm) {
            this.acm = acm;
        }

        /** The value of the event-phase facet in a [PCD-04] message. */
        public String acmCode() {
            return acm;
        }

        /**
         * True for the phases after which the alert is over: {@link #END}, and {@link #RESET} (a latched alarm cleared).
         * Whoever keeps a list of open alerts removes an alert on either.
         */
        public boolean closesAlert() {
            return this == END || this == RESET;
        }
    }

    /** ACM {@code MDC_ATTR_ALARM_PRIORITY}: PH, PM, PL, PN (not indicated). */
    public enum Priority {
        HIGH("PH"),
        MEDIUM("PM"),
        LOW("PL"),
        NONE("PN");

        private final String acm;

        Priority(String acm) {
            this.acm = acm;
        }

        public String acmCode() {
            return acm;
        }

        /** One step higher, at most {@link #HIGH}; {@link #NONE} stays none. */
        public Priority raised() {
            return switch (this) {
                case LOW -> MEDIUM;
                case MEDIUM, HIGH -> HIGH;
                case NONE -> NONE;
            };
        }
    }

    /** ACM {@code MDC_ATTR_ALARM_STATE}, the IEC 60601-1-8 alarm condition state. */
    public enum AlarmState {
        ACTIVE("active"),
        INACTIVE("inactive"),
        /** No longer present, but held so that a transient, significant event is still signalled. */
        LATCHED("latched");

        private final String acm;

        AlarmState(String acm) {
            this.acm = acm;
        }

        public String acmCode() {
            return acm;
        }
    }

    /** ACM {@code MDC_ATTR_ALARM_INACTIVATION_STATE}: whether the device's visual or aural signal is inactivated. */
    public enum InactivationState {
        ENABLED("enabled"),
        AUDIO_PAUSED("audio-paused"),
        AUDIO_OFF("audio-off"),
        ALARM_PAUSED("alarm-paused"),
        ALARM_OFF("alarm-off"),
        ALERT_ACKNOWLEDGED("alert-acknowledged");

        private final String acm;

        InactivationState(String acm) {
            this.acm = acm;
        }

        public String acmCode() {
            return acm;
        }
    }

    /** Who detected the condition. */
    public enum Origin {
        /** The device reported it (an alarm event, a device status such as sensor off). */
        DEVICE,
        /** The gateway derived it: a value beyond a configured limit, no value, a link lost. */
        GATEWAY
    }

    public AlertReport {
        if (alertId.isBlank() || condition.isBlank() || text.isBlank() || detail.isBlank()) {
            throw new IllegalArgumentException("an alert report needs an id, a condition, a text and a detail");
        }
        if (updateCount < 0 || escalationLevel < 0) {
            throw new IllegalArgumentException(
                    "update count and escalation level are not negative: " + updateCount + ", " + escalationLevel);
        }
        boolean first = phase == Phase.START || phase == Phase.START_ONLY || phase == Phase.TPOINT;
        if (first != (updateCount == 0) && phase != Phase.PRESENT) {
            throw new IllegalArgumentException(
                    "phase " + phase + " with update count " + updateCount + ": only a start has count 0");
        }
        // A RESET may lack it: an alarm first seen already latched was never seen present, so its end is not known.
        if (phase == Phase.END ? conditionEnd == null : conditionEnd != null && phase != Phase.RESET) {
            throw new IllegalArgumentException(
                    "the condition's end is given on the END phase, and may be on RESET; on no other phase");
        }
    }

    /** The ACM alert type code: SP (physiological), ST (technical), SA (advisory); null when the kind is unknown. */
    public @Nullable String acmAlertType() {
        return switch (kind) {
            case PHYSIOLOGICAL -> "SP";
            case TECHNICAL -> "ST";
            case ADVISORY -> "SA";
            case UNKNOWN -> null;
        };
    }

    /** The id of this one notification: the alert's id and its update count ({@code <alertId>#<updateCount>}). */
    public String notificationId() {
        return alertId + '#' + updateCount;
    }

    /**
     * With another receive time. The onset and end stay as the engine saw them: they are part of the alert's identity,
     * which must not change when a record is read again with corrected times.
     */
    @Override
    public AlertReport withReceivedAt(Instant t) {
        return new AlertReport(
                device,
                alertId,
                condition,
                updateCount,
                phase,
                kind,
                priority,
                devicePriority,
                alarmState,
                inactivationState,
                origin,
                source,
                value,
                unit,
                lowLimit,
                highLimit,
                text,
                detail,
                escalationLevel,
                onset,
                conditionEnd,
                deviceTime,
                t);
    }

    /** {@code alert:<condition>:<onset µs>:<update count>}: unique per notification, so that {@link #key()} is too. */
    @Override
    public String subjectPart() {
        return "alert:" + condition + ':' + Reading.epochMicros(onset) + ':' + updateCount;
    }

    /** This alert as a snapshot, for a destination that asks what is active: phase {@link Phase#PRESENT}. */
    public AlertReport asPresent(Instant at) {
        return new AlertReport(
                device,
                alertId,
                condition,
                updateCount,
                Phase.PRESENT,
                kind,
                priority,
                devicePriority,
                alarmState,
                inactivationState,
                origin,
                source,
                value,
                unit,
                lowLimit,
                highLimit,
                text,
                "present at " + at,
                escalationLevel,
                onset,
                null,
                deviceTime,
                at);
    }
}
