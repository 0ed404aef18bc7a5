package org.bedside.uplink;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.ConsumerStatus;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.model.DeviceId;

/**
 * The FHIR uplink: the buffer's one consumer loop ({@link BufferConsumer}, cursor {@value #CURSOR}) driving the FHIR
 * sink. The consumer reads, batches, retries and commits; the sink charts what the policy picks and uploads it as
 * transaction Bundles of conditional creates. The cursor commits only after the server's 2xx, and only up to the first
 * record whose value is still held by an open charting interval; after a crash the uplink re-reads from there, and the
 * deterministic identifiers make the replay create nothing twice.
 */
public final class UplinkWorker implements AutoCloseable {
    public static final String CURSOR = "uplink";
    /** The main cursor this far behind the present (plus two charting intervals) means a backlog: live data first. */
    static final int LIVE_LAG_SECONDS = 30;

    private final FhirSink sink;
    private final BufferConsumer<Chartable> consumer;

    public UplinkWorker(
            UplinkSettings settings,
            ReadingStore store,
            Map<DeviceId, DeviceContext> devices,
            DeadLetterStore deadLetters,
            InstantSource clock) {
        this(settings, store, devices, deadLetters, clock, TrustedClock.ALWAYS);
    }

    /**
     * @param trustedClock corrects the receive times of records written while the wall clock was not trustworthy
     */
    public UplinkWorker(
            UplinkSettings settings,
            ReadingStore store,
            Map<DeviceId, DeviceContext> devices,
            DeadLetterStore deadLetters,
            InstantSource clock,
            TrustedClock trustedClock) {
        this(settings, store, devices, Subjects.configured(), deadLetters, clock, trustedClock);
    }

    /**
     * @param subjects whom each reading is charted to, at the time it was taken (the configured patients, or the beds'
     *     associations)
     */
    public UplinkWorker(
            UplinkSettings settings,
            ReadingStore store,
            Map<DeviceId, DeviceContext> devices,
            Subjects subjects,
            DeadLetterStore deadLetters,
            InstantSource clock,
            TrustedClock trustedClock) {
        this.sink = new FhirSink(settings, devices, subjects, clock);
        this.consumer = new BufferConsumer<>(consumerSettings(settings), store, sink, deadLetters, clock, trustedClock);
    }

    /**
     * A consumer of its own that charts again from the start of the buffer what {@code subjects} gives to a patient,
     * under the cursor {@code cursorName}, with the uplink's settings, sink and identifiers: the replay of a release of
     * held readings (docs/patients.md). The server's conditional creates make what the uplink charted already harmless.
     */
    public static BufferConsumer<Chartable> replay(
            String cursorName,
            UplinkSettings settings,
            ReadingStore store,
            Map<DeviceId, DeviceContext> devices,
            Subjects subjects,
            DeadLetterStore deadLetters,
            InstantSource clock,
            TrustedClock trustedClock) {
        ConsumerSettings c = consumerSettings(settings);
        return new BufferConsumer<>(
                new ConsumerSettings(
                        cursorName,
                        c.batchSize(),
                        c.retryInitialDelay(),
                        c.retryMaxDelay(),
                        Duration.ofDays(36500), // no live lane: the live readings are the uplink's
                        c.idlePoll(),
                        c.poisonAfter(),
                        c.rejectedWindow()),
                store,
                new FhirSink(settings, devices, subjects, clock),
                deadLetters,
                clock,
                trustedClock);
    }

    /**
     * The uplink's loop settings: a Bundle's worth per batch; in per-interval charting the cursor normally lags by up to
     * an interval (it holds the open one), so only a lag well beyond that is a backlog.
     */
    static ConsumerSettings consumerSettings(UplinkSettings settings) {
        Duration liveLag = Duration.ofSeconds(LIVE_LAG_SECONDS)
                .plus(settings.chartingInterval().multipliedBy(2));
        return ConsumerSettings.of(
                CURSOR, settings.maxBundleEntries(), settings.retryInitialDelay(), settings.retryMaxDelay(), liveLag);
    }

    public void start() {
        consumer.start();
    }

    /** Asks the uplink to look at the buffer now rather than at its next poll. */
    public void wake() {
        consumer.wake();
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** The consumer loop underneath, for health (its thread, its turns) and the list of consumers. */
    public BufferConsumer<?> consumer() {
        return consumer;
    }

    public UplinkStatus status() {
        ConsumerStatus c = consumer.status();
        UplinkStatus.State state = UplinkStatus.State.valueOf(c.state().name());
        String lastSent = sink.lastSent();
        String detail = state == UplinkStatus.State.ONLINE
                        && lastSent != null
                        && c.detail().startsWith("delivered")
                ? lastSent
                : c.detail();
        return new UplinkStatus(
                state,
                detail,
                c.since(),
                c.lastSuccessAt(),
                sink.bundlesAccepted(),
                sink.created(),
                sink.matched(),
                c.retries(),
                c.rejections(),
                c.deadLettered(),
                c.deadLettersWaiting(),
                sink.backfilled(),
                sink.notCharted(c.clockNeverTrusted()),
                sink.lastCharted());
    }

    /** Told of every Bundle the server accepted: the identifiers of its Observations. For benchmarks and tests. */
    @FunctionalInterface
    public interface AcceptedListener {
        void accepted(List<String> identifiers);
    }

    public void onAccepted(AcceptedListener listener) {
        sink.onAccepted(listener);
    }

    /**
     * Sends a dead letter again (after its cause was fixed on the server).
     *
     * @return what the server said, in words
     */
    public String retryDeadLetter(String id) throws IOException {
        return consumer.retryDeadLetter(id);
    }

    public DeadLetterStore deadLetters() {
        return consumer.deadLetters();
    }
}
