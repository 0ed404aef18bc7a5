package org.bedside.alarms;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;

/**
 * The alarm state of one device: its open conditions, each pending (not yet notified) or notified, and the rules that
 * move them. Everything happens at an instant taken from the inputs: a frame's receive time, or a deadline (the end of
 * a hold, a dropout or a delay) that the receive clock passed. A deadline acts once the clock is strictly later than it
 * and is stamped with its own instant, so the notifications do not depend on when the clock was seen to pass it.
 *
 * <p>Conditions are keyed by a name stable within the device ({@code 150456-low}, {@code 150456-no-value}, {@code
 * device:<code>}, {@code status:<code>}, {@code status:link}) and kept in key order, so that whatever happens at one
 * instant happens in the same order on every run.
 */
final class DeviceAlarms {
    private static final Set<DeviceStatus.Code> LINK_CODES =
            EnumSet.of(DeviceStatus.Code.CONNECTED, DeviceStatus.Code.DISCONNECTED, DeviceStatus.Code.NO_DATA);
    private static final String LINK_KEY = "status:link";

    final DeviceId device;
    private final AlarmPolicy policy;
    private final TreeMap<String, Cond> conditions = new TreeMap<>();
    private final Map<Parameter, List<LimitRule>> rules = new EnumMap<>(Parameter.class);
    private List<AlertReport> out = new ArrayList<>();

    /** The latest instant processed: a frame's receive time or a clock value passed to {@link #advance}. */
    private @Nullable Instant clock;
    /** The receive time of the latest frame processed. */
    private @Nullable Instant lastFrame;
    /** The receive time of the latest frame with data (not only a link status): the device is talking. */
    private @Nullable Instant lastData;
    /**
     * The receive time of the first data frame since the device last fell silent for longer than {@code
     * device-alarm-end-after}: a latched alarm is taken as reset only after the device has talked that long without it.
     */
    private @Nullable Instant dataSince;
    /** The receive time (and store position, or -1) of the first frame of the current busy period, if busy. */
    private @Nullable Instant busySince;

    private long busySincePosition = -1;
    private long lateFrames;

    DeviceAlarms(DeviceId device, AlarmPolicy policy) {
        this.device = device;
        this.policy = policy;
        for (Parameter p : Parameter.values()) {
            rules.put(p, policy.rules(p));
        }
    }

    // ---- inputs ----------------------------------------------------------------------------------------------------

    /** One frame of this device: readings that share a receive time. */
    List<AlertReport> accept(List<Reading> frame, Instant at, long position) {
        out = new ArrayList<>();
        if (clock != null && at.isBefore(clock)) {
            lateFrames++; // the caller broke the order contract: process it, but it may differ from a replay
        } else {
            runDeadlines(at);
            clock = at;
        }
        boolean idle = conditions.isEmpty();
        apply(frame, at);
        promote(at);
        if (conditions.isEmpty()) {
            busySince = null;
            busySincePosition = -1;
        } else if (idle) {
            busySince = at;
            busySincePosition = position;
        }
        lastFrame = at;
        return out;
    }

    /** Acts on every deadline the clock has now passed. */
    List<AlertReport> advance(Instant to) {
        out = new ArrayList<>();
        if (clock == null || to.isAfter(clock)) {
            runDeadlines(to);
            clock = to;
        }
        if (conditions.isEmpty()) {
            busySince = null;
            busySincePosition = -1;
        }
        return out;
    }

    List<AlertReport> openAlerts() {
        List<AlertReport> open = new ArrayList<>();
        for (Cond c : conditions.values()) {
            if (c.last != null) {
                open.add(c.last);
            }
        }
        return open;
    }

    @Nullable
    Instant busySince() {
        return busySince;
    }

    long busySincePosition() {
        return busySincePosition;
    }

    @Nullable
    Instant lastFrame() {
        return lastFrame;
    }

    long lateFrames() {
        return lateFrames;
    }

