package org.bedside.sim.ivue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.sim.ivue.MonitorEncoder.NibpMeasurement;
import org.bedside.sim.ivue.MonitorEncoder.Obj;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.VitalSigns;
import org.jspecify.annotations.Nullable;

/**
 * The monitor's protocol behaviour, without a transport or a thread: messages from the client in, messages to it out,
 * time as {@code nanoTime} values. {@link IntelliVueSimulator} runs it on a pseudo-terminal or a UDP socket.
 *
 * <ul>
 *   <li>An association request is accepted (AARE, then the MDS create event), or refused while a refusal fault is
 *       pending. A client silent for longer than its association allows (10 s when it asked for a minimum poll period
 *       under 3.3 s, §1.4) is dropped with an abort.
 *   <li>A single poll is answered with one result; an extended poll with a first linked result at once, one every
 *       push period (numerics and alerts; waves four times as often) for the poll's period, then a last linked result
 *       and an empty ordinary result that ends it. A new extended poll of the same object type replaces the old one.
 *   <li>Scenario second {@code n} is shown from {@code n} push periods after the start: a shorter period plays the
 *       scenario faster. The NIBP is measured every {@code nibpEvery} scenario seconds, from second 0; each push
 *       repeats the last measurement with its time, as a real monitor does. The monitor's clock is the wall clock.
 * </ul>
 */
final class SimulatedMonitor {
    /** The poll period assumed when an extended poll names none. */
    static final Duration DEFAULT_POLL_PERIOD = Duration.ofSeconds(10);

    /** An extended poll being served. */
    private static final class ExtendedPoll {
        final int invokeId;
        final int pollNumber;
        final int objectType;
        final int group;
        final long endsAt;
        final long every;
        long nextPush;
        int sequence;

        ExtendedPoll(int invokeId, int pollNumber, int objectType, int group, long endsAt, long every, long next) {
            this.invokeId = invokeId;
            this.pollNumber = pollNumber;
            this.objectType = objectType;
            this.group = group;
            this.endsAt = endsAt;
            this.every = every;
            this.nextPush = next;
        }
    }

    /** What the monitor showed at one numerics push: for tests that check nothing was invented. */
    record Shown(long second, VitalSigns vitals, @Nullable NibpMeasurement nibp, LocalDateTime time) {}

    private final Scenario scenario;
    private volatile List<MonitorPatient> patients = MonitorPatient.ONE_PATIENT;
    private final long pushNanos;
    private final int nibpEvery;
    private final WallClock clock;
    private final long startNanos;
    private final int logCapacity;
    private final Map<Integer, ExtendedPoll> polls = new LinkedHashMap<>();
    private final ArrayDeque<Shown> shown = new ArrayDeque<>();

    private long nibpAt = -1;
    private @Nullable LocalDateTime nibpTime;
    private boolean associated;
    private long inactivityNanos = Duration.ofSeconds(10).toNanos();
    private long lastFromClient;
    private int nextInvokeId = 1;
    private int refusalsPending;
    private long associations;
    private long refusals;
    private long drops;
    private long numericPushes;
    /** Scenario seconds a high-priority alarm stays latched after its condition went; 0: the monitor does not latch. */
    private final long latchSeconds;
    /** The alarms latched now, by identity, with the scenario second at which the simulated clinician resets them. */
    private final Map<Integer, Latch> latched = new LinkedHashMap<>();

    private List<MonitorEncoder.Alert> lastActive = List.of();

    private record Latch(MonitorEncoder.Alert alert, long resetAt) {}

    /** The monitor's wall clock, in its local time. */
    interface WallClock {
        LocalDateTime now();
    }

    /**
     * @param push the period of numerics and alerts results (1 s on a real monitor)
     * @param nibpEvery scenario seconds between two NIBP measurements
     */
    SimulatedMonitor(
            Scenario scenario, Duration push, int nibpEvery, WallClock clock, long startNanos, int logCapacity) {
        this(scenario, push, nibpEvery, clock, startNanos, logCapacity, Duration.ZERO);
    }

