package org.bedside.drivers.ivue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DemographicsFingerprint;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.SessionLink;
import org.bedside.drivers.spi.SessionLostException;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * The conversation that keeps an IntelliVue monitor talking (§1.4–§1.7):
 *
 * <ol>
 *   <li>send the association request; the monitor accepts (AC), refuses (RF) or says nothing;
 *   <li>the monitor sends its MDS create event: answer it, and take its clocks as the time baseline;
 *   <li>start an extended poll of the numerics (all attributes, so that labels come with the first push), then one of
 *       the alerts, then, if asked for, set the wave priority list and poll the waves; each poll is renewed when the
 *       monitor ends it (or its period has passed);
 *   <li>whenever nothing was sent for {@link #KEEP_ALIVE}, send the keep-alive the programming guide recommends (a
 *       single poll of the alert monitor's static attributes): the monitor drops an association after 10 s without
 *       traffic from its client;
 *   <li>on stop, send a release request.
 * </ol>
 *
 * <p>The MDS create event names the monitor (its system id, manufacturer and model): from then on every poll result's
 * readings end with that {@link DeviceIdentity}, so that each record says which monitor its readings came from (a
 * monitor swapped at the bed is a new association, with its own MDS create event). A monitor that sends no system id
 * is named by nothing: its readings have no identity.
 *
 * <p>One request is in flight at a time: the next is sent only after the monitor answered the previous one (for an
 * extended poll, its first push). A refusal, an abort, a release by the monitor, a request unanswered within {@link
 * #REQUEST_TIMEOUT} or a monitor silent for {@link #SILENCE_TIMEOUT} ends the session with a {@link
 * SessionLostException}: the pipeline then reconnects and associates again.
 */
final class IvueSession implements DeviceSession {
    static final Duration ASSOCIATION_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(3);
    static final Duration SILENCE_TIMEOUT = Duration.ofSeconds(10);
    /** How often the patient demographics are polled (docs/patients.md, "Signs from the devices"). */
    static final Duration DEMOGRAPHICS_EVERY = Duration.ofSeconds(10);

    /** How long past its period an extended poll that the monitor never ended is taken to be over. */
    static final Duration POLL_GRACE = Duration.ofSeconds(3);
    /** An extended poll whose pushes stop for this long (while the monitor answers keep-alives) is renewed. */
    static final Duration POLL_STALE = Duration.ofSeconds(5);
    /** After the monitor rejects a request, it is tried again this much later. */
    static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(30);
    /** The minimum poll period we announce: below 3.3 s the monitor's inactivity timeout is 10 s (§1.4). */
    static final Duration MIN_POLL_PERIOD = Duration.ofSeconds(1);

    /** Wave labels for the priority list: ECG II, Pleth, Resp (TextIds, §1.11). */
    static final List<Long> WAVE_LABELS = List.of(0x0002_0102L, 0x0002_4BB4L, 0x0002_5000L);

    private enum Phase {
        NEW,
        ASSOCIATING,
        AWAITING_MDS,
        RUNNING,
        ENDED
    }

    private enum Kind {
        NUMERICS("the numerics poll"),
        ALERTS("the alerts poll"),
        WAVE_LIST("the wave priority list"),
        WAVES("the waves poll"),
        DEMOGRAPHICS("the demographics poll"),
        KEEP_ALIVE("the keep-alive");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    /** The request in flight. */
    private record Pending(Kind kind, int invokeId, long sentAt) {}

    /** An extended poll's life. */
    private static final class Poll {
        final Kind kind;
        boolean active;
        int invokeId = -1;
        long sentAt;
        long lastActivity;
        long retryAt;
        boolean retryPending;

        Poll(Kind kind) {
            this.kind = kind;
        }
    }

    private final DeviceId device;
    private final IvueOptions options;
    private final UnaryOperator<byte[]> framing;
    private final String setupHint;
    private final IvueContext context;
    private final @Nullable DemographicsFingerprint fingerprints;
    /** When the demographics were last asked for (or the polls began); -1 before the session runs. */
    private long demographicsAskedAt = -1;

    private final Poll numerics = new Poll(Kind.NUMERICS);
    private final Poll alerts = new Poll(Kind.ALERTS);
    private final Poll waves = new Poll(Kind.WAVES);

    private @Nullable SessionLink link;
    private Phase phase = Phase.NEW;
    private long phaseSince;
    private long lastSent;
    private long lastReceived;
    private @Nullable Pending pending;
    private boolean waveListSet;
    private long waveListRetryAt;
    private int nextInvokeId = 1;
    private int nextPollNumber = 1;
    private @Nullable String model;
    /** The monitor of this association, from its MDS create event; null until then, or when it sent no system id. */
    private @Nullable DeviceIdentity identity;

    private volatile String state = "not started";

    /**
     * @param framing wraps a message for the wire (the serial framing, or nothing on UDP)
     * @param setupHint what to check when the monitor does not answer, naming the transport's settings
     */
    IvueSession(DeviceId device, IvueOptions options, UnaryOperator<byte[]> framing, String setupHint) {
        this(device, options, framing, setupHint, null);
    }

    /**
     * @param fingerprints the installation's key for the demographics' fingerprint; null: their state without one
     */
    IvueSession(
            DeviceId device,
            IvueOptions options,
            UnaryOperator<byte[]> framing,
            String setupHint,
            @Nullable DemographicsFingerprint fingerprints) {
        this.fingerprints = fingerprints;
        this.device = device;
        this.options = options;
        this.framing = framing;
        this.setupHint = setupHint;
        this.context = new IvueContext(options.zone(), true);
    }

    @Override
    public void start(SessionLink link, long nowNanos) throws IOException {
        this.link = link;
        lastReceived = nowNanos;
        enter(Phase.ASSOCIATING, nowNanos, "associating");
        send(IvueRequests.associationRequest(MIN_POLL_PERIOD), nowNanos);
    }

    @Override
    public DecodeResult onFrame(ByteBuffer frame, Instant receivedAt, long nowNanos) throws IOException {
        lastReceived = nowNanos;
        IvueDecoding.Bytes b = IvueDecoding.Bytes.of(frame);
        IvueMessage m;
        try {
            m = IvueMessages.parse(b.data(), b.offset(), b.length());
            return handle(m, receivedAt, nowNanos);
        } catch (DecodeException e) {
            return IvueDecoding.failure(e, frame);
        }
    }

    private DecodeResult handle(IvueMessage m, Instant receivedAt, long now) throws IOException, DecodeException {
        if (m instanceof IvueMessage.AssociationAccept) {
            if (phase == Phase.ASSOCIATING) {
                enter(Phase.AWAITING_MDS, now, "associated, waiting for the MDS create event");
            }
            return none();
        }
        if (m instanceof IvueMessage.AssociationRefuse) {
            throw lost("the monitor refused the association (another client connected, or Data Export not enabled"
                    + " on this port?)");
        }
        if (m instanceof IvueMessage.Abort) {
            throw lost("the monitor aborted the association");
        }
        if (m instanceof IvueMessage.ReleaseRequest) {
            sendQuietly(IvueRequests.releaseResponse(), now);
            throw lost("the monitor released the association");
        }
        if (m instanceof IvueMessage.Invoke i) {
            return invoke(i, receivedAt, now);
        }
        if (m instanceof IvueMessage.Result r) {
            return result(r, receivedAt, now);
        }
        if (m instanceof IvueMessage.Error e) {
            Pending p = pending;
            if (p != null && p.invokeId() == e.invokeId()) {
                pending = null;
                rejected(p.kind(), e.errorValue(), now);
            }
            return none();
        }
        return none(); // release responses, association requests of another client
    }

    private DecodeResult invoke(IvueMessage.Invoke i, Instant receivedAt, long now)
            throws IOException, DecodeException {
        if (i.command() != IvueWire.CMD_CONFIRMED_EVENT_REPORT) {
            return none();
        }
        IvueReader peek =
                new IvueReader(i.body().array(), i.body().position(), i.body().remaining());
        int objectClass = peek.u16("managed object class");
        int objectContext = peek.u16("managed object context");
        int objectHandle = peek.u16("managed object handle");
        peek.u32("event time");
        int eventType = peek.u16("event type");
        IvueMdsCreate mds = IvueMdsCreate.parse(i.body());
        send(
                IvueRequests.eventReportResult(
                        i.invokeId(), objectClass, objectContext, objectHandle, currentTime(now), eventType),
                now);
        if (mds != null) {
            context.baseline(mds);
            model = mds.model();
            identity = mds.identity(device, null, receivedAt);
            if (phase == Phase.AWAITING_MDS || phase == Phase.ASSOCIATING) {
                enter(Phase.RUNNING, now, running());
                tick(now);
            }
            DeviceIdentity named = identity;
            if (named != null) {
                return DecodeResult.of(List.of(named));
            }
        }
        return none();
    }

    private DecodeResult result(IvueMessage.Result r, Instant receivedAt, long now)
            throws IOException, DecodeException {
        Pending p = pending;
        if (p != null && p.invokeId() == r.invokeId()) {
            pending = null;
            if (p.kind() == Kind.WAVE_LIST) {
                waveListSet = true;
            }
        }
        if (!IvueDecoding.isPollResult(r)) {
            return none();
        }
        IvuePollResult poll = IvuePollResult.parse(r.body());
        for (Poll x : List.of(numerics, alerts, waves)) {
            if (x.active && x.invokeId == r.invokeId()) {
                x.lastActivity = now;
                boolean ended = r.linkedState() == IvueWire.RORLS_LAST
                        || (!r.linked()
                                && poll.extended()
                                && poll.observations().isEmpty());
                if (ended) {
                    x.active = false;
                }
            }
        }
        return DecodeResult.of(
                identified(IvueDecoding.readings(device, poll, context, fingerprints, receivedAt), receivedAt));
    }

    /** The readings of a poll result, followed by the identity of the monitor when it is known. */
    private List<Reading> identified(List<Reading> readings, Instant receivedAt) {
        DeviceIdentity named = identity;
        if (named == null || readings.isEmpty()) {
            return readings;
        }
        List<Reading> out = new java.util.ArrayList<>(readings.size() + 1);
        out.addAll(readings);
        // The first reading's device time: the identity then shares the record's times (and takes no bytes for them).
        out.add(named.at(readings.get(0).deviceTime(), receivedAt));
        return out;
    }

    @Override
    public void onTick(long nowNanos) throws IOException {
        tick(nowNanos);
    }

    private void tick(long now) throws IOException {
        switch (phase) {
            case ASSOCIATING -> {
                if (now - phaseSince > ASSOCIATION_TIMEOUT.toNanos()) {
                    throw lost("no answer to the association request within " + ASSOCIATION_TIMEOUT.toSeconds() + " s: "
                            + setupHint);
                }
            }
            case AWAITING_MDS -> {
                if (now - phaseSince > ASSOCIATION_TIMEOUT.toNanos()) {
                    throw lost("associated, but no MDS create event within " + ASSOCIATION_TIMEOUT.toSeconds() + " s");
                }
            }
            case RUNNING -> running(now);
            default -> {
                // not started or ended: nothing to do
            }
        }
    }

    private void running(long now) throws IOException {
        if (demographicsAskedAt < 0) {
            demographicsAskedAt = now; // the first ask comes one period after the polls began
        }
        if (now - lastReceived > SILENCE_TIMEOUT.toNanos()) {
            throw lost("the monitor sent nothing for " + SILENCE_TIMEOUT.toSeconds() + " s");
        }
        Pending p = pending;
        if (p != null) {
            if (now - p.sentAt() > REQUEST_TIMEOUT.toNanos()) {
                throw lost("no answer to " + p.kind().what + " within " + REQUEST_TIMEOUT.toSeconds() + " s");
            }
            return;
        }
        for (Poll poll : List.of(numerics, alerts, waves)) {
            if (poll.active
                    && (now - poll.sentAt
                                    > options.pollPeriod().plus(POLL_GRACE).toNanos()
                            || now - poll.lastActivity > POLL_STALE.toNanos())) {
                poll.active = false; // over without an end the driver saw, or no longer pushing: renew
            }
        }
        if (due(numerics, now)) {
            extendedPoll(numerics, IvueWire.NOM_MOC_VMO_METRIC_NU, 0, now);
        } else if (due(alerts, now)) {
            extendedPoll(alerts, IvueWire.NOM_MOC_VMO_AL_MON, IvueWire.NOM_ATTR_GRP_AL_MON, now);
        } else if (options.waves() && !waveListSet && now - waveListRetryAt >= 0) {
            int invokeId = invokeId();
            request(Kind.WAVE_LIST, invokeId, IvueRequests.setWavePriorityList(invokeId, WAVE_LABELS), now);
        } else if (options.waves() && waveListSet && due(waves, now)) {
            extendedPoll(waves, IvueWire.NOM_MOC_VMO_METRIC_SA_RT, 0, now);
        } else if (now - lastSent >= KEEP_ALIVE.toNanos()
                && now - demographicsAskedAt >= DEMOGRAPHICS_EVERY.toNanos()) {
            // A single poll in place of a keep-alive: who is set up changes rarely, and a sign of it need not come
            // faster than this; the answer keeps the association alive as the keep-alive's would.
            demographicsAskedAt = now;
            singlePoll(Kind.DEMOGRAPHICS, IvueWire.NOM_MOC_PT_DEMOG, IvueWire.NOM_ATTR_GRP_PT_DEMOG, now);
        } else if (now - lastSent >= KEEP_ALIVE.toNanos()) {
            singlePoll(Kind.KEEP_ALIVE, IvueWire.NOM_MOC_VMO_AL_MON, IvueWire.NOM_ATTR_GRP_VMO_STATIC, now);
        }
    }

    private void singlePoll(Kind kind, int objectType, int attributeGroup, long now) throws IOException {
        int invokeId = invokeId();
        request(kind, invokeId, IvueRequests.singlePoll(invokeId, pollNumber(), objectType, attributeGroup), now);
    }

    private static boolean due(Poll poll, long now) {
        return !poll.active && (!poll.retryPending || now - poll.retryAt >= 0);
    }

    private void extendedPoll(Poll poll, int objectType, int attributeGroup, long now) throws IOException {
        int invokeId = invokeId();
        poll.active = true;
        poll.retryPending = false;
        poll.invokeId = invokeId;
        poll.sentAt = now;
        poll.lastActivity = now;
        request(
                poll.kind,
                invokeId,
                IvueRequests.extendedPoll(invokeId, pollNumber(), objectType, attributeGroup, options.pollPeriod()),
                now);
    }

    private void rejected(Kind kind, int error, long now) {
        String why = kind.what + " was refused by the monitor (remote operation error " + error + ")";
        long retry = now + RETRY_AFTER_ERROR.toNanos();
        switch (kind) {
            case NUMERICS, ALERTS, WAVES -> {
                Poll poll = kind == Kind.NUMERICS ? numerics : kind == Kind.ALERTS ? alerts : waves;
                poll.active = false;
                poll.retryPending = true;
                poll.retryAt = retry;
            }
            case WAVE_LIST -> waveListRetryAt = retry;
            case KEEP_ALIVE, DEMOGRAPHICS -> {
                // the refusal itself shows the association is alive; the demographics are asked again in their turn
            }
        }
        state = running() + "; " + why;
    }

    private void request(Kind kind, int invokeId, byte[] message, long now) throws IOException {
        pending = new Pending(kind, invokeId, now);
        send(message, now);
    }

    private void send(byte[] message, long now) throws IOException {
        SessionLink l = link;
        if (l == null) {
            throw new IllegalStateException("session not started");
        }
        l.send(framing.apply(message));
        lastSent = now;
    }

    private void sendQuietly(byte[] message, long now) {
        try {
            send(message, now);
        } catch (IOException e) {
            // the link is going anyway
        }
    }

    @Override
    public void stop() {
        Phase was = phase;
        phase = Phase.ENDED;
        if (was == Phase.RUNNING || was == Phase.AWAITING_MDS) {
            sendQuietly(IvueRequests.releaseRequest(), lastSent);
        }
        state = "released";
    }

    @Override
    public String state() {
        return state;
    }

    private String running() {
        String what = options.waves() ? "numerics, alerts and waves" : "numerics and alerts";
        return "associated" + (model == null ? "" : " with " + model) + ", polling " + what;
    }

    private void enter(Phase next, long now, String description) {
        phase = next;
        phaseSince = now;
        state = description;
    }

    private SessionLostException lost(String why) {
        phase = Phase.ENDED;
        state = why;
        return new SessionLostException(why);
    }

    private int invokeId() {
        int id = nextInvokeId;
        nextInvokeId = (nextInvokeId + 1) & 0xFFFF;
        return id;
    }

    private int pollNumber() {
        int n = nextPollNumber;
        nextPollNumber = (nextPollNumber + 1) & 0xFFFF;
        return n;
    }

    /** Our "current time" in event report results: the monitor ignores it; a RelativeTime from our clock. */
    private static long currentTime(long now) {
        return (now / IvueWire.RELATIVE_TIME_TICK_NANOS) & 0xFFFF_FFFFL;
    }

    private static DecodeResult none() {
        return DecodeResult.of(List.of());
    }

    int cachedObjects() {
        return context.objectCount();
    }
}
