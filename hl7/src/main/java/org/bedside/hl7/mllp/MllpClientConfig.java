package org.bedside.hl7.mllp;

import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Where and how an {@link MllpClient} sends.
 *
 * @param socketFactory for TLS (with the client's key when the receiver requires a client certificate); null for plain
 *     TCP
 * @param connectTimeout how long a connection may take to open
 * @param ackTimeout how long to wait for the acknowledgement of each message
 * @param maxAckLength the longest acknowledgement read (an ACK is a few hundred bytes; a bound keeps a confused peer
 *     from growing the sender's memory)
 */
public record MllpClientConfig(
        String host,
        int port,
        @Nullable SSLSocketFactory socketFactory,
        Duration connectTimeout,
        Duration ackTimeout,
        int maxAckLength) {

    public MllpClientConfig {
        if (host.isBlank()) {
            throw new IllegalArgumentException("an MLLP destination needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("MLLP port must be 1..65535: " + port);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxAckLength < 16) {
            throw new IllegalArgumentException("max acknowledgement length too small: " + maxAckLength);
        }
    }

    /** Plain TCP, 5 s to connect, 30 s for each acknowledgement, acknowledgements up to 64 KiB. */
    public static MllpClientConfig of(String host, int port) {
        return new MllpClientConfig(host, port, null, Duration.ofSeconds(5), Duration.ofSeconds(30), 64 * 1024);
    }

    public MllpClientConfig withTls(SSLSocketFactory factory) {
        return new MllpClientConfig(host, port, factory, connectTimeout, ackTimeout, maxAckLength);
    }

    public MllpClientConfig withAckTimeout(Duration timeout) {
        return new MllpClientConfig(host, port, socketFactory, connectTimeout, timeout, maxAckLength);
    }

    public MllpClientConfig withConnectTimeout(Duration timeout) {
        return new MllpClientConfig(host, port, socketFactory, timeout, ackTimeout, maxAckLength);
    }
}
