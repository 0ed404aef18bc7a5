package org.bedside.benchmarks;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.StoreOptions;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;

/**
 * Which sync setting is comparable: each store in {@link StoreComparisonBenchmark} is written by a child process that
 * counts every acknowledged append and then dies without warning ({@code Runtime.halt}, as a SIGKILL: no shutdown
 * hooks, no close); this process reopens the store and counts what is there. A store fit for the gateway keeps every
 * acknowledged append. A power cut is another matter (see docs/architecture.md, "Durability").
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.bedside.benchmarks.KillDurabilityCheck [appends]}.
 */
public final class KillDurabilityCheck {
    private static final List<String> STORES = List.of("chronicle", "h2-kura", "h2-kura-delay1s", "sqlite");

    private KillDurabilityCheck() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--child")) {
            child(args[1], Path.of(args[2]));
            return;
        }
        int appends = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.println("| store | acknowledged before the kill | found after reopening | lost |");
        System.out.println("|---|---|---|---|");
        for (String store : STORES) {
            Path dir = Files.createTempDirectory("bedside-kill-" + store);
            Process p = new ProcessBuilder(javaCommand(store, dir, appends).toArray(String[]::new))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(store + ": the writer did not finish");
            }
            long acknowledged = Long.parseLong(out.strip());
            long found = count(store, dir);
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d |%n", store, acknowledged, found, acknowledged - found);
        }
    }

    private static List<String> javaCommand(String store, Path dir, int appends) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dbedside.kill.appends=" + appends);
        cmd.add(KillDurabilityCheck.class.getName());
        cmd.add("--child");
        cmd.add(store);
        cmd.add(dir.toString());
        return cmd;
    }

    /** Appends, acknowledging each, then dies at once. Prints the number acknowledged. */
    private static void child(String store, Path dir) throws Exception {
        int appends = Integer.getInteger("bedside.kill.appends");
        DeviceId device = DeviceId.of("bed12-spo2");
        byte[] payload = new byte[97]; // the size of an encoded Masimo record
        long acknowledged = 0;
        if (store.equals("chronicle")) {
            ChronicleReadingStore s =
                    ChronicleReadingStore.open(dir, StoreOptions.DEFAULT.withSyncInterval(Duration.ofSeconds(1)));
            for (int i = 0; i < appends; i++) {
                Instant t = Instant.EPOCH.plusSeconds(i);
                s.append(List.of(new NumericReading(
                        device, Metrics.SPO2, BigDecimal.valueOf(97), UcumUnit.PERCENT, Quality.VALID, t, t)));
                acknowledged++;
            }
        } else {
            Connection db = open(store, dir);
            try (Statement st = db.createStatement()) {
                st.execute("CREATE TABLE ds_messages (id INTEGER PRIMARY KEY, payload BLOB)");
            }
            PreparedStatement insert = db.prepareStatement("INSERT INTO ds_messages (id, payload) VALUES (?, ?)");
            for (int i = 0; i < appends; i++) {
                insert.setInt(1, i);
                insert.setBytes(2, payload);
                insert.executeUpdate(); // auto-commit: acknowledged when it returns
                acknowledged++;
            }
        }
        System.out.println(acknowledged);
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }

    private static Connection open(String store, Path dir) throws Exception {
        return switch (store) {
            case "h2-kura" -> DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("kuradb") + ";WRITE_DELAY=0");
            case "h2-kura-delay1s" ->
                DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("kuradb") + ";WRITE_DELAY=1000");
            case "sqlite" -> {
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("messages.db"));
                try (Statement st = c.createStatement()) {
                    st.executeQuery("PRAGMA journal_mode=WAL").close();
                    st.execute("PRAGMA synchronous=NORMAL");
                }
                yield c;
            }
            default -> throw new IllegalArgumentException(store);
        };
    }

    private static boolean hasTable(Connection db, String name) throws Exception {
        try (ResultSet tables = db.getMetaData().getTables(null, null, name, new String[] {"TABLE"})) {
            return tables.next();
        }
    }

    private static long count(String store, Path dir) throws Exception {
        if (store.equals("chronicle")) {
            try (ChronicleReadingStore s = ChronicleReadingStore.open(dir);
                    ReadingCursor cursor = s.cursor("count")) {
                long n = 0;
                while (cursor.next() != null) {
                    n++;
                }
                return n;
            }
        }
        try (Connection db = open(store, dir);
                Statement st = db.createStatement()) {
            if (!hasTable(db, "DS_MESSAGES") && !hasTable(db, "ds_messages")) {
                return 0; // even the table was lost
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ds_messages")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
