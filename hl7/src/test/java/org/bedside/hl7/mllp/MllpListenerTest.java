package org.bedside.hl7.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.HapiPeers;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Location;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.TestMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listener with HAPI HL7v2's own MLLP client on the other end, and raw sockets for what HAPI would never send. */
class MllpListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<InboundMessage> stored = new CopyOnWriteArrayList<>();
    private volatile MllpHandler behaviour = m -> {
        stored.add(m);
        return Decision.accept();
    };
    private MllpListener listener;
    private HapiContext hapi;

    @BeforeEach
    void start() throws Exception {
        listener = listen(MllpListenerConfig.builder(loopback()).maxMessageLength(64 * 1024));
        hapi = Hl7Parser.newContext();
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        hapi.close();
    }

    private MllpListener listen(MllpListenerConfig.Builder config) throws Exception {
        return new MllpListener(config.name("test").build(), m -> behaviour.handle(m)).start();
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private Message sendWithHapi(String text) throws Exception {
        Connection c = HapiPeers.client(hapi, listener.localAddress().getPort());
        try {
            return c.getInitiator().sendAndReceive(hapi.getPipeParser().parse(text));
        } finally {
            c.close();
        }
    }

    private static String field(Message m, String path) throws Exception {
        String v = new Terser(m).get(path);
        return v == null ? "" : v;
    }

    @Test
    void aPcd01MessageIsStoredThenAnsweredWithACommitAccept() throws Exception {
        Message ack = sendWithHapi(TestMessages.philipsPcd01());

        assertThat(field(ack, "/MSA-1")).isEqualTo("CA");
        assertThat(field(ack, "/MSA-2")).isEqualTo("HP0122182658686QQ000CND119C0WS61");
        assertThat(field(ack, "/MSH-9-1")).isEqualTo("ACK");
        assertThat(field(ack, "/MSH-9-2")).isEqualTo("R01");
        assertThat(field(ack, "/MSH-3")).isEqualTo("BEDSIDE_GATEWAY");
        assertThat(field(ack, "/MSH-5")).isEqualTo("PAT_DEVICE_PHILIPS_C");
        assertThat(field(ack, "/MSH-18")).isEqualTo("8859/1");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).controlId()).isEqualTo("HP0122182658686QQ000CND119C0WS61");
        assertThat(stored.get(0).header().type()).isEqualTo("ORU^R01");
        assertThat(stored.get(0).source().getAddress().isLoopbackAddress()).isTrue();
        // The counter moves once the write returned, which may be just after HAPI's client read the answer.
        Await.until(
                "the acknowledgement to be counted",
                WAIT,
                () -> listener.stats().acksSent(AckCode.CA) == 1);
        assertThat(listener.stats().messagesAccepted()).isEqualTo(1);
    }

    @Test
    void theAcknowledgementWaitsForTheHandler() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        behaviour = m -> {
            entered.countDown();
            release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            stored.add(m);
            return Decision.accept();
        };
        CompletableFuture<Message> ack = CompletableFuture.supplyAsync(() -> {
            try {
                return sendWithHapi(TestMessages.pcd01("WAIT1", "AL", "NE"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // The handler has the message and has not returned: no acknowledgement may have left the listener.
        assertThat(listener.stats().acksSent(AckCode.CA)).isZero();
        assertThat(ack).isNotDone();
        release.countDown();

        assertThat(field(ack.get(WAIT.toSeconds(), TimeUnit.SECONDS), "/MSA-1")).isEqualTo("CA");
        assertThat(stored).extracting(InboundMessage::controlId).containsExactly("WAIT1");
    }

    @Test
    void withoutAnAcceptAcknowledgementTypeTheOriginalModeAnswersAa() throws Exception {
        Message ack = sendWithHapi(TestMessages.pcd01("ORIG1", "", ""));

        assertThat(field(ack, "/MSA-1")).isEqualTo("AA");
        assertThat(field(ack, "/MSA-2")).isEqualTo("ORIG1");
        assertThat(field(ack, "/MSH-18")).isEqualTo("UNICODE UTF-8");
    }

    @Test
    void aContentErrorIsAnsweredWithCommitErrorAndAnErrSegmentNamingTheField() throws Exception {
        behaviour = m -> Decision.error(Hl7Failure.at(
                FailureReason.BAD_VALUE, Hl7Location.field("OBX", 2, 5), "OBX[2]-5 '9x7' is not a number"));

        Message enhanced = sendWithHapi(TestMessages.pcd01("ERR1", "AL", "NE"));
        Message original = sendWithHapi(TestMessages.pcd01("ERR2", "", ""));

        assertThat(field(enhanced, "/MSA-1")).isEqualTo("CE");
        assertThat(field(enhanced, "/MSA-2")).isEqualTo("ERR1");
        assertThat(field(enhanced, "/ERR-2-1")).isEqualTo("OBX");
        assertThat(field(enhanced, "/ERR-2-2")).isEqualTo("2");
        assertThat(field(enhanced, "/ERR-2-3")).isEqualTo("5");
        assertThat(field(enhanced, "/ERR-3-1")).isEqualTo("102");
        assertThat(field(enhanced, "/ERR-3-3")).isEqualTo("HL70357");
        assertThat(field(enhanced, "/ERR-4")).isEqualTo("E");
        assertThat(field(enhanced, "/ERR-8")).isEqualTo("OBX[2]-5 '9x7' is not a number");
        assertThat(field(original, "/MSA-1")).isEqualTo("AE");
        assertThat(listener.stats().failures(FailureReason.BAD_VALUE)).isEqualTo(2);
    }

    @Test
    void aRejectIsCrOrArAndAStoreFailureAsksForTheMessageAgain() throws Exception {
        behaviour = m -> Decision.reject(Hl7Failure.of(FailureReason.UNSUPPORTED_MESSAGE_TYPE, "ORU^R01 not taken"));
        assertThat(field(sendWithHapi(TestMessages.pcd01("R1", "AL", "NE")), "/MSA-1"))
                .isEqualTo("CR");
        assertThat(field(sendWithHapi(TestMessages.pcd01("R2", "", "")), "/MSA-1"))
                .isEqualTo("AR");

        behaviour = m -> Decision.retryLater("the buffer is full");
        Message ce = sendWithHapi(TestMessages.pcd01("R3", "AL", "NE"));
        assertThat(field(ce, "/MSA-1")).isEqualTo("CE");
        assertThat(field(ce, "/ERR-8")).isEqualTo("the buffer is full");
        assertThat(field(sendWithHapi(TestMessages.pcd01("R4", "", "")), "/MSA-1"))
                .isEqualTo("AR");
        assertThat(listener.stats().failures(FailureReason.HANDLER_RETRY)).isEqualTo(2);
    }

    @Test
    void aHandlerThatThrowsIsAnsweredAsNotStoredAndTheListenerGoesOn() throws Exception {
        behaviour = m -> {
            throw new IllegalStateException("disk gone");
        };
        Message ack = sendWithHapi(TestMessages.pcd01("T1", "AL", "NE"));
        assertThat(field(ack, "/MSA-1")).isEqualTo("CE");
        assertThat(field(ack, "/ERR-8")).contains("could not store");
        assertThat(listener.stats().failures(FailureReason.HANDLER_EXCEPTION)).isEqualTo(1);

        behaviour = m -> {
            stored.add(m);
            return Decision.accept();
        };
        assertThat(field(sendWithHapi(TestMessages.pcd01("T2", "AL", "NE")), "/MSA-1"))
                .isEqualTo("CA");
    }

    @Test
    void enhancedModeNeverAndOnErrorSendNothingForAnAcceptedMessage() throws Exception {
        try (RawMllpPeer peer = new RawMllpPeer(listener.localAddress())) {
            peer.sendMessage(TestMessages.pcd01("NE1", "NE", "NE"));
            peer.sendMessage(TestMessages.pcd01("ER1", "ER", "NE"));
            peer.sendMessage(TestMessages.pcd01("AL1", "AL", "NE"));

            String answer = peer.readAnswer();
            assertThat(answer).contains("MSA|CA|AL1");
        }
        assertThat(stored).extracting(InboundMessage::controlId).containsExactly("NE1", "ER1", "AL1");
    }

    @Test
    void badInputIsNamedCountedAndAnsweredAndTheListenerKeepsServing() throws Exception {
        try (RawMllpPeer peer = new RawMllpPeer(listener.localAddress())) {
            peer.send("random garbage before anything".getBytes(StandardCharsets.US_ASCII));
            peer.sendMessage("PID|||123\rMSH|^~\\&|X");
            assertThat(peer.readAnswer()).contains("MSA|AE\r").contains("not_hl7");

            peer.sendMessage(TestMessages.pcd01("ENC1", "AL", "NE").replaceFirst("\\^~\\\\&", "^^\\\\&"));
            String wrongEncoding = peer.readAnswer();
            assertThat(wrongEncoding)
                    .contains("MSA|CE|ENC1")
                    .contains("bad_encoding_characters")
                    .contains("five distinct delimiter characters");

            peer.sendMessage(TestMessages.pcd01("CS1", "AL", "NE").replace("UNICODE UTF-8", "EBCDIC-42"));
            assertThat(peer.readAnswer()).contains("MSA|CE|CS1").contains("unknown_charset");

            peer.sendMessage(TestMessages.pcd01("", "AL", "NE"));
            assertThat(peer.readAnswer()).contains("MSA|CE\r").contains("missing_control_id");
        }
        assertThat(listener.stats().failures(FailureReason.GARBAGE)).isEqualTo(1);
        assertThat(listener.stats().failures(FailureReason.NOT_HL7)).isEqualTo(1);
        assertThat(listener.stats().failures(FailureReason.BAD_ENCODING_CHARACTERS))
                .isEqualTo(1);
        assertThat(listener.stats().failures(FailureReason.UNKNOWN_CHARSET)).isEqualTo(1);
        assertThat(listener.stats().failures(FailureReason.MISSING_CONTROL_ID)).isEqualTo(1);
        assertThat(stored).isEmpty();
        assertThat(field(sendWithHapi(TestMessages.pcd01("OK1", "AL", "NE")), "/MSA-1"))
                .isEqualTo("CA");
    }

    @Test
    void aHugeMessageIsCutAtTheLimitAndAnsweredWithAnErrorNamingTheLimit() throws Exception {
        String header = TestMessages.pcd01("HUGE1", "AL", "NE");
        char[] filler = new char[200_000];
        Arrays.fill(filler, '9');
        String huge = header + "OBX|3|ST|0^X^MDC|1.0.0.2|" + new String(filler) + "\r";
        try (RawMllpPeer peer = new RawMllpPeer(listener.localAddress())) {
            peer.sendMessage(huge);
            String answer = peer.readAnswer();

            assertThat(answer)
                    .contains("MSA|CE|HUGE1")
                    .contains("message_too_long")
                    .contains("at most 65536");
            peer.sendMessage(TestMessages.pcd01("AFTER1", "AL", "NE"));
            assertThat(peer.readAnswer()).contains("MSA|CA|AFTER1");
        }
        assertThat(listener.stats().failures(FailureReason.MESSAGE_TOO_LONG)).isEqualTo(1);
        assertThat(stored).extracting(InboundMessage::controlId).containsExactly("AFTER1");
    }

    @Test
    void aMessageCutOffByTheConnectionClosingIsCountedAndNothingIsStored() throws Exception {
        try (RawMllpPeer peer = new RawMllpPeer(listener.localAddress())) {
            byte[] framed =
                    MllpFrameDecoder.wrap(TestMessages.pcd01("CUT1", "AL", "NE").getBytes(StandardCharsets.UTF_8));
            peer.send(Arrays.copyOf(framed, framed.length - 2));
        }
        Await.until(
                "the cut message to be counted",
                WAIT,
                () -> listener.stats().failures(FailureReason.NO_END_BLOCK) == 1);
        assertThat(stored).isEmpty();
        assertThat(listener.stats().messagesReceived()).isZero();
    }

    @Test
    void anEndlessStreamKeepsTheListenersMemoryBounded() throws Exception {
        int max = 64 * 1024;
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'A');
        long maxBuffered = 0;
        try (RawMllpPeer peer = new RawMllpPeer(listener.localAddress())) {
            peer.send(new byte[] {MllpFrameDecoder.START_BLOCK});
            for (int i = 0; i < 256; i++) { // 16 MiB without an end block
                peer.send(chunk);
                maxBuffered = Math.max(maxBuffered, listener.bufferedBytes());
            }
            Await.until(
                    "the listener to have read the stream",
                    WAIT,
                    () -> listener.stats().failures(FailureReason.MESSAGE_TOO_LONG) == 1);
            maxBuffered = Math.max(maxBuffered, listener.bufferedBytes());

            // Meanwhile another sender is served as usual.
            assertThat(field(sendWithHapi(TestMessages.pcd01("SIDE1", "AL", "NE")), "/MSA-1"))
                    .isEqualTo("CA");
        }
        assertThat(maxBuffered).isLessThanOrEqualTo(max);
        assertThat(listener.stats().failures(FailureReason.MESSAGE_TOO_LONG)).isEqualTo(1);
    }

    @Test
    void aSourceOutsideTheAllowListIsRefusedAndCounted() throws Exception {
        try (MllpListener guarded = listen(MllpListenerConfig.builder(loopback())
                .allowList(SourceAllowList.of(List.of("10.0.0.0/8", "192.0.2.7"))))) {
            try (RawMllpPeer peer = new RawMllpPeer(guarded.localAddress())) {
                peer.sendMessage(TestMessages.pcd01("NOPE1", "AL", "NE"));
                assertThat(peer.closedByPeer()).isTrue();
            }
            Await.until(
                    "the refusal to be counted",
                    WAIT,
                    () -> guarded.stats().failures(FailureReason.SOURCE_REFUSED) == 1);
            assertThat(guarded.stats().messagesReceived()).isZero();
            assertThat(guarded.stats().connectionsAccepted()).isZero();
        }
        assertThat(stored).isEmpty();
    }

    @Test
    void connectionsOverTheLimitAreClosedAndCounted() throws Exception {
        try (MllpListener small = listen(MllpListenerConfig.builder(loopback()).maxConnections(1))) {
            try (RawMllpPeer first = new RawMllpPeer(small.localAddress())) {
                Await.until(
                        "the first connection to be open",
                        WAIT,
                        () -> small.stats().connectionsOpen() == 1);
                try (RawMllpPeer second = new RawMllpPeer(small.localAddress())) {
                    assertThat(second.closedByPeer()).isTrue();
                }
                first.sendMessage(TestMessages.pcd01("FIRST1", "AL", "NE"));
                assertThat(first.readAnswer()).contains("MSA|CA|FIRST1");
            }
            assertThat(small.stats().failures(FailureReason.TOO_MANY_CONNECTIONS))
                    .isEqualTo(1);
        }
    }

    @Test
    void anIdleConnectionIsClosedAndCounted() throws Exception {
        try (MllpListener impatient =
                listen(MllpListenerConfig.builder(loopback()).idleTimeout(Duration.ofMillis(200)))) {
            try (RawMllpPeer peer = new RawMllpPeer(impatient.localAddress())) {
                assertThat(peer.closedByPeer()).isTrue();
            }
            Await.until(
                    "the idle close to be counted",
                    WAIT,
                    () -> impatient.stats().failures(FailureReason.IDLE_TIMEOUT) == 1);
            Await.until(
                    "the connection to be released",
                    WAIT,
                    () -> impatient.stats().connectionsOpen() == 0);
        }
    }

    @Test
    void severalMessagesOnOneConnectionAreEachAcknowledgedInOrder() throws Exception {
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 1; i <= 5; i++) {
            burst.writeBytes(MllpFrameDecoder.wrap(
                    TestMessages.pcd01("B" + i, "AL", "NE").getBytes(StandardCharsets.UTF_8)));
        }
        try (RawMllpPeer peer = new RawMllpPeer(listener.localAddress())) {
            peer.send(burst.toByteArray());
            for (int i = 1; i <= 5; i++) {
                assertThat(peer.readAnswer()).contains("MSA|CA|B" + i + "\r");
            }
        }
        assertThat(stored).extracting(InboundMessage::controlId).containsExactly("B1", "B2", "B3", "B4", "B5");
    }
}
