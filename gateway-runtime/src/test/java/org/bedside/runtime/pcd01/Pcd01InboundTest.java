package org.bedside.runtime.pcd01;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.MllpFrameDecoder;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientKey;
import org.bedside.runtime.config.Pcd01InSettings;
import org.bedside.runtime.wiring.RefusalAudit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCD-01 in with real parts: HAPI HL7v2's own client (its initiator) over MLLP to the gateway's listener, the real
 * Chronicle store behind it.
 */
class Pcd01InboundTest {
    private static final BedLocation BED = BedLocation.parse("HO Surgery^OR^1");
    private static final DeviceId MONITOR = DeviceId.of("or1-monitor");

    @TempDir
    Path dir;

    private ChronicleReadingStore chronicle;
    private ControlledStore store;
    private volatile @Nullable List<PatientKey> adtPatients;
    private Pcd01Inbound inbound;
    private HapiContext hapi;
    private Connection client;

    @BeforeEach
    void start() throws Exception {
        chronicle = ChronicleReadingStore.open(dir.resolve("buffer"));
        store = new ControlledStore(chronicle);
        hapi = Hl7Parser.newContext();
        startGateway();
    }

    private void startGateway() throws Exception {
        inbound = new Pcd01Inbound(
                new Pcd01InSettings(
                        new InetSocketAddress("127.0.0.1", 0),
                        SourceAllowList.any(),
                        1 << 20,
                        null,
                        List.of(new Pcd01InSettings.Device(MONITOR, "OR 1 monitor", BED, null))),
                store,
                (bed, time) -> bed.equals(BED) ? adtPatients : null,
                List.of("HOSP"));
        inbound.start();
        client = null;
    }

    private Connection connect(@Nullable InetSocketAddress a) throws Exception {
        assertThat(a).as("the listener listens").isNotNull();
        Connection c = hapi.newClient("127.0.0.1", a.getPort(), false);
        c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
        return c;
    }

    private Connection client() throws Exception {
        if (client == null) {
            client = connect(inbound.address());
        }
        return client;
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        hapi.close();
        inbound.close();
        chronicle.close();
    }