    /**
     * A monitor that latches its high-priority physiological alarms (as IntelliVue's alarm latching setting does for
     * red alarms): once the condition has gone, the alarm is listed with AL_LATCHED for {@code resetAfter}, then a
     * clinician resets it at the monitor and it is no longer listed.
     */
    SimulatedMonitor(
            Scenario scenario,
            Duration push,
            int nibpEvery,
            WallClock clock,
            long startNanos,
            int logCapacity,
            Duration resetAfter) {
        this.latchSeconds = resetAfter.toSeconds();
        this.scenario = scenario;
        this.pushNanos = push.toNanos();
        this.nibpEvery = nibpEvery;
        this.clock = clock;
        this.startNanos = startNanos;
        this.logCapacity = logCapacity;
    }

    /** Who the monitor is set up for, from which scenario second (a "new patient" step: a discharge, an admit). */
    void patients(List<MonitorPatient> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("the monitor shows some demographics, if only empty ones");
        }
        this.patients = steps.stream()
                .sorted(java.util.Comparator.comparingLong(MonitorPatient::fromSecond))
                .toList();
    }

    private MonitorPatient patientAt(long second) {
        MonitorPatient now = new MonitorPatient(0, MonitorPatient.EMPTY, "", "", "");
        for (MonitorPatient p : patients) {
            if (p.fromSecond() <= second) {
                now = p;
            }
        }
        return now;
    }

    boolean associated() {
        return associated;
    }

    long associations() {
        return associations;
    }

    long refusals() {
        return refusals;
    }

    /** Associations the monitor dropped for inactivity. */
    long drops() {
        return drops;
    }

    long numericPushes() {
        return numericPushes;
    }

    List<Shown> shown() {
        return List.copyOf(shown);
    }

    void refuseNext(int count) {
        refusalsPending += count;
    }

    /** Ends the association now, as a monitor does on an internal error: the abort to send. */
    List<byte[]> abort() {
        if (!associated) {
            return List.of();
        }
        endAssociation();
        return List.of(MonitorEncoder.abort());
    }

    /** The scenario second shown at {@code now}. */
    long second(long now) {
        return Math.max(0, (now - startNanos) / pushNanos);
    }

    /** The monitor's RelativeTime at {@code now}: 1/8 ms ticks since it started (plus an offset, as after boot). */
    long relativeTime(long now) {
        return (0x0100_0000L + (now - startNanos) / 125_000) & 0xFFFF_FFFFL;
    }

    /** When {@link #onTick} has something to do next. */
    long nextDue(long now) {
        long next = now + Duration.ofMillis(50).toNanos();
        for (ExtendedPoll p : polls.values()) {
            next = Math.min(next, p.nextPush);
        }
        return next;
    }

    List<byte[]> onMessage(byte[] m, long now) {
        if (m.length == 0) {
            return List.of();
        }
        lastFromClient = now;
        int first = m[0] & 0xFF;
        switch (first) {
            case MonitorWire.CN -> {
                return associate(m, now);
            }
            case MonitorWire.FN -> {
                endAssociation();
                return List.of(MonitorEncoder.releaseResponse());
            }
            case MonitorWire.AB -> {
                endAssociation();
                return List.of();
            }
            case MonitorWire.DATA_EXPORT -> {
                return associated ? dataExport(ByteBuffer.wrap(m), now) : List.of();
            }
            default -> {
                return List.of(); // not for a Data Export monitor
            }
        }
    }

    private List<byte[]> associate(byte[] request, long now) {
        if (refusalsPending > 0) {
            refusalsPending--;
            refusals++;
            endAssociation();
            return List.of(MonitorEncoder.refuse());
        }
        endAssociation();
        associated = true;
        associations++;
        inactivityNanos = inactivityTimeout(request).toNanos();
        return List.of(
                MonitorEncoder.associationAccept(),
                MonitorEncoder.mdsCreate(invokeId(), relativeTime(now), clock.now()));
    }

    /**
     * The association's inactivity timeout from the client's min_poll_period (§1.4): under 3.3 s, 10 s; under 43 s,
     * three times the period; otherwise 130 s. The DETT template puts the value at byte 0xBA of its 238 bytes.
     */
    static Duration inactivityTimeout(byte[] request) {
        if (request.length != 238) {
            return Duration.ofSeconds(10);
        }
        long ticks = ByteBuffer.wrap(request, 0xBA, 4).getInt() & 0xFFFF_FFFFL;
        Duration period = Duration.ofNanos(ticks * 125_000);
        if (period.compareTo(Duration.ofMillis(3300)) < 0) {
            return Duration.ofSeconds(10);
        }
        if (period.compareTo(Duration.ofSeconds(43)) < 0) {
            return period.multipliedBy(3);
        }
        return Duration.ofSeconds(130);
    }

    private void endAssociation() {
        associated = false;
        polls.clear();
    }

    private List<byte[]> dataExport(ByteBuffer b, long now) {
        try {
            b.position(4);
            int roType = b.getShort() & 0xFFFF;
            b.getShort(); // length
            if (roType != MonitorWire.ROIV) {
                return List.of(); // results of our event reports, errors
            }
            int invokeId = b.getShort() & 0xFFFF;
            int command = b.getShort() & 0xFFFF;
            b.getShort();
            switch (command) {
                case MonitorWire.CONFIRMED_ACTION -> {
                    return action(b, invokeId, now);
                }
                case MonitorWire.CONFIRMED_SET -> {
                    return List.of(MonitorEncoder.setResult(invokeId));
                }
                default -> {
                    return List.of(MonitorEncoder.error(invokeId, 9));
                }
            }
        } catch (RuntimeException e) {
            return List.of(); // a message the monitor cannot read is ignored, as a real one would
        }
    }

    private List<byte[]> action(ByteBuffer b, int invokeId, long now) {
        b.position(b.position() + 6 + 4); // managed object, scope
        int actionType = b.getShort() & 0xFFFF;
        b.getShort();
        int pollNumber = b.getShort() & 0xFFFF;
        b.getShort(); // partition
        int objectType = b.getShort() & 0xFFFF;
        int group = b.getShort() & 0xFFFF;
        if (actionType == MonitorWire.POLL) {
            return List.of(MonitorEncoder.pollResult(
                    false,
                    invokeId,
                    0,
                    pollNumber,
                    0,
                    relativeTime(now),
                    objectType,
                    group,
                    contextOf(objectType),
                    objects(objectType, group, now, true)));
        }
        if (actionType != MonitorWire.POLL_EXT) {
            return List.of(MonitorEncoder.error(invokeId, 9)); // no such action
        }
        Duration period = DEFAULT_POLL_PERIOD;
        if (b.remaining() >= 4) {
            int count = b.getShort() & 0xFFFF;
            b.getShort();
            for (int i = 0; i < count && b.remaining() >= 4; i++) {
                int id = b.getShort() & 0xFFFF;
                int length = b.getShort() & 0xFFFF;
                if (id == MonitorWire.ATTR_TIME_PD_POLL && length == 4) {
                    period = Duration.ofNanos((b.getInt() & 0xFFFF_FFFFL) * 125_000);
                } else {
                    b.position(b.position() + length);
                }
            }
        }
        long every = objectType == MonitorWire.WAVES ? pushNanos / 4 : pushNanos;
        ExtendedPoll poll =
                new ExtendedPoll(invokeId, pollNumber, objectType, group, now + period.toNanos(), every, now + every);
        polls.put(objectType, poll);
        return List.of(push(poll, MonitorWire.LINKED_FIRST, now, true));
    }

    List<byte[]> onTick(long now) {
        List<byte[]> out = new ArrayList<>();
        if (associated && now - lastFromClient > inactivityNanos) {
            drops++;
            out.addAll(abort());
            return out;
        }
        for (Iterator<ExtendedPoll> it = polls.values().iterator(); it.hasNext(); ) {
            ExtendedPoll p = it.next();
            if (now - p.nextPush < 0) {
                continue;
            }
            p.nextPush += p.every;
            if (now - p.nextPush > 4 * p.every) {
                p.nextPush = now + p.every; // fell behind (a paused JVM): carry on from now, no burst
            }
            if (now - p.endsAt >= 0) {
                out.add(push(p, MonitorWire.LINKED_LAST, now, false));
                out.add(MonitorEncoder.pollResult(
                        true,
                        p.invokeId,
                        0,
                        p.pollNumber,
                        p.sequence,
                        relativeTime(now),
                        p.objectType,
                        p.group,
                        0,
                        List.of()));
                it.remove();
            } else {
                out.add(push(p, MonitorWire.LINKED_MIDDLE, now, false));
            }
        }
        return out;
    }

    private byte[] push(ExtendedPoll p, int linkedState, long now, boolean first) {
        byte[] m = MonitorEncoder.pollResult(
                true,
                p.invokeId,
                linkedState,
                p.pollNumber,
                p.sequence,
                relativeTime(now),
                p.objectType,
                p.group,
                contextOf(p.objectType),
                objects(p.objectType, p.group, now, first));
        p.sequence = (p.sequence + 1) & 0xFFFF;
        return m;
    }

    private static int contextOf(int objectType) {
        return objectType == MonitorWire.ALERTS ? 0 : 1;
    }

    private List<Obj> objects(int objectType, int group, long now, boolean first) {
        long second = second(now);
        VitalSigns v = scenario.at(second);
        boolean withStatic = first && group == MonitorWire.GROUP_ALL;
        return switch (objectType) {
            case MonitorWire.NUMERICS -> {
                NibpMeasurement nibp = nibp(second);
                record(second, v, nibp);
                yield MonitorEncoder.numerics(v, nibp, withStatic);
            }
            case MonitorWire.ALERTS ->
                group == MonitorWire.GROUP_VMO_STATIC
                        ? List.of(new Obj(
                                0,
                                List.of(new MonitorEncoder.Ava(
                                        MonitorWire.ATTR_HANDLE,
                                        new MonitorWire.Out().u16(0).toBytes()))))
                        : MonitorEncoder.alertMonitor(latching(MonitorEncoder.alerts(v), second));
            case MonitorWire.DEMOGRAPHICS -> MonitorEncoder.demographics(patientAt(second));
            case MonitorWire.WAVES ->
                MonitorEncoder.waves((now - startNanos) / 1e9, pushNanos / 4 / 1e9, v.heartRate(), withStatic);
            default -> List.of();
        };
    }

    /** The alerts to list: those present now, and the high-priority ones gone since that the monitor holds latched. */
    private List<MonitorEncoder.Alert> latching(List<MonitorEncoder.Alert> active, long second) {
        if (latchSeconds == 0) {
            return active;
        }
        List<Integer> present =
                active.stream().map(MonitorEncoder.Alert::identity).toList();
        for (MonitorEncoder.Alert a : lastActive) {
            if (a.type() >= MonitorEncoder.HI_PRI_P_AL && !present.contains(a.identity())) {
                latched.putIfAbsent(a.identity(), new Latch(a, second + latchSeconds));
            }
        }
        lastActive = active;
        latched.keySet().removeAll(present); // present again: active, no longer latched
        latched.values().removeIf(l -> second >= l.resetAt()); // reset at the monitor: no longer listed
        List<MonitorEncoder.Alert> listed = new ArrayList<>(active);
        latched.values().forEach(l -> listed.add(l.alert().latched()));
        return listed;
    }

    /** The last NIBP measurement at scenario second {@code second}: taken at the last multiple of nibpEvery. */
    private @Nullable NibpMeasurement nibp(long second) {
        long at = second / nibpEvery * nibpEvery;
        VitalSigns v = scenario.at(at);
        if (v.nibpSystolic() == null && v.nibpDiastolic() == null) {
            return null;
        }
        if (at != nibpAt || nibpTime == null) {
            // the measurement's time is fixed when it is first shown: every later push repeats it unchanged
            long secondsAgo = (second - at) * pushNanos / 1_000_000_000L;
            nibpAt = at;
            nibpTime = clock.now().minusSeconds(secondsAgo).withNano(0);
        }
        return new NibpMeasurement(v.nibpSystolic(), v.nibpDiastolic(), v.nibpMean(), nibpTime);
    }

    private void record(long second, VitalSigns v, @Nullable NibpMeasurement nibp) {
        numericPushes++;
        if (shown.size() == logCapacity) {
            shown.removeFirst();
        }
        shown.addLast(new Shown(second, v, nibp, clock.now()));
    }

    private int invokeId() {
        int id = nextInvokeId;
        nextInvokeId = (nextInvokeId + 1) & 0xFFFF;
        return id;
    }
}
