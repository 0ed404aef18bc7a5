package org.bedside.common.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a server's chain with the JDK's PKIX trust manager (path, signatures, key usage, host name through the
 * engine's endpoint identification, revocation where configured), validated at the box's {@link WallClock}, using the
 * files in force when the handshake starts. A refusal becomes a {@link CertificateException} whose message is the
 * one-sentence diagnosis, so that it reaches the caller inside the JDK's {@code SSLHandshakeException}.
 */
final class PeerCheckingTrustManager extends X509ExtendedTrustManager {
    private final TlsClient owner;

    PeerCheckingTrustManager(TlsClient owner) {
        this.owner = owner;
    }

    @FunctionalInterface
    private interface Check {
        void run(X509ExtendedTrustManager delegate) throws CertificateException;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(
                chain,
                peer(engine.getPeerHost(), engine.getPeerPort()),
                tm -> tm.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        String host = socket instanceof SSLSocket s && s.getHandshakeSession() != null
                ? s.getHandshakeSession().getPeerHost()
                : socket.getInetAddress() == null
                        ? null
                        : socket.getInetAddress().getHostAddress();
        check(chain, peer(host, socket.getPort()), tm -> tm.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        // Only reached by callers that bypass SSLEngine/SSLSocket, which cannot check the host: refuse them rather
        // than let a connection go unverified.
        throw new CertificateException("the server's host name cannot be verified without an SSLEngine or SSLSocket");
    }

    private void check(X509Certificate[] chain, String peer, Check check) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException(peer + " sent no certificate");
        }
        owner.refreshIfDue();
        TlsMaterial material = owner.material();
        Instant now = owner.clock().now();
        X509ExtendedTrustManager delegate;
        try {
            delegate = material.trustManagerAt(now);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("cannot set up the certificate check: " + e.getMessage(), e);
        }
        try {
            check.run(delegate);
        } catch (CertificateException e) {
            String diagnosis = HandshakeFailures.diagnose(
                    peer, chain, material, now, owner.clock().doubt(), e);
            owner.handshakeFailed(diagnosis);
            throw new PeerCertificateException(diagnosis, e);
        }
        owner.serverCertificateSeen(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client-side trust manager checks no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client-side trust manager checks no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client-side trust manager checks no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return owner.material().acceptedIssuers();
    }

    private static String peer(String host, int port) {
        String h = host == null ? "the server" : host;
        return port > 0 ? h + ":" + port : h;
    }

    /** A refused server certificate, its message the diagnosis. */
    static final class PeerCertificateException extends CertificateException {
        PeerCertificateException(String diagnosis, Throwable cause) {
            super(diagnosis, cause);
        }
    }
}
