package org.bedside.alarms.delivery;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.pcd.Pcd05Encoder;
import org.bedside.hl7.pcd.Pcd05Report;
import org.jspecify.annotations.Nullable;

/**
 * A real Alert Manager for the tests, on HAPI HL7v2 alone: HAPI's MLLP server takes the gateway's PCD-04 and answers it
 * (HAPI's own AA), and for each alert (not the watchdog) HAPI's MLLP client sends PCD-05 reports — the statuses given
 * — to the gateway's PCD-05 listener, recording the acknowledgements it gets back.
 */
final class HapiAlertManager implements AutoCloseable {
    /** HAPI's server binds the wildcard address of a fixed port; this factory binds loopback and reports the port. */
    private static final class LoopbackSocketFactory extends StandardSocketFactory {
        volatile @Nullable ServerSocket bound;

        @Override
        public ServerSocket createServerSocket() throws IOException {
            ServerSocket ss = new ServerSocket() {
                @Override
                public void bind(@Nullable SocketAddress endpoint, int backlog) throws IOException {
                    super.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
                    bound = this;
                }
            };
            ss.setReuseAddress(true);
            return ss;
        }
    }

    final List<String> alertsReceived = new CopyOnWriteArrayList<>();
    /** MSA-1 of each acknowledgement the gateway's PCD-05 listener sent back. */
    final List<String> pcd05Acks = new CopyOnWriteArrayList<>();

    private final HapiContext serverContext = Hl7Parser.newContext();
    private final HapiContext clientContext = Hl7Parser.newContext();
    private final HL7Service service;
    private final ExecutorService reporter = Executors.newSingleThreadExecutor();
    private final Pcd05Encoder encoder = new Pcd05Encoder("AM", "HOSP");
    private final AtomicInteger ids = new AtomicInteger();
    private final int port;

    HapiAlertManager(int pcd05Port, List<Pcd05Report.Disposition> statuses) throws Exception {
        LoopbackSocketFactory sockets = new LoopbackSocketFactory();
        serverContext.setSocketFactory(sockets);
        service = serverContext.newServer(0, false);
        service.registerApplication("*", "*", new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                Terser t = new Terser(message);
                String controlId = t.get("/MSH-10");
                if (!controlId.startsWith("heartbeat-")) {
                    alertsReceived.add(controlId);
                    ORU_R01 alert = (ORU_R01) message;
                    reporter.execute(() -> report(alert, pcd05Port, statuses));
                }
                try {
                    return message.generateACK();
                } catch (IOException e) {
                    throw new HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        });
        service.startAndWait();
        Await.until("HAPI's server to bind", Duration.ofSeconds(10), () -> sockets.bound != null);
        ServerSocket bound = sockets.bound;
        port = bound == null ? -1 : bound.getLocalPort();
    }

    int port() {
        return port;
    }

    private void report(ORU_R01 alert, int pcd05Port, List<Pcd05Report.Disposition> statuses) {
        try {
            Connection c = clientContext.newClient("127.0.0.1", pcd05Port, false);
            c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
            boolean first = true;
            for (Pcd05Report.Disposition d : statuses) {
                Message ora = encoder.report(
                        alert,
                        "AM-" + ids.incrementAndGet(),
                        Instant.now(),
                        List.of(new Pcd05Encoder.Status(
                                d,
                                "D-" + alert.getMSH().getMessageControlID().getValue(),
                                first,
                                d.isAcceptance() || d == Pcd05Report.Disposition.REJECTED ? "nurse-7" : null,
                                "pager-12",
                                Instant.now())));
                first = false;
                Message ack = c.getInitiator().sendAndReceive(ora);
                pcd05Acks.add(new Terser(ack).get("/MSA-1"));
            }
            c.close();
        } catch (Exception e) {
            pcd05Acks.add("failed: " + e);
        }
    }

    @Override
    public void close() {
        service.stopAndWait();
        reporter.shutdownNow();
        try {
            serverContext.close();
            clientContext.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
