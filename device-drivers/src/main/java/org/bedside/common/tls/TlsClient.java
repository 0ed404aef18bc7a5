package org.bedside.common.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of one outgoing connection (the FHIR server, an MQTT broker, an MLLP peer), from PEM files:
 *
 * <pre>{@code
 * TlsClient tls = TlsClient.open("fhir", TlsSettings.trusting(Path.of("/etc/bedside/tls/hospital-ca.pem"))
 *         .withClientCertificate(Path.of("/etc/bedside/tls/gw.pem"), Path.of("/etc/bedside/tls/gw-key.pem"), null),
 *     WallClock.system());
 * HttpClient http = HttpClient.newBuilder().sslContext(tls.sslContext()).sslParameters(tls.sslParameters()).build();
 * Socket mllp = tls.socketFactory().createSocket("his.hospital.org", 2575);   // raw sockets: same checks
 * }</pre>
 *
 * <ul>
 *   <li>TLS 1.3 and 1.2 only; the server's host name is always verified (endpoint identification {@code HTTPS}, for raw
 *       sockets too); revocation only as configured.
 *   <li>Certificates are validated at the box's {@link WallClock}; a refusal is one sentence naming the certificate,
 *       its validity and the cause ({@link #explain}).
 *   <li>The files are looked at every {@link TlsSettings#checkInterval()} (on use, and by {@link #refreshIfDue()}): a
 *       changed file is read again and used for new connections, while open ones keep theirs; a changed file that
 *       cannot be used is reported and the previous ones stay in force. Certificates ending within {@link
 *       TlsSettings#expiryWarning()} are logged once a day and listed in the {@link #status()}.
 * </ul>
 *
 * One {@link SSLContext} serves for the life of the client; its key and trust managers switch to new files inside.
 * Thread-safe.
 */
public final class TlsClient {
    private static final Logger LOG = LoggerFactory.getLogger(TlsClient.class);

    private final String name;
    private final WallClock clock;
    private final SSLContext context;
    private final FilesInForce files;

    private volatile @Nullable String lastFailure;
    private volatile @Nullable ClientCertificateNote clientCertificateNote;

    /** What the key manager did when a server last asked for a client certificate. */
    private record ClientCertificateNote(String text, long atNanos) {}

    /** A note about the client certificate explains a failure only if it was made this recently. */
    private static final Duration NOTE_RELEVANCE = Duration.ofMinutes(1);

    private volatile @Nullable X509Certificate lastServerCertificate;

    private TlsClient(String name, WallClock clock, TlsMaterial material) throws TlsConfigException {
        this.name = name;
        this.clock = clock;
        this.files = new FilesInForce(
                name,
                LOG,
                new FilesInForce.Names(
                        "this box's client certificate",
                        TlsStatus.Role.CLIENT_CERTIFICATE,
                        "the trusted CA certificate",
                        "the server's certificate"),
                clock,
                material,
                () -> lastServerCertificate);
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(
                    new KeyManager[] {SwitchingKeyManager.client(files, this::clientCertificateNote)},
                    new TrustManager[] {new PeerCheckingTrustManager(this)},
                    null);
            this.context = c;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(TlsConfigException.Part.PROTOCOLS, "the JDK has no TLS: " + e, e);
        }
    }

    /**
     * Reads and checks the files now.
     *
     * @param name the connection, for messages and the status ({@code fhir}, {@code mqtt})
     * @throws TlsConfigException naming the file that cannot be used and why
     */
    public static TlsClient open(String name, TlsSettings settings, WallClock clock) throws TlsConfigException {
        TlsClient client = new TlsClient(name, clock, TlsMaterial.load(settings, clock.now()));
        client.files.warnAboutExpiry();
        return client;
    }

    /** For {@code HttpClient.Builder.sslContext} or a socket factory; the same object for the client's life. */
    public SSLContext sslContext() {
        return context;
    }

    /** TLS 1.3/1.2 and host-name verification; a new copy each call, to be set on every engine or socket. */
    public SSLParameters sslParameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(files.material().settings.protocols().toArray(String[]::new));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }

    /**
     * Sockets for raw protocols (MQTT, MLLP) with {@link #sslParameters()} applied to each one, so that they verify the
     * host name as HTTPS does. Connect them by host name (or the IP address the certificate lists).
     */
    public SSLSocketFactory socketFactory() {
        return new ParameterizedSocketFactory(context.getSocketFactory());
    }

    public String name() {
        return name;
    }

    /** The files are re-read if they changed and the check interval has passed since the last look. */
    public void refreshIfDue() {
        if (files.due()) {
            refresh();
        }
    }

    /** Looks at the files now; returns whether new ones were taken. */
    public synchronized boolean refresh() {
        // New connections must not resume a session made with the previous files, which skips both the certificate
        // check and the client certificate.
        boolean taken = files.refresh(
                context.getClientSessionContext(),
                loaded -> loaded.clientChain == null
                        ? ""
                        : "; client certificate " + Certificates.describe(loaded.clientChain.get(0)));
        if (taken) {
            clientCertificateNote = null;
        }
        return taken;
    }

    /** What is in use, what ends soon, what last went wrong. */
    public TlsStatus status() {
        refreshIfDue();
        return files.status(lastFailure);
    }

    /**
     * A connection failure in one sentence if TLS was the cause (the certificate refused and why, an alert from the
     * server, no common protocol), else null.
     *
     * @param peer {@code host:port}, for the sentence
     */
    public @Nullable String explain(Throwable failure, String peer) {
        PeerCheckingTrustManager.PeerCertificateException refused =
                HandshakeFailures.find(failure, PeerCheckingTrustManager.PeerCertificateException.class);
        if (refused != null) {
            return refused.getMessage();
        }
        ClientCertificateNote note = clientCertificateNote;
        String noteText =
                note != null && System.nanoTime() - note.atNanos() < NOTE_RELEVANCE.toNanos() ? note.text() : null;
        if (HandshakeFailures.find(failure, SSLException.class) == null) {
            // In TLS 1.3 the server checks the client's certificate after the client has finished its handshake; a
            // server that refuses it may just close the connection, which the client sees as an empty response.
            if (noteText != null
                    && (HandshakeFailures.find(failure, java.io.EOFException.class) != null
                            || HandshakeFailures.find(failure, java.net.SocketException.class) != null)) {
                String sentence = "The server " + peer + " closed the connection right after the TLS handshake in"
                        + " which it asked for a client certificate: it refused this box's client certificate; "
                        + noteText;
                lastFailure = sentence;
                return sentence;
            }
            return null;
        }
        String sentence = HandshakeFailures.explainAlert(peer, failure, noteText);
        lastFailure = sentence;
        return sentence;
    }

    // For the managers.

    TlsMaterial material() {
        return files.material();
    }

    @Nullable
    TlsMaterial previousMaterial() {
        return files.previous();
    }

    WallClock clock() {
        return clock;
    }

    void handshakeFailed(String diagnosis) {
        lastFailure = diagnosis;
    }

    void clientCertificateNote(String note) {
        clientCertificateNote = new ClientCertificateNote(note, System.nanoTime());
    }

    void serverCertificateSeen(X509Certificate certificate) {
        X509Certificate before = lastServerCertificate;
        lastServerCertificate = certificate;
        lastFailure = null;
        if (!certificate.equals(before)) {
            files.warnAboutExpiry();
        }
    }

    /** Applies the parameters to every socket it makes: raw-socket clients verify the host name too. */
    private final class ParameterizedSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        ParameterizedSocketFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private Socket configured(Socket s) {
            if (s instanceof SSLSocket ssl) {
                ssl.setSSLParameters(sslParameters());
            }
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return configured(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configured(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            // Unconnected first, so that the parameters are set before the handshake can start.
            Socket s = createSocket();
            s.connect(new java.net.InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket s = createSocket();
            s.bind(new java.net.InetSocketAddress(localHost, localPort));
            s.connect(new java.net.InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new java.net.InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket s = createSocket();
            s.bind(new java.net.InetSocketAddress(localAddress, localPort));
            s.connect(new java.net.InetSocketAddress(address, port));
            return s;
        }
    }
}
