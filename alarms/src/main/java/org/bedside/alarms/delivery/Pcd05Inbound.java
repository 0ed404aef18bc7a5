package org.bedside.alarms.delivery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bedside.common.tls.TlsServer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.mllp.ConnectionRefusal;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.InboundMessage;
import org.bedside.hl7.mllp.ListenerStats;
import org.bedside.hl7.mllp.MllpFrameDecoder;
import org.bedside.hl7.mllp.MllpHandler;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.hl7.pcd.Pcd05Decoder;
import org.bedside.hl7.pcd.Pcd05Report;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IHE PCD-05 in: the Alert Manager's Report Alert Status ({@code ORA^R41}) about the alerts the gateway sent as PCD-04,
 * on the hl7 module's {@link MllpListener} (its bounded framer, its allow-list of sources, its acknowledgement rules —
 * and whatever transport options it gains). Each status goes to {@link AlertDeliveries}, apart from the alerts' state.
 *
 * <p><b>Stored, then acknowledged.</b> A report is checked whole (HAPI parses it, {@link Pcd05Decoder} reads it, every
 * OBR must name an alert of this gateway: OBR-3.2/3.3 its application and EUI-64), then appended, MLLP-framed, to a
 * journal ({@code <dir>/pcd05-in.hl7}, forced to disk) and only then recorded and acknowledged — CA when MSH-15 asks
 * for enhanced mode (PCD-05 sends {@code AL}), AA otherwise. At start the journal is read back, so that a restart
 * loses no acknowledged status. The journal is bounded: past {@value #JOURNAL_LIMIT} bytes it becomes
 * {@code pcd05-in.hl7.1} (the previous one dropped), and both are read at start. A report that cannot be taken is
 * answered CE/AE (content, ERR naming the field) or CR/AR (not a PCD-05), counted by reason, and nothing of it kept;
 * a journal that cannot be written gives CE/AR ("send it again"). A retransmission (the same MSH-3 and MSH-10) is
 * acknowledged and not recorded twice.
 */
public final class Pcd05Inbound implements MllpHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pcd05Inbound.class);
    static final long JOURNAL_LIMIT = 4L << 20;
    private static final int SEEN_LIMIT = 10_000;
    static final String JOURNAL = "pcd05-in.hl7";

    /**
     * @param application OBR-3.2 of the gateway's PCD-04 (its MSH-3.1)
     * @param eui64 OBR-3.3 of the gateway's PCD-04
     * @param tls TLS with a client certificate required (the Alert Manager's), or null for plain MLLP
     * @param refusals told of every connection refused before a message was read (the gateway audits them), or null
     */
    public record Settings(
            InetSocketAddress bind,
            SourceAllowList allowed,
            int maxMessageSize,
            String application,
            String eui64,
            @Nullable TlsServer tls,
            ConnectionRefusal.@Nullable Listener refusals) {
        /** Plain MLLP, refusals only counted. */
        public Settings(
                InetSocketAddress bind, SourceAllowList allowed, int maxMessageSize, String application, String eui64) {
            this(bind, allowed, maxMessageSize, application, eui64, null, null);
        }
    }

    /** What the listener has done, for the status page. */
    public record Status(
            @Nullable String listening,
            Map<String, Long> messages,
            Map<String, Long> statuses,
            long acceptAcks,
            Map<String, Long> listenerFailures) {}

    private final Settings settings;
    private final AlertDeliveries deliveries;
    private final Path journal;
    private final Hl7Parser parser = new Hl7Parser();
    private final Pcd05Decoder decoder = new Pcd05Decoder();
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final LinkedHashSet<String> seen = new LinkedHashSet<>();
    private @Nullable FileChannel out;
    private long journalSize;
    private @Nullable MllpListener listener;

    /** Opens the journal in {@code directory} and replays it into {@code deliveries}. */
    public Pcd05Inbound(Settings settings, AlertDeliveries deliveries, Path directory) throws IOException {
        this.settings = settings;
        this.deliveries = deliveries;
        Files.createDirectories(directory);
        this.journal = directory.resolve(JOURNAL);
        int replayed = replay(directory.resolve(JOURNAL + ".1")) + replay(journal);
        if (replayed > 0) {
            LOG.info("PCD-05: {} status report(s) read back from {}", replayed, journal);
        }
        openJournal();
    }

    private void openJournal() throws IOException {
        out = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        journalSize = out.size();
    }

    /** Starts listening. */
    public synchronized void start() throws IOException {
        if (listener != null) {
            return;
        }
        MllpListener l = new MllpListener(
                MllpListenerConfig.builder(settings.bind())
                        .allowList(settings.allowed())
                        .maxMessageLength(settings.maxMessageSize())
                        .tls(settings.tls())
                        .refusals(settings.refusals())
                        .name("pcd05-in")
                        .build(),
                this);
        l.start();
        listener = l;
        LOG.info(
                "PCD-05 listener on mllp://{}:{} (Alert Manager status reports){}",
                l.localAddress().getHostString(),
                l.localAddress().getPort(),
                settings.tls() == null ? "" : " over TLS, client certificates required");
    }

    public @Nullable InetSocketAddress address() {
        MllpListener l = listener;
        return l == null ? null : l.localAddress();
    }

    public @Nullable ListenerStats listenerStats() {
        MllpListener l = listener;
        return l == null ? null : l.stats();
    }

    public synchronized Status status() {
        InetSocketAddress a = address();
        ListenerStats s = listenerStats();
        return new Status(
                a == null ? null : a.getHostString() + ":" + a.getPort(),
                Map.copyOf(outcomes),
                deliveries.statusCounts(),
                s == null
                        ? 0
                        : s.acksSent(org.bedside.hl7.mllp.AckCode.CA) + s.acksSent(org.bedside.hl7.mllp.AckCode.AA),
                s == null ? Map.of() : s.failuresByReason());
    }

    /** Messages by outcome: {@code recorded}, {@code duplicate}, {@code store_failed} and refusal reasons. */
    public synchronized Map<String, Long> outcomes() {
        return Map.copyOf(outcomes);
    }

    @Override
    public Decision handle(InboundMessage message) {
        Hl7Result<Pcd05Report> decoded = decoder.decode(message.message(), message.header());
        if (!decoded.isOk()) {
            Hl7Failure f = decoded.failure();
            return refuse(
                    message,
                    f.reason() == FailureReason.UNSUPPORTED_MESSAGE_TYPE ? Decision.reject(f) : Decision.error(f));
        }
        Pcd05Report report = decoded.value();
        for (Pcd05Report.AlertStatus a : report.alerts()) {
            if (!a.namespace().equals(settings.application())
                    || !a.universalId().equalsIgnoreCase(settings.eui64())) {
                return refuse(
                        message,
                        Decision.error(Hl7Failure.at(
                                FailureReason.BAD_VALUE,
                                Hl7Location.field("OBR", a.obr(), 3),
                                "OBR-3 '" + a.indication() + "^" + a.namespace() + "^" + a.universalId()
                                        + "' is no alert of this gateway (" + settings.application() + "^"
                                        + settings.eui64() + ")")));
            }
        }
        String key = message.header().sendingApplication() + "|" + report.controlId();
        synchronized (this) {
            if (seen.contains(key)) {
                count("duplicate");
                return Decision.accept();
            }
            try {
                append(message.text());
            } catch (IOException e) {
                count("store_failed");
                LOG.warn("PCD-05 {}: cannot write the journal {}: {}", report.controlId(), journal, e.getMessage());
                return Decision.retryLater("the gateway cannot store the status report now: " + e.getMessage());
            }
            remember(key);
            record(report, message.receivedAt());
            count("recorded");
        }
        return Decision.accept();
    }

    private Decision refuse(InboundMessage message, Decision decision) {
        Hl7Failure f = decision.failureOrNull();
        String reason = f == null ? "refused" : f.reason().label();
        synchronized (this) {
            count(reason);
        }
        LOG.warn(
                "PCD-05 {} refused: {}{}",
                message.controlId(),
                reason,
                f == null ? "" : Hl7Location.describe(f.location()));
        return decision;
    }

    private void record(Pcd05Report report, Instant receivedAt) {
        for (Pcd05Report.AlertStatus a : report.alerts()) {
            String alertId =
                    AlertDeliveries.alertIdOf(a.initialIndication() != null ? a.initialIndication() : a.indication());
            for (Pcd05Report.Status s : a.statuses()) {
                deliveries.record(alertId, s, receivedAt);
            }
        }
    }

    private void remember(String key) {
        seen.add(key);
        if (seen.size() > SEEN_LIMIT) {
            var oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1L, Long::sum);
    }

    private void append(String text) throws IOException {
        FileChannel o = out;
        if (o == null) {
            throw new IOException("the journal is closed");
        }
        byte[] framed = MllpFrameDecoder.wrap(text.getBytes(StandardCharsets.UTF_8));
        if (journalSize > 0 && journalSize + framed.length > JOURNAL_LIMIT) {
            o.close();
            Files.move(journal, journal.resolveSibling(JOURNAL + ".1"), StandardCopyOption.REPLACE_EXISTING);
            openJournal();
            o = out;
        }
        ByteBuffer b = ByteBuffer.wrap(framed);
        while (b.hasRemaining()) {
            o.write(b);
        }
        o.force(false);
        journalSize += framed.length;
    }

    /** Reads a journal back: every framed report, as when it arrived (its time: PRT-11, else MSH-7, else the file's). */
    private int replay(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        Instant fileTime = Files.getLastModifiedTime(file).toInstant();
        List<byte[]> frames = new ArrayList<>();
        MllpFrameDecoder framer = new MllpFrameDecoder((int) Math.min(Integer.MAX_VALUE, JOURNAL_LIMIT));
        framer.feed(ByteBuffer.wrap(Files.readAllBytes(file)), new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                byte[] b = new byte[frame.remaining()];
                frame.get(b);
                frames.add(b);
            }

            @Override
            public void failure(DecodeFailure failure) {
                LOG.warn("PCD-05 journal {}: a damaged entry skipped ({})", file, failure.reason());
            }
        });
        int n = 0;
        for (byte[] frame : frames) {
            Hl7Result<Hl7Parser.Parsed> parsed = parser.parse(ByteBuffer.wrap(frame));
            if (!parsed.isOk()) {
                continue;
            }
            Hl7Result<Pcd05Report> r =
                    decoder.decode(parsed.value().message(), parsed.value().header());
            if (!r.isOk()) {
                continue;
            }
            remember(parsed.value().header().sendingApplication() + "|"
                    + r.value().controlId());
            Instant sent = r.value().sentAt();
            record(r.value(), sent != null ? sent : fileTime);
            n++;
        }
        return n;
    }

    /** Stops listening; the journal stays open for nothing more. */
    public synchronized void stop() {
        MllpListener l = listener;
        listener = null;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        stop();
        FileChannel o = out;
        out = null;
        if (o != null) {
            o.close();
        }
    }
}
