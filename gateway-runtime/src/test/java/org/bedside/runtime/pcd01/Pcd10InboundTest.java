package org.bedside.runtime.pcd01;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Reading;
import org.bedside.patients.BedLocation;
import org.bedside.patients.PatientKey;
import org.bedside.runtime.config.Pcd01InSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCD-10 in on the PCD-01 listener, with real parts: HAPI HL7v2's client over MLLP to the gateway's listener, the real
 * Chronicle store behind it (as {@link Pcd01InboundTest}).
 */
class Pcd10InboundTest {
    /** PV1-3 of the TF example M.1.2.2. */
    private static final BedLocation BED = BedLocation.parse("3 West ICU^3002^1");

    private static final DeviceId PUMP = DeviceId.of("icu3002-pump");
    private static final String CONTROL_ID = "6358051206735492253";

    @TempDir
    Path dir;

    private ChronicleReadingStore chronicle;
    private Pcd01InboundTest.ControlledStore store;
    private volatile @Nullable List<PatientKey> adtPatients;
    private Pcd01Inbound inbound;
    private HapiContext hapi;
    private Connection client;

    @BeforeEach
    void start() throws Exception {
        chronicle = ChronicleReadingStore.open(dir.resolve("buffer"));
        store = new Pcd01InboundTest.ControlledStore(chronicle);
        hapi = Hl7Parser.newContext();
        inbound = new Pcd01Inbound(
                new Pcd01InSettings(
                        new InetSocketAddress("127.0.0.1", 0),
                        SourceAllowList.any(),
                        1 << 20,
                        null,
                        // The pump by the EUI-64 of its MDS row's OBX-18.
                        List.of(new Pcd01InSettings.Device(PUMP, "ICU 3002 pump", BED, "0012210000000000"))),
                store,
                (bed, time) -> bed.equals(BED) ? adtPatients : null,
                List.of("HOSP"));
        inbound.start();
        client = hapi.newClient("127.0.0.1", inbound.address().getPort(), false);
        client.getInitiator().setTimeout(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        hapi.close();
        inbound.close();
        chronicle.close();
    }

    static String iheExample() throws IOException {
        try (InputStream in =
                Pcd10InboundTest.class.getResourceAsStream("/ihe-pcd/pcd10_M1-2-2_infusion_delivery_start.hl7")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).strip();
        }
    }

