package org.bedside.buffer.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer loop driven by a scripted sink over a real store in a temporary directory: the commit point after each
 * answer of the sink is the assertion.
 */
class BufferConsumerTest {
    private static final DeviceId DEVICE = DeviceId.of("bed12-spo2");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private ChronicleReadingStore store;
    private DeadLetterStore deadLetters;
    private final List<BufferConsumer<?>> started = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        deadLetters = new DeadLetterStore(dir.resolve("dead-letters"));
    }

    @AfterEach
    void close() {
        started.forEach(BufferConsumer::close);
        store.close();
    }

    /**
     * One item per reading, named by its value; answers scripted per item value (or for every batch), every delivered
     * batch recorded.
     */
    static class ScriptedSink implements Sink<String> {
        final List<List<String>> deliveries = new CopyOnWriteArrayList<>();
        final List<String> delivered = new CopyOnWriteArrayList<>();
        /** An answer for a batch that contains the key item; consumed once unless {@link #always}. */
        final Map<String, Function<List<Item<String>>, Delivery<String>>> answers = new ConcurrentHashMap<>();

        final ConcurrentLinkedQueue<Function<List<Item<String>>, Delivery<String>>> next =
                new ConcurrentLinkedQueue<>();
        volatile @Nullable Function<List<Item<String>>, Delivery<String>> always;
        /** Items whose translation throws, every time. */
        final List<String> poisonOnAccept = new CopyOnWriteArrayList<>();
        /** A translator holding items up to (excluding) this value's record: a stand-in for an open interval. */
        volatile @Nullable String holdFrom;
        /** How often a translator was asked for due items: once a round, after the previous round's commit. */
        final java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Translator<String> translator(Lane lane) {
            return new Translator<>() {
                @Override
                public List<Item<String>> accept(StoredRecord record) {
                    List<Item<String>> out = new ArrayList<>();
                    for (var r : record.readings()) {
                        String v = ((NumericReading) r).value().toPlainString();
                        if (poisonOnAccept.contains(v)) {
                            throw new IllegalStateException("cannot translate " + v);
                        }
                        out.add(new Item<>(v, record.position()));
                    }
                    return out;
                }

                @Override
                public List<Item<String>> flushDue(Instant now) {
                    flushes.incrementAndGet();
                    return List.of();
                }

                @Override
                public OptionalLong heldPosition() {
                    return OptionalLong.empty();
                }
            };
        }

        @Override
        public Delivery<String> deliver(List<Item<String>> items) {
            List<String> values = items.stream().map(Item::value).toList();
            deliveries.add(values);
            Function<List<Item<String>>, Delivery<String>> answer = next.poll();
            if (answer == null) {
                answer = always;
            }
            Delivery<String> d = answer == null ? Delivery.delivered() : answer.apply(items);
            if (d instanceof Delivery.Delivered) {
                delivered.addAll(values);
            } else if (d instanceof Delivery.Refused<String> r) {
                List<String> refused =
                        r.refused().stream().map(x -> x.item().value()).toList();
                values.stream().filter(v -> !refused.contains(v)).forEach(delivered::add);
            }
            return d;
        }

        @Override
        public Letter letter(Item<String> item) {
            return new Letter("item/" + item.value(), DEVICE.value(), "{\"value\":\"" + item.value() + "\"}");
        }
    }

    /**
     * A sink that keeps several batches in flight: each {@link #deliverAsync} is recorded with a future the test
     * completes (or an answer given at once, by call number); a synchronous delivery records whether a batch was still
     * on its way at that moment.
     */
    static final class PipelinedSink extends ScriptedSink {
        final int depth;
        final List<List<String>> handed = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Delivery<String>>> futures = new CopyOnWriteArrayList<>();
        /** Answers given at once, by the number of the call to deliverAsync (0 = the first). */
        final Map<Integer, Delivery<String>> atOnce = new ConcurrentHashMap<>();
        /** An answer given at once to every other call, if set; its delivered items are recorded in {@code delivered}. */
        volatile @Nullable Function<List<Item<String>>, Delivery<String>> asyncAlways;
        /** For each synchronous delivery: how many batches had been handed to deliverAsync by then. */
        final List<Integer> handedAtSync = new CopyOnWriteArrayList<>();

        volatile boolean syncBesideAsync;

        PipelinedSink(int depth) {
            this.depth = depth;
        }

        @Override
        public int pipelineDepth() {
            return depth;
        }

        @Override
        public CompletableFuture<Delivery<String>> deliverAsync(List<Item<String>> items) {
            CompletableFuture<Delivery<String>> f = new CompletableFuture<>();
            Delivery<String> now = atOnce.remove(handed.size());
            List<String> values = items.stream().map(Item::value).toList();
            handed.add(values);
            var a = asyncAlways;
            if (now == null && a != null) {
                now = a.apply(items);
                if (now instanceof Delivery.Delivered) {
                    delivered.addAll(values);
                }
            }
            if (now != null) {
                f.complete(now);
            }
            futures.add(f);
            return f;
        }

        @Override
        public Delivery<String> deliver(List<Item<String>> items) {
            if (futures.stream().anyMatch(f -> !f.isDone())) {
                syncBesideAsync = true;
            }
            handedAtSync.add(handed.size());
            return super.deliver(items);
        }

        void complete(int call, Delivery<String> d) {
            futures.get(call).complete(d);
        }
    }

    private BufferConsumer<String> consumer(ScriptedSink sink, int batch, InstantSource clock) {
        ConsumerSettings settings = ConsumerSettings.of(
                "test", batch, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(30));
        BufferConsumer<String> c = new BufferConsumer<>(settings, store, sink, deadLetters, clock, TrustedClock.ALWAYS);
        started.add(c);
        return c;
    }

    private BufferConsumer<String> consumer(ScriptedSink sink, int batch) {
        return consumer(sink, batch, InstantSource.system());
    }

    private long append(int value, Instant at) throws StoreException {
        return store.append(List.of(new NumericReading(
                DEVICE, Metrics.SPO2, BigDecimal.valueOf(value), UcumUnit.PERCENT, Quality.VALID, at, at)));
    }

    private void appendValues(int from, int to) throws StoreException {
        Instant t = Instant.now();
        for (int v = from; v <= to; v++) {
            append(v, t.plusMillis(v));
        }
    }

    private long pending() {
        try {
            return store.pendingRecords("test");
        } catch (StoreException e) {
            return -1;
        }
    }

    private static List<String> values(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int v = from; v <= to; v++) {
            out.add(Integer.toString(v));
        }
        return out;
    }

    @Test
    void deliversInBatchesAndCommitsOnlyWhatWasAcknowledged() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        // The first batch is not acknowledged for a while: nothing may be committed meanwhile.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        sink.next.add(items -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Delivery.delivered();
        });
        appendValues(1, 10);
        BufferConsumer<String> c = consumer(sink, 4);
        c.start();
        Await.until("the first batch handed to the sink", WAIT, () -> sink.deliveries.size() == 1);
        assertThat(pending()).isEqualTo(10);
        release.countDown();
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(sink.delivered).containsExactlyElementsOf(values(1, 10));
        assertThat(sink.deliveries.get(0)).containsExactly("1", "2", "3", "4");
        assertThat(c.status().delivered()).isEqualTo(10);
        assertThat(c.status().state()).isEqualTo(ConsumerState.ONLINE);
    }

    @Test
    void anAppendWakesTheConsumerThroughTheStoresListener() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        // An idle poll of an hour: only the store's append listener can wake it in time.
        BufferConsumer<String> c = new BufferConsumer<>(
                new ConsumerSettings(
                        "test",
                        4,
                        Duration.ofMillis(20),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(30),
                        Duration.ofHours(1),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                deadLetters,
                InstantSource.system(),
                TrustedClock.ALWAYS);
        started.add(c);
        c.start();
        Await.until("idle", WAIT, () -> c.status().state() == ConsumerState.ONLINE);
        appendValues(1, 3);
        Await.until("delivered", WAIT, () -> sink.delivered.size() == 3);
        Await.until("committed", WAIT, () -> pending() == 0);
    }

    @Test
    void aRetryDeliversTheSameBatchAgainAfterTheDestinationsPause() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.next.add(items -> Delivery.retry("HTTP 503 from the test", null));
        sink.next.add(items -> Delivery.retry("HTTP 429 from the test", Duration.ofMillis(700)));
        appendValues(1, 3);
        List<Long> at = new CopyOnWriteArrayList<>();
        BufferConsumer<String> c = consumer(
                new ScriptedSink() {
                    @Override
                    public Delivery<String> deliver(List<Item<String>> items) {
                        at.add(System.nanoTime());
                        return sink.deliver(items);
                    }
                },
                10);
        c.start();
        Await.until("delivered", WAIT, () -> pending() == 0);
        assertThat(sink.deliveries).hasSize(3).allSatisfy(d -> assertThat(d).containsExactly("1", "2", "3"));
        assertThat(c.status().retries()).isEqualTo(2);
        // never sooner than Retry-After
        assertThat(Duration.ofNanos(at.get(2) - at.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void owedWorkGoesFirstAndIsRetriedWithTheBackOffWhileNothingIsRead() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        appendValues(1, 3);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        List<Long> committedSeen = new CopyOnWriteArrayList<>();
        BufferConsumer<String> c = consumer(
                new ScriptedSink() {
                    @Override
                    public Delivery.@Nullable Retry<String> owedWork(
                            org.bedside.buffer.ReadingStore s, long committedPosition) {
                        committedSeen.add(committedPosition);
                        // The destination is away twice, then the withdrawal is done.
                        return asked.incrementAndGet() <= 2
                                ? new Delivery.Retry<>("HTTP 503 from the test", null, Delivery.Retry.Kind.UNAVAILABLE)
                                : null;
                    }

                    @Override
                    public Delivery<String> deliver(List<Item<String>> items) {
                        assertThat(asked.get())
                                .as("owed work before any record")
                                .isGreaterThan(2);
                        return sink.deliver(items);
                    }
                },
                10);
        c.start();
        Await.until("delivered", WAIT, () -> pending() == 0);
        assertThat(sink.delivered).containsExactlyElementsOf(values(1, 3));
        assertThat(c.status().retries()).isEqualTo(2);
        assertThat(committedSeen.get(0)).isEqualTo(org.bedside.buffer.ReadingStore.NONE);
        Await.until(
                "asked again at later rounds, with the commit",
                WAIT,
                () -> committedSeen.stream().anyMatch(p -> p != org.bedside.buffer.ReadingStore.NONE));
    }

    @Test
    void refusedItemsGoToTheDeadLettersAndTheLineMovesOn() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.always = items -> {
            List<Delivery.Refusal<String>> refused = items.stream()
                    .filter(i -> i.value().equals("2"))
                    .map(i -> new Delivery.Refusal<>(i, 422, "HTTP 422: unknown patient"))
                    .toList();
            return refused.isEmpty() ? Delivery.delivered() : new Delivery.Refused<>(items.size() - 1, refused);
        };
        appendValues(1, 4);
        BufferConsumer<String> c = consumer(sink, 10);
        c.start();
        Await.until("committed", WAIT, () -> pending() == 0);
        assertThat(sink.delivered).containsExactly("1", "3", "4");
        assertThat(deadLetters.list()).singleElement().satisfies(d -> {
            assertThat(d.identifier()).isEqualTo("item/2");
            assertThat(d.status()).isEqualTo(422);
            assertThat(d.reason()).isEqualTo("HTTP 422: unknown patient");
            assertThat(d.payload()).isEqualTo("{\"value\":\"2\"}");
        });
        assertThat(c.status().deadLettered()).isEqualTo(1);
        assertThat(c.status().deadLettersWaiting()).isEqualTo(1);
    }

    @Test
    void aDeadLetterIsRetriedThroughTheSinkAndMovesToRetriedOnlyWhenTheDestinationTookIt() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        // 1 is taken (so that refusals are the items', not the destination's), 2 and 3 are refused.
        sink.always = items -> items.get(0).value().equals("1")
                ? Delivery.delivered()
                : new Delivery.Refused<>(
                        0,
                        items.stream()
                                .map(i -> new Delivery.Refusal<>(i, 422, "refused"))
                                .toList());
        appendValues(1, 3);
        BufferConsumer<String> c = consumer(sink, 1);
        c.start();
        Await.until("both dead-lettered", WAIT, () -> {
            try {
                return deadLetters.list().size() == 2;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        String id = deadLetters.list().get(0).id();

        // A sink that cannot send a letter again (the default) says so; the letter stays.
        assertThat(c.retryDeadLetter(id)).startsWith("not sent: ");
        assertThat(deadLetters.get(id)).isPresent();

        List<String> redelivered = new CopyOnWriteArrayList<>();
        ScriptedSink taking = new ScriptedSink() {
            @Override
            public Redelivery redeliver(DeadLetterStore.DeadLetter letter) {
                redelivered.add(letter.payload());
                return new Redelivery(redelivered.size() > 1, redelivered.size() > 1 ? "accepted" : "refused again");
            }
        };
        taking.always = sink.always;
        BufferConsumer<String> d = new BufferConsumer<>(
                ConsumerSettings.of("test2", 1, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(30)),
                store,
                taking,
                deadLetters,
                InstantSource.system(),
                TrustedClock.ALWAYS);
        assertThat(d.retryDeadLetter(id)).isEqualTo("refused again");
        assertThat(deadLetters.get(id)).as("refused again: kept").isPresent();
        assertThat(d.retryDeadLetter(id)).isEqualTo("accepted");
        assertThat(deadLetters.get(id)).as("taken: moved to retried/").isEmpty();
        assertThat(deadLetters.list()).hasSize(1);
        assertThat(redelivered).hasSize(2).allSatisfy(p -> assertThat(p).startsWith("{\"value\":"));
        assertThatThrownBy(() -> d.retryDeadLetter("no-such-letter")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void whenEverythingIsRefusedAndNothingWasAcceptedLatelyNothingIsDeadLettered() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.always = items -> new Delivery.Refused<>(
                0,
                items.stream()
                        .map(i -> new Delivery.Refusal<>(i, 404, "HTTP 404: no such patient"))
                        .toList());
        appendValues(1, 2);
        BufferConsumer<String> c = consumer(sink, 10);
        c.start();
        Await.until("rejected twice", WAIT, () -> c.status().rejections() >= 2);
        assertThat(c.status().state()).isEqualTo(ConsumerState.REJECTED);
        assertThat(c.status().detail()).startsWith("HTTP 404: no such patient");
        assertThat(deadLetters.list()).isEmpty();
        assertThat(pending()).isEqualTo(2);
        sink.always = null; // the cause fixed
        Await.until("committed", WAIT, () -> pending() == 0);
        assertThat(sink.delivered).containsExactly("1", "2");
    }

    @Test
    void aMisconfiguredDestinationIsAStateNeverADeadLetter() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.always = items -> Delivery.misconfigured("HTTP 301: the server redirects to https://elsewhere/fhir");
        appendValues(1, 2);
        BufferConsumer<String> c = consumer(sink, 10);
        c.start();
        Await.until("tried again", WAIT, () -> sink.deliveries.size() >= 3);
        assertThat(c.status().state()).isEqualTo(ConsumerState.MISCONFIGURED);
        assertThat(c.status().detail()).contains("https://elsewhere/fhir");
        assertThat(deadLetters.list()).isEmpty();
        assertThat(pending()).isEqualTo(2);
        sink.always = null;
        Await.until("committed", WAIT, () -> pending() == 0);
    }

    @Test
    void anUnexpectedErrorInTheSinkIsSurvivedAndTheConsumerStartsAgainFromItsCommit() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.next.add(items -> Delivery.delivered());
        sink.next.add(items -> {
            throw new IllegalStateException("a bug in the sink");
        });
        appendValues(1, 6);
        BufferConsumer<String> c = consumer(sink, 2);
        c.start();
        Await.until("everything committed", WAIT, () -> pending() == 0);
        ConsumerStatus s = c.status();
        assertThat(s.failures()).isEqualTo(1);
        assertThat(s.lastFailure()).isEqualTo("java.lang.IllegalStateException: a bug in the sink");
        assertThat(s.state()).isEqualTo(ConsumerState.ONLINE);
        assertThat(c.alive()).isTrue();
        // the batch that failed was delivered again, from the committed position: nothing lost, nothing skipped
        assertThat(sink.delivered).containsExactlyElementsOf(values(1, 6));
        assertThat(deadLetters.list()).isEmpty();
    }

    @Test
    void aRecordThatAlwaysFailsEndsInTheDeadLettersWhileTheRecordsBehindItFlow() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        sink.poisonOnAccept.add("3");
        appendValues(1, 8);
        BufferConsumer<String> c = consumer(sink, 4);
        c.start();
        Await.until("everything committed", Duration.ofSeconds(60), () -> pending() == 0);
        assertThat(sink.delivered).containsExactly("1", "2", "4", "5", "6", "7", "8");
        assertThat(deadLetters.list()).singleElement().satisfies(d -> {
            assertThat(d.identifier()).startsWith("record:bed12-spo2/150456/");
            assertThat(d.reason()).isEqualTo("failed 3 times: java.lang.IllegalStateException: cannot translate 3");
            assertThat(d.status()).isZero();
            assertThat(d.payload()).contains("\"value\":\"3\"").contains("\"key\":\"bed12-spo2/150456/");
        });
        assertThat(c.status().failures()).isEqualTo(6);
        assertThat(c.status().deadLettered()).isEqualTo(1);
        // Records appended later flow at once; a new consumer on the same buffer skips the poisoned record for good.
        appendValues(9, 9);
        Await.until("the next one", WAIT, () -> sink.delivered.contains("9"));
        c.close();
        store.close();
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        Files.delete(dir.resolve("buffer")
                .resolve(Files.readString(dir.resolve("buffer/CURRENT")).trim())
                .resolve("cursors/test.position")); // as if the position were lost: the record is read again
        ScriptedSink again = new ScriptedSink();
        again.poisonOnAccept.add("3");
        BufferConsumer<String> c2 = consumer(again, 4);
        c2.start();
        Await.until("everything committed again", WAIT, () -> pending() == 0);
        assertThat(again.delivered).containsExactly("1", "2", "4", "5", "6", "7", "8", "9");
        assertThat(c2.status().failures()).isZero();
        assertThat(deadLetters.list()).hasSize(1);
    }

    @Test
    void aDeadLetterThatCannotBeWrittenKeepsTheItemAndTheConsumerAlive() throws Exception {
        Path letters = dir.resolve("letters");
        DeadLetterStore store2 = new DeadLetterStore(letters);
        deadLetters = store2;
        // The directory vanishes and a file takes its place: writing a letter fails (even for root).
        Files.delete(letters.resolve("retried"));
        Files.delete(letters);
        Files.writeString(letters, "not a directory");
        ScriptedSink sink = new ScriptedSink();
        sink.always = items -> new Delivery.Refused<>(
                items.size() - 1,
                items.stream()
                        .filter(i -> i.value().equals("1"))
                        .map(i -> new Delivery.Refusal<>(i, 422, "refused"))
                        .toList());
        appendValues(1, 2);
        BufferConsumer<String> c = consumer(sink, 10);
        c.start();
        Await.until(
                "failed on the letter, again and again", WAIT, () -> c.status().failures() >= 3);
        assertThat(c.alive()).isTrue();
        assertThat(c.status().lastFailure()).contains(letters.toString()).contains("Not a directory");
        assertThat(pending()).isEqualTo(2);
        Files.delete(letters);
        Files.createDirectories(letters.resolve("retried"));
        Await.until("committed once the letter could be written", Duration.ofSeconds(60), () -> pending() == 0);
        assertThat(store2.list())
                .singleElement()
                .satisfies(d -> assertThat(d.identifier()).isEqualTo("item/1"));
    }

    @Test
    void aBacklogIsDrainedLiveFirst() throws Exception {
        // A day-old backlog: the main cursor is far behind the present, so what arrives now goes first.
        Instant old = Instant.now().minus(Duration.ofDays(1));
        for (int v = 1; v <= 40; v++) {
            append(v, old.plusSeconds(v));
        }
        ScriptedSink sink = new ScriptedSink();
        java.util.concurrent.CountDownLatch liveAppended = new java.util.concurrent.CountDownLatch(1);
        sink.always = items -> {
            if (items.get(0).value().equals("1")) {
                try { // the first backlog batch waits until a live reading has arrived
                    liveAppended.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Delivery.delivered();
        };
        BufferConsumer<String> c = consumer(sink, 5);
        c.start();
        Await.until("the first backlog batch", WAIT, () -> sink.deliveries.size() == 1);
        assertThat(c.status().draining()).isTrue();
        append(1000, Instant.now());
        liveAppended.countDown();
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(sink.delivered.indexOf("1000"))
                .as("the live reading before the second batch of the backlog")
                .isLessThan(sink.delivered.indexOf("6"));
        // and the main cursor delivered it again when it got there (an idempotent sink matches it)
        assertThat(sink.delivered.stream().filter("1000"::equals)).hasSize(2);
        Await.until("the backlog is drained", WAIT, () -> !c.status().draining());
    }

    @Test
    void aLiveLaneOpenWhenTheDestinationWentAwayServesWhatArrivesAfterItsReturnBeforeTheOutagesRecords()
            throws Exception {
        // The lane opens for a day-old backlog; then the destination is away for longer than the live lag while
        // readings keep arriving. Those readings are no longer live when it is back: the reading that arrives then goes
        // first, and the outage's go with the backlog.
        Instant start = Instant.now();
        java.util.concurrent.atomic.AtomicReference<Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(start);
        InstantSource clock = now::get;
        Instant old = start.minus(Duration.ofDays(1));
        for (int v = 1; v <= 40; v++) {
            append(v, old.plusSeconds(v));
        }
        ScriptedSink sink = new ScriptedSink();
        java.util.concurrent.CountDownLatch back = new java.util.concurrent.CountDownLatch(1);
        sink.always = items -> {
            if (items.get(0).value().equals("1")) {
                try { // the first backlog batch is on its way while the destination goes away
                    back.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Delivery.delivered();
        };
        BufferConsumer<String> c = consumer(sink, 5, clock);
        c.start();
        Await.until("the first backlog batch", WAIT, () -> sink.deliveries.size() == 1);
        assertThat(c.status().draining()).as("the live lane is open").isTrue();
        for (int v = 500; v < 520; v++) { // the outage: received while the destination was away
            append(v, start.plusSeconds(v - 500));
        }
        now.set(start.plus(Duration.ofMinutes(2))); // back two minutes later: 30 s is the live lag here
        append(2000, now.get());
        back.countDown();
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(sink.delivered.indexOf("2000"))
                .as("what arrived after the return before the outage's records")
                .isLessThan(sink.delivered.indexOf("500"));
        assertThat(sink.delivered.stream().filter(v -> v.startsWith("5") && v.length() == 3))
                .as("each record of the outage once: by the main cursor, in order")
                .containsExactlyElementsOf(values(500, 519));
    }

    @Test
    void theDeadLetterStoreAndTheCursorSurviveTheirThreadBeingInterrupted() throws Exception {
        Thread.currentThread().interrupt();
        try {
            deadLetters.add("item/x", "bed12", 422, "refused", Instant.now(), "{\"a\":1}");
            store.cursor("interrupted").close();
            long p = append(1, Instant.now());
            var cursor = store.cursor("interrupted");
            cursor.next();
            cursor.commit(p);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(deadLetters.list())
                .singleElement()
                .satisfies(d -> assertThat(d.identifier()).isEqualTo("item/x"));
        assertThat(store.pendingRecords("interrupted")).isZero();
    }

    @Test
    void heldRecordsAreReadAgainOnceWhatTheyDependOnChanged() throws Exception {
        java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
        ScriptedSink sink = new ScriptedSink() {
            @Override
            public Translator<String> translator(Lane lane) {
                long seen = version.get();
                return new Translator<>() {
                    long heldFrom = -1;

                    @Override
                    public List<Item<String>> accept(StoredRecord record) {
                        String v = ((NumericReading) record.readings().get(0))
                                .value()
                                .toPlainString();
                        // Values above 5 wait for something outside the buffer (an uncertain patient association).
                        if (Integer.parseInt(v) > 5 && seen == 0) {
                            if (heldFrom < 0) {
                                heldFrom = record.position();
                            }
                            return List.of();
                        }
                        return List.of(new Item<>(v, record.position()));
                    }

                    @Override
                    public OptionalLong heldPosition() {
                        return heldFrom < 0 ? OptionalLong.empty() : OptionalLong.of(heldFrom);
                    }

                    @Override
                    public boolean wantsReread() {
                        return heldFrom >= 0 && version.get() != seen;
                    }
                };
            }
        };
        appendValues(1, 10);
        BufferConsumer<String> c = consumer(sink, 100);
        c.start();
        Await.until("the records before the held ones committed", WAIT, () -> pending() == 5);
        assertThat(sink.delivered).containsExactlyElementsOf(values(1, 5));
        version.incrementAndGet();
        Await.until("the held records delivered", WAIT, () -> pending() == 0);
        assertThat(sink.delivered)
                .as("read again from the commit: nothing before it twice")
                .containsExactlyElementsOf(values(1, 10));
        assertThat(c.status().failures()).isZero();
    }

    @Test
    void aPipelinedSinkGetsTheNextBatchesBeforeTheFirstIsAcknowledgedAndTheCommitWaitsForIt() throws Exception {
        PipelinedSink sink = new PipelinedSink(4);
        // The second batch is acknowledged at once, before the first: out of order.
        sink.atOnce.put(1, Delivery.delivered());
        appendValues(1, 6);
        BufferConsumer<String> c = consumer(sink, 2);
        c.start();
        Await.until("three batches handed over", WAIT, () -> sink.handed.size() == 3);
        assertThat(sink.handed).containsExactly(List.of("1", "2"), List.of("3", "4"), List.of("5", "6"));
        // The rounds that handed over the second and third batches committed, and the next one began (its flush):
        // nothing may be committed while the first batch is unacknowledged, though the second is.
        Await.until("a round after the third batch", WAIT, () -> sink.flushes.get() >= 4);
        assertThat(pending()).isEqualTo(6);
        assertThat(c.status().delivered()).isZero();
        sink.complete(2, Delivery.delivered());
        sink.complete(0, Delivery.delivered());
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(c.status().delivered()).isEqualTo(6);
        assertThat(sink.deliveries).as("no synchronous delivery").isEmpty();
        assertThat(c.status().state()).isEqualTo(ConsumerState.ONLINE);
    }

    @Test
    void aFailedBatchWithLaterOnesInFlightIsDeliveredAgainSynchronouslyFromThatBatch() throws Exception {
        PipelinedSink sink = new PipelinedSink(3);
        // The synchronous path: the first batch's resend is not taken at once either.
        sink.next.add(items -> Delivery.retry("broker away (test)", null));
        appendValues(1, 6);
        BufferConsumer<String> c = consumer(sink, 2);
        c.start();
        Await.until("three batches handed over", WAIT, () -> sink.handed.size() == 3);
        sink.complete(1, Delivery.delivered());
        sink.complete(0, Delivery.retry("connection lost (test)", null));
        // The third batch is still on its way: the consumer waits for it before delivering anything again.
        Await.until("a round after the third batch", WAIT, () -> sink.flushes.get() >= 4);
        assertThat(sink.deliveries).isEmpty();
        assertThat(pending()).isEqualTo(6);
        sink.complete(2, Delivery.retry("no PUBACK in time (test)", null));
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(sink.deliveries)
                .as("the first batch again (retried once), the second acknowledged already, the third again")
                .containsExactly(List.of("1", "2"), List.of("1", "2"), List.of("5", "6"));
        assertThat(sink.syncBesideAsync)
                .as("a synchronous delivery while a batch was on its way")
                .isFalse();
        assertThat(c.status().delivered()).isEqualTo(6);
        assertThat(c.status().retries()).isEqualTo(1);
    }

    @Test
    void batchesInFlightAtACrashAreDeliveredAfterTheRestart() throws Exception {
        PipelinedSink sink = new PipelinedSink(3);
        sink.atOnce.put(0, Delivery.delivered());
        appendValues(1, 10);
        BufferConsumer<String> c = consumer(sink, 2);
        c.start();
        Await.until("the pipeline full", WAIT, () -> sink.handed.size() == 4);
        Await.until("the first batch committed", WAIT, () -> pending() == 8);
        assertThat(c.status().delivered()).isEqualTo(2);
        // Batches 2 to 4 are on their way, never acknowledged: the process ends (its store with it) and starts again.
        c.close();
        store.close();
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        assertThat(pending())
                .as("the commit never passed an unacknowledged batch")
                .isEqualTo(8);
        ScriptedSink after = new ScriptedSink();
        consumer(after, 2).start();
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(after.delivered).containsExactlyElementsOf(values(3, 10));
    }

    @Test
    void anAsynchronousDeliveryThatEndsInAnErrorIsAnUnexpectedErrorSurvived() throws Exception {
        PipelinedSink sink = new PipelinedSink(2);
        appendValues(1, 4);
        BufferConsumer<String> c = consumer(sink, 2);
        c.start();
        Await.until("two batches handed over", WAIT, () -> sink.handed.size() == 2);
        sink.complete(1, Delivery.delivered());
        sink.futures.get(0).completeExceptionally(new IllegalStateException("the sink broke (test)"));
        Await.until("the failure shown", WAIT, () -> c.status().lastFailure() != null);
        assertThat(c.status().lastFailure()).isEqualTo("java.lang.IllegalStateException: the sink broke (test)");
        assertThat(c.status().failures()).isEqualTo(1);
        // Started again from its commit: the same batches handed over again.
        Await.until("handed over again", WAIT, () -> sink.handed.size() == 4);
        assertThat(sink.handed.subList(2, 4)).containsExactly(List.of("1", "2"), List.of("3", "4"));
        assertThat(pending()).isEqualTo(4);
        sink.complete(2, Delivery.delivered());
        sink.complete(3, Delivery.delivered());
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(c.alive()).isTrue();
    }

    @Test
    void aPipelinedSinksRefusalsGoToTheDeadLettersThroughTheSynchronousPath() throws Exception {
        PipelinedSink sink = new PipelinedSink(3);
        Function<List<Item<String>>, Delivery<String>> refuseTwo = items -> {
            List<Delivery.Refusal<String>> refused = items.stream()
                    .filter(i -> i.value().equals("2"))
                    .map(i -> new Delivery.Refusal<>(i, 135, "not authorized (test)"))
                    .toList();
            return refused.isEmpty() ? Delivery.delivered() : new Delivery.Refused<>(items.size() - 1, refused);
        };
        sink.asyncAlways = refuseTwo;
        sink.always = refuseTwo;
        appendValues(1, 6);
        BufferConsumer<String> c = consumer(sink, 2);
        c.start();
        Await.until("committed", WAIT, () -> pending() == 0);
        assertThat(sink.deliveries).as("sent again synchronously").contains(List.of("1", "2"));
        assertThat(sink.delivered).doesNotContain("2").contains("1", "3", "4", "5", "6");
        assertThat(deadLetters.list()).singleElement().satisfies(d -> {
            assertThat(d.identifier()).isEqualTo("item/2");
            assertThat(d.status()).isEqualTo(135);
        });
        assertThat(c.status().deadLettered()).isEqualTo(1);
        assertThat(sink.syncBesideAsync).isFalse();
    }

    @Test
    void aPipelinedSinkStillGetsAPoisonedRecordIsolatedAndDeadLettered() throws Exception {
        PipelinedSink sink = new PipelinedSink(3);
        sink.asyncAlways = items -> Delivery.delivered();
        sink.poisonOnAccept.add("3");
        appendValues(1, 8);
        BufferConsumer<String> c = consumer(sink, 2);
        c.start();
        Await.until("everything committed", Duration.ofSeconds(60), () -> pending() == 0);
        assertThat(sink.delivered.stream().distinct()).containsExactly("1", "2", "4", "5", "6", "7", "8");
        assertThat(deadLetters.list())
                .singleElement()
                .satisfies(d -> assertThat(d.reason())
                        .isEqualTo("failed 3 times: java.lang.IllegalStateException: cannot translate 3"));
        assertThat(c.status().failures()).isEqualTo(6);
        assertThat(sink.syncBesideAsync).isFalse();
    }

    @Test
    void aPipelinedSinksBacklogIsDrainedLiveFirst() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(1));
        for (int v = 1; v <= 40; v++) {
            append(v, old.plusSeconds(v));
        }
        PipelinedSink sink = new PipelinedSink(3);
        sink.asyncAlways = items -> items.get(0).value().equals("1") ? null : Delivery.delivered();
        BufferConsumer<String> c = consumer(sink, 5);
        c.start();
        // The first backlog batch is not acknowledged until a live reading has arrived.
        Await.until("the pipeline full", WAIT, () -> sink.handed.size() == 3);
        assertThat(c.status().draining()).isTrue();
        append(1000, Instant.now());
        sink.delivered.addAll(sink.handed.get(0));
        sink.complete(0, Delivery.delivered());
        Await.until("everything committed", WAIT, () -> pending() == 0);
        assertThat(sink.deliveries.get(0)).as("the live lane, synchronously").containsExactly("1000");
        assertThat(sink.handedAtSync.get(0))
                .as("the live reading went before the rest of the backlog (8 batches)")
                .isLessThan(8);
        assertThat(sink.syncBesideAsync).isFalse();
        assertThat(sink.delivered.stream().filter("1000"::equals)).hasSize(2);
        Await.until("the backlog is drained", WAIT, () -> !c.status().draining());
    }

    @Test
    void aNameThatIsNotACursorNameIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConsumerSettings.of(
                        "FHIR uplink", 1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
