package org.bedside.broker;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The broker's command line, parsed.
 *
 * @param home where the broker writes its configuration and key stores ({@code <home>/conf}); required
 * @param bindAddress the address the listeners bind to; 127.0.0.1 unless told otherwise
 * @param port the plain TCP listener's port (0 = any free port); empty for none
 * @param tlsPort the TLS listener's port (0 = any free port); empty for none
 * @param certificate the server's certificate chain (PEM), required with a TLS port
 * @param privateKey the server's PKCS#8 key (PEM), required with a TLS port
 * @param clientCa when given, TLS clients must present a certificate issued by this CA (PEM)
 * @param users the users file ({@link BrokerUsers}); without it any client may connect and use any topic
 * @param data where sessions, queued messages and retained messages are kept across restarts; empty for memory only
 * @param readyFile written once the listeners are bound: {@code tcp=<port>} and {@code tls=<port>} lines
 * @param maxQueuedMessages queued messages per offline client before new ones are dropped (HiveMQ's default 1000)
 * @param maxPacketSize the largest MQTT packet the broker accepts from a client, in bytes
 */
public record BrokerOptions(
        Path home,
        String bindAddress,
        OptionalInt port,
        OptionalInt tlsPort,
        Optional<Path> certificate,
        Optional<Path> privateKey,
        Optional<Path> clientCa,
        Optional<Path> users,
        Optional<Path> data,
        Optional<Path> readyFile,
        long maxQueuedMessages,
        int maxPacketSize) {

    /** HiveMQ's own default: 1,000 messages per client, newest dropped when full. */
    public static final long DEFAULT_MAX_QUEUED_MESSAGES = 1000;
    /** 256 KiB: far above any SenML pack a sensor sends, far below HiveMQ's default of 256 MB. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 256 * 1024;

    static final String USAGE = """
            usage: java -cp 'lib/*' org.bedside.broker.MqttBroker --home DIR [options]
              --home DIR             configuration and key stores go to DIR/conf (required)
              --bind ADDRESS         listen address (default 127.0.0.1)
              --port N               plain MQTT listener (0 = any free port)
              --tls-port N           MQTT over TLS listener (0 = any free port); needs --cert and --key
              --cert PEM             server certificate chain
              --key PEM              server private key (PKCS#8)
              --client-ca PEM        require TLS client certificates issued by this CA
              --users FILE           users, passwords and topic rules (default: anyone, any topic)
              --data DIR             keep sessions and queued messages in DIR across restarts (default: memory)
              --ready-file PATH      write the bound ports to PATH once listening
              --max-queued N         queued messages per offline client (default 1000)
              --max-packet-size N    largest packet accepted, bytes (default 262144)
            """;

    public BrokerOptions {
        if (port.isEmpty() && tlsPort.isEmpty()) {
            throw new IllegalArgumentException("give --port, --tls-port or both");
        }
        port.ifPresent(BrokerOptions::checkPort);
        tlsPort.ifPresent(BrokerOptions::checkPort);
        if (tlsPort.isPresent() && (certificate.isEmpty() || privateKey.isEmpty())) {
            throw new IllegalArgumentException("--tls-port needs --cert and --key");
        }
        if (clientCa.isPresent() && tlsPort.isEmpty()) {
            throw new IllegalArgumentException("--client-ca needs --tls-port");
        }
        if (maxQueuedMessages < 1) {
            throw new IllegalArgumentException("--max-queued must be at least 1");
        }
        if (maxPacketSize < 64) {
            throw new IllegalArgumentException("--max-packet-size must be at least 64 bytes");
        }
    }

    public static BrokerOptions parse(String... args) {
        Path home = null;
        String bind = "127.0.0.1";
        OptionalInt port = OptionalInt.empty();
        OptionalInt tlsPort = OptionalInt.empty();
        Path cert = null;
        Path key = null;
        Path clientCa = null;
        Path users = null;
        Path data = null;
        Path ready = null;
        long maxQueued = DEFAULT_MAX_QUEUED_MESSAGES;
        int maxPacket = DEFAULT_MAX_PACKET_SIZE;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        option.startsWith("--") ? option + " needs a value" : "unexpected argument: " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--home" -> home = Path.of(value);
                case "--bind" -> bind = value;
                case "--port" -> port = OptionalInt.of(number(option, value));
                case "--tls-port" -> tlsPort = OptionalInt.of(number(option, value));
                case "--cert" -> cert = Path.of(value);
                case "--key" -> key = Path.of(value);
                case "--client-ca" -> clientCa = Path.of(value);
                case "--users" -> users = Path.of(value);
                case "--data" -> data = Path.of(value);
                case "--ready-file" -> ready = Path.of(value);
                case "--max-queued" -> maxQueued = number(option, value);
                case "--max-packet-size" -> maxPacket = number(option, value);
                default -> throw new IllegalArgumentException("unknown option: " + option);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home is required");
        }
        return new BrokerOptions(
                home,
                bind,
                port,
                tlsPort,
                Optional.ofNullable(cert),
                Optional.ofNullable(key),
                Optional.ofNullable(clientCa),
                Optional.ofNullable(users),
                Optional.ofNullable(data),
                Optional.ofNullable(ready),
                maxQueued,
                maxPacket);
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got '" + value + "'", e);
        }
    }

    private static void checkPort(int p) {
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("ports are 0..65535, got " + p);
        }
    }
}