    private void apply(List<Reading> frame, Instant at) {
        boolean data = false;
        boolean numerics = false;
        boolean connected = false;
        Map<DeviceStatus.Code, String> statuses = new TreeMap<>();
        for (Reading r : frame) {
            if (r instanceof DeviceStatus s) {
                if (s.code() == DeviceStatus.Code.CONNECTED) {
                    connected = true;
                } else {
                    statuses.merge(s.code(), s.detail(), (a, b) -> a + "; " + b);
                }
                if (!LINK_CODES.contains(s.code())) {
                    data = true;
                }
            } else if (r instanceof NumericReading || r instanceof CompoundReading) {
                data = true;
                numerics = true;
            } else if (r instanceof WaveformSegment || r instanceof AlarmEvent || r instanceof InfusionStatus) {
                data = true;
            }
        }
        if (data) {
            if (lastData == null || Duration.between(lastData, at).compareTo(policy.deviceAlarmEndAfter()) > 0) {
                dataSince = at;
            }
            lastData = at;
        }
        // 1. The link, then the device's own statuses: they decide what is held back below.
        Cond link = conditions.get(LINK_KEY);
        if (link != null && (connected || data)) {
            finish(link, at, connected ? "connected again" : "data arrives again", at);
        }
        for (Map.Entry<DeviceStatus.Code, String> s : statuses.entrySet()) {
            StatusClass cls = StatusClass.of(s.getKey());
            if (cls == null) {
                continue;
            }
            String key = cls == StatusClass.LINK
                    ? LINK_KEY
                    : "status:" + s.getKey().name().toLowerCase(Locale.ROOT);
            Cond c = conditions.get(key);
            if (c == null) {
                conditions.put(key, new Status(key, at, s.getKey(), cls, s.getValue()));
            } else {
                ((Status) c).seen(s.getKey(), s.getValue(), at);
            }
        }
        if (numerics) {
            for (Cond c : List.copyOf(conditions.values())) {
                if (c instanceof Status s && s.cls != StatusClass.LINK && !statuses.containsKey(s.code)) {
                    finish(s, at, StatusClass.text(s.code).toLowerCase(Locale.ROOT) + " no longer reported", at);
                }
            }
        }
        // 2. The device's alarms.
        for (Reading r : frame) {
            if (r instanceof AlarmEvent e) {
                String key = "device:" + e.code();
                Cond c = conditions.get(key);
                if (c == null) {
                    DeviceAlarm d = new DeviceAlarm(key, at, e);
                    if (!replacedMeanwhile(d)) {
                        conditions.put(key, d);
                        d.reported(e, at);
                    }
                } else {
                    ((DeviceAlarm) c).reported(e, at);
                }
            }
        }
        if (data) {
            resetLatched(at);
        }
        // 3. Values against the care unit's limits.
        for (Reading r : frame) {
            if (r instanceof NumericReading n) {
                value(n, at);
            }
        }
    }

    private void value(NumericReading n, Instant at) {
        Optional<Parameter> p = Parameter.of(n.metric());
        if (p.isEmpty()) {
            return;
        }
        List<LimitRule> limits = rules.get(p.get());
        if (limits.isEmpty()) {
            return;
        }
        String noValueKey = n.metric().identityPart() + "-no-value";
        BigDecimal v = n.isValid() ? n.value() : null;
        if (v == null) {
            if (!conditions.containsKey(noValueKey)) {
                conditions.put(
                        noValueKey,
                        new NoValue(
                                noValueKey, at, n.metric(), p.get(), n.quality().reason()));
            }
        } else {
            Cond nv = conditions.get(noValueKey);
            if (nv != null) {
                finish(
                        nv,
                        at,
                        "a " + p.get().label() + " value again (" + v.toPlainString() + ' '
                                + n.unit().code() + ")",
                        at);
            }
        }
        for (LimitRule rule : limits) {
            String key = n.metric().identityPart() + '-' + rule.direction().key();
            Threshold t = (Threshold) conditions.get(key);
            if (t == null) {
                if (v != null && rule.isBeyond(v)) {
                    t = new Threshold(key, at, rule, n);
                    t.stopped = NeverDelay.classOfZero(rule, v).orElse(null);
                    if (!replacedMeanwhile(t)) {
                        conditions.put(key, t);
                        t.value(v, n, at);
                    }
                }
            } else if (v == null) {
                t.noValue(at);
            } else {
                t.value(v, n, at);
            }
        }
    }

    /**
     * Ends the latched alarms the device no longer lists: it has been sending data for longer than {@code
     * device-alarm-end-after} since it last reported the alarm, and not the alarm. That is how a monitor says a latched
     * alarm was reset; it is decided on a frame of the device, never on the clock alone, so that a device gone silent
     * (a cable pulled: the link's own alert says so) leaves its latched alarms open rather than passing them off as
     * reset.
     */
    private void resetLatched(Instant at) {
        for (Cond c : List.copyOf(conditions.values())) {
            if (c instanceof DeviceAlarm d && d.notified && d.latched()) {
                Instant from = dataSince != null && dataSince.isAfter(d.lastSeen) ? dataSince : d.lastSeen;
                if (Duration.between(from, at).compareTo(policy.deviceAlarmEndAfter()) > 0) {
                    conditions.remove(d.key);
                    d.conditionEnd = d.lastPresent();
                    d.emit(
                            AlertReport.Phase.RESET,
                            at,
                            "reset at the device: the latched alarm is no longer reported, while the device kept"
                                    + " sending data for more than " + seconds(policy.deviceAlarmEndAfter()));
                }
            }
        }
    }

