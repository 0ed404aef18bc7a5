package org.bedside.uplink;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.bedside.buffer.StoredRecord;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * Decides which readings are charted. Every reading is buffered; charting samples them.
 *
 * <ul>
 *   <li><b>Every reading</b> (interval 0): each reading of a charted metric becomes an Observation, invalid ones with a
 *       data-absent reason; its identifier is {@code <gateway>/<reading key>}.
 *   <li><b>Per interval</b> (default one minute): per device and metric, the latest valid value of each interval of
 *       charting time; an interval with no valid value charts nothing (the gap is real). The identifier is {@code
 *       <gateway>/<device>/<mdc>/<interval>s/<interval start>}, so that whatever a crash or a late reading does, an
 *       interval never gets two Observations.
 * </ul>
 *
 * <p>Each chartable carries the physical unit that took its reading: the {@link DeviceIdentity} of the reading's own
 * record, never one remembered from an earlier record (a swapped monitor that does not name itself must not be charted
 * as the one before it). An interval keeps the unit of the reading it holds.
 *
 * <p>An interval is closed when a later reading of the same series arrives in a later interval, or when the receive
 * clock passes its end plus a grace period (the device went quiet). While an interval is open, the record holding its
 * latest valid value must not be committed: {@link #earliestHeldPosition()} says how far the cursor may go.
 */
final class ChartingPolicy {
    /** Time allowed after an interval ends for its last readings to arrive. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private final UplinkSettings settings;
    private final Function<DeviceId, @Nullable DeviceContext> devices;
    private final Subjects subjects;
    private final Map<Series, Interval> open = new HashMap<>();
    private final NotCharted notCharted;
    private final FrozenValues frozen;
    /** The first record holding a reading whose association is uncertain now (quarantine), or -1. */
    private long quarantinedFrom = -1;
    /** {@link Subjects#version()} when the first reading was quarantined: a change means "read them again". */
    private long quarantineVersion;

    /**
     * One charted series: a device's metric, for one patient; {@code part} tells a pump channel's numbers from another's
     * ({@code infusion:1-2}), empty for a monitor's metrics.
     */
    private record Series(DeviceId device, String part, int mdc, String subject) {
        /** {@code <device>/<mdc>}, or {@code <device>/infusion:<channel>/<mdc>}: the series in an identifier. */
        String name() {
            return device + "/" + (part.isEmpty() ? "" : part + "/") + mdc;
        }
    }

    private static final class Interval {
        final long start;

        @Nullable
        Reading held;

        @Nullable
        ChartedMetric heldMetric;

        @Nullable
        Instant heldEffective;

        Subjects.Subject.@Nullable Charted heldSubject;

        @Nullable
        String heldPreliminary;

        @Nullable
        DeviceIdentity heldUnit;

        long heldPosition;
        Instant closeAt;

        Interval(long start, Instant closeAt) {
            this.start = start;
            this.closeAt = closeAt;
        }
    }

    /** Readings not charted, by reason, for metrics and the status page. */
    static final class NotCharted {
        // written by the uplink's thread only, read by health and metrics
        volatile long noPatient;
        volatile long notChartedMetric;
        volatile long invalid;
        volatile long superseded;
        volatile long late;
        volatile long unreadableRecords;
        /** Valid, but outside the configured plausible range, with {@code out-of-range: not-charted}. */
        volatile long implausible;
        /** Held in quarantine: the bed's association is uncertain now (counted each time one is read). */
        volatile long quarantined;
    }

    ChartingPolicy(UplinkSettings settings, Function<DeviceId, @Nullable DeviceContext> devices) {
        this(settings, devices, new NotCharted());
    }

    /** Counting into {@code notCharted}, which outlives the policy (a new one after the uplink restarts). */
    ChartingPolicy(
            UplinkSettings settings, Function<DeviceId, @Nullable DeviceContext> devices, NotCharted notCharted) {
        this(settings, devices, Subjects.configured(), notCharted);
    }

    /** Charting to the patients {@code subjects} says, at the time each reading was taken. */
    ChartingPolicy(
            UplinkSettings settings,
            Function<DeviceId, @Nullable DeviceContext> devices,
            Subjects subjects,
            NotCharted notCharted) {
        this.settings = settings;
        this.devices = devices;
        this.subjects = subjects;
        this.notCharted = notCharted;
        this.frozen = new FrozenValues(settings.validation().frozenAfter());
    }

    NotCharted notCharted() {
        return notCharted;
    }

    /** Takes one record; returns what becomes chartable now. */
    List<Chartable> accept(StoredRecord record) {
        if (!record.isReadable()) {
            notCharted.unreadableRecords++;
            return List.of();
        }
        List<Chartable> out = new ArrayList<>(0);
        DeviceIdentity unit = DeviceIdentity.of(record.readings());
        for (Reading r : record.readings()) {
            if (r instanceof NumericReading n) {
                accept(n, n.metric(), ChartedMetric.of(n.metric()), "", unit, record.position(), out);
            } else if (r instanceof CompoundReading c) {
                accept(c, c.metric(), ChartedMetric.of(c.metric()), "", unit, record.position(), out);
            } else if (r instanceof InfusionStatus pump) {
                // Each number of a pump channel is a series of its own (docs/drivers/bbraun-bcc.md, "What is
                // charted"); the bolus, with no MDC term, is counted not-charted-metric like any vendor metric.
                for (CompoundReading.Component v : pump.values()) {
                    accept(
                            pump,
                            v.metric(),
                            ChartedMetric.ofInfusion(v.metric()),
                            pump.subjectPart(),
                            unit, // a PCD-10 pump's EUI-64 (a B. Braun pump names itself by its serial number)
                            record.position(),
                            out);
                }
            }
        }
        return out;
    }

    /**
     * Whether a reading has a value to chart: a valid number, a compound whose required components are valid, or a pump
     * reading whose number {@code metric} is valid.
     */
    static boolean isValid(Reading r, ChartedMetric metric) {
        if (r instanceof NumericReading n) {
            return n.isValid();
        }
        if (r instanceof InfusionStatus pump) {
            return pumpValue(pump, metric).isValid();
        }
        CompoundReading c = (CompoundReading) r;
        for (ChartedMetric.Part part : metric.components()) {
            if (part.required()
                    && c.components().stream().noneMatch(x -> x.metric().mdc() == part.mdc() && x.isValid())) {
                return false;
            }
        }
        return true;
    }

    private static CompoundReading.Component pumpValue(InfusionStatus pump, ChartedMetric metric) {
        return pump.values().stream()
                .filter(v -> v.metric().isStandard() && v.metric().mdc() == metric.mdc())
                .findFirst()
                .orElseThrow();
    }

    /**
     * @param code the metric of the number: the reading's own, or for a pump one of its values'
     * @param part the series within the device: empty, or the pump channel's {@code infusion:<channel>}
     * @param unit the physical unit named in the reading's record, or null
     */
    private void accept(
            Reading n,
            MetricCode code,
            Optional<ChartedMetric> metric,
            String part,
            @Nullable DeviceIdentity unit,
            long position,
            List<Chartable> out) {
        if (metric.isEmpty()) {
            notCharted.notChartedMetric++;
            return;
        }
        DeviceContext device = devices.apply(n.device());
        Instant effective = ChartingTime.effective(n, settings.maxClockSkew());
        // Seen whoever the reading is charted to: a frozen device is a property of the device's data.
        @Nullable String frozenValue = n instanceof NumericReading numeric ? frozen.accept(numeric, effective) : null;
        // Whom to chart it to is asked at the time it was taken: a reading taken before an admission is not the new
        // patient's, one taken after a discharge nobody's.
        Subjects.Subject subject = subjects.subjectOf(n, effective, device);
        if (subject instanceof Subjects.Subject.NotCharted) {
            notCharted.noPatient++;
            return;
        }
        if (subject instanceof Subjects.Subject.Held) {
            notCharted.quarantined++;
            if (quarantinedFrom < 0) {
                quarantinedFrom = position;
                quarantineVersion = subjects.version();
            }
            return;
        }
        Subjects.Subject.Charted to = (Subjects.Subject.Charted) subject;
        if (device == null) {
            notCharted.noPatient++; // no Device to name: not a configured device
            return;
        }
        String preliminary = null;
        ChartingValidation validation = settings.validation();
        CompoundReading.@Nullable Component pumpValue =
                n instanceof InfusionStatus pump ? pumpValue(pump, metric.get()) : null;
        if (n instanceof NumericReading numeric && numeric.isValid()) {
            preliminary = validation.implausible(numeric.metric(), numeric.value(), numeric.unit());
            if (preliminary == null) {
                preliminary = frozenValue;
            }
        } else if (pumpValue != null && pumpValue.isValid()) {
            preliminary = validation.implausible(pumpValue.metric(), pumpValue.value(), pumpValue.unit());
        } else if (n instanceof CompoundReading compound) {
            preliminary = validation.implausible(compound);
        }
        if (preliminary != null && validation.outOfRange() == ChartingValidation.OutOfRange.NOT_CHARTED) {
            notCharted.implausible++;
            return;
        }
        if (preliminary == null && validation.allPreliminary()) {
            preliminary = pumpValue != null
                    ? "charted unvalidated; nurses validate device data in the EHR"
                    : "charted unvalidated; nurses validate vital signs in the EHR";
        }
        if (settings.everyReading()) {
            // A pump reading holds several numbers: each Observation's identifier names its MDC code.
            out.add(new Chartable(
                    n,
                    metric.get(),
                    effective,
                    settings.gatewayId() + "/" + n.key() + (pumpValue != null ? "/" + code.mdc() : ""),
                    position,
                    to.reference(),
                    preliminary,
                    unit));
            return;
        }
        long seconds = settings.chartingInterval().toSeconds();
        long start = Math.floorDiv(effective.getEpochSecond(), seconds) * seconds;
        Series series = new Series(n.device(), part, code.mdc(), to.reference());
        Interval interval = open.get(series);
        if (interval != null && start < interval.start) {
            notCharted.late++;
            return;
        }
        if (interval != null && start > interval.start) {
            close(series, interval, out);
            interval = null;
        }
        if (interval == null) {
            interval = new Interval(start, closeAt(n, effective, start + seconds));
            open.put(series, interval);
        }
        if (!isValid(n, metric.get())) {
            notCharted.invalid++;
            return;
        }
        if (interval.held != null) {
            notCharted.superseded++;
        }
        interval.held = n;
        interval.heldMetric = metric.get();
        interval.heldEffective = effective;
        interval.heldSubject = to;
        interval.heldPreliminary = preliminary;
        interval.heldUnit = unit;
        interval.heldPosition = position;
        interval.closeAt = closeAt(n, effective, start + seconds);
    }

    /** When, on the receive clock, an interval ending at {@code endSecond} of charting time is surely complete. */
    private static Instant closeAt(Reading n, Instant effective, long endSecond) {
        Duration untilEnd = Duration.between(effective, Instant.ofEpochSecond(endSecond));
        return n.receivedAt().plus(untilEnd).plus(GRACE);
    }

    /** Closes the intervals whose time is up; returns what becomes chartable. */
    List<Chartable> flushDue(Instant now) {
        List<Chartable> out = new ArrayList<>(0);
        for (Iterator<Map.Entry<Series, Interval>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Series, Interval> e = it.next();
            if (!now.isBefore(e.getValue().closeAt)) {
                emit(e.getKey(), e.getValue(), out);
                it.remove();
            }
        }
        return out;
    }

    private void close(Series series, Interval interval, List<Chartable> out) {
        emit(series, interval, out);
        open.remove(series);
    }

    private void emit(Series series, Interval interval, List<Chartable> out) {
        Reading held = interval.held;
        ChartedMetric heldMetric = interval.heldMetric;
        Instant effective = interval.heldEffective;
        if (held == null || heldMetric == null || effective == null) {
            return;
        }
        long seconds = settings.chartingInterval().toSeconds();
        Subjects.Subject.@Nullable Charted to = interval.heldSubject;
        String id = settings.gatewayId() + "/" + series.name() + "/" + seconds + "s/"
                + Instant.ofEpochSecond(interval.start)
                + (to == null || to.association() == null ? "" : "/" + to.association());
        out.add(new Chartable(
                held,
                heldMetric,
                effective,
                id,
                interval.heldPosition,
                to == null ? null : to.reference(),
                interval.heldPreliminary,
                interval.heldUnit));
    }

    /** The earliest store position holding a value not yet charted, if any: the cursor must not commit past it. */
    OptionalLong earliestHeldPosition() {
        OptionalLong min = quarantinedFrom < 0 ? OptionalLong.empty() : OptionalLong.of(quarantinedFrom);
        for (Interval i : open.values()) {
            if (i.held != null && (min.isEmpty() || i.heldPosition < min.getAsLong())) {
                min = OptionalLong.of(i.heldPosition);
            }
        }
        return min;
    }

    /**
     * Whether readings are held in quarantine and the associations changed since: the consumer then reads again from
     * its committed position (which the quarantine kept before them), with a fresh policy.
     */
    boolean wantsReread() {
        return quarantinedFrom >= 0 && subjects.version() != quarantineVersion;
    }
}
