package org.bedside.common.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import org.bedside.common.RateLimitedLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The PEM files one side of TLS uses, as {@link TlsClient} and {@link TlsServer} both keep them: the load in force and
 * the one before it (a handshake that chose a key of the previous load finishes with it), looked at again every check
 * interval, a changed file taken for new connections (the TLS sessions made with the old files forgotten, because a
 * resumed session skips the certificate checks) or, if it cannot be used, reported while the previous files stay; and
 * the certificates that end soon, logged once a day and listed in the status. Thread-safe.
 */
final class FilesInForce {
    private static final Duration WARNING_REPEAT = Duration.ofDays(1);

    /**
     * What the certificates are called in warnings and the status, which differs with the side.
     *
     * @param own this side's certificate ({@code this box's client certificate}, {@code this listener's certificate})
     * @param ownRole its role in the status
     * @param trusted the trusted CAs ({@code the trusted CA certificate}, {@code the CA certificate trusted for
     *     clients})
     * @param peer the peer's certificate last seen, for a client ({@code the server's certificate}); null for a listener
     */
    record Names(
            String own,
            TlsStatus.Role ownRole,
            String trusted,
            @Nullable String peer) {}

    private final String name;
    private final Logger log;
    private final Names names;
    private final WallClock clock;
    private final RateLimitedLog expiryLog;
    private final Supplier<@Nullable X509Certificate> peerCertificate;

    private volatile TlsMaterial material;
    private volatile @Nullable TlsMaterial previous;
    private volatile long lastCheckNanos;
    private volatile @Nullable String reloadProblem;
    private volatile List<String> warnings;

    /**
     * @param peerCertificate the peer certificate last seen (a client's server), warned about like the others
     */
    FilesInForce(
            String name,
            Logger log,
            Names names,
            WallClock clock,
            TlsMaterial material,
            Supplier<@Nullable X509Certificate> peerCertificate) {
        this.name = name;
        this.log = log;
        this.names = names;
        this.clock = clock;
        this.material = material;
        this.peerCertificate = peerCertificate;
        this.expiryLog = new RateLimitedLog(log, WARNING_REPEAT);
        this.lastCheckNanos = System.nanoTime();
        this.warnings = expiryWarnings(material, clock.now());
    }

    TlsMaterial material() {
        return material;
    }

    @Nullable
    TlsMaterial previous() {
        return previous;
    }

    /** Whether the check interval has passed since the files were last looked at. */
    boolean due() {
        return System.nanoTime() - lastCheckNanos
                >= material.settings.checkInterval().toNanos();
    }

    /**
     * Looks at the files now; returns whether new ones were taken.
     *
     * @param sessions whose sessions a new load makes forgotten
     * @param describe what the log line says of the new load, after "changed files taken for new connections"
     */
    synchronized boolean refresh(SSLSessionContext sessions, Function<TlsMaterial, String> describe) {
        lastCheckNanos = System.nanoTime();
        TlsMaterial current = material;
        boolean taken = false;
        if (current.filesChanged()) {
            try {
                TlsMaterial loaded = TlsMaterial.load(current.settings, clock.now());
                previous = current;
                material = loaded;
                reloadProblem = null;
                forget(sessions);
                taken = true;
                log.info("TLS ({}): changed files taken for new connections{}", name, describe.apply(loaded));
            } catch (TlsConfigException e) {
                String problem = "changed files not taken, the previous ones stay in use: " + e.getMessage();
                if (!problem.equals(reloadProblem)) {
                    log.warn("TLS ({}): {}", name, problem);
                }
                reloadProblem = problem;
            }
        }
        warnAboutExpiry();
        return taken;
    }

    /** Open connections keep their sessions (invalidating only stops resumption). */
    private static void forget(SSLSessionContext sessions) {
        for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
            SSLSession session = sessions.getSession(ids.nextElement());
            if (session != null) {
                session.invalidate();
            }
        }
    }

    /** Works the warnings out again (the clock moved, another peer certificate was seen) and logs them, once a day. */
    void warnAboutExpiry() {
        warnings = expiryWarnings(material, clock.now());
        for (String w : warnings) {
            expiryLog.warn(w, "TLS (" + name + "): " + w);
        }
    }

    /**
     * The status: the trusted CAs, this side's certificate, the peer's last seen, the warnings, the last reload problem.
     *
     * @param lastFailure the last handshake failure or refusal, in one sentence
     */
    TlsStatus status(@Nullable String lastFailure) {
        TlsMaterial m = material;
        List<TlsStatus.CertificateInfo> certificates = new ArrayList<>();
        for (X509Certificate c : m.trustedCertificates) {
            certificates.add(
                    info(TlsStatus.Role.TRUSTED_CA, c, m.settings.trustFile().orElse(null)));
        }
        if (m.clientChain != null) {
            certificates.add(info(names.ownRole(), m.clientChain.get(0), m.settings.certificateFile()));
        }
        X509Certificate peer = peerCertificate.get();
        if (peer != null) {
            certificates.add(info(TlsStatus.Role.SERVER_CERTIFICATE, peer, null));
        }
        return new TlsStatus(name, m.loadedAt, certificates, warnings, reloadProblem, lastFailure);
    }

    private List<String> expiryWarnings(TlsMaterial m, Instant now) {
        Map<String, String> out = new LinkedHashMap<>();
        Instant horizon = now.plus(m.settings.expiryWarning());
        if (m.clientChain != null) {
            warnIfEnding(out, names.own(), m.clientChain.get(0), m.settings.certificateFile(), now, horizon);
        }
        for (X509Certificate c : m.trustedCertificates) {
            warnIfEnding(out, names.trusted(), c, m.settings.trustFile().orElse(null), now, horizon);
        }
        X509Certificate peer = peerCertificate.get();
        if (peer != null && names.peer() != null) {
            warnIfEnding(out, names.peer(), peer, null, now, horizon);
        }
        return List.copyOf(out.values());
    }

    private static void warnIfEnding(
            Map<String, String> out,
            String what,
            X509Certificate c,
            @Nullable Path file,
            Instant now,
            Instant horizon) {
        Instant end = Certificates.notAfter(c);
        if (end.isAfter(horizon)) {
            return;
        }
        String where = file == null ? "" : " (" + file + ")";
        String text = now.isAfter(end)
                ? what + " " + Certificates.subject(c) + where + " expired on " + Certificates.seconds(end)
                : what + " " + Certificates.subject(c) + where + " expires on " + Certificates.seconds(end) + ", in "
                        + Duration.between(now, end).toDays() + " days: renew it in time";
        out.put(c.getSerialNumber() + "/" + Certificates.issuer(c), text);
    }

    private static TlsStatus.CertificateInfo info(TlsStatus.Role role, X509Certificate c, @Nullable Path file) {
        return new TlsStatus.CertificateInfo(
                role,
                Certificates.subject(c),
                Certificates.issuer(c),
                Certificates.notBefore(c),
                Certificates.notAfter(c),
                file);
    }
}