    // ---- deadlines and promotion -------------------------------------------------------------------------------

    /** Acts on every deadline strictly before {@code to}, earliest first (ties in key order). */
    private void runDeadlines(Instant to) {
        while (true) {
            Cond next = null;
            Instant due = null;
            for (Cond c : conditions.values()) {
                Instant d = c.deadline();
                if (d != null && d.isBefore(to) && (due == null || d.isBefore(due))) {
                    next = c;
                    due = d;
                }
            }
            if (next == null || due == null) {
                return;
            }
            next.onDeadline(due);
            if (conditions.get(next.key) == next && due.equals(next.deadline())) {
                // every deadline action ends the condition or moves its deadline on; one that did neither would loop
                throw new IllegalStateException("alarm condition " + next.alertId + " did not act on its deadline "
                        + due + ": a defect in the engine");
            }
            promote(due);
        }
    }

    /**
     * Notifies what was held back and may go now: a pending technical condition whose delay passed while another
     * condition held it (a run of no value while the sensor was reported off).
     */
    private void promote(Instant at) {
        for (Cond c : List.copyOf(conditions.values())) {
            if (conditions.get(c.key) == c && !c.notified && c.ready(at) && !held(c)) {
                c.start(at);
            }
        }
    }

    /**
     * True when a new condition would be one that a notified alert has just replaced (a desaturation while the
     * artefact alert is out): it does not start until that alert ends, so that its delay counts from then.
     */
    private boolean replacedMeanwhile(Cond candidate) {
        if (!candidate.suppressible()) {
            return false;
        }
        for (Cond s : conditions.values()) {
            if (s.notified && s.suppresses(candidate)) {
                return true;
            }
        }
        return false;
    }

