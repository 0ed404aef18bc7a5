package org.bedside.common.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Certificates in words, for messages and the status: subject, validity, names. */
final class Certificates {
    private Certificates() {}

    static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    static String issuer(X509Certificate c) {
        return c.getIssuerX500Principal().getName();
    }

    static Instant notBefore(X509Certificate c) {
        return c.getNotBefore().toInstant();
    }

    static Instant notAfter(X509Certificate c) {
        return c.getNotAfter().toInstant();
    }

    /** {@code CN=fhir,O=Hospital; valid 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z}. */
    static String describe(X509Certificate c) {
        return subject(c) + "; valid " + seconds(notBefore(c)) + " to " + seconds(notAfter(c));
    }

    static Instant seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The DNS names and IP addresses the certificate is for (its subject alternative names). */
    static List<String> hostNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    Object type = n.get(0);
                    if (type instanceof Integer t && (t == 2 || t == 7)) { // dNSName, iPAddress (RFC 5280 4.2.1.6)
                        out.add(String.valueOf(n.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // reported as "no names"
        }
        return out;
    }
}
