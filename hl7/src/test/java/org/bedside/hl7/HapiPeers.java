package org.bedside.hl7;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.testing.Await;
import org.jspecify.annotations.Nullable;

/** HAPI HL7v2's own MLLP server and client, as the real peers of the tests: bound to 127.0.0.1, port 0. */
public final class HapiPeers {
    private HapiPeers() {}

    /** HAPI's server binds the wildcard address of a fixed port; this factory binds loopback and reports the port. */
    private static final class LoopbackSocketFactory extends StandardSocketFactory {
        private final int port;
        volatile @Nullable ServerSocket bound;

        LoopbackSocketFactory(int port) {
            this.port = port;
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            ServerSocket ss = new ServerSocket() {
                @Override
                public void bind(@Nullable SocketAddress endpoint, int backlog) throws IOException {
                    super.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
                    bound = this;
                }
            };
            ss.setReuseAddress(true);
            return ss;
        }
    }

    /** A running HAPI MLLP server. */
    public static final class Server implements AutoCloseable {
        private final HL7Service service;
        private final HapiContext context;
        private final int port;

        private Server(HL7Service service, HapiContext context, int port) {
            this.service = service;
            this.context = context;
            this.port = port;
        }

        public int port() {
            return port;
        }

        @Override
        public void close() throws IOException {
            service.stopAndWait();
            context.close();
        }
    }

    /** Starts HAPI's server with one application for every message; {@code port} 0 picks a free port. */
    public static Server server(int port, ReceivingApplication<Message> application) throws Exception {
        HapiContext context = Hl7Parser.newContext();
        LoopbackSocketFactory sockets = new LoopbackSocketFactory(port);
        context.setSocketFactory(sockets);
        HL7Service service = context.newServer(0, false);
        service.registerApplication("*", "*", application);
        service.startAndWait();
        Await.until("HAPI's server to bind", Duration.ofSeconds(10), () -> sockets.bound != null);
        ServerSocket bound = sockets.bound;
        return new Server(service, context, bound == null ? -1 : bound.getLocalPort());
    }

    /** HAPI's client, connected; the caller closes it (and the context) with {@link #closeClient}. */
    public static Connection client(HapiContext context, int port) throws Exception {
        Connection c = context.newClient("127.0.0.1", port, false);
        c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
        return c;
    }
}
