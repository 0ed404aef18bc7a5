package org.bedside.mqtt;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.jspecify.annotations.Nullable;

/**
 * Where and as whom the gateway connects to a broker: the URI ({@code tcp://host:1883} or {@code ssl://host:8883}), a
 * fixed client id (the broker keeps the session under it), a user name with the password read from a file (never
 * from the configuration itself, never logged) and, for {@code ssl://}, the PEM files of {@link PemTls}.
 *
 * <p>Sessions are persistent: {@code cleanStart=false} with a session expiry, so that what the broker holds for the
 * gateway (unacknowledged and queued messages) survives a lost connection and a gateway restart. Paho's own automatic
 * reconnect and offline buffer stay off: a lost connection is seen, reported and retried by our code, and messages wait
 * in the Chronicle buffer, not in Paho's memory.
 */
public record MqttEndpoint(
        URI serverUri,
        String clientId,
        @Nullable String username,
        @Nullable Path passwordFile,
        @Nullable PemTls tls,
        Duration keepAlive,
        Duration connectTimeout,
        Duration sessionExpiry) {

    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A week: longer than any outage the broker should bridge for the gateway. */
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(7);

    public MqttEndpoint {
        String scheme = serverUri.getScheme();
        if (!"tcp".equals(scheme) && !"ssl".equals(scheme)) {
            throw new IllegalArgumentException(
                    "the broker URI must be tcp://host:port or ssl://host:port: " + serverUri);
        }
        if (serverUri.getHost() == null || serverUri.getPort() < 1) {
            throw new IllegalArgumentException("the broker URI needs a host and a port: " + serverUri);
        }
        if ("ssl".equals(scheme) && tls == null) {
            throw new IllegalArgumentException("ssl:// needs the CA file that the broker's certificate chains to");
        }
        if ("tcp".equals(scheme) && tls != null) {
            throw new IllegalArgumentException("TLS files are given but the URI is tcp://: use ssl://");
        }
        if (clientId.isEmpty() || clientId.length() > 128) {
            throw new IllegalArgumentException("a client id is 1 to 128 characters");
        }
        if ((username == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("a user name needs a password file, and a password file a user name");
        }
    }

    /** A plain endpoint without credentials, with the default timings. */
    public static MqttEndpoint plain(URI serverUri, String clientId) {
        return new MqttEndpoint(
                serverUri,
                clientId,
                null,
                null,
                null,
                DEFAULT_KEEP_ALIVE,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_SESSION_EXPIRY);
    }

    /** An {@code ssl://} endpoint trusting the CA of {@code tls}, without credentials, with the default timings. */
    public static MqttEndpoint secure(URI serverUri, String clientId, PemTls tls) {
        return new MqttEndpoint(
                serverUri,
                clientId,
                null,
                null,
                tls,
                DEFAULT_KEEP_ALIVE,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_SESSION_EXPIRY);
    }

    public MqttEndpoint withCredentials(String user, Path password) {
        return new MqttEndpoint(serverUri, clientId, user, password, tls, keepAlive, connectTimeout, sessionExpiry);
    }

    public MqttEndpoint withTls(PemTls newTls) {
        return new MqttEndpoint(
                serverUri, clientId, username, passwordFile, newTls, keepAlive, connectTimeout, sessionExpiry);
    }

    public MqttEndpoint withClientId(String id) {
        return new MqttEndpoint(serverUri, id, username, passwordFile, tls, keepAlive, connectTimeout, sessionExpiry);
    }

    public MqttEndpoint withKeepAlive(Duration d) {
        return new MqttEndpoint(serverUri, clientId, username, passwordFile, tls, d, connectTimeout, sessionExpiry);
    }

    /** The broker for logs and the status page, without credentials: {@code ssl://broker:8883 as icu-gw-12}. */
    public String describe() {
        return serverUri + " as " + clientId + (username == null ? "" : " (user " + username + ")");
    }

    /**
     * Paho's options for one connect: persistent session, no automatic reconnect, credentials and TLS read now.
     *
     * @throws IOException when the password or TLS files cannot be read
     */
    MqttConnectionOptions connectionOptions() throws IOException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setServerURIs(new String[] {serverUri.toString()});
        o.setCleanStart(false);
        o.setSessionExpiryInterval(sessionExpiry.toSeconds());
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval((int) keepAlive.toSeconds());
        o.setConnectionTimeout((int) Math.max(1, connectTimeout.toSeconds()));
        String user = username;
        Path file = passwordFile;
        if (user != null && file != null) {
            o.setUserName(user);
            o.setPassword(readPassword(file));
        }
        PemTls t = tls;
        if (t != null) {
            o.setSocketFactory(t.socketFactory());
            o.setHttpsHostnameVerificationEnabled(true);
        }
        return o;
    }

    private static byte[] readPassword(Path file) throws IOException {
        try {
            // The first line; a trailing newline is what editors add, not part of the password.
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
            if (line.isEmpty()) {
                throw new IOException("the password file " + file + " is empty");
            }
            return line.getBytes(StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("the password file " + file + " does not exist", e);
        }
    }
}
