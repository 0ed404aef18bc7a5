package org.bedside.hl7.mllp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import javax.net.ssl.SSLContext;
import org.bedside.common.tls.TlsServer;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link MllpListener} listens. Library code takes this object; the runtime builds it from configuration.
 *
 * <table>
 *   <caption>settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>why</th></tr>
 *   <tr><td>bind address</td><td>(required)</td><td>the address and port to listen on; port 0 picks a free one</td></tr>
 *   <tr><td>TLS</td><td>none</td><td>a {@link TlsServer} from PEM files: TLS 1.2+, a client certificate of a
 *       trusted CA required, optionally from allowed subjects only, files re-read when they change (the gateway's
 *       listeners); or, for test peers, a bare {@link SSLContext} with {@link ClientAuth}</td></tr>
 *   <tr><td>refusals</td><td>none</td><td>a {@link ConnectionRefusal.Listener} told of refused connections (the ADT
 *       listener audits them)</td></tr>
 *   <tr><td>allow-list</td><td>{@link SourceAllowList#any()}</td><td>addresses and CIDR ranges that may connect</td></tr>
 *   <tr><td>max connections</td><td>16</td><td>one thread per connection; more are closed at once</td></tr>
 *   <tr><td>max message length</td><td>1 MiB</td><td>the framer's bound, per connection</td></tr>
 *   <tr><td>idle timeout</td><td>10 min</td><td>a connection with nothing received for this long is closed (senders
 *       keep connections open between messages, typically a minute apart)</td></tr>
 *   <tr><td>handshake timeout</td><td>10 s</td><td>for the TLS handshake</td></tr>
 *   <tr><td>application name</td><td>BEDSIDE_GATEWAY</td><td>MSH-3 of the acknowledgements</td></tr>
 * </table>
 */
public final class MllpListenerConfig {
    /** Whether a TLS listener asks for a client certificate. */
    public enum ClientAuth {
        NONE,
        /** Asked for, not required. */
        WANT,
        /** Required: a client without a trusted certificate fails the handshake. */
        NEED
    }

    private final InetSocketAddress bindAddress;
    private final @Nullable SSLContext sslContext;
    private final @Nullable TlsServer tlsServer;
    private final ClientAuth clientAuth;
    private final ConnectionRefusal.@Nullable Listener refusals;
    private final SourceAllowList allowList;
    private final int maxConnections;
    private final int maxMessageLength;
    private final Duration idleTimeout;
    private final Duration handshakeTimeout;
    private final String applicationName;
    private final InstantSource clock;
    private final String name;

    private MllpListenerConfig(Builder b) {
        this.bindAddress = b.bindAddress;
        this.sslContext = b.sslContext;
        this.tlsServer = b.tlsServer;
        this.clientAuth = b.clientAuth;
        this.refusals = b.refusals;
        this.allowList = b.allowList;
        this.maxConnections = b.maxConnections;
        this.maxMessageLength = b.maxMessageLength;
        this.idleTimeout = b.idleTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.applicationName = b.applicationName;
        this.clock = b.clock;
        this.name = b.name;
    }

    public static Builder builder(InetSocketAddress bindAddress) {
        return new Builder(bindAddress);
    }

    public InetSocketAddress bindAddress() {
        return bindAddress;
    }

    public @Nullable SSLContext sslContext() {
        return sslContext;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The listener's TLS from PEM files, with client certificates required; null when none. */
    public @Nullable TlsServer tlsServer() {
        return tlsServer;
    }

    /** Who is told of refused connections; null: nobody (they are counted and logged anyway). */
    public ConnectionRefusal.@Nullable Listener refusals() {
        return refusals;
    }

    public SourceAllowList allowList() {
        return allowList;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public String applicationName() {
        return applicationName;
    }

    public InstantSource clock() {
        return clock;
    }

    /** A short name for threads and logs, such as {@code pcd01-in}. */
    public String name() {
        return name;
    }

    public static final class Builder {
        private final InetSocketAddress bindAddress;
        private @Nullable SSLContext sslContext;
        private @Nullable TlsServer tlsServer;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private ConnectionRefusal.@Nullable Listener refusals;
        private SourceAllowList allowList = SourceAllowList.any();
        private int maxConnections = 16;
        private int maxMessageLength = MllpFrameDecoder.DEFAULT_MAX_MESSAGE_LENGTH;
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private String applicationName = "BEDSIDE_GATEWAY";
        private InstantSource clock = InstantSource.system();
        private String name = "mllp";

        private Builder(InetSocketAddress bindAddress) {
            this.bindAddress = bindAddress;
        }

        /** A bare TLS context, for test peers; the gateway's listeners take {@link #tls(TlsServer)}. */
        public Builder tls(SSLContext context, ClientAuth clientAuth) {
            this.sslContext = context;
            this.tlsServer = null;
            this.clientAuth = clientAuth;
            return this;
        }

        /** TLS from PEM files with a client certificate required (see {@link TlsServer}); null for none. */
        public Builder tls(@Nullable TlsServer server) {
            this.tlsServer = server;
            this.sslContext = null;
            this.clientAuth = server == null ? ClientAuth.NONE : ClientAuth.NEED;
            return this;
        }

        public Builder refusals(ConnectionRefusal.@Nullable Listener listener) {
            this.refusals = listener;
            return this;
        }

        public Builder allowList(SourceAllowList allowList) {
            this.allowList = allowList;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("max connections must be at least 1: " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder maxMessageLength(int maxMessageLength) {
            if (maxMessageLength < 16) {
                throw new IllegalArgumentException(
                        "the max message length must hold an MSH segment: " + maxMessageLength);
            }
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = positive(idleTimeout, "idle timeout");
            return this;
        }

        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = positive(handshakeTimeout, "handshake timeout");
            return this;
        }

        public Builder applicationName(String applicationName) {
            if (applicationName.isBlank()) {
                throw new IllegalArgumentException("the application name (MSH-3) must not be blank");
            }
            this.applicationName = applicationName;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public MllpListenerConfig build() {
            return new MllpListenerConfig(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + " must be positive and below 24 days: " + d);
            }
            return d;
        }
    }
}
