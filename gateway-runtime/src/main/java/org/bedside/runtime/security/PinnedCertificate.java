package org.bedside.runtime.security;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bedside.common.tls.PemFiles;

/**
 * TLS towards this box's own page: exactly the certificate(s) of {@code quarkus.http.ssl.certificate.files} are
 * trusted, and no other. The doctor and {@code bedside capture} ask by address (127.0.0.1), which the page's
 * certificate rarely names, so the host name is not what is checked: the certificate itself is, which is stricter than
 * any CA (the operator's credentials of a capture go only to the gateway holding that certificate's key).
 */
public final class PinnedCertificate extends X509ExtendedTrustManager {
    private final List<X509Certificate> pinned;

    private PinnedCertificate(List<X509Certificate> pinned) {
        this.pinned = List.copyOf(pinned);
    }

    public static SSLContext context(Path certificateFile) throws IOException, GeneralSecurityException {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new PinnedCertificate(PemFiles.certificates(certificateFile))}, null);
        return c;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0 || !pinned.contains(chain[0])) {
            throw new CertificateException("not the page's configured certificate");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("checks no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("checks no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("checks no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
