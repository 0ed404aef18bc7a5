package org.bedside.hl7.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.HapiPeers;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.TestMessages;
import org.junit.jupiter.api.Test;

/** The client with HAPI HL7v2's own MLLP server on the other end. */
class MllpClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Hl7Parser parser = new Hl7Parser();
    private final List<String> received = new CopyOnWriteArrayList<>();

    /** A HAPI receiving application that records each message's control id and answers with {@code code}. */
    private ReceivingApplication<Message> answering(AcknowledgmentCode code) {
        return new ReceivingApplication<>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                received.add(new Terser(message).get("/MSH-10"));
                try {
                    return code == AcknowledgmentCode.AA
                            ? message.generateACK()
                            : message.generateACK(code, new HL7Exception("receiver says no"));
                } catch (IOException e) {
                    throw new HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        };
    }

    private OutboundMessage message(String controlId) throws Exception {
        return OutboundMessage.of(
                parser.pipeParser().parse(TestMessages.pcd01(controlId, "AL", "NE")), parser.pipeParser());
    }

    @Test
    void aMessageAcknowledgedByHapisServerIsAccepted() throws Exception {
        try (HapiPeers.Server server = HapiPeers.server(0, answering(AcknowledgmentCode.AA));
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", server.port()))) {
            SendResult first = client.send(message("OUT1"));
            SendResult second = client.send(message("OUT2"));

            assertThat(first).isEqualTo(new SendResult.Accepted("OUT1", AckCode.AA));
            assertThat(second).isEqualTo(new SendResult.Accepted("OUT2", AckCode.AA));
            assertThat(received).containsExactly("OUT1", "OUT2");
            assertThat(client.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void anApplicationErrorIsRefusedAndARejectIsRetriedLater() throws Exception {
        try (HapiPeers.Server error = HapiPeers.server(0, answering(AcknowledgmentCode.AE));
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", error.port()))) {
            SendResult result = client.send(message("AE1"));

            assertThat(result).isInstanceOf(SendResult.Refused.class);
            assertThat(((SendResult.Refused) result).code()).isEqualTo(AckCode.AE);
            assertThat(((SendResult.Refused) result).reason()).contains("AE").contains("receiver says no");
        }
        try (HapiPeers.Server reject = HapiPeers.server(0, answering(AcknowledgmentCode.AR));
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", reject.port()))) {
            SendResult result = client.send(message("AR1"));

            assertThat(result).isInstanceOf(SendResult.RetryLater.class);
            assertThat(((SendResult.RetryLater) result).code()).isEqualTo(AckCode.AR);
        }
    }

    @Test
    void acrossAReceiverOutageTheSameMessageIsResentWithItsControlId() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // a port nobody listens on once the probe is closed
        }
        OutboundMessage message = message("OUTAGE1");
        try (MllpClient client =
                new MllpClient(MllpClientConfig.of("127.0.0.1", port).withConnectTimeout(Duration.ofSeconds(2)))) {
            SendResult down = client.send(message);
            assertThat(down).isInstanceOf(SendResult.RetryLater.class);
            assertThat(((SendResult.RetryLater) down).reason()).contains("cannot connect to 127.0.0.1:" + port);

            try (HapiPeers.Server server = HapiPeers.server(port, answering(AcknowledgmentCode.AA))) {
                SendResult up = client.send(message);

                assertThat(up).isEqualTo(new SendResult.Accepted("OUTAGE1", AckCode.AA));
                assertThat(received).containsExactly("OUTAGE1");
            }
        }
    }

    @Test
    void noAcknowledgementInTimeIsRetriedOnANewConnectionWithTheSameControlId() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", silent.getLocalPort())
                        .withAckTimeout(Duration.ofMillis(300)))) {
            OutboundMessage message = message("SLOW1");
            Thread acceptor = new Thread(() -> readTwoMessagesAndAnswerTheSecond(silent));
            acceptor.start();

            SendResult first = client.send(message);
            assertThat(first).isInstanceOf(SendResult.RetryLater.class);
            assertThat(((SendResult.RetryLater) first).reason()).contains("no acknowledgement");
            assertThat(client.isConnected()).isFalse();

            SendResult second = client.send(message);
            acceptor.join(WAIT.toMillis());

            assertThat(second).isEqualTo(new SendResult.Accepted("SLOW1", AckCode.CA));
            assertThat(client.connectionsOpened()).isEqualTo(2);
            assertThat(received).containsExactly("SLOW1", "SLOW1");
        }
    }

    /** Reads a message on a first connection without answering, then the resent one on a second and answers CA. */
    private void readTwoMessagesAndAnswerTheSecond(ServerSocket server) {
        try (Socket first = server.accept()) {
            received.add(controlIdOf(readMessage(first.getInputStream())));
            try (Socket second = server.accept()) {
                String resent = readMessage(second.getInputStream());
                received.add(controlIdOf(resent));
                answer(second.getOutputStream(), controlIdOf(resent), "CA");
            }
        } catch (Exception e) {
            received.add("server failed: " + e);
        }
    }

    @Test
    void anAcknowledgementForAnotherControlIdIsNotTakenForThisMessage() throws Exception {
        try (ServerSocket confused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", confused.getLocalPort()))) {
            Thread peer = new Thread(() -> {
                try (Socket s = confused.accept()) {
                    readMessage(s.getInputStream());
                    answer(s.getOutputStream(), "SOMETHING-ELSE", "CA");
                    s.getInputStream().read(); // until the client hangs up
                } catch (Exception e) {
                    received.add("server failed: " + e);
                }
            });
            peer.start();

            SendResult result = client.send(message("MINE1"));
            peer.join(WAIT.toMillis());

            assertThat(result).isInstanceOf(SendResult.RetryLater.class);
            assertThat(((SendResult.RetryLater) result).reason())
                    .contains("for control id 'SOMETHING-ELSE', not 'MINE1'");
            assertThat(client.isConnected()).isFalse();
        }
    }

    @Test
    void ourListenersCommitCodesMapToTheThreeResults() throws Exception {
        List<Decision> script = new CopyOnWriteArrayList<>(List.of(
                Decision.accept(),
                Decision.retryLater("store full"),
                Decision.error(org.bedside.hl7.Hl7Failure.of(org.bedside.hl7.FailureReason.BAD_VALUE, "bad OBX-5")),
                Decision.reject(org.bedside.hl7.Hl7Failure.of(
                        org.bedside.hl7.FailureReason.UNSUPPORTED_MESSAGE_TYPE, "not taken"))));
        try (MllpListener receiver = new MllpListener(
                                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                        .build(),
                                m -> script.remove(0))
                        .start();
                MllpClient client = new MllpClient(
                        MllpClientConfig.of("127.0.0.1", receiver.localAddress().getPort()))) {
            assertThat(client.send(message("C1"))).isEqualTo(new SendResult.Accepted("C1", AckCode.CA));
            SendResult ce = client.send(message("C2"));
            assertThat(ce).isInstanceOf(SendResult.RetryLater.class);
            assertThat(((SendResult.RetryLater) ce).reason()).contains("CE").contains("store full");
            SendResult ce2 = client.send(message("C3"));
            assertThat(ce2).isInstanceOf(SendResult.RetryLater.class);
            assertThat(((SendResult.RetryLater) ce2).reason()).contains("bad OBX-5");
            SendResult cr = client.send(message("C4"));
            assertThat(cr).isInstanceOf(SendResult.Refused.class);
            assertThat(((SendResult.Refused) cr).code()).isEqualTo(AckCode.CR);
        }
    }

    @Test
    void aConnectionTheReceiverClosedWhileIdleIsReopenedAtOnce() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (MllpListener receiver = new MllpListener(
                                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                        .idleTimeout(Duration.ofMillis(300))
                                        .build(),
                                m -> {
                                    seen.add(m.controlId());
                                    return Decision.accept();
                                })
                        .start();
                MllpClient client = new MllpClient(
                        MllpClientConfig.of("127.0.0.1", receiver.localAddress().getPort()))) {
            assertThat(client.send(message("IDLE1"))).isInstanceOf(SendResult.Accepted.class);
            Await.until(
                    "the receiver to close the idle connection",
                    WAIT,
                    () -> receiver.stats().connectionsOpen() == 0);

            SendResult afterIdle = client.send(message("IDLE2"));

            assertThat(afterIdle).isEqualTo(new SendResult.Accepted("IDLE2", AckCode.CA));
            assertThat(client.connectionsOpened()).isEqualTo(2);
            assertThat(seen).containsExactly("IDLE1", "IDLE2");
        }
    }

    private static String readMessage(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != MllpFrameDecoder.START_BLOCK) {
            // skip to the start block
        }
        while ((c = in.read()) >= 0 && c != MllpFrameDecoder.END_BLOCK) {
            b.append((char) c);
        }
        in.read(); // the carriage return after the end block
        return b.toString();
    }

    private String controlIdOf(String message) throws HL7Exception {
        return new Terser(parser.pipeParser().parse(message)).get("/MSH-10");
    }

    private static void answer(OutputStream out, String controlId, String code) throws IOException {
        String ack =
                "MSH|^~\\&|RCV||GW||20261122100000+0000||ACK^R01^ACK|A1|P|2.6\rMSA|" + code + "|" + controlId + "\r";
        out.write(MllpFrameDecoder.wrap(ack.getBytes(StandardCharsets.US_ASCII)));
        out.flush();
    }
}
