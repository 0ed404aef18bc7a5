package org.bedside.runtime.config;

import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLSocketFactory;
import org.bedside.common.tls.TlsClient;
import org.bedside.common.tls.TlsConfigException;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.runtime.wiring.SystemClock;
import org.bedside.uplink.Pcd01Out;
import org.jspecify.annotations.Nullable;

/**
 * {@code gateway.pcd01-out}, checked: the interface engine's address, the sender's names (MSH-3 to MSH-6), timeouts
 * and TLS (read now, so that a bad file stops the gateway at start with its key named).
 */
final class Pcd01OutSettings {
    static final String KEY = "gateway.pcd01-out";

    private Pcd01OutSettings() {}

    /** On when the section names a host or a port (SmallRye makes the group present whenever it has defaults). */
    static boolean configured(GatewayConfig.Pcd01OutConfig p) {
        return p.host().isPresent() || p.port().isPresent();
    }

    static Pcd01Out.@Nullable Settings from(
            ConfigProblems.Collector problems,
            GatewayConfig.Pcd01OutConfig p,
            String gatewayId,
            Duration maxClockSkew) {
        boolean ok = true;
        String host = p.host().orElse("").strip();
        if (host.isEmpty() || host.contains(" ") || host.contains("/")) {
            problems.add(
                    KEY + ".host",
                    p.host().isEmpty()
                            ? "is required: the interface engine's host name or address"
                            : "'" + host + "' is not a host name or address");
            ok = false;
        }
        int port = p.port().orElse(0);
        if (p.port().isEmpty()) {
            problems.add(KEY + ".port", "is required with a host (2575 is common)");
            ok = false;
        } else if (port < 1 || port > 65535) {
            problems.add(KEY + ".port", port + " is not a port (1 to 65535)");
            ok = false;
        }
        String eui64 = p.eui64().map(String::strip).orElseGet(() -> AlarmSettings.derivedEui64(gatewayId));
        if (!eui64.matches("[0-9A-Fa-f]{16}")) {
            problems.add(KEY + ".eui64", "'" + eui64 + "' is not an EUI-64 of 16 hex digits");
            ok = false;
        }
        if (p.application().isBlank()) {
            problems.add(KEY + ".application", "must not be empty");
            ok = false;
        }
        ok &= positive(problems, KEY + ".ack-timeout", p.ackTimeout());
        ok &= positive(problems, KEY + ".connect-timeout", p.connectTimeout());
        if (p.retryMaxDelay().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(KEY + ".retry-max-delay", "must be at least 1s");
            ok = false;
        }
        SSLSocketFactory tls = null;
        GatewayConfig.TlsConfig t = p.tls();
        if (t.trustFile().isPresent()) {
            tls = tls(problems, t);
            ok &= tls != null;
        } else if (t.certificateFile().isPresent() || t.keyFile().isPresent()) {
            problems.add(
                    KEY + ".tls.trust-file",
                    "is required with a client certificate: MLLP over TLS needs the CA that issued the engine's"
                            + " certificate");
            ok = false;
        }
        if (!ok) {
            return null;
        }
        MllpClientConfig client =
                MllpClientConfig.of(host, port).withAckTimeout(p.ackTimeout()).withConnectTimeout(p.connectTimeout());
        if (tls != null) {
            client = client.withTls(tls);
        }
        Pcd01Encoder.Sender sender = new Pcd01Encoder.Sender(
                p.application().strip(),
                eui64.toUpperCase(Locale.ROOT),
                p.facility().orElse("").strip(),
                p.receivingApplication().strip(),
                p.receivingFacility().orElse("").strip());
        return new Pcd01Out.Settings(client, sender, p.retryMaxDelay(), maxClockSkew);
    }

    private static @Nullable SSLSocketFactory tls(ConfigProblems.Collector problems, GatewayConfig.TlsConfig t) {
        String prefix = KEY + ".tls.";
        TlsSettings settings = UplinkSecuritySettings.tlsSettings(problems, t, prefix);
        if (settings == null) {
            return null;
        }
        try {
            return TlsClient.open("pcd01", settings, WallClock.system(SystemClock.NOT_BEFORE))
                    .socketFactory();
        } catch (TlsConfigException e) {
            problems.add(prefix + UplinkSecuritySettings.tlsKey(e.part()), e.getMessage());
            return null;
        }
    }

    private static boolean positive(ConfigProblems.Collector problems, String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problems.add(key, "must be positive");
            return false;
        }
        return true;
    }
}
