package org.bedside.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.StoreOptions;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.format.ReadingRecordFormat;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable append and commit, side by side: the gateway's Chronicle store against a message store built the way Eclipse
 * Kura's is (an H2 file database with a message table: insert, select unsent, mark on acknowledge) and against SQLite.
 * One operation appends one frame (a Masimo line's three charted readings, the same encoded bytes in every store);
 * every 100 operations a consumer reads the next 100 unsent records and acknowledges them (the uplink's commit).
 *
 * <p>Comparable sync settings, all "batched, about a second": Chronicle msyncs every second (the gateway's default);
 * H2 writes its log with {@code WRITE_DELAY=1000}; SQLite runs in WAL mode with {@code synchronous=NORMAL} (the WAL is
 * synced at checkpoints). A process crash loses nothing in any of them; a power cut, up to about a second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Dchronicle.analytics.disable=true"})
public class StoreComparisonBenchmark {
    private static final int BATCH = 100;

    @Param({"chronicle", "h2-kura", "sqlite"})
    public String store;

    private Path dir;
    private List<Reading> frame;
    private final ReadingRecordFormat.Encoder encoder = new ReadingRecordFormat.Encoder();
    private int appended;

    private ChronicleReadingStore chronicle;
    private ReadingCursor cursor;

    private Connection db;
    private PreparedStatement insert;
    private PreparedStatement selectUnsent;
    private PreparedStatement markSent;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("bedside-store-bench");
        DeviceId device = DeviceId.of("bed12-spo2");
        Instant t = Instant.parse("2026-11-22T10:00:00Z");
        frame = List.of(
                new NumericReading(
                        device, Metrics.SPO2, java.math.BigDecimal.valueOf(97), UcumUnit.PERCENT, Quality.VALID, t, t),
                new NumericReading(
                        device,
                        Metrics.PULSE_RATE_OXIMETRY,
                        java.math.BigDecimal.valueOf(72),
                        UcumUnit.PER_MINUTE,
                        Quality.VALID,
                        t,
                        t),
                new NumericReading(
                        device,
                        Metrics.PERFUSION_INDEX,
                        new java.math.BigDecimal("3.60"),
                        UcumUnit.PERCENT,
                        Quality.VALID,
                        t,
                        t));
        switch (store) {
            case "chronicle" -> {
                chronicle =
                        ChronicleReadingStore.open(dir, StoreOptions.DEFAULT.withSyncInterval(Duration.ofSeconds(1)));
                cursor = chronicle.cursor("uplink");
            }
            case "h2-kura" -> {
                db = DriverManager.getConnection(
                        "jdbc:h2:file:" + dir.resolve("kuradb") + ";WRITE_DELAY=1000", "sa", "");
                try (Statement s = db.createStatement()) {
                    // The shape of Kura's H2 message store: an identity key, the payload, created/published times.
                    s.execute("CREATE TABLE ds_messages (id BIGINT AUTO_INCREMENT PRIMARY KEY, topic VARCHAR(255),"
                            + " qos INT, retain BOOLEAN, createdOn TIMESTAMP, publishedOn TIMESTAMP,"
                            + " publishedMessageId INT, confirmedOn TIMESTAMP, payload VARBINARY(16777216),"
                            + " priority INT, sessionId VARCHAR(255), droppedOn TIMESTAMP)");
                    s.execute(
                            "CREATE INDEX ds_messages_nextMsg ON ds_messages (publishedOn, priority, createdOn, qos)");
                }
                prepare("UPDATE ds_messages SET publishedOn = ?, confirmedOn = ? WHERE id BETWEEN ? AND ?");
            }
            case "sqlite" -> {
                db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("messages.db"));
                try (Statement s = db.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=NORMAL");
                    s.execute("CREATE TABLE ds_messages (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT, qos INT,"
                            + " retain INT, createdOn INTEGER, publishedOn INTEGER, publishedMessageId INT,"
                            + " confirmedOn INTEGER, payload BLOB, priority INT, sessionId TEXT, droppedOn INTEGER)");
                    s.execute(
                            "CREATE INDEX ds_messages_nextMsg ON ds_messages (publishedOn, priority, createdOn, qos)");
                }
                prepare("UPDATE ds_messages SET publishedOn = ?, confirmedOn = ? WHERE id BETWEEN ? AND ?");
            }
            default -> throw new IllegalArgumentException(store);
        }
    }

    private void prepare(String mark) throws SQLException {
        insert = db.prepareStatement("INSERT INTO ds_messages (topic, qos, retain, createdOn, payload, priority)"
                + " VALUES (?, 1, false, ?, ?, 4)");
        selectUnsent = db.prepareStatement("SELECT id, payload FROM ds_messages WHERE publishedOn IS NULL"
                + " ORDER BY priority, createdOn, id LIMIT " + BATCH);
        markSent = db.prepareStatement(mark);
    }

    /** Append one frame durably; every 100th, read the next 100 unsent and acknowledge them. */
    @Benchmark
    public long appendAndCommit() throws Exception {
        appended++;
        if (chronicle != null) {
            long p = chronicle.append(frame);
            if (appended % BATCH == 0) {
                long last = -1;
                for (int i = 0; i < BATCH; i++) {
                    StoredRecord r = cursor.next();
                    last = r.position();
                }
                cursor.commit(last);
            }
            return p;
        }
        int length = encoder.encode(frame);
        insert.setString(1, "bed12-spo2");
        insert.setTimestamp(2, new Timestamp(System.currentTimeMillis()));
        insert.setBytes(3, java.util.Arrays.copyOf(encoder.array(), length));
        insert.executeUpdate();
        if (appended % BATCH == 0) {
            long first = Long.MAX_VALUE;
            long last = -1;
            try (ResultSet rs = selectUnsent.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    rs.getBytes(2);
                    first = Math.min(first, id);
                    last = Math.max(last, id);
                }
            }
            Timestamp now = new Timestamp(System.currentTimeMillis());
            markSent.setTimestamp(1, now);
            markSent.setTimestamp(2, now);
            markSent.setLong(3, first);
            markSent.setLong(4, last);
            markSent.executeUpdate();
        }
        return appended;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (chronicle != null) {
            cursor.close();
            chronicle.close();
        }
        if (db != null) {
            db.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }
}
