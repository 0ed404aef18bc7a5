package org.bedside.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.client.parameter.ListenerType;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Command-line entry point of the MQTT broker: {@code java -cp 'target/lib/*' org.bedside.broker.MqttBroker --home
 * /tmp/broker --port 0 --ready-file /tmp/broker/ready}. Writes HiveMQ's configuration, starts HiveMQ CE embedded with
 * the {@link BedsideSecurityExtension}, writes the bound ports to the ready file, prints {@code mqtt:
 * tcp://127.0.0.1:<port>} (and {@code mqtts: ssl://...}) and runs until SIGTERM.
 *
 * <p>The configuration it writes switches HiveMQ's anonymous usage statistics off: HiveMQ's built-in default ({@code
 * config.xml} in its jar) switches them on, and they are sent to the vendor every few hours.
 */
public final class MqttBroker {

    private MqttBroker() {}

    /** Our logging setup; HiveMQ's jar carries a logback.xml of its own, which would otherwise win. */
    static final String LOGBACK_CONFIG = "bedside-mqtt-broker-logback.xml";

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.err.print(BrokerOptions.USAGE);
            return;
        }
        BrokerOptions options;
        try {
            options = BrokerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mqtt-broker: " + e.getMessage());
            System.err.print(BrokerOptions.USAGE);
            System.exit(2);
            return;
        }
        long started = System.nanoTime();
        EmbeddedHiveMQ hivemq;
        Ports ports;
        try {
            hivemq = start(options);
            ports = boundPorts(options);
        } catch (Exception e) {
            System.err.println("mqtt-broker: failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            options.readyFile().ifPresent(MqttBroker::deleteQuietly);
                            try {
                                hivemq.stop().get(20, TimeUnit.SECONDS);
                                hivemq.close();
                            } catch (Exception e) {
                                System.err.println("mqtt-broker: stop failed: " + e);
                            }
                        },
                        "mqtt-broker-shutdown"));
        try {
            options.readyFile().ifPresent(path -> writeAtomically(path, ports.readyText()));
        } catch (RuntimeException e) {
            System.err.println("mqtt-broker: " + e.getMessage());
            System.exit(1);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        ports.tcp.ifPresent(p -> System.out.println("mqtt: tcp://" + options.bindAddress() + ":" + p));
        ports.tls.ifPresent(p -> System.out.println("mqtts: ssl://" + options.bindAddress() + ":" + p));
        System.out.println("mqtt-broker: ready in " + millis + " ms");
        System.out.flush();
    }

    static EmbeddedHiveMQ start(BrokerOptions options) throws Exception {
        Path home = options.home().toAbsolutePath();
        Path conf = home.resolve("conf");
        Path extensions = home.resolve("extensions");
        Files.createDirectories(conf);
        Files.createDirectories(extensions);
        Path data;
        if (options.data().isPresent()) {
            data = options.data().get().toAbsolutePath();
        } else {
            // Memory persistence still wants a data folder for its id file; a fresh one each start.
            data = home.resolve("data-ephemeral");
            deleteTree(data);
        }
        Files.createDirectories(data);
        BrokerUsers users = null;
        if (options.users().isPresent()) {
            users = BrokerUsers.read(options.users().get());
        }
        Files.writeString(conf.resolve("config.xml"), configXml(options, conf), StandardCharsets.UTF_8);
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withoutLoggingBootstrap()
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("bedside-security")
                        .withName("Bedside users and topic rules")
                        .withVersion("1")
                        .withPriority(1000)
                        .withExtensionMain(new BedsideSecurityExtension(users))
                        .build())
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
        return hivemq;
    }

    /** HiveMQ's config.xml for these options; writes the key stores it names into {@code conf}. */
    static String configXml(BrokerOptions o, Path conf) throws IOException, GeneralSecurityException {
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
        if (o.port().isPresent()) {
            x.append("    <tcp-listener>\n      <port>")
                    .append(o.port().getAsInt())
                    .append("</port>\n      <bind-address>")
                    .append(o.bindAddress())
                    .append("</bind-address>\n      <name>tcp</name>\n    </tcp-listener>\n");
        }
        if (o.tlsPort().isPresent()) {
            String password = randomPassword();
            Path keyStore = conf.resolve("server.jks");
            Keystores.writeKeyStore(
                    o.certificate().orElseThrow(), o.privateKey().orElseThrow(), keyStore, password.toCharArray());
            x.append("    <tls-tcp-listener>\n      <port>")
                    .append(o.tlsPort().getAsInt())
                    .append("</port>\n      <bind-address>")
                    .append(o.bindAddress())
                    .append("</bind-address>\n      <name>tls</name>\n      <tls>\n");
            x.append("        <keystore>\n          <path>")
                    .append(keyStore)
                    .append("</path>\n          <password>")
                    .append(password)
                    .append("</password>\n          <private-key-password>")
                    .append(password)
                    .append("</private-key-password>\n        </keystore>\n");
            if (o.clientCa().isPresent()) {
                Path trustStore = conf.resolve("client-ca.jks");
                Keystores.writeTrustStore(o.clientCa().get(), trustStore, password.toCharArray());
                x.append("        <truststore>\n          <path>")
                        .append(trustStore)
                        .append("</path>\n          <password>")
                        .append(password)
                        .append("</password>\n        </truststore>\n");
                x.append("        <client-authentication-mode>REQUIRED</client-authentication-mode>\n");
            }
            x.append(
                            "        <protocols>\n          <protocol>TLSv1.3</protocol>\n          <protocol>TLSv1.2</protocol>\n")
                    .append("        </protocols>\n      </tls>\n    </tls-tcp-listener>\n");
        }
        x.append("  </listeners>\n");
        x.append("  <mqtt>\n    <queued-messages>\n      <max-queue-size>")
                .append(o.maxQueuedMessages())
                .append("</max-queue-size>\n      <strategy>discard</strategy>\n    </queued-messages>\n");
        x.append("    <packets>\n      <max-packet-size>")
                .append(o.maxPacketSize())
                .append("</max-packet-size>\n    </packets>\n  </mqtt>\n");
        x.append("  <persistence>\n    <mode>")
                .append(o.data().isPresent() ? "file" : "in-memory")
                .append("</mode>\n  </persistence>\n");
        // A medical device makes no connection it was not configured to make: HiveMQ's built-in default sends
        // anonymous usage statistics to the vendor (UsageStatisticsSenderImpl); an absent element would leave them on.
        x.append("  <anonymous-usage-statistics>\n    <enabled>false</enabled>\n  </anonymous-usage-statistics>\n");
        x.append("</hivemq>\n");
        return x.toString();
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    record Ports(OptionalInt tcp, OptionalInt tls) {
        String readyText() {
            StringBuilder sb = new StringBuilder();
            tcp.ifPresent(p -> sb.append("tcp=").append(p).append('\n'));
            tls.ifPresent(p -> sb.append("tls=").append(p).append('\n'));
            return sb.toString();
        }
    }

    /** The ports the listeners got (HiveMQ writes the bound port back into its listener when given port 0). */
    static Ports boundPorts(BrokerOptions options) {
        OptionalInt tcp = OptionalInt.empty();
        OptionalInt tls = OptionalInt.empty();
        for (Listener l : Services.adminService().getServerInformation().getListener()) {
            if (l.getListenerType() == ListenerType.TCP_LISTENER) {
                tcp = OptionalInt.of(l.getPort());
            } else if (l.getListenerType() == ListenerType.TLS_TCP_LISTENER) {
                tls = OptionalInt.of(l.getPort());
            }
        }
        if (tcp.isPresent() != options.port().isPresent()
                || tls.isPresent() != options.tlsPort().isPresent()) {
            throw new IllegalStateException(
                    "HiveMQ did not start every listener asked for: tcp " + tcp + ", tls " + tls);
        }
        return new Ports(tcp, tls);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("mqtt-broker: cannot delete the ready file " + path + ": " + e);
        }
    }

    /** Write-then-rename, so a watcher never reads a half-written file. */
    private static void writeAtomically(Path target, String content) {
        Path absolute = target.toAbsolutePath();
        try {
            Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the ready file " + absolute + ": " + e, e);
        }
    }
}
