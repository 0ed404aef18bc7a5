package org.bedside.runtime.pcd01;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bedside.drivers.replay.Replay;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.pcd.Pcd01Decoder;
import org.bedside.hl7.pcd.Pcd01Report;
import org.bedside.hl7.pcd.Pcd10Decoder;
import org.bedside.hl7.pcd.Pcd10Report;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * {@code bedside replay --driver pcd-01 FILE}: decodes a file of HL7 v2 messages with the same parser and decoders as
 * the gateway's PCD-01 listener — {@code ORU^R01} by {@link Pcd01Decoder}, PCD-10 {@code ORU^R42} by {@link
 * Pcd10Decoder}, chosen by MSH-9 as the listener chooses — and prints one JSON object per reading and one {@code
 * "kind":"failure"} per message that failed, in the form of the drivers' replay ({@link Replay#json}). A summary goes to
 * stderr.
 *
 * <p>The file may be MLLP-framed or not: the MLLP start and end bytes are taken as message boundaries, and a message
 * starts at any segment beginning {@code MSH|}; segments end with CR, CR LF or LF. Text before the first MSH is a
 * failure of its own.
 *
 * <pre>
 * usage: replay --driver pcd-01 [--option sender-zone=ZONE] FILE
 * </pre>
 */
public final class Pcd01Replay {
    public static final String CODE = "pcd-01";

    private static final DeviceId DEVICE = DeviceId.of("replay");
    /** As the drivers' replay: the file has no receive times, so the output depends on the bytes only. */
    private static final Instant RECEIVED_AT = Instant.EPOCH;

    private Pcd01Replay() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        ZoneId zone = null;
        boolean driver = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--driver") && i + 1 < args.length) {
                if (!args[++i].equals(CODE)) {
                    return usage(err, "this replay reads " + CODE + ", not '" + args[i] + "'");
                }
                driver = true;
            } else if (a.equals("--option") && i + 1 < args.length && args[i + 1].startsWith("sender-zone=")) {
                String z = args[++i].substring("sender-zone=".length());
                try {
                    zone = ZoneId.of(z);
                } catch (RuntimeException e) {
                    return usage(err, "option sender-zone: '" + z + "' is not a time zone such as Europe/Berlin");
                }
            } else if (!a.startsWith("--") && file == null) {
                file = Path.of(a);
            } else {
                return usage(err, "unexpected argument '" + a + "'");
            }
        }
        if (!driver || file == null) {
            return usage(err, "--driver " + CODE + " and a file are needed");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            err.println("replay: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        Hl7Parser parser = new Hl7Parser();
        Pcd01Decoder decoder = new Pcd01Decoder(zone);
        Pcd10Decoder pumpEvents = new Pcd10Decoder(zone);
        long messages = 0;
        long readings = 0;
        long skipped = 0;
        Map<String, Long> failures = new TreeMap<>();
        for (Chunk c : split(bytes)) {
            if (!c.message()) {
                failures.merge("not_hl7", 1L, Long::sum);
                out.println(Replay.failureJson(
                        "not_hl7", "bytes outside any message (no MSH| segment starts them)", c.bytes().length));
                continue;
            }
            messages++;
            Hl7Result<Hl7Parser.Parsed> parsed = parser.parse(ByteBuffer.wrap(c.bytes()));
            Hl7Failure failure = null;
            if (parsed.isOk() && Pcd01Inbound.isPumpEvent(parsed.value().header())) {
                Hl7Result<Pcd10Report> report = pumpEvents.decode(
                        parsed.value().message(), parsed.value().header());
                if (report.isOk()) {
                    for (Reading reading : report.value().readings(DEVICE, RECEIVED_AT)) {
                        out.println(Replay.json(reading));
                        readings++;
                    }
                    skipped += report.value().skipped().size();
                } else {
                    failure = report.failure();
                }
            } else if (parsed.isOk()) {
                Hl7Result<Pcd01Report> report =
                        decoder.decode(parsed.value().message(), parsed.value().header());
                if (report.isOk()) {
                    for (Pcd01Report.PatientResult r : report.value().results()) {
                        for (Reading reading : r.readings(DEVICE, RECEIVED_AT)) {
                            out.println(Replay.json(reading));
                            readings++;
                        }
                    }
                    skipped += report.value().skipped().size();
                } else {
                    failure = report.failure();
                }
            } else {
                failure = parsed.failure();
            }
            if (failure != null) {
                String reason = failure.reason().label();
                failures.merge(reason, 1L, Long::sum);
                String where = failure.location() == null ? "" : Hl7Location.describe(failure.location()) + ": ";
                out.println(Replay.failureJson(reason, where + failure.detail(), c.bytes().length));
            }
        }
        out.flush();
        err.println("replay: " + messages + " messages, " + readings + " readings, " + skipped
                + " rows that are not readings, "
                + failures.values().stream().mapToLong(Long::longValue).sum() + " failures " + failures);
        return 0;
    }

    /** A message's bytes (segments joined with CR), or bytes outside any message. */
    record Chunk(boolean message, byte[] bytes) {}

    /**
     * Splits a file into messages: MLLP start (0x0B) and end (0x1C) bytes end a message, a line starting {@code MSH|}
     * starts one; lines end with CR, CR LF or LF; empty lines are dropped. ISO 8859-1 keeps every byte as it was, so
     * that the parser decodes each message by its own MSH-18.
     */
    static List<Chunk> split(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Chunk> out = new ArrayList<>();
        @Nullable StringBuilder current = null;
        StringBuilder stray = new StringBuilder();
        for (String block : all.split("[\\x0B\\x1C]", -1)) {
            for (String line : block.split("\r\n|\r|\n", -1)) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("MSH|")) {
                    flush(out, current, stray);
                    stray.setLength(0);
                    current = new StringBuilder();
                }
                if (current == null) {
                    stray.append(line).append('\r');
                } else {
                    current.append(line).append('\r');
                }
            }
            // An MLLP end block ends the message even if no MSH follows.
            flush(out, current, stray);
            stray.setLength(0);
            current = null;
        }
        return out;
    }

    private static void flush(List<Chunk> out, @Nullable StringBuilder current, StringBuilder stray) {
        if (stray.length() > 0) {
            out.add(new Chunk(false, stray.toString().getBytes(StandardCharsets.ISO_8859_1)));
        }
        if (current != null && current.length() > 0) {
            out.add(new Chunk(true, current.toString().getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("replay: " + problem);
        err.println("usage: bedside replay --driver " + CODE + " [--option sender-zone=ZONE] FILE");
        return 64;
    }
}
