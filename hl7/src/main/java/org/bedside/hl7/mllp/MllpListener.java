package org.bedside.hl7.mllp;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v26.message.ACK;
import ca.uhn.hl7v2.preparser.PreParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bedside.common.RateLimitedLog;
import org.bedside.common.tls.TlsServer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MLLP server for HL7 v2 messages: each complete message is parsed by HAPI, handed to an {@link MllpHandler}, and
 * acknowledged only after the handler returned its {@link Decision}, with the code of the mode the message asked for
 * ({@link AckMode}: CA for an IHE PCD-01 sender, AA in original mode).
 *
 * <pre>
 *   sender ──0B MSH|...|ORU^R01|MSG1|P|2.6|||AL|NE 1C 0D──▶ framer ─▶ HAPI parse ─▶ handler (stores) ─▶ Decision
 *   sender ◀──────────────0B MSH|...|ACK^R01^ACK ... MSA|CA|MSG1 1C 0D──────────────────────────────────┘
 * </pre>
 *
 * <p>One thread per connection, at most {@code maxConnections}; a connection over the limit, or from an address
 * outside the allow-list, is closed at once. Nothing a sender does stops the listener: garbage, a message without its
 * end block, a message over the length limit, bytes that are not HL7, a handler that throws; each is counted by reason
 * ({@link #stats()}), logged at most once a minute per reason without message content (messages carry patient data),
 * and, where the message can still be identified, answered with an error acknowledgement whose ERR segment names what
 * was wrong. Memory per connection is bounded by the framer's limit.
 *
 * <p>With a {@link TlsServer} ({@link MllpListenerConfig.Builder#tls(TlsServer)}), every connection must complete a
 * TLS 1.2+ handshake with a client certificate of a trusted CA (and an allowed subject, where configured) before a
 * byte of it is read: a client without one is closed inside the handshake and counted {@link
 * FailureReason#CLIENT_CERTIFICATE_REFUSED}. Every refused connection (source, certificate, handshake) is also told to
 * the configured {@link ConnectionRefusal.Listener}, at most once a minute per source and cause, with the number not
 * told since.
 */
public final class MllpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MllpListener.class);
    private static final int READ_BUFFER = 8192;

    private final MllpListenerConfig config;
    private final MllpHandler handler;
    private final Hl7Parser parser = new Hl7Parser();
    private final ListenerStats stats = new ListenerStats();
    private final RateLimitedLog rateLimitedLog = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final Semaphore slots;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ackSequence = new AtomicLong();
    private final Map<String, RefusalWindow> refusalWindows = new HashMap<>();

    /** Refusals of one source for one cause within the current minute. */
    private static final class RefusalWindow {
        final long startNanos;
        long notReported;

        RefusalWindow(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private static final Duration REFUSAL_REPORT_INTERVAL = Duration.ofMinutes(1);
    private static final int REFUSAL_WINDOWS_MAX = 1024;

    private volatile @Nullable ServerSocket server;
    private volatile boolean closed;
    private @Nullable Thread acceptor;

    public MllpListener(MllpListenerConfig config, MllpHandler handler) {
        this.config = config;
        this.handler = handler;
        this.slots = new Semaphore(config.maxConnections());
    }

    /** Binds and starts accepting connections. */
    public synchronized MllpListener start() throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("listener " + config.name() + " was already started");
        }
        ServerSocket ss;
        TlsServer tlsServer = config.tlsServer();
        if (tlsServer != null) {
            ss = tlsServer.newServerSocket();
        } else if (config.sslContext() != null) {
            SSLServerSocket tls = (SSLServerSocket)
                    config.sslContext().getServerSocketFactory().createServerSocket();
            switch (config.clientAuth()) {
                case NEED -> tls.setNeedClientAuth(true);
                case WANT -> tls.setWantClientAuth(true);
                case NONE -> tls.setNeedClientAuth(false);
            }
            ss = tls;
        } else {
            ss = new ServerSocket();
        }
        ss.setReuseAddress(true);
        try {
            ss.bind(config.bindAddress(), 50);
        } catch (IOException e) {
            ss.close();
            throw new IOException(
                    "MLLP listener " + config.name() + " cannot listen on " + config.bindAddress() + ": "
                            + e.getMessage(),
                    e);
        }
        server = ss;
        Thread t = new Thread(this::acceptLoop, config.name() + "-accept");
        t.setDaemon(true);
        acceptor = t;
        t.start();
        log.info(
                "MLLP listener {} on {} (tls={}, allow-list {}, at most {} connections, messages up to {} bytes)",
                config.name(),
                localAddress(),
                tlsServer != null
                        ? "client certificates required"
                                + (tlsServer.allowedSubjects().isEmpty() ? "" : " from " + tlsServer.allowedSubjects())
                        : config.sslContext() != null ? config.clientAuth() : "off",
                config.allowList(),
                config.maxConnections(),
                config.maxMessageLength());
        return this;
    }

    /** The address actually bound (with the port chosen when the configuration asked for port 0). */
    public InetSocketAddress localAddress() {
        ServerSocket ss = server;
        if (ss == null) {
            throw new IllegalStateException("listener " + config.name() + " is not started");
        }
        return (InetSocketAddress) ss.getLocalSocketAddress();
    }

    public ListenerStats stats() {
        return stats;
    }

    /**
     * The bytes held by the framers of the open connections right now (their buffers' sizes): bounded by max
     * connections × max message length whatever the senders send.
     */
    public long bufferedBytes() {
        long sum = 0;
        for (Connection c : connections) {
            sum += c.bufferCapacity;
        }
        return sum;
    }

    private void acceptLoop() {
        ServerSocket ss = server;
        while (!closed && ss != null) {
            Socket socket;
            try {
                socket = ss.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                stats.failed(FailureReason.IO_ERROR);
                rateLimitedLog.warn("accept", "MLLP listener " + config.name() + " failed to accept: " + e);
                pause(); // e.g. out of file descriptors: do not spin
                continue;
            }
            try {
                admit(socket);
            } catch (RuntimeException e) {
                stats.failed(FailureReason.IO_ERROR);
                log.error("MLLP listener {} could not start a connection", config.name(), e);
                closeQuietly(socket);
            }
        }
    }

    private void admit(Socket socket) {
        InetSocketAddress source = (InetSocketAddress) socket.getRemoteSocketAddress();
        if (!config.allowList().allows(source.getAddress())) {
            stats.failed(FailureReason.SOURCE_REFUSED);
            String detail = "not in the allow-list " + config.allowList();
            rateLimitedLog.warn(
                    "refused",
                    "MLLP listener " + config.name() + " refused a connection from "
                            + source.getAddress().getHostAddress() + ": " + detail);
            closeQuietly(socket);
            report(source.getAddress(), FailureReason.SOURCE_REFUSED, "source", detail, null);
            return;
        }
        if (!slots.tryAcquire()) {
            stats.failed(FailureReason.TOO_MANY_CONNECTIONS);
            rateLimitedLog.warn(
                    "too-many",
                    "MLLP listener " + config.name() + " closed a connection from "
                            + source.getAddress().getHostAddress() + ": already " + config.maxConnections()
                            + " connections open");
            closeQuietly(socket);
            return;
        }
        Connection c = new Connection(socket, source);
        connections.add(c);
        stats.connectionOpened();
        Thread t =
                new Thread(c::run, config.name() + "-" + source.getAddress().getHostAddress() + ":" + source.getPort());
        t.setDaemon(true);
        try {
            t.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            c.finish();
            throw e;
        }
    }

    /** One connection: read, frame, parse, hand over, acknowledge; on its own thread. */
    private final class Connection implements MllpFrameSink {
        private final Socket socket;
        private final InetSocketAddress source;
        private final MllpFrameDecoder framer = new MllpFrameDecoder(config.maxMessageLength());
        private volatile int bufferCapacity;
        private @Nullable Principal peer;
        private @Nullable OutputStream out;
        private boolean finished;

        Connection(Socket socket, InetSocketAddress source) {
            this.socket = socket;
            this.source = source;
            this.bufferCapacity = framer.capacity();
        }

        void run() {
            try {
                socket.setTcpNoDelay(true);
                if (socket instanceof SSLSocket tls && !handshake(tls)) {
                    return;
                }
                socket.setSoTimeout((int) config.idleTimeout().toMillis());
                InputStream in = socket.getInputStream();
                out = socket.getOutputStream();
                byte[] buffer = new byte[READ_BUFFER];
                while (!closed) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    framer.feed(ByteBuffer.wrap(buffer, 0, n), this);
                    bufferCapacity = framer.capacity();
                }
                if (framer.inMessage()) {
                    count(FailureReason.NO_END_BLOCK, "the connection closed in the middle of a message");
                }
            } catch (SocketTimeoutException e) {
                count(FailureReason.IDLE_TIMEOUT, "nothing received for " + config.idleTimeout() + "; closed");
            } catch (UncheckedIOException | IOException e) {
                if (!closed) {
                    count(FailureReason.IO_ERROR, "the connection failed: " + rootMessage(e));
                }
            } catch (RuntimeException e) {
                stats.failed(FailureReason.IO_ERROR);
                log.error("MLLP listener {}: the connection from {} failed", config.name(), hostOf(), e);
            } finally {
                finish();
            }
        }

        private boolean handshake(SSLSocket tls) throws IOException {
            TlsServer server = config.tlsServer();
            if (server != null) {
                return handshake(tls, server);
            }
            try {
                tls.setSoTimeout((int) config.handshakeTimeout().toMillis());
                tls.startHandshake();
                try {
                    peer = tls.getSession().getPeerPrincipal();
                } catch (SSLPeerUnverifiedException e) {
                    peer = null; // no client certificate, and none was required
                }
                return true;
            } catch (SSLException | SocketTimeoutException e) {
                count(FailureReason.TLS_HANDSHAKE_FAILED, "the TLS handshake failed: " + e.getMessage());
                return false;
            }
        }

        /** With client certificates required: a refusal is counted, logged and reported before any byte is read. */
        private boolean handshake(SSLSocket tls, TlsServer server) throws IOException {
            try {
                tls.setSoTimeout((int) config.handshakeTimeout().toMillis());
                tls.startHandshake();
                peer = tls.getSession().getPeerPrincipal();
                return true;
            } catch (IOException e) {
                if (closed) {
                    return false;
                }
                TlsServer.Refusal r = server.explain(tls, e);
                FailureReason reason = r.kind().identity()
                        ? FailureReason.CLIENT_CERTIFICATE_REFUSED
                        : FailureReason.TLS_HANDSHAKE_FAILED;
                count(reason, r.sentence());
                report(source.getAddress(), reason, r.kind().name(), r.sentence(), r.subject());
                return false;
            }
        }

        void finish() {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            closeQuietly(socket);
            connections.remove(this);
            slots.release();
            stats.connectionClosed();
        }

        @Override
        public void frame(ByteBuffer frame) {
            try {
                receive(frame);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void failure(DecodeFailure failure) {
            FailureReason reason = switch (failure.reason()) {
                case GARBAGE -> FailureReason.GARBAGE;
                case FRAME_TOO_LONG -> FailureReason.MESSAGE_TOO_LONG;
                case TRUNCATED -> FailureReason.NO_END_BLOCK;
                default -> FailureReason.BAD_END_BLOCK;
            };
            count(reason, failure.detail());
        }

        @Override
        public void oversizedMessageEnded(ByteBuffer firstSegment, long length) {
            // The message itself is gone; its MSH may still identify it, so that the sender learns why.
            String header = StandardCharsets.ISO_8859_1.decode(firstSegment).toString();
            Hl7Failure failure = Hl7Failure.of(
                    FailureReason.MESSAGE_TOO_LONG,
                    "the message is " + length + " bytes long; this listener takes at most "
                            + config.maxMessageLength());
            try {
                answerUnparsed(header, StandardCharsets.ISO_8859_1, failure);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void receive(ByteBuffer frame) throws IOException {
            Instant receivedAt = config.clock().instant();
            stats.received();
            Hl7Result<Hl7Parser.DecodedText> text = Hl7Parser.decode(frame);
            if (text instanceof Hl7Result.Failed<Hl7Parser.DecodedText> f) {
                count(f.failure());
                answerUnparsed(
                        StandardCharsets.ISO_8859_1.decode(frame.duplicate()).toString(), null, f.failure());
                return;
            }
            Hl7Parser.DecodedText decoded = text.value();
            Hl7Result<Hl7Parser.Parsed> parsed = parser.parse(decoded.text(), decoded.charset());
            if (parsed instanceof Hl7Result.Failed<Hl7Parser.Parsed> f) {
                count(f.failure());
                answerUnparsed(decoded.text(), decoded.charset(), f.failure());
                return;
            }
            Hl7Parser.Parsed p = parsed.value();
            InboundMessage message =
                    new InboundMessage(p.message(), p.header(), decoded.text(), source, peer, receivedAt);
            Decision decision = decide(message);
            if (decision instanceof Decision.Accept) {
                stats.accepted();
            } else {
                Hl7Failure failure = decision.failureOrNull();
                if (failure != null) {
                    count(failure);
                }
            }
            AckMode mode = AckMode.of(p.header());
            if (!mode.answers(decision instanceof Decision.Accept)) {
                return;
            }
            send(mshOf(p), mode.codeFor(decision), decision.failureOrNull(), decoded.charset());
        }

        private @Nullable Segment mshOf(Hl7Parser.Parsed p) {
            try {
                return (Segment) p.message().get("MSH");
            } catch (HL7Exception e) {
                return null;
            }
        }

        private Decision decide(InboundMessage message) {
            try {
                Decision d = handler.handle(message);
                if (d == null) {
                    throw new IllegalStateException("the handler returned no decision");
                }
                return d;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stats.failed(FailureReason.HANDLER_EXCEPTION);
                return Decision.retryLater("the gateway is shutting down; the message was not stored");
            } catch (Exception e) {
                stats.failed(FailureReason.HANDLER_EXCEPTION);
                // The exception's message may quote the message; log its type and where it was thrown only.
                rateLimitedLog.warn(
                        "handler",
                        "MLLP listener " + config.name() + ": the handler threw "
                                + e.getClass().getName() + " at "
                                + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?")
                                + "; answered as not stored");
                return Decision.retryLater("the gateway could not store the message (internal error)");
            }
        }

        /** Answers a message that did not parse, as far as its MSH can be recovered. */
        private void answerUnparsed(String text, @Nullable Charset charset, Hl7Failure failure) throws IOException {
            @Nullable Segment msh = null;
            AckMode mode = AckMode.ORIGINAL;
            try {
                msh = parser.pipeParser().getCriticalResponseData(text);
                String[] msh15 = PreParser.getFields(text, "MSH-15");
                if (msh15.length > 0 && msh15[0] != null && !msh15[0].isBlank()) {
                    mode = modeOf(msh15[0].strip());
                }
            } catch (HL7Exception | RuntimeException e) {
                // Not even an MSH: answered with an empty MSA-2, as HAPI's own servers do.
            }
            if (!mode.answers(false)) {
                return;
            }
            send(msh, mode.codeFor(Decision.error(failure)), failure, charset);
        }

        private AckMode modeOf(String msh15) {
            return switch (msh15) {
                case "NE" -> AckMode.ENHANCED_NEVER;
                case "ER" -> AckMode.ENHANCED_ON_ERROR;
                case "SU" -> AckMode.ENHANCED_ON_SUCCESS;
                default -> AckMode.ENHANCED_ALWAYS;
            };
        }

        private void send(@Nullable Segment msh, AckCode code, @Nullable Hl7Failure failure, @Nullable Charset charset)
                throws IOException {
            OutputStream o = out;
            if (o == null) {
                return;
            }
            Instant now = config.clock().instant();
            String controlId = "ACK" + now.toEpochMilli() + "-" + ackSequence.incrementAndGet();
            byte[] bytes;
            try {
                ACK ack = Acknowledgements.build(
                        parser.context().getModelClassFactory(),
                        msh,
                        code,
                        failure,
                        controlId,
                        now,
                        config.applicationName(),
                        charset);
                Charset cs = charset == null ? StandardCharsets.US_ASCII : charset;
                bytes = parser.pipeParser().encode(ack).getBytes(cs);
            } catch (HL7Exception e) {
                stats.failed(FailureReason.IO_ERROR);
                log.error("MLLP listener {}: could not build an {} acknowledgement", config.name(), code, e);
                return;
            }
            o.write(MllpFrameDecoder.wrap(bytes));
            o.flush();
            stats.ackSent(code);
        }

        private void count(Hl7Failure failure) {
            // HAPI's own reasons may quote the message (patient data): they go back to the sender, not into the log.
            String detail = failure.reason() == FailureReason.UNPARSEABLE
                    ? "HAPI could not parse the message"
                    : failure.detail();
            count(failure.reason(), detail + Hl7Location.describe(failure.location()));
        }

        private void count(FailureReason reason, String detail) {
            stats.failed(reason);
            rateLimitedLog.warn(
                    reason.label(),
                    "MLLP listener " + config.name() + ", connection from " + hostOf() + ": " + reason.label() + ": "
                            + detail);
        }

        private String hostOf() {
            return source.getAddress().getHostAddress();
        }
    }

    /**
     * Tells the refusal listener, at most once per {@link #REFUSAL_REPORT_INTERVAL} per source and cause (a flood of
     * connections must not become a flood of audit entries, each forced to the disk), with the count not told since.
     */
    private void report(
            InetAddress source, FailureReason reason, String cause, String detail, @Nullable String subject) {
        ConnectionRefusal.Listener listener = config.refusals();
        if (listener == null) {
            return;
        }
        String key = source.getHostAddress() + "/" + cause;
        long now = System.nanoTime();
        long notReported;
        synchronized (refusalWindows) {
            RefusalWindow w = refusalWindows.get(key);
            if (w != null && now - w.startNanos < REFUSAL_REPORT_INTERVAL.toNanos()) {
                w.notReported++;
                return;
            }
            if (refusalWindows.size() >= REFUSAL_WINDOWS_MAX) {
                refusalWindows.values().removeIf(x -> now - x.startNanos >= REFUSAL_REPORT_INTERVAL.toNanos());
                if (refusalWindows.size() >= REFUSAL_WINDOWS_MAX) {
                    return; // a thousand sources refused within a minute: counted and logged, not each reported
                }
            }
            notReported = w == null ? 0 : w.notReported;
            refusalWindows.put(key, new RefusalWindow(now));
        }
        try {
            listener.refused(new ConnectionRefusal(config.name(), source, reason, detail, subject, notReported));
        } catch (IOException | RuntimeException e) {
            rateLimitedLog.warn(
                    "refusal-report",
                    "MLLP listener " + config.name() + " could not record a refused connection: " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }

    /** Stops accepting, closes every connection, and waits briefly for the acceptor thread. */
    @Override
    public void close() {
        closed = true;
        ServerSocket ss = server;
        if (ss != null) {
            try {
                ss.close();
            } catch (IOException e) {
                // closing is best effort
            }
        }
        for (Connection c : connections) {
            closeQuietly(c.socket);
        }
        Thread t = acceptor;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