    static String iheExample() throws IOException {
        try (InputStream in =
                Pcd01InboundTest.class.getResourceAsStream("/ihe-pcd/pcd01_E1-1_philips_physiological_monitor.hl7")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).strip();
        }
    }

    private Message send(String text) throws Exception {
        return client().getInitiator().sendAndReceive(hapi.getPipeParser().parse(text));
    }

    private static String ackCode(Message ack) throws Exception {
        return new Terser(ack).get("/MSA-1");
    }

    private static String errText(Message ack) throws Exception {
        return new Terser(ack).get("/ERR-8");
    }

    private List<Reading> stored() throws StoreException {
        List<Reading> out = new ArrayList<>();
        chronicle.readAll().forEach(r -> out.addAll(r.readings()));
        return out;
    }

    private static List<Reading> without(List<Reading> readings, Class<?> kind) {
        return readings.stream().filter(r -> !kind.isInstance(r)).toList();
    }

    @Test
    void theIheExampleIsStoredThenCommitAccepted() throws Exception {
        store.block = new CountDownLatch(1);
        CompletableFuture<Message> ack = CompletableFuture.supplyAsync(() -> {
            try {
                return send(iheExample());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(store.appending.await(10, TimeUnit.SECONDS))
                .as("the handler appends")
                .isTrue();
        assertThat(ack)
                .as("no acknowledgement while the append has not returned")
                .isNotDone();
        store.block.countDown();
        Message a = ack.get(10, TimeUnit.SECONDS);
        assertThat(ackCode(a)).as("MSH-15 AL asks for a commit accept").isEqualTo("CA");
        assertThat(new Terser(a).get("/MSA-2")).isEqualTo("HP0122182658686QQ000CND119C0WS61");

        assertThat(chronicle.readAll()).as("one record: all or nothing").hasSize(1);
        List<Reading> readings = stored();
        assertThat(readings).allSatisfy(r -> assertThat(r.device()).isEqualTo(MONITOR));
        assertThat(readings)
                .filteredOn(r -> r instanceof CompoundReading)
                .singleElement()
                .satisfies(r -> {
                    CompoundReading nibp = (CompoundReading) r;
                    assertThat(nibp.metric()).isEqualTo(Metrics.NIBP);
                    assertThat(nibp.components())
                            .extracting(c -> c.value().toPlainString())
                            .containsExactly("117", "82", "90");
                });
        assertThat(readings)
                .filteredOn(r -> r instanceof NumericReading n && n.metric().mdc() == 147842)
                .singleElement()
                .satisfies(r -> {
                    NumericReading hr = (NumericReading) r;
                    assertThat(hr.value()).hasToString("80");
                    assertThat(hr.unit().code()).isEqualTo("/min");
                    assertThat(hr.quality().reason()).contains("OBX-11 X");
                });
        assertThat(readings)
                .filteredOn(r -> r instanceof DeviceStatus)
                .singleElement()
                .satisfies(r -> assertThat(((DeviceStatus) r).detail())
                        .isEqualTo("PCD-01 ORU^R01 from PAT_DEVICE_PHILIPS_C^Philips, MSH-10"
                                + " HP0122182658686QQ000CND119C0WS61, part 1 of 1"));
        assertThat(inbound.counts()).containsEntry("stored", 1L);
        assertThat(inbound.readingsStored())
                .isEqualTo(without(readings, DeviceStatus.class).size());
    }

    @Test
    void aConnectionFromASourceOutsideTheAllowListIsRefusedCountedAndAuditedAndNothingIsStored() throws Exception {
        inbound.close();
        try (AuditLog audit = new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.system())) {
            // Wired as the gateway wires it: refusals to the box's audit log as pcd01-connection-refused.
            inbound = new Pcd01Inbound(
                    new Pcd01InSettings(
                            new InetSocketAddress("127.0.0.1", 0),
                            SourceAllowList.of(List.of("10.0.0.0/8")),
                            1 << 20,
                            null,
                            List.of(new Pcd01InSettings.Device(MONITOR, "OR 1 monitor", BED, null))),
                    store,
                    (bed, time) -> null,
                    List.of("HOSP"),
                    new RefusalAudit(audit, InstantSource.system()).connections("pcd01-connection-refused"));
            inbound.start();
            byte[] framed = MllpFrameDecoder.wrap(iheExample().getBytes(StandardCharsets.ISO_8859_1));
            try (Socket s = new Socket("127.0.0.1", inbound.address().getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(framed);
                assertThat(s.getInputStream().read()).as("closed unanswered").isEqualTo(-1);
            } catch (IOException closedUnderTheWrite) {
                // refused as well
            }
            Await.until(
                    "the refusal audited",
                    Duration.ofSeconds(10),
                    () -> !refusals(audit).isEmpty());
            ObjectNode e = refusals(audit).get(0);
            assertThat(e.get("listener").asText()).isEqualTo("pcd01-in");
            assertThat(e.get("source").asText()).isEqualTo("127.0.0.1");
            assertThat(e.get("reason").asText()).isEqualTo("source_refused");
            assertThat(e.get("detail").asText()).contains("10.0.0.0/8");
            assertThat(inbound.listenerStats().failures(FailureReason.SOURCE_REFUSED))
                    .isEqualTo(1);
            assertThat(inbound.listenerStats().messagesReceived()).isZero();
            assertThat(stored()).isEmpty();
        }
    }

    private static List<ObjectNode> refusals(AuditLog audit) {
        try {
            return audit.entries().stream()
                    .filter(e ->
                            "pcd01-connection-refused".equals(e.get("action").asText()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void originalModeIsAcceptedWithAa() throws Exception {
        String original = iheExample().replace("|P|2.6|||AL|NE|", "|P|2.6|||||");
        assertThat(ackCode(send(original))).isEqualTo("AA");
        assertThat(chronicle.readAll()).hasSize(1);
    }

    @Test
    void aRetransmissionIsAcknowledgedAndNotStoredTwiceAlsoAfterARestart() throws Exception {
        assertThat(ackCode(send(iheExample()))).isEqualTo("CA");
        assertThat(ackCode(send(iheExample()))).isEqualTo("CA");
        assertThat(chronicle.readAll()).hasSize(1);
        assertThat(inbound.counts()).containsEntry("duplicate", 1L);

        // The gateway restarts (the sender's ack was lost): the new one knows the message from the buffer alone.
        client.close();
        client = null;
        inbound.close();
        startGateway();
        assertThat(ackCode(send(iheExample()))).isEqualTo("CA");
        assertThat(chronicle.readAll()).hasSize(1);
        assertThat(inbound.counts()).containsEntry("duplicate", 1L);

        String next = iheExample().replace("HP0122182658686QQ000CND119C0WS61", "HP-next");
        assertThat(ackCode(send(next))).isEqualTo("CA");
        assertThat(chronicle.readAll())
                .as("another control id is another message")
                .hasSize(2);
    }

    @Test
    void aPidThatDisagreesWithTheBedsAssociationIsQuarantined() throws Exception {
        String withAuthority = iheExample().replace("HO2009001^^^^MR", "HO2009001^^^HOSP^MR");
        adtPatients = List.of(new PatientKey("HOSP", "HO2009001"));
        assertThat(ackCode(send(withAuthority))).isEqualTo("CA");
        assertThat(stored()).allSatisfy(r -> assertThat(r.device()).isEqualTo(MONITOR));

        adtPatients = List.of(new PatientKey("HOSP", "SOMEONE-ELSE"));
        assertThat(ackCode(send(withAuthority.replace("HP0122182658686QQ000CND119C0WS61", "HP-2"))))
                .as("stored, so acknowledged: but not as the bed's")
                .isEqualTo("CA");
        List<StoredRecord> records = chronicle.readAll();
        assertThat(records).hasSize(2);
        assertThat(records.get(1).readings())
                .allSatisfy(r -> assertThat(r.device()).isEqualTo(DeviceId.of("or1-monitor.pid-mismatch")));
        assertThat(records.get(1).readings())
                .filteredOn(r -> r instanceof DeviceStatus)
                .singleElement()
                .satisfies(r -> assertThat(((DeviceStatus) r).detail())
                        .endsWith("; quarantined: PID-3 disagrees" + " with the bed's association"));

        adtPatients = List.of();
        send(withAuthority.replace("HP0122182658686QQ000CND119C0WS61", "HP-3"));
        assertThat(chronicle.readAll().get(2).readings())
                .as("a patient named where the gateway knows nobody: not charted to whoever comes next")
                .allSatisfy(r -> assertThat(r.device()).isEqualTo(DeviceId.of("or1-monitor.pid-mismatch")));
        assertThat(inbound.counts()).containsEntry("stored", 1L).containsEntry("quarantined", 2L);
        assertThat(inbound.readingsQuarantined()).isPositive();
    }

    @Test
    void malformedMessagesGetErrorAcksNamingWhatWasWrongAndNothingIsStored() throws Exception {
        Message notANumber = send(iheExample().replace("|1.2.1.1|80|", "|1.2.1.1|8O|"));
        assertThat(ackCode(notANumber)).isEqualTo("CE");
        assertThat(errText(notANumber)).contains("OBX[9]-5 '8O' is not a number");

        Message noBed = send(iheExample().replace("HO Surgery^OR^1", "ICU^99^9").replace("C0WS61", "C0WS62"));
        assertThat(ackCode(noBed)).isEqualTo("CE");
        assertThat(errText(noBed)).contains("PV1-3 'ICU^99^9'").contains("names no bed");

        Message noObr = send(String.join("\r", List.of(iheExample().split("\r")).subList(0, 3)));
        assertThat(ackCode(noObr)).isEqualTo("CE");
        assertThat(errText(noObr)).contains("no OBR");

        String adt = "MSH|^~\\&|ADT|HOSP|||20150122182658+0000||ADT^A01^ADT_A01|adt-1|P|2.6|||AL|NE\r"
                + "PID|||HO2009001^^^HOSP^MR\rPV1||I|HO Surgery^OR^1";
        Message notOurs = send(adt);
        assertThat(ackCode(notOurs)).as("a kind of message not taken here").isEqualTo("CR");

        assertThat(chronicle.readAll()).isEmpty();
        assertThat(inbound.counts())
                .containsEntry("bad_value", 2L)
                .containsEntry("missing_segment", 1L)
                .containsEntry("unsupported_message_type", 1L);
    }

    @Test
    void aBufferThatCannotTakeTheReadingsMakesTheSenderRetry() throws Exception {
        store.fail = true;
        Message a = send(iheExample());
        assertThat(ackCode(a)).as("enhanced mode: CE, send it again").isEqualTo("CE");
        assertThat(chronicle.readAll()).isEmpty();
        store.fail = false;
        assertThat(ackCode(send(iheExample()))).isEqualTo("CA");
        assertThat(chronicle.readAll()).hasSize(1);
        assertThat(inbound.counts()).containsEntry("store-failed", 1L).containsEntry("stored", 1L);
    }

    /** The real store, with an append that can be held or made to fail: the faults a real disk gives rarely. */
    static final class ControlledStore implements ReadingStore {
        private final ReadingStore delegate;
        volatile @Nullable CountDownLatch block;
        volatile boolean fail;
        final CountDownLatch appending = new CountDownLatch(1);

        ControlledStore(ReadingStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public long append(List<? extends Reading> readings) throws StoreException {
            appending.countDown();
            CountDownLatch b = block;
            if (b != null) {
                try {
                    if (!b.await(20, TimeUnit.SECONDS)) {
                        throw new StoreException("the test never released the append");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted");
                }
            }
            if (fail) {
                throw new StoreException("no space left on device (injected)");
            }
            return delegate.append(readings);
        }

        @Override
        public void addAppendListener(Runnable listener) {
            delegate.addAppendListener(listener);
        }

        @Override
        public ReadingCursor cursor(String name) throws StoreException {
            return delegate.cursor(name);
        }

        @Override
        public ReadingCursor liveCursor() throws StoreException {
            return delegate.liveCursor();
        }

        @Override
        public long pendingRecords(String cursorName) throws StoreException {
            return delegate.pendingRecords(cursorName);
        }

        @Override
        public Optional<Instant> oldestPending(String cursorName) throws StoreException {
            return delegate.oldestPending(cursorName);
        }

        @Override
        public List<StoredRecord> readAll() throws StoreException {
            return delegate.readAll();
        }

        @Override
        public void close() {
            // the test closes the real store
        }
    }
}
