package org.bedside.common.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of a listener that requires client certificates (the MLLP listeners), from the same PEM files and
 * checks as {@link TlsClient}, the roles turned round:
 *
 * <pre>{@code
 * TlsServer tls = TlsServer.open("adt-in",
 *     TlsSettings.trusting(Path.of("/etc/bedside/tls/his-clients-ca.pem"))           // who may connect
 *         .withClientCertificate(Path.of("/etc/bedside/tls/gw.pem"), Path.of("/etc/bedside/tls/gw-key.pem"), null),
 *     List.of("CN=interface-engine.hospital.org,O=Hospital"),                        // optional: only these
 *     WallClock.system());
 * SSLServerSocket server = tls.newServerSocket();
 * }</pre>
 *
 * <ul>
 *   <li>TLS 1.3 and 1.2 only; a client certificate is always required, and must chain to a CA of the trust file
 *       (PKIX at the box's {@link WallClock}, with the client-authentication key usage); with allowed subjects, its
 *       subject must be one of them.
 *   <li>A refused client is refused inside the handshake, before any application byte is read; {@link #explain} says
 *       why in one sentence ({@link Refusal}): no certificate, a certificate refused (unknown issuer, expired...), a
 *       subject not allowed, or another handshake failure (plain text on a TLS port, TLS older than 1.2).
 *   <li>The files are looked at every {@link TlsSettings#checkInterval()} (at each handshake): changed files are used
 *       for new connections, open ones keep theirs, TLS sessions made with the old files are forgotten; a changed file
 *       that cannot be used is reported and the previous ones stay. The server certificate or a CA ending within
 *       {@link TlsSettings#expiryWarning()} is logged once a day and listed in the {@link #status()}.
 *   <li>Revocation as {@link TlsSettings#revocation()} says: none, the CRL files given (looked at again like the other
 *       files, never fetched), or OCSP; a revoked client certificate is refused, and {@link #explain} says so.
 * </ul>
 *
 * Thread-safe.
 */
public final class TlsServer {
    private static final Logger LOG = LoggerFactory.getLogger(TlsServer.class);

    /** Why a client was refused. */
    public enum RefusalKind {
        /** The client sent no certificate. */
        NO_CERTIFICATE,
        /** Its certificate did not pass the check: an issuer not trusted, expired, not for client authentication. */
        CERTIFICATE_REFUSED,
        /** A valid certificate whose subject is not among the allowed ones. */
        SUBJECT_NOT_ALLOWED,
        /** The handshake failed before the certificate: no common TLS version, not TLS at all, a timeout. */
        HANDSHAKE_FAILED;

        /** Whether the client's identity was the reason (rather than its TLS). */
        public boolean identity() {
            return this != HANDSHAKE_FAILED;
        }
    }

    /**
     * A refused client, in words that carry no secret (certificate subjects and issuers are public).
     *
     * @param subject the subject of the certificate the client presented, or null when it presented none
     */
    public record Refusal(
            RefusalKind kind, String sentence, @Nullable String subject) {}

    private final String name;
    private final WallClock clock;
    private final List<AllowedSubject> allowedSubjects;
    private final SSLContext context;
    private final FilesInForce files;
    /** What the trust manager found, per handshaking socket or engine, for {@link #explain}. */
    private final Map<Object, Refusal> refusals = Collections.synchronizedMap(new WeakHashMap<>());

    private volatile @Nullable String lastRefusal;

    private TlsServer(String name, WallClock clock, TlsMaterial material, List<AllowedSubject> allowedSubjects)
            throws TlsConfigException {
        this.name = name;
        this.clock = clock;
        this.files = new FilesInForce(
                name,
                LOG,
                new FilesInForce.Names(
                        "this listener's certificate",
                        TlsStatus.Role.SERVER_CERTIFICATE,
                        "the CA certificate trusted for clients",
                        null),
                clock,
                material,
                () -> null);
        this.allowedSubjects = List.copyOf(allowedSubjects);
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(
                    new KeyManager[] {SwitchingKeyManager.serving(files)},
                    new TrustManager[] {new ClientTrustManager()},
                    null);
            this.context = c;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(TlsConfigException.Part.PROTOCOLS, "the JDK has no TLS: " + e, e);
        }
    }

    /**
     * Reads and checks the files now.
     *
     * @param settings {@code trustFile}: the CAs that issue the clients' certificates (required); {@code
     *     certificateFile} and {@code keyFile}: this listener's own certificate and key (required)
     * @param allowedSubjects empty: any client with a certificate of a trusted CA; otherwise only these, each a
     *     distinguished name ({@code CN=engine,O=Hospital}, its attributes in any order) or a bare name matched
     *     against the certificate's common name and DNS names ({@code engine.hospital.org})
     * @throws TlsConfigException naming the file or setting that cannot be used and why
     */
    public static TlsServer open(String name, TlsSettings settings, List<String> allowedSubjects, WallClock clock)
            throws TlsConfigException {
        if (settings.trustFile().isEmpty()) {
            throw new TlsConfigException(
                    TlsConfigException.Part.TRUST_FILE,
                    "a listener that requires client certificates needs the CA certificates that issue them (PEM)");
        }
        if (settings.certificateFile() == null || settings.keyFile() == null) {
            throw new TlsConfigException(
                    settings.certificateFile() == null
                            ? TlsConfigException.Part.CERTIFICATE_FILE
                            : TlsConfigException.Part.KEY_FILE,
                    "a TLS listener needs its own certificate and its key (PEM)");
        }
        List<AllowedSubject> subjects = new ArrayList<>();
        for (String s : allowedSubjects) {
            subjects.add(AllowedSubject.parse(s));
        }
        TlsServer server = new TlsServer(name, clock, TlsMaterial.load(settings, clock.now()), subjects);
        server.files.warnAboutExpiry();
        return server;
    }

    /** An unbound server socket: TLS 1.3/1.2, a client certificate required. */
    public SSLServerSocket newServerSocket() throws IOException {
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        s.setSSLParameters(sslParameters());
        return s;
    }

    /** TLS 1.3/1.2 and a required client certificate; a new copy each call. */
    public SSLParameters sslParameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(files.material().settings.protocols().toArray(String[]::new));
        p.setNeedClientAuth(true);
        return p;
    }

    public String name() {
        return name;
    }

    /** The allowed subjects as configured; empty: any certificate of a trusted CA. */
    public List<String> allowedSubjects() {
        return allowedSubjects.stream().map(AllowedSubject::text).toList();
    }

    /** The subject of a connection's client certificate once its handshake succeeded, or null. */
    public static @Nullable String peerSubject(SSLSocket socket) {
        try {
            Principal p = socket.getSession().getPeerPrincipal();
            return p == null ? null : p.getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /**
     * Why the handshake of {@code socket} failed, in one sentence without the peer's address (the caller names it).
     */
    public Refusal explain(SSLSocket socket, Throwable failure) {
        Refusal found = refusals.remove(socket);
        Refusal r = found != null ? found : fromAlert(failure);
        lastRefusal = r.sentence();
        return r;
    }

    private Refusal fromAlert(Throwable failure) {
        String m = sslMessage(failure);
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("empty client certificate chain")
                || lower.contains("certificate_required")
                || lower.contains("null cert chain")) {
            return new Refusal(
                    RefusalKind.NO_CERTIFICATE,
                    "the client sent no certificate; this listener requires one issued by "
                            + trustedIssuers(files.material()),
                    null);
        }
        if (failure instanceof java.net.SocketTimeoutException
                || HandshakeFailures.find(failure, java.net.SocketTimeoutException.class) != null) {
            return new Refusal(
                    RefusalKind.HANDSHAKE_FAILED, "the client did not complete the TLS handshake in time", null);
        }
        if (lower.contains("protocol_version") || lower.contains("no appropriate protocol")) {
            return new Refusal(
                    RefusalKind.HANDSHAKE_FAILED,
                    "the client does not speak TLS 1.2 or 1.3 (" + m + "); older versions are refused",
                    null);
        }
        if (lower.contains("unsupported or unrecognized ssl message")) {
            return new Refusal(
                    RefusalKind.HANDSHAKE_FAILED,
                    "the client does not speak TLS on this TLS port (plain MLLP?): " + m,
                    null);
        }
        if (lower.contains("bad_certificate")
                || lower.contains("unknown_ca")
                || lower.contains("certificate_unknown")) {
            return new Refusal(
                    RefusalKind.HANDSHAKE_FAILED,
                    "the client refused this listener's certificate (" + m + "): does it trust the CA that issued "
                            + (files.material().clientChain == null
                                    ? "it"
                                    : Certificates.issuer(
                                            files.material().clientChain.get(0)))
                            + "?",
                    null);
        }
        return new Refusal(RefusalKind.HANDSHAKE_FAILED, "the TLS handshake failed: " + m, null);
    }

    /** Looks at the files now if the check interval has passed. */
    public void refreshIfDue() {
        if (files.due()) {
            refresh();
        }
    }

    /** Looks at the files now; returns whether new ones were taken. */
    public synchronized boolean refresh() {
        // A client must not resume a session that was checked against the previous files.
        return files.refresh(
                context.getServerSessionContext(),
                loaded -> "; listener certificate "
                        + (loaded.clientChain == null ? "none" : Certificates.describe(loaded.clientChain.get(0))));
    }

    /** The CAs trusted for clients, this listener's certificate, warnings, the last refusal. */
    public TlsStatus status() {
        refreshIfDue();
        return files.status(lastRefusal);
    }

    private static String trustedIssuers(TlsMaterial m) {
        return m.trustedCertificates.stream().map(Certificates::subject).collect(Collectors.joining("; "))
                + m.settings.trustFile().map(f -> " (" + f + ")").orElse("");
    }

    /** The message of the innermost SSLException, else the deepest message. */
    private static String sslMessage(Throwable t) {
        String message = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SSLException && c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message != null ? message : HandshakeFailures.deepestMessage(t);
    }

    /** Why a client's chain was refused by the PKIX check: validity at the box's clock, issuer, else the JDK's words. */
    private Refusal diagnose(X509Certificate[] chain, TlsMaterial m, Instant now, CertificateException failure) {
        X509Certificate leaf = chain[0];
        String subject = Certificates.subject(leaf);
        String whose = "the client's certificate (" + Certificates.describe(leaf) + ")";
        java.security.cert.CertificateRevokedException revoked =
                HandshakeFailures.find(failure, java.security.cert.CertificateRevokedException.class);
        if (revoked != null) {
            return new Refusal(
                    RefusalKind.CERTIFICATE_REFUSED,
                    whose + " has been revoked (" + revoked.getRevocationReason() + ", on "
                            + Certificates.seconds(revoked.getRevocationDate().toInstant()) + ", by "
                            + revoked.getAuthorityName().getName() + ")",
                    subject);
        }
        java.security.cert.CertPathValidatorException path =
                HandshakeFailures.find(failure, java.security.cert.CertPathValidatorException.class);
        if (path != null && path.getReason() == java.security.cert.CertPathValidatorException.BasicReason.REVOKED) {
            return new Refusal(
                    RefusalKind.CERTIFICATE_REFUSED, whose + " has been revoked: " + path.getMessage(), subject);
        }
        for (X509Certificate c : chain) {
            boolean early = now.isBefore(Certificates.notBefore(c));
            boolean late = now.isAfter(Certificates.notAfter(c));
            if (early || late) {
                String which = c == leaf ? whose : "the certificate " + Certificates.describe(c) + " in its chain";
                String sentence = which + (early ? " is not valid yet" : " has expired") + " at the box's clock, "
                        + Certificates.seconds(now)
                        + clock.doubt()
                                .map(d -> ", and that clock cannot be trusted: " + d
                                        + ". The clock is the likelier fault: set it (NTP)")
                                .orElse("");
                return new Refusal(RefusalKind.CERTIFICATE_REFUSED, sentence, subject);
            }
        }
        boolean anchored = false;
        for (X509Certificate c : chain) {
            anchored |= m.issuedByAnchor(c);
        }
        if (!anchored) {
            return new Refusal(
                    RefusalKind.CERTIFICATE_REFUSED,
                    whose + " is issued by " + Certificates.issuer(chain[chain.length - 1])
                            + ", which is not among the CAs trusted for clients: " + trustedIssuers(m),
                    subject);
        }
        return new Refusal(
                RefusalKind.CERTIFICATE_REFUSED,
                whose + " was refused: " + HandshakeFailures.deepestMessage(failure),
                subject);
    }

    /** Checks a client's chain with the JDK's PKIX trust manager at the box's clock, then the allowed subjects. */
    private final class ClientTrustManager extends X509ExtendedTrustManager {
        @FunctionalInterface
        private interface Check {
            void run(X509ExtendedTrustManager delegate) throws CertificateException;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(socket, chain, tm -> tm.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(engine, chain, tm -> tm.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are checked only on an SSLSocket or SSLEngine");
        }

        private void check(Object connection, X509Certificate[] chain, Check check) throws CertificateException {
            if (chain == null || chain.length == 0) {
                refused(connection, new Refusal(RefusalKind.NO_CERTIFICATE, "the client sent no certificate", null));
            }
            refreshIfDue();
            TlsMaterial m = files.material();
            Instant now = clock.now();
            X509ExtendedTrustManager delegate;
            try {
                delegate = m.trustManagerAt(now);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("cannot set up the certificate check: " + e.getMessage(), e);
            }
            try {
                check.run(delegate);
            } catch (CertificateException e) {
                refused(connection, diagnose(chain, m, now, e));
            }
            X509Certificate leaf = chain[0];
            if (!allowedSubjects.isEmpty() && allowedSubjects.stream().noneMatch(a -> a.matches(leaf))) {
                refused(
                        connection,
                        new Refusal(
                                RefusalKind.SUBJECT_NOT_ALLOWED,
                                "the client's certificate (" + Certificates.describe(leaf) + ") is valid, but its"
                                        + " subject is not among the allowed subjects "
                                        + allowedSubjects.stream()
                                                .map(AllowedSubject::text)
                                                .toList(),
                                Certificates.subject(leaf)));
            }
        }

        private void refused(Object connection, Refusal r) throws CertificateException {
            refusals.put(connection, r);
            throw new CertificateException(r.sentence());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a listener checks no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a listener checks no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a listener checks no servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return files.material().acceptedIssuers();
        }
    }

    /**
     * One allowed subject: a distinguished name, compared as the set of its attributes (so that {@code
     * CN=engine,O=Hospital} as Java prints it and {@code O=Hospital, CN=engine} as openssl prints it are the same), or a
     * bare name matched against the common name and the DNS names.
     */
    private record AllowedSubject(String text, @Nullable Set<Rdn> attributes) {
        static AllowedSubject parse(String text) throws TlsConfigException {
            String t = text.strip();
            if (t.isEmpty()) {
                throw new TlsConfigException(TlsConfigException.Part.ALLOWED_SUBJECTS, "an allowed subject is empty");
            }
            if (!t.contains("=")) {
                return new AllowedSubject(t, null);
            }
            try {
                return new AllowedSubject(t, attributes(new X500Principal(t)));
            } catch (IllegalArgumentException | InvalidNameException e) {
                throw new TlsConfigException(
                        TlsConfigException.Part.ALLOWED_SUBJECTS,
                        "'" + t + "' is not a distinguished name such as CN=engine,O=Hospital: " + e.getMessage());
            }
        }

        private static Set<Rdn> attributes(X500Principal p) throws InvalidNameException {
            return Set.copyOf(new LdapName(p.getName(X500Principal.CANONICAL)).getRdns());
        }

        boolean matches(X509Certificate c) {
            if (attributes != null) {
                try {
                    return attributes.equals(attributes(c.getSubjectX500Principal()));
                } catch (InvalidNameException e) {
                    return false;
                }
            }
            if (text.equalsIgnoreCase(commonName(c))) {
                return true;
            }
            return Certificates.hostNames(c).stream().anyMatch(text::equalsIgnoreCase);
        }

        private static @Nullable String commonName(X509Certificate c) {
            try {
                LdapName name = new LdapName(c.getSubjectX500Principal().getName(X500Principal.RFC2253));
                for (Rdn rdn : name.getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        return String.valueOf(rdn.getValue());
                    }
                }
            } catch (InvalidNameException e) {
                // no common name to compare
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return "TlsServer[" + name + ", " + files.material() + ", allowed subjects " + allowedSubjects() + "]";
    }
}