    /** True when a condition must wait: its sensor is off, or the link is lost. */
    private boolean held(Cond c) {
        if (!c.suppressible()) {
            return false;
        }
        for (Cond s : conditions.values()) {
            if (s != c && s.suppresses(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An alert was just notified that makes others moot. A technical one: the physiological conditions of its sensor
     * cannot be followed meanwhile. The device's own alarm about a metric: the gateway's limit on that metric is not the
     * one that counts. Pending conditions are dropped (their delay restarts once nothing holds them back), notified ones
     * end, saying which alert replaced them; so does a notified run of no value that a technical alert explains.
     */
    private void replaceSuppressed(Cond technical, Instant at) {
        for (Cond c : List.copyOf(conditions.values())) {
            if (c == technical || conditions.get(c.key) != c || !technical.suppresses(c)) {
                continue;
            }
            if (c instanceof NoValue && !c.notified) {
                continue; // held until the technical alert ends; then notified if there is still no value
            }
            finish(c, at, "replaced by the alert " + technical.alertId + " (" + technical.text() + ")", at);
        }
    }

    /** Ends a condition: a notified one with an END notification, a pending one silently. */
    private void finish(Cond c, Instant at, String why, @Nullable Instant lastPresent) {
        conditions.remove(c.key);
        if (c.notified) {
            c.conditionEnd = c.lastPresent() != null ? c.lastPresent() : lastPresent;
            c.emit(AlertReport.Phase.END, at, "ended: " + why);
        }
    }

    // ---- conditions --------------------------------------------------------------------------------------------

    private static int rank(AlertReport.Priority p) {
        return switch (p) {
            case HIGH -> 3;
            case MEDIUM -> 2;
            case LOW -> 1;
            case NONE -> 0;
        };
    }

    private static String seconds(Duration d) {
        return AlarmPolicy.format(d);
    }

    private static Instant earliest(@Nullable Instant a, @Nullable Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    /** What every condition has: its identity, whether and how it was notified, its escalation. */
    private abstract class Cond {
        final String key;
        final Instant onset;
        final String alertId;
        boolean notified;
        int count = -1;
        int level;

        @Nullable
        Instant nextEscalation;

        AlertReport.InactivationState inactivation = AlertReport.InactivationState.ENABLED;

        /** ACTIVE while present; LATCHED while the device holds it after the condition went. */
        AlertReport.AlarmState alarmState = AlertReport.AlarmState.ACTIVE;

        @Nullable
        AlertReport last;

        @Nullable
        BigDecimal value;

        @Nullable
        UcumUnit unit;

        @Nullable
        Instant deviceTime;

        @Nullable
        Instant conditionEnd;

        Cond(String key, Instant onset) {
            this.key = key;
            this.onset = onset;
            this.alertId = device.value() + '/' + key + '/' + Reading.epochMicros(onset);
        }

        abstract AlarmEvent.Kind kind();

        abstract AlertReport.Origin origin();

        abstract @Nullable MetricCode source();

        abstract String text();

        AlarmEvent.Priority devicePriority() {
            return AlarmEvent.Priority.UNKNOWN;
        }

        abstract AlertReport.Priority basePriority();

        abstract boolean escalates();

        @Nullable
        BigDecimal lowLimit() {
            return null;
        }

        @Nullable
        BigDecimal highLimit() {
            return null;
        }

        /** A physiological condition of a sensor: held while the sensor is off, replaced when that is notified. */
        boolean suppressible() {
            return false;
        }

        /** True when this condition, while open, holds {@code other} back. */
        boolean suppresses(Cond other) {
            return false;
        }

        /** When the condition was last seen present, for the END notification. */
        @Nullable
        Instant lastPresent() {
            return null;
        }

        /** For conditions notified by their delay alone (not by a reading): true when the delay passed before now. */
        boolean ready(Instant at) {
            return false;
        }

        /** The earliest instant at which this condition acts by itself, or null. */
        abstract @Nullable Instant deadline();

        /** Acts on {@link #deadline()}, which the clock has passed. */
        abstract void onDeadline(Instant due);

        AlertReport.Priority priority() {
            AlertReport.Priority p = basePriority();
            for (int i = 0; i < level; i++) {
                p = p.raised();
            }
            return p;
        }

        void start(Instant at) {
            notified = true;
            if (escalates() && !policy.escalateAfter().isZero() && policy.escalationLevels() > 0) {
                nextEscalation = at.plus(policy.escalateAfter());
            }
            emit(AlertReport.Phase.START, at, startDetail(at));
            replaceSuppressed(this, at);
        }

        abstract String startDetail(Instant at);

        /** Acts on an escalation deadline: the same alert, notified again one priority higher. */
        void escalate(Instant due) {
            AlertReport.Priority before = priority();
            level++;
            nextEscalation = level < policy.escalationLevels() ? due.plus(policy.escalateAfter()) : null;
            emit(
                    AlertReport.Phase.ESCALATE,
                    due,
                    "still " + alarmState.acmCode() + " after " + seconds(Duration.between(onset, due))
                            + ": notified again, priority "
                            + before.name().toLowerCase(Locale.ROOT) + " to "
                            + priority().name().toLowerCase(Locale.ROOT) + " (escalation " + level + " of "
                            + policy.escalationLevels() + ")");
        }

        void emit(AlertReport.Phase phase, Instant at, String detail) {
            count++;
            boolean end = phase == AlertReport.Phase.END;
            boolean closes = phase.closesAlert();
            AlertReport r = new AlertReport(
                    device,
                    alertId,
                    key,
                    count,
                    phase,
                    kind(),
                    priority(),
                    devicePriority(),
                    closes ? AlertReport.AlarmState.INACTIVE : alarmState,
                    inactivation,
                    origin(),
                    source(),
                    value,
                    unit,
                    lowLimit(),
                    highLimit(),
                    text(),
                    detail,
                    level,
                    onset,
                    end ? (conditionEnd != null ? conditionEnd : at) : closes ? conditionEnd : null,
                    deviceTime,
                    at);
            last = r;
            out.add(r);
        }
    }

    /** A value beyond one of the care unit's limits (derived by the gateway). */
    private final class Threshold extends Cond {
        final LimitRule rule;
        final MetricCode metric;
        Instant lastValueAt;

        @Nullable
        Instant firstNoValueAt;

        @Nullable
        Instant clearSince;

        Instant lastBeyondAt;

        /** Set once a value of this condition said the vital function stopped: then never delayed nor held back. */
        @Nullable
        String stopped;

        Threshold(String key, Instant onset, LimitRule rule, NumericReading first) {
            super(key, onset);
            this.rule = rule;
            this.metric = first.metric();
            this.lastValueAt = onset;
            this.lastBeyondAt = onset;
            this.unit = first.unit();
        }

        void value(BigDecimal v, NumericReading n, Instant at) {
            lastValueAt = at;
            firstNoValueAt = null;
            if (rule.isBeyond(v)) {
                lastBeyondAt = at;
                clearSince = null;
                value = v;
                unit = n.unit();
                deviceTime = n.deviceTime();
                if (stopped == null) {
                    stopped = NeverDelay.classOfZero(rule, v).orElse(null);
                }
                if (!notified
                        && (stopped != null
                                || Duration.between(onset, at).compareTo(rule.delay()) >= 0 && !held(this))) {
                    start(at);
                }
            } else if (rule.isClear(v)) {
                if (!notified) {
                    finish(this, at, "back inside the limit", at); // a pending condition that did not last
                } else if (clearSince == null) {
                    clearSince = at;
                }
            }
            // inside the hysteresis band: neither beyond nor clear, nothing changes
        }

        void noValue(Instant at) {
            if (firstNoValueAt == null) {
                firstNoValueAt = at;
            }
        }

        private Instant dropoutDeadline() {
            return (firstNoValueAt != null ? firstNoValueAt : lastValueAt).plus(policy.maxDropout());
        }

        private @Nullable Instant clearDeadline() {
            return clearSince == null ? null : clearSince.plus(policy.endHold());
        }

        @Override
        @Nullable
        Instant deadline() {
            Instant d = dropoutDeadline();
            if (!notified) {
                return d;
            }
            return earliest(earliest(clearDeadline(), d), nextEscalation);
        }

        @Override
        void onDeadline(Instant due) {
            Instant clear = notified ? clearDeadline() : null;
            if (clear != null && !clear.isAfter(due)) {
                finish(
                        this,
                        due,
                        "back inside the limit (" + clearText() + ") for more than " + seconds(policy.endHold()),
                        lastBeyondAt);
            } else if (!dropoutDeadline().isAfter(due)) {
                String why = "no " + rule.parameter().label() + " value for more than " + seconds(policy.maxDropout());
                finish(this, due, why, lastBeyondAt);
                // the run of no value is a technical alarm of its own (which holds back nothing physiological)
                String noValueKey = metric.identityPart() + "-no-value";
                if (!conditions.containsKey(noValueKey)) {
                    Instant since = firstNoValueAt != null ? firstNoValueAt : lastValueAt;
                    conditions.put(
                            noValueKey,
                            new NoValue(
                                    noValueKey,
                                    since,
                                    metric,
                                    rule.parameter(),
                                    firstNoValueAt != null ? "no value" : "not reported"));
                }
            } else {
                escalate(due);
            }
        }

        private String clearText() {
            BigDecimal bound = rule.direction() == LimitRule.Direction.LOW
                    ? rule.limit().add(rule.hysteresis())
                    : rule.limit().subtract(rule.hysteresis());
            return (rule.direction() == LimitRule.Direction.LOW ? "at or above " : "at or below ")
                    + bound.toPlainString()
                    + ' '
                    + unitText();
        }

        private String unitText() {
            return unit == null ? "" : unit.code();
        }

        @Override
        String startDetail(Instant at) {
            return rule.parameter().label() + ' ' + (value == null ? "?" : value.toPlainString()) + ' ' + unitText()
                    + (rule.direction() == LimitRule.Direction.LOW ? " below " : " above ")
                    + rule.limit().toPlainString() + ' ' + unitText() + " for " + seconds(Duration.between(onset, at))
                    + (stopped == null ? "" : "; not delayed (" + stopped + " class)");
        }

        @Override
        AlarmEvent.Kind kind() {
            return AlarmEvent.Kind.PHYSIOLOGICAL;
        }

        @Override
        AlertReport.Origin origin() {
            return AlertReport.Origin.GATEWAY;
        }

        @Override
        MetricCode source() {
            return metric;
        }

        @Override
        String text() {
            return rule.parameter().label()
                    + (rule.direction() == LimitRule.Direction.LOW ? " low (below " : " high (above ")
                    + rule.limit().toPlainString()
                    + ' '
                    + unitText()
                    + ')';
        }

        @Override
        AlertReport.Priority basePriority() {
            return policy.physiologicalPriority();
        }

        @Override
        boolean escalates() {
            return true;
        }

        @Override
        @Nullable
        BigDecimal lowLimit() {
            return rule.direction() == LimitRule.Direction.LOW
                    ? rule.limit()
                    : policy.rule(rule.parameter(), LimitRule.Direction.LOW)
                            .map(LimitRule::limit)
                            .orElse(null);
        }

        @Override
        @Nullable
        BigDecimal highLimit() {
            return rule.direction() == LimitRule.Direction.HIGH
                    ? rule.limit()
                    : policy.rule(rule.parameter(), LimitRule.Direction.HIGH)
                            .map(LimitRule::limit)
                            .orElse(null);
        }

        @Override
        boolean suppressible() {
            return stopped == null;
        }

        @Override
        Instant lastPresent() {
            return lastBeyondAt;
        }
    }

    /** No value of a limited metric for longer than the dropout a condition may bridge: a technical alarm. */
    private final class NoValue extends Cond {
        final MetricCode metric;
        final Parameter parameter;
        final String reason;

        NoValue(String key, Instant onset, MetricCode metric, Parameter parameter, String reason) {
            super(key, onset);
            this.metric = metric;
            this.parameter = parameter;
            this.reason = reason;
        }

        private Instant due() {
            return onset.plus(policy.maxDropout());
        }

        @Override
        boolean ready(Instant at) {
            return due().isBefore(at);
        }

        @Override
        @Nullable
        Instant deadline() {
            if (!notified) {
                return held(this) ? null : due();
            }
            return nextEscalation;
        }

        @Override
        void onDeadline(Instant due) {
            if (!notified) {
                start(due);
            } else {
                escalate(due);
            }
        }

        @Override
        String startDetail(Instant at) {
            return "no " + parameter.label() + " value for more than " + seconds(policy.maxDropout())
                    + (reason.isBlank() ? "" : " (" + reason + ")");
        }

        @Override
        AlarmEvent.Kind kind() {
            return AlarmEvent.Kind.TECHNICAL;
        }

        @Override
        AlertReport.Origin origin() {
            return AlertReport.Origin.GATEWAY;
        }

        @Override
        MetricCode source() {
            return metric;
        }

        @Override
        String text() {
            return parameter.label() + ": no value";
        }

        @Override
        AlertReport.Priority basePriority() {
            return policy.technicalPriority();
        }

        @Override
        boolean escalates() {
            return true;
        }

        /** Held (not replaced) while the device reports why there is no value: a sensor off, a link lost. */
        @Override
        boolean suppressible() {
            return true;
        }
    }

    /** A device status that is a technical alarm: a sensor off, a link lost, a low battery. */
    private final class Status extends Cond {
        DeviceStatus.Code code;
        final StatusClass cls;
        String detail;
        Instant lastSeen;

        Status(String key, Instant onset, DeviceStatus.Code code, StatusClass cls, String detail) {
            super(key, onset);
            this.code = code;
            this.cls = cls;
            this.detail = detail;
            this.lastSeen = onset;
        }

        void seen(DeviceStatus.Code newCode, String newDetail, Instant at) {
            lastSeen = at;
            if (newCode != code) {
                code = newCode; // the link went from silent to lost, or back
                detail = newDetail;
                if (notified) {
                    emit(AlertReport.Phase.UPDATE, at, text() + ": " + newDetail);
                }
            }
        }

        private Instant due() {
            return onset.plus(policy.technicalDelay());
        }

        @Override
        boolean ready(Instant at) {
            return due().isBefore(at);
        }

        @Override
        @Nullable
        Instant deadline() {
            return notified ? nextEscalation : due();
        }

        @Override
        void onDeadline(Instant due) {
            if (!notified) {
                start(due);
            } else {
                escalate(due);
            }
        }

        @Override
        String startDetail(Instant at) {
            return detail + " (for " + seconds(Duration.between(onset, at)) + ")";
        }

        @Override
        AlarmEvent.Kind kind() {
            return AlarmEvent.Kind.TECHNICAL;
        }

        @Override
        AlertReport.Origin origin() {
            return cls == StatusClass.LINK ? AlertReport.Origin.GATEWAY : AlertReport.Origin.DEVICE;
        }

        @Override
        @Nullable
        MetricCode source() {
            return null;
        }

        @Override
        String text() {
            return StatusClass.text(code);
        }

        @Override
        AlertReport.Priority basePriority() {
            return cls == StatusClass.INFO ? AlertReport.Priority.LOW : policy.technicalPriority();
        }

        @Override
        boolean escalates() {
            return cls.escalates;
        }

        /** The device says nothing about which sensor: its statuses hold back all of its physiological alarms. */
        @Override
        boolean suppresses(Cond other) {
            return cls.suppresses && other.suppressible();
        }

        @Override
        Instant lastPresent() {
            return lastSeen;
        }
    }

    /**
     * An alarm the device reports, present for as long as the device keeps reporting it. A device that latches it
     * reports it latched once the condition has gone: it stays open, latched, until the device no longer lists it (a
     * reset there: {@link #resetLatched}).
     */
    private final class DeviceAlarm extends Cond {
        AlarmEvent latest;
        /** The last report of the alarm, in any state. */
        Instant lastSeen;
        /** The last report of it as present (not latched), or null if the device has only reported it latched. */
        @Nullable
        Instant lastPresentAt;

        /** Why this alarm goes out at once and is never held back, or null when the policy's delay applies. */
        @Nullable
        String immediate;

        DeviceAlarm(String key, Instant onset, AlarmEvent first) {
            super(key, onset);
            this.latest = first;
            this.lastSeen = onset;
            this.deviceTime = first.deviceTime();
            this.immediate = NeverDelay.reason(first).orElse(null);
        }

        boolean latched() {
            return latest.state() == AlarmEvent.State.LATCHED;
        }

        @Nullable
        String immediate() {
            return immediate;
        }

        private void latest(AlarmEvent e) {
            if (!e.equals(latest)) {
                latest = e;
                immediate = NeverDelay.reason(e).orElse(null);
            }
        }

        Duration delay() {
            if (immediate() != null) {
                return Duration.ZERO;
            }
            if (latest.kind() == AlarmEvent.Kind.TECHNICAL) {
                return policy.technicalDelay();
            }
            MetricCode source = latest.source();
            if (latest.kind() == AlarmEvent.Kind.PHYSIOLOGICAL && source != null) {
                Optional<Parameter> p = Parameter.of(source);
                if (p.isPresent()) {
                    Optional<Duration> shortest =
                            rules.get(p.get()).stream().map(LimitRule::delay).min(Duration::compareTo);
                    if (shortest.isPresent()) {
                        return shortest.get();
                    }
                }
            }
            return policy.deviceAlarmDelay();
        }

        void reported(AlarmEvent e, Instant at) {
            lastSeen = at;
            if (e.state() != AlarmEvent.State.LATCHED) {
                lastPresentAt = at;
            }
            deviceTime = e.deviceTime();
            if (!notified) {
                latest(e);
                inactivation = inactivationOf(e, inactivation);
                alarmState = alarmStateOf(e);
                // The device latches an alarm so that a short event is not missed: once latched it is notified at
                // once, even if the condition lasted less than the delay (a latched alarm is never held back).
                if (latched() || Duration.between(onset, at).compareTo(delay()) >= 0 && !held(this)) {
                    start(at);
                }
                return;
            }
            AlertReport.Priority before = priority();
            AlertReport.InactivationState inactivationBefore = inactivation;
            AlertReport.AlarmState stateBefore = alarmState;
            boolean newText = !e.text().equals(latest.text());
            boolean newDevicePriority = e.priority() != latest.priority();
            latest(e);
            inactivation = inactivationOf(e, inactivation);
            alarmState = alarmStateOf(e);
            AlertReport.Priority after = priority();
            if (rank(after) > rank(before)) {
                emit(
                        AlertReport.Phase.ESCALATE,
                        at,
                        "the device raised the priority to " + after.name().toLowerCase(Locale.ROOT)
                                + latchNote(stateBefore));
            } else if (rank(after) < rank(before)) {
                emit(
                        AlertReport.Phase.DEESCALATE,
                        at,
                        "the device lowered the priority to " + after.name().toLowerCase(Locale.ROOT)
                                + latchNote(stateBefore));
            } else if (alarmState != stateBefore) {
                emit(
                        AlertReport.Phase.UPDATE,
                        at,
                        alarmState == AlertReport.AlarmState.LATCHED
                                ? "the condition is gone at the device; the alarm stays latched there until it is reset"
                                : "present again at the device (no longer latched)");
            } else if (inactivation != inactivationBefore) {
                if (inactivation == AlertReport.InactivationState.ENABLED) {
                    emit(AlertReport.Phase.UPDATE, at, "the alarm signal is on again at the device");
                } else {
                    emit(
                            AlertReport.Phase.INACTIVATE,
                            at,
                            switch (inactivation) {
                                case ALARM_OFF ->
                                    "the alarm was switched off at the device: it neither sounds nor shows there"
                                            + " until it is switched on again (alarm off)";
                                case ALARM_PAUSED ->
                                    "the alarm was paused at the device: for a while it neither sounds nor"
                                            + " shows there (alarm paused)";
                                default ->
                                    e.state() == AlarmEvent.State.SILENCED_RESET
                                            ? "the alarm signal was silenced at the device (silence/reset)"
                                            : "the alarm signal was silenced at the device";
                            });
                }
            } else if (newText || newDevicePriority) {
                emit(AlertReport.Phase.UPDATE, at, "the device now reports: " + e.text());
            }
            // otherwise the device repeats what it said: one alert, no new notification
        }

        private AlertReport.InactivationState inactivationOf(AlarmEvent e, AlertReport.InactivationState current) {
            return switch (e.state()) {
                case ACTIVE -> AlertReport.InactivationState.ENABLED;
                case SILENCED, SILENCED_RESET -> AlertReport.InactivationState.AUDIO_PAUSED;
                case ALARM_PAUSED -> AlertReport.InactivationState.ALARM_PAUSED;
                case ALARM_OFF -> AlertReport.InactivationState.ALARM_OFF;
                case LATCHED, UNKNOWN -> current;
            };
        }

        /** A priority change that comes with the latch (or its end) says so too: one notification carries both. */
        private String latchNote(AlertReport.AlarmState before) {
            if (alarmState == before) {
                return "";
            }
            return alarmState == AlertReport.AlarmState.LATCHED
                    ? "; the condition is gone at the device, the alarm stays latched there until it is reset"
                    : "; present again at the device (no longer latched)";
        }

        private AlertReport.AlarmState alarmStateOf(AlarmEvent e) {
            return e.state() == AlarmEvent.State.LATCHED
                    ? AlertReport.AlarmState.LATCHED
                    : AlertReport.AlarmState.ACTIVE;
        }

        private Instant gone() {
            return lastSeen.plus(policy.deviceAlarmEndAfter());
        }

        /** A latched alarm does not end on the clock: only a frame of the device can say it was reset. */
        @Override
        @Nullable
        Instant deadline() {
            if (notified && latched()) {
                return nextEscalation;
            }
            return notified ? earliest(gone(), nextEscalation) : gone();
        }

        @Override
        void onDeadline(Instant due) {
            if (!latched() && !gone().isAfter(due)) {
                finish(
                        this,
                        due,
                        "not reported by the device for more than " + seconds(policy.deviceAlarmEndAfter()),
                        lastSeen);
            } else {
                escalate(due);
            }
        }

        @Override
        String startDetail(Instant at) {
            if (latched()) {
                return "reported latched by the device (the condition is gone; the alarm is held there until it is"
                        + " reset); not delayed";
            }
            String why = immediate();
            return why != null
                    ? "reported by the device; not delayed (" + why + ")"
                    : "reported by the device for " + seconds(Duration.between(onset, at));
        }

        @Override
        AlarmEvent.Kind kind() {
            return latest.kind();
        }

        @Override
        AlertReport.Origin origin() {
            return AlertReport.Origin.DEVICE;
        }

        @Override
        @Nullable
        MetricCode source() {
            return latest.source();
        }

        @Override
        String text() {
            return latest.text();
        }

        @Override
        AlarmEvent.Priority devicePriority() {
            return latest.priority();
        }

        @Override
        AlertReport.Priority basePriority() {
            return switch (latest.priority()) {
                case HIGH -> AlertReport.Priority.HIGH;
                case MEDIUM -> AlertReport.Priority.MEDIUM;
                case LOW -> AlertReport.Priority.LOW;
                case UNKNOWN ->
                    latest.kind() == AlarmEvent.Kind.TECHNICAL
                            ? policy.technicalPriority()
                            : policy.physiologicalPriority();
            };
        }

        /** A technical alarm about nothing in particular (a low battery) is not a loss of monitoring. */
        @Override
        boolean escalates() {
            return !(latest.kind() == AlarmEvent.Kind.TECHNICAL && latest.source() == null);
        }

        /** A latched alarm is about an event that has passed: a sensor off now does not make it moot. */
        @Override
        boolean suppressible() {
            return latest.kind() == AlarmEvent.Kind.PHYSIOLOGICAL && immediate() == null && !latched();
        }

        /**
         * The monitor's own technical alarm about a measurement ("SpO2 sensor off") holds back the physiological
         * alarms of that sensor; its own physiological alarm about a metric ("SpO2 low", at the limits set at the
         * bedside) holds back the gateway's limits on the same metric, so that one event is one alert.
         */
        @Override
        boolean suppresses(Cond other) {
            if (latched()) {
                return false; // the device says the condition is gone: the gateway's own limits count again
            }
            MetricCode mine = latest.source();
            MetricCode theirs = other.source();
            if (mine == null || theirs == null || !other.suppressible()) {
                return false;
            }
            if (latest.kind() == AlarmEvent.Kind.TECHNICAL) {
                return SensorGroup.of(mine).equals(SensorGroup.of(theirs));
            }
            return latest.kind() == AlarmEvent.Kind.PHYSIOLOGICAL
                    && other instanceof Threshold
                    && mine.identityPart().equals(theirs.identityPart());
        }

        @Override
        @Nullable
        Instant lastPresent() {
            return lastPresentAt;
        }
    }
}
