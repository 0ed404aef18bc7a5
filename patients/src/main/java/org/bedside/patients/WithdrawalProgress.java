package org.bedside.patients;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which withdrawals one destination has done: {@code <data-dir>/patients/withdrawn-<destination>.jsonl}, one line per
 * withdrawal done (its id, when, how many items, the outcome), forced to the disk before {@link #done} returns. A
 * withdrawal not in the file is owed: after a restart, or while the destination was away, it is done again (each
 * destination's withdrawal is idempotent).
 */
public final class WithdrawalProgress implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final JsonLines file;
    private final Set<String> done = new HashSet<>();

    public WithdrawalProgress(Path directory, String destination) throws IOException {
        if (!NAME.matcher(destination).matches()) {
            throw new IllegalArgumentException(
                    "destination names are lower-case letters, digits and '-': " + destination);
        }
        this.file = new JsonLines(directory.resolve("withdrawn-" + destination + ".jsonl"));
        for (ObjectNode line : file.readAll()) {
            if (line.hasNonNull("id")) {
                done.add(line.get("id").asText());
            }
        }
    }

    /** The withdrawals of {@code all} this destination has not done yet, in order. */
    public synchronized List<Withdrawal> pending(List<Withdrawal> all) {
        return all.stream().filter(w -> !done.contains(w.id())).toList();
    }

    /** Records that the destination did {@code w} ({@code items} withdrawn); forced to the disk. */
    public synchronized void done(Withdrawal w, Instant at, int items, String outcome) throws IOException {
        if (done.contains(w.id())) {
            return;
        }
        ObjectNode line = JsonLines.JSON.createObjectNode();
        line.put("id", w.id());
        line.put("at", at.toString());
        line.put("items", items);
        line.put("outcome", outcome);
        file.append(line);
        done.add(w.id());
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
