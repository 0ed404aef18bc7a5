package org.bedside.common.tls;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the JDK says about a failed TLS handshake (an exception chain such as {@code SSLHandshakeException ->
 * ValidatorException: PKIX path validation failed -> CertPathValidatorException: validity check failed ->
 * CertificateExpiredException}) into one sentence for a biomed engineer: whose certificate, its validity, and why it
 * was refused, blaming the box's clock where the clock is the likelier culprit.
 */
final class HandshakeFailures {
    private HandshakeFailures() {}

    /**
     * Why the server's chain was refused, in words. Checked in this order: revoked, outside its validity at the box's
     * clock, not issued by a trusted CA, not for this host; otherwise the JDK's own words.
     */
    static String diagnose(
            String peer,
            X509Certificate[] chain,
            TlsMaterial material,
            Instant now,
            Optional<String> clockDoubt,
            Throwable failure) {
        X509Certificate leaf = chain[0];
        String whose = "the certificate of " + peer + " (" + Certificates.describe(leaf) + ")";

        CertificateRevokedException revoked = find(failure, CertificateRevokedException.class);
        if (revoked != null) {
            return capitalised(whose + " has been revoked (" + revoked.getRevocationReason() + ", on "
                    + Certificates.seconds(revoked.getRevocationDate().toInstant()) + ", by "
                    + revoked.getAuthorityName().getName() + ")");
        }
        CertPathValidatorException path = find(failure, CertPathValidatorException.class);
        if (path != null && path.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
            return capitalised(whose + " has been revoked: " + path.getMessage());
        }

        for (int i = 0; i < chain.length; i++) {
            X509Certificate c = chain[i];
            String which = i == 0 ? whose : "the certificate " + Certificates.describe(c) + " in the chain of " + peer;
            boolean early = now.isBefore(Certificates.notBefore(c));
            boolean late = now.isAfter(Certificates.notAfter(c));
            if (!early && !late) {
                continue;
            }
            String state = early ? " is not valid yet" : " has expired";
            String sentence = which + state + " at the box's clock, " + Certificates.seconds(now);
            if (clockDoubt.isPresent()) {
                return capitalised(sentence + ", and that clock cannot be trusted: " + clockDoubt.get()
                        + ". The clock is the likelier fault: set it (NTP) rather than replacing the certificate");
            }
            return capitalised(sentence
                    + (early
                            ? "; if the certificate was issued only now, is this box's clock behind?"
                            : "; the server needs a renewed certificate"));
        }

        boolean anchored = false;
        for (X509Certificate c : chain) {
            anchored |= material.issuedByAnchor(c);
        }
        if (!anchored) {
            return unknownIssuer(whose, chain, material);
        }

        String hostMessage = firstMessage(failure, "No subject alternative", "No name matching");
        if (hostMessage != null) {
            List<String> names = Certificates.hostNames(leaf);
            return capitalised(whose + " is for " + (names.isEmpty() ? "no host name" : String.join(", ", names))
                    + ", not for " + hostOf(peer) + ": connect by a name the certificate lists, or have the"
                    + " certificate reissued with this one");
        }
        return capitalised(whose + " was refused: " + deepestMessage(failure));
    }

    /** Failures that did not reach the certificate check: alerts, protocol versions, plain HTTP on a TLS port. */
    static String explainAlert(String peer, Throwable failure, @Nullable String clientCertificateNote) {
        String m = deepestSslMessage(failure);
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("protocol_version") || lower.contains("no appropriate protocol")) {
            return "The TLS handshake with " + peer + " failed: the server does not speak TLS 1.2 or 1.3 (" + m
                    + "); the gateway refuses older versions";
        }
        if (lower.contains("certificate_required")
                || lower.contains("bad_certificate")
                || lower.contains("unknown_ca")
                || lower.contains("certificate_unknown")
                || lower.contains("access_denied")) {
            return "The TLS handshake with " + peer + " failed: the server refused this box's client certificate (" + m
                    + ")" + (clientCertificateNote == null ? "" : "; " + clientCertificateNote);
        }
        if (lower.contains("handshake_failure")) {
            return "The TLS handshake with " + peer + " failed (" + m + "): no TLS version or cipher suite in common,"
                    + " or the server wants a client certificate"
                    + (clientCertificateNote == null ? "" : "; " + clientCertificateNote);
        }
        if (lower.contains("unsupported or unrecognized ssl message")) {
            return peer + " does not speak TLS on this port (plain HTTP?): " + m;
        }
        if (lower.contains("remote host terminated the handshake") || lower.contains("closed")) {
            return "The server " + peer + " closed the connection during the TLS handshake (" + m
                    + "): it may speak only TLS versions older than 1.2, which the gateway refuses, or not speak TLS on"
                    + " this port, or have refused this box's client certificate"
                    + (clientCertificateNote == null ? "" : "; " + clientCertificateNote);
        }
        return "The TLS handshake with " + peer + " failed: " + m;
    }

    private static String unknownIssuer(String whose, X509Certificate[] chain, TlsMaterial material) {
        X509Certificate top = chain[chain.length - 1];
        String where = material.settings.trustFile().isPresent()
                ? "the trusted CAs in " + material.settings.trustFile().get()
                : "the JDK's trusted CAs (no trust file is configured)";
        return capitalised(whose + " is issued by " + Certificates.issuer(top) + ", which is not among " + where
                + ": add the hospital's CA certificate to the trust file, or the server sends the wrong chain");
    }

    static String hostOf(String peer) {
        int colon = peer.lastIndexOf(':');
        return colon > 0 && peer.indexOf(':') == colon ? peer.substring(0, colon) : peer;
    }

    static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static @Nullable String firstMessage(Throwable t, String... texts) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null) {
                for (String text : texts) {
                    if (m.contains(text)) {
                        return m;
                    }
                }
            }
        }
        return null;
    }

    static String deepestMessage(Throwable t) {
        String message = t.getClass().getSimpleName();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }

    /** The message of the innermost SSLException (the alert), else the deepest message. */
    private static String deepestSslMessage(Throwable t) {
        String message = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SSLException && c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message != null ? message : deepestMessage(t);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
