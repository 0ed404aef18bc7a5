package org.bedside.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bedside.common.tls.TlsConfigException;
import org.bedside.common.tls.TlsServer;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.runtime.wiring.SystemClock;
import org.jspecify.annotations.Nullable;

/**
 * The {@code tls} section of an MLLP listener ({@code gateway.adt.tls}, {@code gateway.pcd01-in.tls}, {@code
 * gateway.alarms.pcd05-in.tls}), checked and opened now: a missing file, a key others can read, a key that is not the
 * certificate's or a revocation list that cannot be read stops the gateway at start (and fails {@code bedside
 * check-config}) with the key named.
 */
public final class ListenerTlsSettings {
    private ListenerTlsSettings() {}

    /** What a listener's section gave: absent, unusable (the problems are collected), or TLS to listen with. */
    public record Result(boolean ok, @Nullable TlsServer tls) {
        static final Result ABSENT = new Result(true, null);
        static final Result FAILED = new Result(false, null);
    }

    /**
     * @param prefix the section's key, {@code gateway.adt.tls}
     * @param name the listener's name, for logs and the status
     */
    static Result open(
            ConfigProblems.Collector problems,
            Optional<GatewayConfig.ListenerTlsConfig> section,
            String prefix,
            String name) {
        if (section.isEmpty()) {
            return Result.ABSENT;
        }
        GatewayConfig.ListenerTlsConfig t = section.get();
        boolean ok = true;
        for (var required : List.of(
                new Required(
                        "certificate-file",
                        t.certificateFile(),
                        "the listener's certificate (PEM), which the" + " senders verify"),
                new Required("key-file", t.keyFile(), "the key of the listener's certificate (PKCS#8 PEM, mode 0600)"),
                new Required(
                        "client-ca-file",
                        t.clientCaFile(),
                        "the CA certificates (PEM) that issue the senders' certificates: without them no sender"
                                + " could be checked"))) {
            if (required.value().map(String::isBlank).orElse(true)) {
                problems.add(prefix + "." + required.key(), "is required with TLS: " + required.why());
                ok = false;
            }
        }
        if (!ok) {
            return Result.FAILED;
        }
        TlsSettings.Revocation revocation;
        String revocationText = t.revocation().orElse("none");
        switch (revocationText.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "none" -> revocation = TlsSettings.Revocation.NONE;
            case "crl-files" -> revocation = TlsSettings.Revocation.CRL_FILES;
            case "ocsp" -> revocation = TlsSettings.Revocation.OCSP;
            default -> {
                problems.add(prefix + ".revocation", "'" + revocationText + "' is not none, crl-files or ocsp");
                return Result.FAILED;
            }
        }
        TlsSettings settings;
        try {
            settings = TlsSettings.trusting(
                            Path.of(t.clientCaFile().orElseThrow().strip()))
                    .withClientCertificate(
                            Path.of(t.certificateFile().orElseThrow().strip()),
                            Path.of(t.keyFile().orElseThrow().strip()),
                            t.keyPasswordFile().map(String::strip).map(Path::of).orElse(null))
                    .withRevocation(
                            revocation,
                            t.revocationLists().orElse(List.of()).stream()
                                    .map(String::strip)
                                    .map(Path::of)
                                    .toList())
                    .withTimes(
                            t.expiryWarning().orElse(TlsSettings.DEFAULT_EXPIRY_WARNING),
                            t.checkInterval().orElse(TlsSettings.DEFAULT_CHECK_INTERVAL));
        } catch (IllegalArgumentException e) {
            problems.add(prefix + ".check-interval", e.getMessage());
            return Result.FAILED;
        }
        try {
            return new Result(
                    true,
                    TlsServer.open(
                            name,
                            settings,
                            t.allowedSubjects().orElse(List.of()),
                            WallClock.system(SystemClock.NOT_BEFORE)));
        } catch (TlsConfigException e) {
            problems.add(prefix + "." + key(e.part()), e.getMessage());
            return Result.FAILED;
        }
    }

    private record Required(String key, Optional<String> value, String why) {}

    private static String key(TlsConfigException.Part part) {
        return switch (part) {
            case TRUST_FILE -> "client-ca-file";
            case CERTIFICATE_FILE -> "certificate-file";
            case KEY_FILE -> "key-file";
            case KEY_PASSWORD_FILE -> "key-password-file";
            case ALLOWED_SUBJECTS -> "allowed-subjects";
            case REVOCATION_LISTS -> "revocation-lists";
            case PROTOCOLS -> "client-ca-file";
        };
    }
}
