package org.bedside.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bedside.sim.pki.TestPki;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as the other modules' tests use it: a child process with TLS (the test PKI's server certificate, client
 * certificates required), users with passwords and topic rules, a data directory; checked with Paho's MQTT 5 client.
 */
class MqttBrokerProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    static TestPki pki;
    static TestPki.Issued client;
    static MqttBrokerProcess broker;

    @BeforeAll
    static void startBroker() throws Exception {
        pki = TestPki.create(dir.resolve("pki"), "broker-it");
        TestPki.Issued server = pki.server("broker", "localhost", "127.0.0.1");
        client = pki.client("bed12-spo2");
        broker = MqttBrokerProcess.start(MqttBrokerProcess.Options.in(dir.resolve("work"))
                .withTls(0, server.certificateFile(), server.keyFile())
                .withRequiredClientCertificates(pki.caFile())
                .withDataDir(dir.resolve("data"))
                .withUsers(
                        BrokerUsers.User.withPassword(
                                "bed12-spo2", "spo2-secret", List.of("bedside/ingest/bed12-spo2"), List.of()),
                        BrokerUsers.User.withPassword(
                                "gateway", "gw-secret", List.of("bedside/gw/#"), List.of("bedside/ingest/#"))));
        System.out.println("MQTT broker booted in " + broker.lastBootTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void keepsUsageStatisticsOffAndListensOnBothPorts() throws Exception {
        assertThat(broker.tcpPort()).isPositive();
        assertThat(broker.tlsPort()).isPositive().isNotEqualTo(broker.tcpPort());
        String log = Files.readString(broker.logFile());
        // HiveMQ logs the setting it read from our config.xml (logger com.hivemq.statistics at debug).
        assertThat(log).contains("Setting anonymous usage statistics enabled to false");
        assertThat(log).doesNotContain("Setting anonymous usage statistics enabled to true");
    }

    @Test
    void letsAKnownUserInOverTlsWithAClientCertificate() throws Exception {
        MqttAsyncClient c = connect("s1", "bed12-spo2", "spo2-secret", true);
        assertThat(c.isConnected()).isTrue();
        c.disconnect().waitForCompletion(WAIT.toMillis());
        c.close();
    }

    @Test
    void refusesAWrongPassword() {
        assertThatThrownBy(() -> connect("s2", "bed12-spo2", "wrong", true))
                .isInstanceOf(MqttException.class)
                .satisfies(e -> assertThat(((MqttException) e).getReasonCode()).isEqualTo(0x86));
    }

    @Test
    void refusesATlsClientWithoutACertificate() {
        assertThatThrownBy(() -> connect("s3", "bed12-spo2", "spo2-secret", false))
                .isInstanceOf(MqttException.class);
    }

    @Test
    void refusesAPublishOnAnotherDevicesTopicWithReasonCodeNotAuthorized() throws Exception {
        MqttAsyncClient c = connect("s4", "bed12-spo2", "spo2-secret", true);
        IMqttToken own = c.publish("bedside/ingest/bed12-spo2", message("[]"));
        own.waitForCompletion(WAIT.toMillis());
        assertThat(own.getReasonCodes()).containsExactly(0x10); // no matching subscribers, but accepted

        IMqttToken other = c.publish("bedside/ingest/bed14-spo2", message("[]"));
        other.waitForCompletion(WAIT.toMillis());
        assertThat(other.getReasonCodes()).containsExactly(0x87);
        c.disconnectForcibly(0, 1000, false);
        c.close(true);
    }

    @Test
    void keepsAPersistentSessionsQueuedMessagesAcrossAKillAndRestart() throws Exception {
        MqttAsyncClient sub = connect("gw-persistent", "gateway", "gw-secret", true);
        sub.subscribe("bedside/ingest/#", 1).waitForCompletion(WAIT.toMillis());
        sub.disconnect().waitForCompletion(WAIT.toMillis());
        sub.close();

        MqttAsyncClient pub = connect("s5", "bed12-spo2", "spo2-secret", true);
        for (int i = 0; i < 3; i++) {
            pub.publish("bedside/ingest/bed12-spo2", message("m" + i)).waitForCompletion(WAIT.toMillis());
        }
        pub.disconnect().waitForCompletion(WAIT.toMillis());
        pub.close();

        int tls = broker.tlsPort();
        broker.kill();
        broker.restart();
        assertThat(broker.tlsPort()).isEqualTo(tls);

        BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
        MqttAsyncClient again = client("gw-persistent");
        again.setCallback(new Callbacks(arrivals));
        again.connect(options("gateway", "gw-secret", true)).waitForCompletion(WAIT.toMillis());
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String m = arrivals.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (m != null) {
                received.add(m);
            }
        }
        assertThat(received).containsExactly("m0", "m1", "m2");
        again.disconnect().waitForCompletion(WAIT.toMillis());
        again.close();
    }

    private static MqttMessage message(String text) {
        MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        return m;
    }

    private static MqttAsyncClient client(String id) throws MqttException {
        return new MqttAsyncClient(broker.tlsUri(), id, new MemoryPersistence());
    }

    private static MqttAsyncClient connect(String id, String user, String password, boolean withCertificate)
            throws Exception {
        MqttAsyncClient c = client(id);
        try {
            c.connect(options(user, password, withCertificate)).waitForCompletion(WAIT.toMillis());
        } catch (MqttException e) {
            c.close(true);
            throw e;
        }
        return c;
    }

    private static MqttConnectionOptions options(String user, String password, boolean withCertificate)
            throws Exception {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        o.setAutomaticReconnect(false);
        o.setSocketFactory(ssl(withCertificate).getSocketFactory());
        return o;
    }

    private static SSLContext ssl(boolean withCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (withCertificate) {
            keys.setKeyEntry("client", client.key(), new char[0], new java.security.cert.Certificate[] {
                client.certificate(), pki.caCertificate()
            });
        }
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private record Callbacks(BlockingQueue<String> received) implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(
                int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {}
    }
}
