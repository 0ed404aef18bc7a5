package org.bedside.uplink;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.jspecify.annotations.Nullable;

/**
 * An interface engine for the tests: HAPI HL7v2's own MLLP server ({@link HL7Service}) on a loopback port, which parses
 * every message with HAPI, records it (its control id and its text as HAPI encodes it again) and answers as the test
 * says. It can be stopped and started again on the same port (a receiver outage).
 */
final class InterfaceEngine implements AutoCloseable {

    /** One message as the engine got it. */
    record Received(String controlId, Message message, String text) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Function<Received, AcknowledgmentCode> answer;
    private int port;
    private @Nullable HL7Service service;
    private @Nullable HapiContext context;

    /** @param answer the acknowledgement code for each message, told after it was recorded */
    InterfaceEngine(Function<Received, AcknowledgmentCode> answer) {
        this.answer = answer;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<String> controlIds() {
        return received.stream().map(Received::controlId).toList();
    }

    int port() {
        return port;
    }

    /** Starts on a free port the first time, on the same port after {@link #stop}. */
    synchronized void start() throws Exception {
        HapiContext c = Hl7Parser.newContext();
        LoopbackSockets sockets = new LoopbackSockets(port);
        c.setSocketFactory(sockets);
        HL7Service s = c.newServer(0, false);
        s.registerApplication("*", "*", new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                Received r = new Received(new Terser(message).get("/MSH-10"), message, message.encode());
                received.add(r);
                AcknowledgmentCode code = answer.apply(r);
                try {
                    return code == AcknowledgmentCode.AA
                            ? message.generateACK()
                            : message.generateACK(code, new HL7Exception("the engine says no: " + code));
                } catch (IOException e) {
                    throw new HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        });
        s.startAndWait();
        Await.until("HAPI's server to bind", Duration.ofSeconds(10), () -> sockets.bound != null);
        ServerSocket bound = sockets.bound;
        port = bound == null ? -1 : bound.getLocalPort();
        service = s;
        context = c;
    }

    /** Stops accepting and closes every connection: the engine is away. */
    synchronized void stop() throws IOException {
        HL7Service s = service;
        HapiContext c = context;
        service = null;
        context = null;
        if (s != null) {
            s.stopAndWait();
        }
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    /** HAPI's server binds the wildcard address; this binds loopback (port 0 once, then the same port again). */
    private static final class LoopbackSockets extends StandardSocketFactory {
        private final int port;
        volatile @Nullable ServerSocket bound;

        LoopbackSockets(int port) {
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
}
