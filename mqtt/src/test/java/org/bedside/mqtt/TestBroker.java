package org.bedside.mqtt;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bedside.broker.BrokerUsers;
import org.bedside.broker.MqttBrokerProcess;
import org.bedside.sim.pki.TestPki;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * The real broker of the MQTT tests, as a child process: TLS with the test PKI's server certificate and client
 * certificates required, a data directory (sessions survive restarts), and these users:
 *
 * <ul>
 *   <li>{@code gateway}: subscribes to {@code bedside/ingest/#}, publishes under {@code bedside/icu-gw-12/};
 *   <li>{@code bed12-hub}, {@code bed14-hub}: each publishes on its own {@code bedside/ingest/<name>} only;
 *   <li>{@code reader}: subscribes to everything under {@code bedside/}.
 * </ul>
 */
final class TestBroker implements AutoCloseable {
    static final String GATEWAY = "icu-gw-12";
    static final Duration WAIT = Duration.ofSeconds(20);

    final Path dir;
    final TestPki pki;
    final TestPki.Issued gatewayCertificate;
    final MqttBrokerProcess broker;

    private TestBroker(Path dir, TestPki pki, TestPki.Issued gatewayCertificate, MqttBrokerProcess broker) {
        this.dir = dir;
        this.pki = pki;
        this.gatewayCertificate = gatewayCertificate;
        this.broker = broker;
    }

    static TestBroker start(Path dir) throws IOException, InterruptedException {
        TestPki pki = TestPki.create(dir.resolve("pki"), "mqtt-test");
        TestPki.Issued server = pki.server("broker", "localhost", "127.0.0.1");
        TestPki.Issued gateway = pki.client(GATEWAY);
        for (String user : List.of("gateway", "bed12-hub", "bed14-hub", "reader")) {
            Files.writeString(dir.resolve(user + ".password"), password(user) + "\n", StandardCharsets.UTF_8);
        }
        MqttBrokerProcess broker = MqttBrokerProcess.start(MqttBrokerProcess.Options.in(dir.resolve("broker"))
                .withTls(0, server.certificateFile(), server.keyFile())
                .withRequiredClientCertificates(pki.caFile())
                .withDataDir(dir.resolve("broker-data"))
                .withUsers(
                        BrokerUsers.User.withPassword(
                                "gateway",
                                password("gateway"),
                                List.of("bedside/" + GATEWAY + "/#"),
                                List.of("bedside/ingest/#")),
                        BrokerUsers.User.withPassword(
                                "bed12-hub", password("bed12-hub"), List.of("bedside/ingest/bed12-hub"), List.of()),
                        BrokerUsers.User.withPassword(
                                "bed14-hub", password("bed14-hub"), List.of("bedside/ingest/bed14-hub"), List.of()),
                        BrokerUsers.User.withPassword("reader", password("reader"), List.of(), List.of("bedside/#"))));
        return new TestBroker(dir, pki, gateway, broker);
    }

    static String password(String user) {
        return user + "-secret-" + user.length();
    }

    Path passwordFile(String user) {
        return dir.resolve(user + ".password");
    }

    PemTls tls() {
        return PemTls.trusting(pki.caFile())
                .withClientCertificate(gatewayCertificate.certificateFile(), gatewayCertificate.keyFile());
    }

    /** The gateway's endpoint over TLS with its certificate and the given user. */
    MqttEndpoint endpoint(String clientId, String user) {
        return MqttEndpoint.secure(URI.create(broker.tlsUri()), clientId, tls())
                .withCredentials(user, passwordFile(user))
                .withKeepAlive(Duration.ofSeconds(5));
    }

    /** An independent Paho client (a sensor, a subscriber) connected as {@code user}. */
    MqttAsyncClient client(String clientId, String user, boolean cleanStart) throws Exception {
        return client(clientId, user, cleanStart, null);
    }

    /** ... with its callback set before it connects, so that what a persistent session held is not missed. */
    MqttAsyncClient client(
            String clientId,
            String user,
            boolean cleanStart,
            org.eclipse.paho.mqttv5.client.@org.jspecify.annotations.Nullable MqttCallback callback)
            throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(broker.tlsUri(), clientId, new MemoryPersistence());
        if (callback != null) {
            c.setCallback(callback);
        }
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password(user).getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(tls().socketFactory());
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(cleanStart ? 0L : 3600L);
        o.setAutomaticReconnect(false);
        c.connect(o).waitForCompletion(WAIT.toMillis());
        return c;
    }

    @Override
    public void close() {
        broker.close();
    }
}