    private Message send(String text) throws Exception {
        return client.getInitiator().sendAndReceive(hapi.getPipeParser().parse(text));
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

    @Test
    void theIheDeliveryStartIsStoredThenCommitAccepted() throws Exception {
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
        assertThat(ackCode(a)).as("MSH-15 AL, MSH-16 NE: a commit accept").isEqualTo("CA");
        assertThat(new Terser(a).get("/MSA-2")).isEqualTo(CONTROL_ID);

        assertThat(chronicle.readAll()).as("one record: all or nothing").hasSize(1);
        List<Reading> readings = stored();
        assertThat(readings).allSatisfy(r -> assertThat(r.device()).isEqualTo(PUMP));
        assertThat(readings)
                .filteredOn(r -> r instanceof InfusionStatus)
                .singleElement()
                .satisfies(r -> {
                    InfusionStatus pump = (InfusionStatus) r;
                    assertThat(pump.channel()).isEqualTo("1.1.2");
                    assertThat(pump.state()).isEqualTo(InfusionStatus.State.INFUSING);
                    assertThat(pump.drugLabel()).isEqualTo("Dopamine");
                    assertThat(pump.pumpSerial())
                            .as("PCD-10 carries no serial number; the EUI-64 is no serial")
                            .isNull();
                    assertThat(pump.value(InfusionMetrics.RATE)).hasValueSatisfying(c -> {
                        assertThat(c.value()).hasToString("15.4");
                        assertThat(c.unit().code()).isEqualTo("mL/h");
                    });
                    assertThat(pump.value(InfusionMetrics.REMAINING_TIME)).hasValueSatisfying(c -> {
                        assertThat(c.value()).hasToString("974");
                        assertThat(c.unit().code()).isEqualTo("min");
                    });
                });
        assertThat(readings)
                .filteredOn(r -> r instanceof DeviceStatus)
                .singleElement()
                .satisfies(r -> {
                    DeviceStatus marker = (DeviceStatus) r;
                    assertThat(marker.code())
                            .as("a link status: never an alarm")
                            .isEqualTo(DeviceStatus.Code.CONNECTED);
                    assertThat(marker.detail())
                            .as("the marker names the message only: the event is a reading of its own")
                            .isEqualTo("PCD-01 ORU^R42 from PAT_DEVICE_PUMPVENDOR^PUMPVENDOR, MSH-10 " + CONTROL_ID
                                    + ", part 1 of 1");
                });
        assertThat(readings)
                .filteredOn(r -> r instanceof InfusionEvent)
                .singleElement()
                .satisfies(r -> {
                    InfusionEvent event = (InfusionEvent) r;
                    assertThat(event.kind()).isEqualTo(InfusionEvent.Kind.DELIVERY_START);
                    assertThat(event.code()).isEqualTo(197288);
                    assertThat(event.channel()).isEqualTo("1.1.2");
                    assertThat(event.deviceTime()).isEqualTo(java.time.Instant.parse("2015-10-15T18:21:06Z"));
                });
        assertThat(readings)
                .filteredOn(r -> r instanceof DeviceIdentity)
                .singleElement()
                .satisfies(r -> assertThat(((DeviceIdentity) r).systemId()).isEqualTo("00-12-21-00-00-00-00-00"));
        assertThat(inbound.pumpEventCounts()).containsEntry("stored", 1L);
        assertThat(inbound.counts()).as("PCD-10 is counted apart from PCD-01").isEmpty();
        assertThat(inbound.readingsStored()).as("status, event, identity").isEqualTo(3);

        assertThat(ackCode(send(iheExample())))
                .as("a retransmission is acknowledged")
                .isEqualTo("CA");
        assertThat(chronicle.readAll()).as("and not stored again").hasSize(1);
        assertThat(inbound.pumpEventCounts()).containsEntry("duplicate", 1L);
    }

    @Test
    void aPidThatDisagreesWithTheBedsAssociationIsQuarantinedAsForPcd01() throws Exception {
        String withMr = iheExample().replace("HO2009002^^^IHE^PI", "HO2009002^^^HOSP^MR");
        adtPatients = List.of(new PatientKey("HOSP", "SOMEONE-ELSE"));

        assertThat(ackCode(send(withMr))).isEqualTo("CA");
        assertThat(stored())
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.device()).isEqualTo(DeviceId.of("icu3002-pump.pid-mismatch")));
        assertThat(inbound.pumpEventCounts()).containsEntry("quarantined", 1L);
    }

    @Test
    void aMalformedOrUnknownPumpEventGetsAnErrorAckNamingTheFieldAndNothingIsStored() throws Exception {
        Message noEvent = send(iheExample()
                .replace(
                        "OBX|3|CWE|68487^MDC_ATTR_EVT_COND^MDC|1.0.0.2|197288^MDC_EVT_PUMP_DELIV_START^MDC||||||R\r",
                        ""));
        assertThat(ackCode(noEvent)).isEqualTo("CE");
        assertThat(errText(noEvent)).contains("68487^MDC_ATTR_EVT_COND");

        Message badRate =
                send(iheExample().replace("|1.1.2.4|15.4|", "|1.1.2.4|1x4|").replace(CONTROL_ID, "m-2"));
        assertThat(ackCode(badRate)).isEqualTo("CE");
        assertThat(errText(badRate)).contains("OBX[14]-5 '1x4' is not a number");

        Message otherPump = send(iheExample()
                .replace("0012210000000000^EUI-64", "00AA000000000001^EUI-64")
                .replace(CONTROL_ID, "m-3"));
        assertThat(ackCode(otherPump)).isEqualTo("CE");
        assertThat(errText(otherPump)).contains("OBX[1]-18").contains("is no device of gateway.pcd01-in.devices");

        Message noBed =
                send(iheExample().replace("3 West ICU^3002^1", "ICU^99^9").replace(CONTROL_ID, "m-4"));
        assertThat(ackCode(noBed)).isEqualTo("CE");
        assertThat(errText(noBed)).contains("PV1-3 'ICU^99^9'").contains("names no bed");

        Message r43 =
                send(iheExample().replace("ORU^R42^ORU_R01", "ORU^R43^ORU_R01").replace(CONTROL_ID, "m-5"));
        assertThat(ackCode(r43)).as("a kind of message not taken here").isEqualTo("CR");

        assertThat(chronicle.readAll()).isEmpty();
        assertThat(inbound.pumpEventCounts())
                .containsEntry("missing_segment", 1L)
                .containsEntry("bad_value", 3L);
        assertThat(inbound.counts())
                .as("an ORU^R43 is no PCD-10 message")
                .containsEntry("unsupported_message_type", 1L);
    }
}
