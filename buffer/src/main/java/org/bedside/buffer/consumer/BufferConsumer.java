package org.bedside.buffer.consumer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.ClockStamp;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.common.Backoff;
import org.bedside.common.RateLimitedLog;
import org.bedside.drivers.replay.Replay;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that drives a {@link Sink} from the buffer, on a thread of its own: read records through the consumer's
 * named cursor, translate them into items, deliver them in batches, and commit the cursor only after the destination
 * acknowledged — and only up to the first record whose content a translator still holds or whose items still wait.
 *
 * <ul>
 *   <li><b>Clock.</b> Records stamped while the gateway's wall clock was not trustworthy are delivered with their
 *       receive times corrected once it is; while the running boot's clock is not yet trusted, such a record waits, and
 *       everything after it. Records of an earlier boot whose clock never became trusted cannot be placed in time: they
 *       are counted and not delivered. A sink that {@linkplain Sink#takesUntrustedTimes() takes untrusted times} (the
 *       alarm path) gets them at once, as stamped.
 *   <li><b>Failed deliveries.</b> {@link Delivery.Retry}: the same batch again, with exponential back-off and full
 *       jitter, never sooner than the destination's {@code Retry-After}; nothing more is read meanwhile.
 *       {@link Delivery.Refused}: the refused items go to the dead letters and the line keeps moving — unless
 *       everything is refused and nothing was accepted lately, which points at the destination or the configuration:
 *       then nothing is dead-lettered, the state is {@code REJECTED} and the batch is retried slowly.
 *   <li><b>Backlog, live first.</b> When the main cursor is more than {@code liveLag} behind the present, a second,
 *       in-memory cursor reads from the end of the store, and each round delivers what arrived live before one batch of
 *       the backlog: neither starves. Live means received within {@code liveLag}: a record older than that when the
 *       live lane reaches it (the lane opened before the destination went away) is passed over and left to the main
 *       cursor, so that after an outage what arrives now goes before the outage's records. A round of the backlog reads whole records until it has a batch's worth and sends
 *       only full batches; the tail waits for the next round (a small batch costs a server nearly as much as a full one).
 *   <li><b>It never dies.</b> An unexpected error (the sink or the store throws) is logged once per cause per minute,
 *       counted and shown in the status, and the consumer starts again from its committed position after a back-off.
 *       The same error at the same record {@code poisonAfter} times makes it read one record at a time; a record that
 *       then fails {@code poisonAfter} times again goes to the dead letters with the error, and is skipped from then on,
 *       so that one poisoned record never holds back what is behind it.
 *   <li><b>Batches in flight.</b> A sink whose {@linkplain Sink#pipelineDepth() pipeline depth} is above 1 gets the
 *       main lane's batches through {@link Sink#deliverAsync}: the consumer reads and translates the next batch while
 *       up to that many wait for their acknowledgements, takes their outcomes strictly in order, and commits only up to
 *       the first record with an item still on its way. Any outcome but delivered makes it wait for every batch still on
 *       its way and deliver again one batch at a time, from the first batch not delivered, as for any other sink. The
 *       live lane, one-at-a-time isolation, and a round with nothing new to read wait for the batches on their way
 *       first.
 * </ul>
 *
 * <p>Appends wake the consumer through the store's append listener; an idle consumer also looks every
 * {@code idlePoll}.
 */
public final class BufferConsumer<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BufferConsumer.class);
    /** Waits are cut into slices of at most this, so that the loop is seen turning (a watchdog) while it waits. */
    private static final long WAIT_SLICE_MILLIS = 1000;
    /** At most this many records too old to be live are passed over by the live lane in one round. */
    private static final int MAX_PASSED_OVER = 10_000;
    /** How a record that was put into dead letters is known again, across restarts and salvages (positions change). */
    static final String RECORD_IDENTIFIER_PREFIX = "record:";

    private final ConsumerSettings settings;
    private final ReadingStore store;
    private final Sink<T> sink;
    private final DeadLetterStore deadLetters;
    private final InstantSource clock;
    private final TrustedClock trustedClock;
    private final Backoff backoff;
    private final Backoff failureBackoff;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    private final Object wakeUp = new Object();
    /** Set by {@link #wake} (under {@code wakeUp}): an idle pause ends early. */
    private boolean woken;

    // The loop's state, touched by the consumer's thread only.
    private @Nullable ReadingCursor cursor;
    private @Nullable ReadingCursor live;
    private @Nullable Translator<T> main;
    private @Nullable Translator<T> liveTranslator;
    /** Positions read through the main cursor since the last commit, in order. */
    private final ArrayDeque<Long> uncommitted = new ArrayDeque<>();
    /** The tail of a backlog round that did not fill a batch: delivered with the next round. */
    private final List<Item<T>> carried = new ArrayList<>();
    /** Batches handed to {@link Sink#deliverAsync} whose outcome was not taken yet, oldest first (main lane only). */
    private final ArrayDeque<InFlight<T>> inFlight = new ArrayDeque<>();
    /** A record read but waiting for the wall clock of its boot to become trustworthy. */
    private @Nullable StoredRecord waitingForClock;

    private @Nullable Instant lastReadReceivedAt;
    /** The position being translated or delivered, for telling where an unexpected error happened. */
    private long workingOn = ReadingStore.NONE;
    /** The last position the main cursor read in this run. */
    private long lastRead = ReadingStore.NONE;

    private @Nullable String lastFailureSignature;
    private int sameFailures;
    /** While set, records up to this position are read and delivered one at a time, to find a poisoned one. */
    private long isolateThrough = ReadingStore.NONE;
    /** The sink's owed work (a withdrawal) was retried at the last round. */
    private boolean owedRetrying;
    /** Identifiers of records put into dead letters as failing: skipped when read again. */
    private final Set<String> poisoned = new HashSet<>();

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong clockCorrected = new AtomicLong();
    private final AtomicLong clockNeverTrusted = new AtomicLong();

    private volatile ConsumerState state = ConsumerState.STARTING;
    private volatile String detail = "starting";
    private volatile Instant since;
    private volatile @Nullable Instant lastSuccessAt;
    private volatile @Nullable String lastFailure;
    private volatile long lastTurnNanos = System.nanoTime();
    private volatile boolean running;
    private @Nullable Thread thread;

    /** A batch on its way: its items, the earliest of their positions, and what will become of it. */
    private record InFlight<T>(List<Item<T>> items, long earliest, CompletableFuture<Delivery<T>> outcome) {}

    public BufferConsumer(
            ConsumerSettings settings,
            ReadingStore store,
            Sink<T> sink,
            DeadLetterStore deadLetters,
            InstantSource clock,
            TrustedClock trustedClock) {
        this.settings = settings;
        this.store = store;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.trustedClock = trustedClock;
        this.backoff = new Backoff(settings.retryInitialDelay(), settings.retryMaxDelay());
        // An unexpected error waits like a failed delivery: the destination's own back-off.
        this.failureBackoff = new Backoff(settings.retryInitialDelay(), settings.retryMaxDelay());
        this.since = clock.instant();
    }

    public String name() {
        return settings.name();
    }

    public ConsumerSettings settings() {
        return settings;
    }

    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    /**
     * Sends one dead letter to the destination again, through the sink ({@link Sink#redeliver}); a letter the
     * destination accepts moves to {@code retried/}, any other stays. The same for every consumer: {@code bedside
     * dead-letters retry --consumer NAME ID}.
     *
     * @return what became of it, in words
     * @throws IOException when the letter cannot be read or moved
     */
    public String retryDeadLetter(String id) throws IOException {
        DeadLetterStore.DeadLetter letter =
                deadLetters.get(id).orElseThrow(() -> new IOException("no dead letter " + id + " of " + name()));
        Sink.Redelivery r = sink.redeliver(letter);
        if (r.accepted()) {
            deadLetters.markRetried(id);
        }
        return r.result();
    }

    /** Starts the consumer's thread; appends to the store wake it from now on. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("consumer " + settings.name() + " already started");
        }
        running = true;
        store.addAppendListener(this::wake);
        Thread t = new Thread(this::run, "consumer-" + settings.name());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Asks the consumer to look at the buffer now rather than at its next poll. Cheap; callable from any thread. */
    public void wake() {
        synchronized (wakeUp) {
            woken = true;
            wakeUp.notifyAll();
        }
    }

    /** Stops the thread (interrupting a delivery in progress) and waits up to 10 s for it to end. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        wake();
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        setState(ConsumerState.STOPPED, "stopped");
    }

    /** Whether the consumer's thread is running (false before start, after close, or if it ended: it never should). */
    public boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    public ConsumerStatus status() {
        return new ConsumerStatus(
                settings.name(),
                state,
                detail,
                since,
                lastSuccessAt,
                delivered.get(),
                retries.get(),
                rejections.get(),
                deadLettered.get(),
                deadLetters.count(),
                failures.get(),
                lastFailure,
                clockCorrected.get(),
                clockNeverTrusted.get(),
                live != null,
                lastTurnNanos);
    }

    private void run() {
        loadPoisoned();
        while (running) {
            lastTurnNanos = System.nanoTime();
            try {
                ReadingCursor c = cursor;
                if (c == null) {
                    c = store.cursor(settings.name());
                    cursor = c;
                    main = sink.translator(Lane.MAIN);
                }
                if (!round(c)) {
                    pause(settings.idlePoll());
                }
            } catch (Throwable t) { // NOPMD: a consumer never dies; the error is logged, counted and shown
                if (!running) {
                    break;
                }
                onFailure(t);
            }
        }
        closeCursors();
    }

    /**
     * One round; returns whether there was anything to do. While the main cursor is far behind (a backlog after an
     * outage), each round first delivers what arrived live, then one batch of the backlog.
     */
    private boolean round(ReadingCursor c) throws StoreException, IOException {
        Delivery.Retry<T> owed = sink.owedWork(store, c.committedPosition());
        if (owed != null) {
            owedRetrying = true;
            sleepUnlessStopped(retryWait(owed));
            return true;
        }
        if (owedRetrying) {
            owedRetrying = false;
            backoff.reset();
            setState(ConsumerState.ONLINE, "owed work done (a withdrawal)");
        }
        boolean didWork = false;
        if (lastReadReceivedAt == null && live == null) {
            // Caught up, or just (re)started: is there a backlog waiting? Seen before the first record is read, so that
            // live records get their own cursor from the start.
            lastReadReceivedAt = store.oldestPending(settings.name()).orElse(null);
        }
        if (isolateThrough != ReadingStore.NONE && c.committedPosition() >= isolateThrough) {
            LOG.info("Consumer {}: past the records that failed; reading in batches again", settings.name());
            isolateThrough = ReadingStore.NONE;
        }
        if (inBacklog() && isolateThrough == ReadingStore.NONE) {
            ReadingCursor l = live;
            if (l == null) {
                l = store.liveCursor();
                live = l;
                liveTranslator = sink.translator(Lane.LIVE);
                LOG.info(
                        "Consumer {}: draining a backlog (oldest waiting reading {}); live readings go first",
                        settings.name(),
                        lastReadReceivedAt);
            }
            didWork = liveRound(l, java.util.Objects.requireNonNull(liveTranslator));
        } else if (live != null) {
            closeLive();
            LOG.info("Consumer {}: the backlog is drained", settings.name());
        }
        return backlogRound(c, java.util.Objects.requireNonNull(main)) || didWork;
    }

    private boolean inBacklog() {
        Instant last = lastReadReceivedAt;
        return last != null && last.isBefore(clock.instant().minus(settings.liveLag()));
    }

    private boolean liveRound(ReadingCursor l, Translator<T> translator) throws StoreException, IOException {
        List<Item<T>> items = new ArrayList<>();
        boolean readAny = false;
        // A record received longer than the live lag ago is no longer live: the lane opened before the destination
        // went away (or fell behind) and would otherwise serve the outage's records ahead of what arrives now. It is
        // left to the main cursor, which delivers everything; at most this many are passed over per round.
        Instant stale = clock.instant().minus(settings.liveLag());
        int passedOver = 0;
        StoredRecord record;
        while (items.size() < settings.batchSize() && passedOver < MAX_PASSED_OVER && (record = l.next()) != null) {
            readAny = true;
            if (!record.readings().isEmpty()
                    && record.readings().get(0).receivedAt().isBefore(stale)) {
                passedOver++;
                continue;
            }
            // Untrusted times are left to the main cursor, which waits for the clock or corrects them.
            if (record.clock() == null && !isPoisoned(record)) {
                workingOn = record.position();
                items.addAll(translator.accept(record));
            }
        }
        items.addAll(translator.flushDue(clock.instant()));
        if (!items.isEmpty() && !settleAll()) {
            workingOn = ReadingStore.NONE;
            return true; // stopping
        }
        for (int from = 0; from < items.size() && running; from += settings.batchSize()) {
            if (!deliver(items.subList(from, Math.min(items.size(), from + settings.batchSize())))) {
                break;
            }
        }
        workingOn = ReadingStore.NONE;
        return readAny || !items.isEmpty();
    }

    private boolean backlogRound(ReadingCursor c, Translator<T> translator) throws StoreException, IOException {
        boolean isolating = isolateThrough != ReadingStore.NONE;
        if (isolating && !settleAll()) {
            return true; // stopping
        }
        boolean pipelined = !isolating && sink.pipelineDepth() > 1;
        int batch = isolating ? 1 : settings.batchSize();
        List<Item<T>> items = new ArrayList<>(carried);
        carried.clear();
        boolean readAny = false;
        boolean full;
        StoredRecord record;
        while (!(full = items.size() >= batch || (isolating && readAny)) && (record = nextTrusted(c)) != null) {
            uncommitted.add(record.position());
            lastRead = record.position();
            readAny = true;
            if (!record.readings().isEmpty()) {
                lastReadReceivedAt = record.readings().get(0).receivedAt();
            }
            if (isPoisoned(record)) {
                continue;
            }
            workingOn = record.position();
            items.addAll(translator.accept(record));
        }
        if (!readAny) {
            lastReadReceivedAt = null; // caught up
        }
        items.addAll(translator.flushDue(clock.instant()));
        if (!readAny && items.isEmpty()) {
            // Nothing new: the batches on their way are waited for, so that their records are committed now.
            if (!settleAll()) {
                workingOn = ReadingStore.NONE;
                return true; // stopping
            }
            if (state == ConsumerState.STARTING) {
                setState(ConsumerState.ONLINE, "nothing to deliver yet");
            }
            commit(c, translator);
            workingOn = ReadingStore.NONE;
            if (translator.wantsReread()) {
                LOG.info("Consumer {}: held records are read again (what they depend on changed)", settings.name());
                restart();
                return true;
            }
            return false;
        }
        // A round that stopped reading because it had a batch's worth probably has more waiting (a backlog): its tail
        // goes with the next round rather than as a small batch of its own. One at a time while isolating.
        int send = full && !isolating ? items.size() - items.size() % batch : items.size();
        for (int from = 0; from < send && running; from += batch) {
            List<Item<T>> part = items.subList(from, Math.min(send, from + batch));
            if (!(pipelined ? submit(List.copyOf(part)) : deliver(part))) {
                workingOn = ReadingStore.NONE;
                return true; // stopping
            }
        }
        carried.addAll(items.subList(send, items.size()));
        commit(c, translator);
        if (translator.wantsReread()) {
            if (!settleAll()) {
                workingOn = ReadingStore.NONE;
                return true; // stopping
            }
            LOG.info("Consumer {}: held records are read again (what they depend on changed)", settings.name());
            restart();
            return true;
        }
        if (items.isEmpty() && state == ConsumerState.STARTING) {
            setState(ConsumerState.ONLINE, "nothing delivered yet");
        }
        workingOn = ReadingStore.NONE;
        return true;
    }

    /**
     * The next record with receive times that can be delivered: as stored when the wall clock was trusted; corrected by
     * the boot's trusted offset when it was not; nothing yet while the running boot's clock is still untrusted. A sink
     * that {@linkplain Sink#takesUntrustedTimes() takes untrusted times} gets every record as stored, at once.
     */
    private @Nullable StoredRecord nextTrusted(ReadingCursor c) throws StoreException {
        StoredRecord record = waitingForClock != null ? waitingForClock : c.next();
        waitingForClock = null;
        if (record == null || record.clock() == null || sink.takesUntrustedTimes()) {
            return record;
        }
        ClockStamp stamp = record.clock();
        OptionalLong trusted = trustedClock.trustedOffset(stamp.bootId());
        if (trusted.isEmpty()) {
            if (stamp.bootId().equals(trustedClock.currentBoot())) {
                waitingForClock = record;
                if (state != ConsumerState.RETRYING) {
                    setState(
                            ConsumerState.ONLINE,
                            "readings wait for the gateway's clock to be synchronised (NTP) before they are delivered");
                }
                return null;
            }
            clockNeverTrusted.addAndGet(record.readings().size());
            return new StoredRecord(record.position(), List.of(), null);
        }
        Duration correction = Duration.ofNanos(trusted.getAsLong() - stamp.offsetNanos());
        List<Reading> corrected = new ArrayList<>(record.readings().size());
        for (Reading r : record.readings()) {
            corrected.add(r.withReceivedAt(r.receivedAt().plus(correction)));
        }
        clockCorrected.addAndGet(corrected.size());
        return new StoredRecord(record.position(), corrected, null);
    }

    /**
     * Commits up to the last record read that nothing still needs: everything before it was delivered (acknowledged)
     * or is not to be delivered.
     */
    private void commit(ReadingCursor c, Translator<T> translator) throws StoreException {
        long held = translator.heldPosition().orElse(Long.MAX_VALUE);
        for (Item<T> i : carried) {
            held = Math.min(held, i.position());
        }
        for (InFlight<T> f : inFlight) {
            held = Math.min(held, f.earliest());
        }
        long target = ReadingStore.NONE;
        while (!uncommitted.isEmpty() && uncommitted.peekFirst() < held) {
            target = uncommitted.pollFirst();
        }
        if (target != ReadingStore.NONE && target > c.committedPosition()) {
            c.commit(target);
        }
    }

    /**
     * Delivers a batch until the destination has it: retries what is worth retrying; dead-letters what it refuses one
     * by one, unless it refuses everything and accepted nothing lately.
     *
     * @return false only when the consumer is stopping
     */
    private boolean deliver(List<Item<T>> part) throws IOException {
        while (running) {
            workingOn = part.get(0).position();
            Delivery<T> outcome = sink.deliver(part);
            Duration wait;
            if (outcome instanceof Delivery.Delivered) {
                onDelivered(part.size());
                return true;
            } else if (outcome instanceof Delivery.Retry<T> r) {
                wait = retryWait(r);
            } else {
                Delivery.Refused<T> refused = (Delivery.Refused<T>) outcome;
                if (refused.accepted() > 0) {
                    onDelivered(refused.accepted());
                }
                if (refused.accepted() == 0 && !acceptedLately()) {
                    rejections.incrementAndGet();
                    wait = settings.retryMaxDelay();
                    Delivery.Refusal<T> first = refused.refused().get(0);
                    LOG.error(
                            "Consumer {}: the destination refuses everything ({} items): {}",
                            settings.name(),
                            refused.refused().size(),
                            first.reason());
                    setState(ConsumerState.REJECTED, first.reason() + "; trying again in " + wait.toSeconds() + " s");
                } else {
                    for (Delivery.Refusal<T> r : refused.refused()) {
                        deadLetter(r);
                    }
                    return true;
                }
            }
            sleepUnlessStopped(wait);
        }
        return false;
    }

    /**
     * Hands a batch to the sink's asynchronous delivery, after taking the outcomes of the oldest batches on their way
     * while the pipeline is full or they are already known.
     *
     * @return false only when the consumer is stopping
     */
    private boolean submit(List<Item<T>> part) throws IOException {
        while (!inFlight.isEmpty()
                && (inFlight.size() >= sink.pipelineDepth()
                        || inFlight.peekFirst().outcome().isDone())) {
            if (!settleOldest()) {
                return false;
            }
        }
        long earliest = Long.MAX_VALUE;
        for (Item<T> i : part) {
            earliest = Math.min(earliest, i.position());
        }
        workingOn = part.get(0).position();
        inFlight.addLast(new InFlight<>(part, earliest, sink.deliverAsync(part)));
        return true;
    }

    /** Takes the outcomes of every batch on its way, in order. @return false only when the consumer is stopping */
    private boolean settleAll() throws IOException {
        while (!inFlight.isEmpty()) {
            if (!settleOldest()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits for the oldest batch on its way. Delivered: counted, and the commit may pass it. Anything else: every batch
     * on its way is waited for, then each is delivered again through the synchronous path, in order, from this one.
     *
     * @return false only when the consumer is stopping
     */
    private boolean settleOldest() throws IOException {
        InFlight<T> head = inFlight.peekFirst();
        if (head == null) {
            return true;
        }
        workingOn = head.items().get(0).position();
        if (!await(head.outcome())) {
            return false;
        }
        if (!head.outcome().isCompletedExceptionally() && head.outcome().join() instanceof Delivery.Delivered) {
            inFlight.pollFirst();
            onDelivered(head.items().size());
            return true;
        }
        // The synchronous path never runs beside batches still on their way.
        for (InFlight<T> f : inFlight) {
            if (!await(f.outcome())) {
                return false;
            }
        }
        while (!inFlight.isEmpty()) {
            InFlight<T> f = inFlight.peekFirst();
            workingOn = f.items().get(0).position();
            if (f.outcome().isCompletedExceptionally()) {
                throw unexpected(f.outcome());
            }
            if (f.outcome().join() instanceof Delivery.Delivered) {
                onDelivered(f.items().size());
            } else if (!deliver(f.items())) {
                return false;
            }
            inFlight.pollFirst();
        }
        return true;
    }

    /** Waits for an outcome in slices, so that the loop is seen turning. @return false if the consumer is stopping */
    private boolean await(CompletableFuture<?> outcome) {
        while (!outcome.isDone()) {
            if (!running) {
                return false;
            }
            lastTurnNanos = System.nanoTime();
            try {
                outcome.get(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException | CancellationException e) {
                // done, or the next slice
            } catch (InterruptedException e) {
                if (!running) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** The error an asynchronous delivery ended with, as if {@link Sink#deliver} had thrown it. */
    private static RuntimeException unexpected(CompletableFuture<?> outcome) throws IOException {
        Throwable t;
        try {
            outcome.join();
            t = new IllegalStateException("an asynchronous delivery ended without an error");
        } catch (CompletionException | CancellationException e) {
            t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    /** Counts a retry, says so in the state, and returns how long to wait: the back-off or the destination's pause. */
    private Duration retryWait(Delivery.Retry<T> r) {
        retries.incrementAndGet();
        Duration delay = backoff.nextDelay();
        Duration retryAfter = r.retryAfter();
        Duration wait = retryAfter != null && retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
        ConsumerState next =
                r.kind() == Delivery.Retry.Kind.MISCONFIGURED ? ConsumerState.MISCONFIGURED : ConsumerState.RETRYING;
        if (state != next) {
            LOG.warn("Consumer {}: {}; retrying, data is kept in the buffer", settings.name(), r.reason());
        }
        setState(next, r.reason() + "; retrying in " + wait.toSeconds() + " s");
        return wait;
    }

    private void onDelivered(int items) {
        backoff.reset();
        failureBackoff.reset();
        delivered.addAndGet(items);
        lastSuccessAt = clock.instant();
        sameFailures = 0;
        lastFailureSignature = null;
        setState(ConsumerState.ONLINE, "delivered " + items + (items == 1 ? " item" : " items"));
    }

    private boolean acceptedLately() {
        Instant last = lastSuccessAt;
        return last != null && last.isAfter(clock.instant().minus(settings.rejectedWindow()));
    }

    /** Throws if the letter cannot be written: the batch is then tried again as a whole rather than lose the item. */
    private void deadLetter(Delivery.Refusal<T> r) throws IOException {
        Sink.Letter letter = sink.letter(r.item());
        deadLetters.add(
                letter.identifier(), letter.device(), r.status(), r.reason(), clock.instant(), letter.payload());
        deadLettered.incrementAndGet();
        LOG.error(
                "Consumer {}: the destination refused {} ({}); kept as a dead letter in {}",
                settings.name(),
                letter.identifier(),
                r.reason(),
                deadLetters.directory());
    }

    private void onFailure(Throwable t) {
        failures.incrementAndGet();
        String cause = describe(t);
        long at = workingOn;
        String signature = cause + "@" + at;
        sameFailures = signature.equals(lastFailureSignature) ? sameFailures + 1 : 1;
        lastFailureSignature = signature;
        lastFailure = cause;
        failureLog.warn(
                cause,
                "Consumer " + settings.name() + ": unexpected error"
                        + (at == ReadingStore.NONE ? "" : " at record " + at) + ": " + cause
                        + "; starting again from the last committed record",
                t);
        if (at != ReadingStore.NONE && sameFailures >= settings.poisonAfter()) {
            if (isolateThrough == ReadingStore.NONE) {
                isolateThrough = Math.max(at, lastRead);
                LOG.warn(
                        "Consumer {}: the same error {} times; reading one record at a time to find the one that fails",
                        settings.name(),
                        sameFailures);
            } else {
                poison(at, cause);
            }
            sameFailures = 0;
            lastFailureSignature = null;
        }
        Duration wait = failureBackoff.nextDelay();
        setState(
                ConsumerState.FAILED,
                "unexpected error: " + cause + "; starting again from the last committed record in "
                        + Math.max(1, wait.toSeconds()) + " s");
        sleepUnlessStopped(wait);
        restart();
    }

    /** Puts the record at {@code position} into the dead letters with the error that keeps recurring there. */
    private void poison(long position, String cause) {
        try (ReadingCursor look = store.cursor(settings.name())) {
            StoredRecord record;
            while ((record = look.next()) != null && record.position() < position) {
                // forward to the failing record
            }
            if (record == null || record.position() != position) {
                LOG.warn("Consumer {}: the failing record {} is no longer in the buffer", settings.name(), position);
                return;
            }
            String identifier = recordIdentifier(record);
            String device = record.readings().isEmpty()
                    ? "unknown"
                    : record.readings().get(0).device().value();
            deadLetters.add(
                    identifier,
                    device,
                    0,
                    "failed " + settings.poisonAfter() + " times: " + cause,
                    clock.instant(),
                    recordJson(record));
            poisoned.add(identifier);
            deadLettered.incrementAndGet();
            LOG.error(
                    "Consumer {}: record {} fails every time ({}); kept as a dead letter in {} and skipped",
                    settings.name(),
                    position,
                    cause,
                    deadLetters.directory());
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Consumer {}: cannot put the failing record {} into the dead letters: {}",
                    settings.name(),
                    position,
                    e.toString());
        }
    }

    private boolean isPoisoned(StoredRecord record) {
        return !poisoned.isEmpty() && poisoned.contains(recordIdentifier(record));
    }

    /** Records already dead-lettered as failing, by their content's identity: positions change after a salvage. */
    private void loadPoisoned() {
        try {
            for (DeadLetterStore.DeadLetter d : deadLetters.list()) {
                if (d.identifier().startsWith(RECORD_IDENTIFIER_PREFIX)) {
                    poisoned.add(d.identifier());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Consumer {}: cannot read its dead letters: {}", settings.name(), e.toString());
        }
    }

    /** {@code record:<key of its first reading>}: unique, since a device's receive times strictly increase. */
    static String recordIdentifier(StoredRecord record) {
        return record.readings().isEmpty()
                ? RECORD_IDENTIFIER_PREFIX + "position-" + record.position()
                : RECORD_IDENTIFIER_PREFIX + record.readings().get(0).key();
    }

    private static String recordJson(StoredRecord record) {
        StringBuilder b = new StringBuilder("{\"position\":").append(record.position());
        if (record.unreadable() != null) {
            b.append(",\"unreadable\":").append(quote(record.unreadable()));
        }
        b.append(",\"readings\":[");
        for (int i = 0; i < record.readings().size(); i++) {
            Reading r = record.readings().get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"key\":")
                    .append(quote(r.key()))
                    .append(",\"receivedAt\":")
                    .append(quote(r.receivedAt().toString()))
                    .append(",\"reading\":")
                    .append(Replay.json(r))
                    .append('}');
        }
        return b.append("]}").toString();
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        String text = t.getClass().getName() + (m == null ? "" : ": " + m);
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    /** After an unexpected error: everything in memory is forgotten and the main cursor reads again after its commit. */
    private void restart() {
        closeLive();
        ReadingCursor c = cursor;
        cursor = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // reopened at the next turn
            }
        }
        main = null;
        uncommitted.clear();
        carried.clear();
        // Batches still on their way are forgotten: their records are read and delivered again (the sink is
        // idempotent), and what becomes of them no longer matters.
        inFlight.clear();
        waitingForClock = null;
        lastReadReceivedAt = null;
        workingOn = ReadingStore.NONE;
        lastRead = ReadingStore.NONE;
        Thread.interrupted(); // an interrupt that was not a stop must not end the next delivery
    }

    private void closeLive() {
        ReadingCursor l = live;
        live = null;
        liveTranslator = null;
        if (l != null) {
            try {
                l.close();
            } catch (RuntimeException e) {
                // a live cursor keeps nothing
            }
        }
    }

    private void closeCursors() {
        closeLive();
        ReadingCursor c = cursor;
        cursor = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the cursor of {}: {}", settings.name(), e.toString());
            }
        }
    }

    private void setState(ConsumerState newState, String newDetail) {
        if (state != newState) {
            since = clock.instant();
        }
        state = newState;
        detail = newDetail;
    }

    /** Waits out a back-off: new data arriving does not cut it short, only stopping does. */
    private void sleepUnlessStopped(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (wakeUp) {
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                lastTurnNanos = System.nanoTime();
                try {
                    wakeUp.wait(Math.max(1, Math.min(WAIT_SLICE_MILLIS, left / 1_000_000)));
                } catch (InterruptedException e) {
                    if (!running) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Waits while idle, until woken by an append (or {@link #wake}), stopped, or the idle poll is up. */
    private void pause(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (wakeUp) {
            long left;
            while (running && !woken && (left = deadline - System.nanoTime()) > 0) {
                lastTurnNanos = System.nanoTime();
                try {
                    wakeUp.wait(Math.max(1, Math.min(WAIT_SLICE_MILLIS, left / 1_000_000)));
                } catch (InterruptedException e) {
                    if (!running) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            woken = false;
        }
    }
}
