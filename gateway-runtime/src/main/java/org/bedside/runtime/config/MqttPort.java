package org.bedside.runtime.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bedside.mqtt.MqttEndpoint;
import org.bedside.mqtt.MqttIngestTransport;
import org.bedside.mqtt.PemTls;
import org.jspecify.annotations.Nullable;

/**
 * The port of an MQTT device, {@code mqtt://broker:1883/bedside/ingest/bed12-hub} or {@code mqtts://broker:8883/...}:
 * the broker and, after the first '/', the topic filter subscribed to ({@code +} and {@code #} allowed, taken as they
 * are, not as URI syntax). With the device's {@code mqtt} keys, the ingest transport.
 */
final class MqttPort {
    static final int PLAIN_PORT = 1883;
    static final int TLS_PORT = 8883;

    private MqttPort() {}

    static @Nullable MqttIngestTransport transport(
            ConfigProblems.Collector problems,
            String key,
            String port,
            GatewayConfig.@Nullable MqttConfig mqtt,
            String gatewayId,
            String device) {
        boolean tls = port.startsWith("mqtts://");
        String rest = port.substring(tls ? "mqtts://".length() : "mqtt://".length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String topic = slash < 0 ? "" : rest.substring(slash + 1);
        boolean ok = true;
        if (topic.isEmpty()) {
            problems.add(key + ".port", "'" + port + "' names no topic: mqtt://broker:1883/bedside/ingest/" + device);
            ok = false;
        } else if (topic.contains(" ") || !validFilter(topic)) {
            problems.add(key + ".port", "'" + topic + "' is not an MQTT topic filter ('#' only last, after a '/')");
            ok = false;
        }
        MqttEndpoint endpoint =
                endpoint(problems, key + ".port", key + ".mqtt", port, tls, authority, mqtt, gatewayId + "-" + device);
        if (!ok || endpoint == null) {
            return null;
        }
        return new MqttIngestTransport(endpoint, List.of(topic), MqttIngestTransport.Settings.DEFAULT);
    }

    /**
     * The broker of the MQTT egress, {@code mqtt://host:1883} or {@code mqtts://host:8883}, with the login of the
     * {@code gateway.mqtt-egress} keys.
     */
    static @Nullable MqttEndpoint egress(
            ConfigProblems.Collector problems, String key, GatewayConfig.MqttEgressConfig egress, String gatewayId) {
        String broker = egress.broker().map(String::trim).orElse("");
        if (broker.isEmpty()) {
            problems.add(key + ".broker", "the broker is missing, such as mqtt://broker.ward.local:1883");
            return null;
        }
        boolean tls = broker.startsWith("mqtts://");
        if (!tls && !broker.startsWith("mqtt://")) {
            problems.add(key + ".broker", "'" + broker + "' is not mqtt://host:port or mqtts://host:port");
            return null;
        }
        String authority = broker.substring(tls ? "mqtts://".length() : "mqtt://".length());
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.contains("/")) {
            problems.add(
                    key + ".broker",
                    "'" + broker + "' has a path: topics are set with " + key + ".topic-root, not in the broker");
            return null;
        }
        return endpoint(problems, key + ".broker", key, broker, tls, authority, egress, gatewayId + "-egress");
    }

    private static @Nullable MqttEndpoint endpoint(
            ConfigProblems.Collector problems,
            String brokerKey,
            String k,
            String given,
            boolean tls,
            String authority,
            GatewayConfig.@Nullable MqttConfig mqtt,
            String defaultClientId) {
        boolean ok = true;
        URI broker = null;
        try {
            URI u = new URI((tls ? "ssl" : "tcp") + "://" + authority);
            if (u.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            broker = new URI(
                    u.getScheme(),
                    null,
                    u.getHost(),
                    u.getPort() > 0 ? u.getPort() : tls ? TLS_PORT : PLAIN_PORT,
                    null,
                    null,
                    null);
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            problems.add(brokerKey, "'" + given + "' has no broker host such as mqtt://10.1.2.3:1883");
            ok = false;
        }
        Optional<String> user = mqtt == null ? Optional.empty() : mqtt.user();
        Optional<String> password = mqtt == null ? Optional.empty() : mqtt.passwordFile();
        if (user.isPresent() != password.isPresent()) {
            problems.add(
                    k + (user.isPresent() ? ".password-file" : ".user"),
                    "a user needs a password file and a password file a user");
            ok = false;
        }
        ok &= exists(problems, k + ".password-file", password);
        Optional<String> ca = mqtt == null ? Optional.empty() : mqtt.caFile();
        Optional<String> cert = mqtt == null ? Optional.empty() : mqtt.clientCertificate();
        Optional<String> clientKey = mqtt == null ? Optional.empty() : mqtt.clientKey();
        if (tls && ca.isEmpty()) {
            problems.add(
                    k + ".ca-file", "mqtts:// needs the CA certificate (PEM) that the broker's certificate chains to");
            ok = false;
        }
        if (!tls && (ca.isPresent() || cert.isPresent() || clientKey.isPresent())) {
            problems.add(k, "TLS files are given but the broker is mqtt://: use mqtts://");
            ok = false;
        }
        if (cert.isPresent() != clientKey.isPresent()) {
            problems.add(
                    k + (cert.isPresent() ? ".client-key" : ".client-certificate"),
                    "a client certificate needs its key and a key its certificate");
            ok = false;
        }
        ok &= exists(problems, k + ".ca-file", ca);
        ok &= exists(problems, k + ".client-certificate", cert);
        ok &= exists(problems, k + ".client-key", clientKey);
        String clientId =
                mqtt == null ? null : mqtt.clientId().map(String::trim).orElse(null);
        if (clientId == null) {
            clientId = defaultClientId;
        } else if (clientId.isEmpty() || clientId.length() > 128) {
            problems.add(k + ".client-id", "must be 1 to 128 characters");
            ok = false;
        }
        if (!ok || broker == null) {
            return null;
        }
        PemTls pem = null;
        if (tls) {
            pem = PemTls.trusting(Path.of(ca.orElseThrow()));
            if (cert.isPresent()) {
                pem = pem.withClientCertificate(Path.of(cert.get()), Path.of(clientKey.orElseThrow()));
            }
        }
        return new MqttEndpoint(
                broker,
                clientId,
                user.orElse(null),
                password.map(Path::of).orElse(null),
                pem,
                MqttEndpoint.DEFAULT_KEEP_ALIVE,
                MqttEndpoint.DEFAULT_CONNECT_TIMEOUT,
                MqttEndpoint.DEFAULT_SESSION_EXPIRY);
    }

    private static boolean validFilter(String filter) {
        int hash = filter.indexOf('#');
        return hash < 0 || (hash == filter.length() - 1 && (hash == 0 || filter.charAt(hash - 1) == '/'));
    }

    private static boolean exists(ConfigProblems.Collector problems, String key, Optional<String> file) {
        if (file.isPresent() && !Files.isReadable(Path.of(file.get()))) {
            problems.add(key, "cannot read " + file.get() + ": no such file, or no permission");
            return false;
        }
        return true;
    }
}
