package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.ConsumerState;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Translator;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.MessageHeader;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.pcd.Pcd01Decoder;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd01Report;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCD-01 out from a real buffer through the consumer loop to HAPI HL7v2's own MLLP server (an interface engine), which
 * parses every message and acknowledges it.
 */
class Pcd01OutTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DeviceId BED12 = DeviceId.of("bed12-spo2");
    private static final DeviceId BED13 = DeviceId.of("bed13-spo2");
    private static final DeviceId PUMP = DeviceId.of("bed12-pumps");
    private static final PatientIdentifier MRN = new PatientIdentifier("MRN-4711", "HOSP", "", "MR");
    private static final CareLocation ICU12 = new CareLocation("ICU", "12", "1", "");
    private static final Pcd01Encoder.Sender SENDER =
            new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "ENGINE", "HOSP");

    @TempDir
    Path dir;

    /** Bed 12 has a patient; bed 13 has nobody; the pumps stand at bed 12. */
    private static final Pcd01Patients PATIENTS = (device, time) -> device.equals(BED13)
            ? new Pcd01Patients.Answer.NotSent("no-patient")
            : new Pcd01Patients.Answer.Identified(MRN, ICU12);

    private static List<Reading> oximeterFrame(DeviceId device, Instant at, int spo2) {
        return List.of(
                new NumericReading(
                        device, Metrics.SPO2, BigDecimal.valueOf(spo2), UcumUnit.PERCENT, Quality.VALID, null, at),
                new NumericReading(
                        device,
                        Metrics.PULSE_RATE_OXIMETRY,
                        BigDecimal.valueOf(70 + spo2 % 10),
                        UcumUnit.BEATS_PER_MINUTE,
                        Quality.VALID,
                        null,
                        at));
    }

    private static List<Reading> pumpFrame(Instant at) {
        return List.of(
                new InfusionStatus(PUMP, "1-1", InfusionStatus.State.INFUSING, "Heparin", "SN1", List.of(), null, at));
    }

    private Pcd01Out out(ChronicleReadingStore store, int port) throws Exception {
        return new Pcd01Out(
                new Pcd01Out.Settings(
                        MllpClientConfig.of("127.0.0.1", port)
                                .withAckTimeout(Duration.ofSeconds(1))
                                .withConnectTimeout(Duration.ofSeconds(1)),
                        SENDER,
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(2)),
                store,
                PATIENTS,
                new DeadLetterStore(dir.resolve("dead-letters/pcd01")),
                InstantSource.system(),
                TrustedClock.ALWAYS);
    }

    /** The control ids a fresh sink (a new process) makes of everything in the buffer. */
    private static List<String> controlIdsOf(ChronicleReadingStore store, Pcd01Sink sink) throws Exception {
        Translator<Pcd01Sink.Message> t = sink.translator(Lane.MAIN);
        List<String> ids = new ArrayList<>();
        for (var record : store.readAll()) {
            for (Item<Pcd01Sink.Message> i : t.accept(record)) {
                ids.add(i.value().controlId());
            }
        }
        return ids;
    }

    private static long pending(ChronicleReadingStore store) {
        try {
            return store.pendingRecords(Pcd01Sink.CURSOR);
        } catch (org.bedside.buffer.StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Pcd01Report decode(InterfaceEngine.Received r) throws Exception {
        assertThat(r.message()).isInstanceOf(ORU_R01.class);
        return new Pcd01Decoder()
                .decode(r.message(), MessageHeader.of((ca.uhn.hl7v2.model.Segment)
                        r.message().get("MSH")))
                .value();
    }

    @Test
    void everyChartedReadingArrivesOnceAcrossALostAcknowledgementAndAnOutageWithItsControlId() throws Exception {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        // The engine takes its time with the third message: the gateway gives up waiting (a lost acknowledgement).
        CountDownLatch answerThird = new CountDownLatch(1);
        Map<String, Integer> receipts = new ConcurrentHashMap<>();
        List<String> thirdId = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (InterfaceEngine engine = new InterfaceEngine(r -> {
                    int n = receipts.merge(r.controlId(), 1, Integer::sum);
                    if (n == 1 && receipts.size() == 3) {
                        thirdId.add(r.controlId());
                        try {
                            answerThird.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return AcknowledgmentCode.AA;
                });
                ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            engine.start();
            Set<String> sentKeys = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                List<Reading> frame = oximeterFrame(BED12, t0.plusSeconds(i), 90 + i);
                store.append(frame);
                frame.forEach(r -> sentKeys.add(r.key()));
                store.append(oximeterFrame(BED13, t0.plusSeconds(i), 95)); // nobody's: never sent
            }
            store.append(pumpFrame(t0.plusSeconds(5))); // a pump is not charted
            try (Pcd01Out out = out(store, engine.port())) {
                out.start();
                Await.until(
                        "the gateway to give up waiting for the third acknowledgement",
                        WAIT,
                        () -> String.valueOf(out.sink().status().lastProblem()).contains("no acknowledgement"));
                answerThird.countDown();
                Await.until(
                        "five messages accepted",
                        WAIT,
                        () -> out.sink().status().accepted() == 5);
                Await.until("the cursor past them", WAIT, () -> pending(store) == 0);

                // The engine goes away; readings keep arriving and wait in the buffer.
                engine.stop();
                for (int i = 5; i < 8; i++) {
                    List<Reading> frame = oximeterFrame(BED12, t0.plusSeconds(10 + i), 90 + i);
                    store.append(frame);
                    frame.forEach(r -> sentKeys.add(r.key()));
                }
                Await.until(
                        "the consumer retrying while the engine is away",
                        WAIT,
                        () -> out.consumer().status().state() == ConsumerState.RETRYING);
                assertThat(pending(store)).isEqualTo(3);
                engine.start();
                Await.until(
                        "eight messages accepted",
                        WAIT,
                        () -> out.sink().status().accepted() == 8);
                Await.until("the cursor past them", WAIT, () -> pending(store) == 0);

                Pcd01Sink.Status status = out.sink().status();
                assertThat(status.readingsSent()).isEqualTo(16);
                assertThat(status.notSent()).containsEntry("no-patient", 10L).containsEntry("infusion-not-charted", 1L);
                assertThat(status.resent()).isGreaterThanOrEqualTo(1);

                // Every message the engine saw, parsed back: eight distinct control ids, the one whose acknowledgement
                // was lost twice with the same control id and the same bytes, nothing of bed 13 or the pump.
                List<String> ids = engine.controlIds();
                assertThat(new HashSet<>(ids)).hasSize(8);
                assertThat(ids.stream().filter(id -> !id.equals(thirdId.get(0))))
                        .doesNotHaveDuplicates();
                List<InterfaceEngine.Received> third = engine.received().stream()
                        .filter(r -> r.controlId().equals(thirdId.get(0)))
                        .toList();
                assertThat(third).hasSize(2);
                assertThat(third.get(1).text()).isEqualTo(third.get(0).text());
                Set<String> arrived = new HashSet<>();
                for (InterfaceEngine.Received r : engine.received()) {
                    Pcd01Report report = decode(r);
                    assertThat(report.header().controlId()).isEqualTo(r.controlId());
                    assertThat(report.results()).hasSize(1);
                    Pcd01Report.PatientResult result = report.results().get(0);
                    assertThat(result.patientIdentifiers()).containsExactly(MRN);
                    assertThat(result.location()).isEqualTo(ICU12);
                    List<Reading> back = result.readings(BED12, Instant.EPOCH);
                    assertThat(back).hasSize(2);
                    for (Reading b : back) {
                        NumericReading n = (NumericReading) b;
                        // The value and the time as buffered: the key of the reading that was sent.
                        arrived.add(new NumericReading(
                                        BED12, n.metric(), n.value(), n.unit(), Quality.VALID, null, n.deviceTime())
                                .key());
                    }
                }
                assertThat(arrived).isEqualTo(sentKeys);

                // A new process makes the same messages of the same records: the same control ids, in order.
                try (Pcd01Out again = out(store, engine.port())) {
                    assertThat(controlIdsOf(store, again.sink()))
                            .containsExactlyElementsOf(new java.util.LinkedHashSet<>(ids));
                }
            }
        }
    }

    @Test
    void anErrorInTheContentIsDeadLetteredWithTheEnginesAnswerRetriedByHandAndARejectIsSentAgain() throws Exception {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        Map<String, Integer> receipts = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean fixed = new java.util.concurrent.atomic.AtomicBoolean();
        try (InterfaceEngine engine = new InterfaceEngine(r -> {
                    int n = receipts.merge(r.controlId(), 1, Integer::sum);
                    String text = r.text();
                    if (text.contains("|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|50|") && !fixed.get()) {
                        return AcknowledgmentCode.AE; // the engine finds SpO2 50 wrong: the same message would be too
                    }
                    if (text.contains("|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|97|") && n == 1) {
                        return AcknowledgmentCode.AR; // its system is busy: unrelated to the content
                    }
                    return AcknowledgmentCode.AA;
                });
                ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            engine.start();
            store.append(oximeterFrame(BED12, t0, 96));
            store.append(oximeterFrame(BED12, t0.plusSeconds(1), 50));
            store.append(oximeterFrame(BED12, t0.plusSeconds(2), 97));
            try (Pcd01Out out = out(store, engine.port())) {
                out.start();
                Await.until("the cursor past every record", WAIT, () -> pending(store) == 0);

                Pcd01Sink.Status status = out.sink().status();
                assertThat(status.accepted()).isEqualTo(2);
                assertThat(status.refused()).isEqualTo(1);
                List<String> ids = engine.controlIds();
                // 96 once; 50 once (refused, not sent again); 97 twice with one control id (AR, then AA).
                assertThat(ids).hasSize(4);
                assertThat(ids.get(2)).isEqualTo(ids.get(3));
                assertThat(new HashSet<>(ids)).hasSize(3);

                List<DeadLetterStore.DeadLetter> letters =
                        out.consumer().deadLetters().list();
                assertThat(letters).hasSize(1);
                DeadLetterStore.DeadLetter letter = letters.get(0);
                assertThat(letter.identifier()).isEqualTo(ids.get(1));
                assertThat(letter.device()).isEqualTo(BED12.value());
                assertThat(letter.reason())
                        .contains("interface engine at mllp://127.0.0.1:" + engine.port())
                        .contains("answered AE");
                assertThat(letter.payload())
                        .contains("\"controlId\":\"" + ids.get(1) + "\"")
                        .contains("ORU^R01");
                var parsed = new Hl7Parser()
                        .parse(
                                new com.fasterxml.jackson.databind.ObjectMapper()
                                        .readTree(letter.payload())
                                        .get("hl7")
                                        .asText(),
                                java.nio.charset.StandardCharsets.UTF_8);
                assertThat(parsed.value().header().controlId()).isEqualTo(ids.get(1));

                // Retried as the FHIR uplink's are (the consumer's own sink): refused again while the engine still
                // finds it wrong, the letter stays; once the engine takes it, the same message with the same control id
                // arrives and the letter moves to retried/.
                assertThat(out.consumer().retryDeadLetter(letter.id())).startsWith("refused again: ");
                assertThat(out.consumer().deadLetters().list()).hasSize(1);
                fixed.set(true);
                assertThat(out.consumer().retryDeadLetter(letter.id())).isEqualTo("accepted (" + ids.get(1) + ")");
                assertThat(out.consumer().deadLetters().list()).isEmpty();
                assertThat(dir.resolve("dead-letters/pcd01/retried").resolve(letter.id() + ".json"))
                        .exists();
                List<InterfaceEngine.Received> got = engine.received();
                assertThat(got).hasSize(6);
                assertThat(got.get(5).controlId()).isEqualTo(ids.get(1));
                assertThat(got.get(5).text()).isEqualTo(got.get(1).text());
            }
        }
    }

    @Test
    void aBloodPressureGoesAsItsThreeComponentsAndAHeldBedIsNotPassed() throws Exception {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean uncertain = new java.util.concurrent.atomic.AtomicBoolean(true);
        Pcd01Patients held = new Pcd01Patients() {
            @Override
            public Answer patientAt(DeviceId device, Instant time) {
                return uncertain.get()
                        ? new Answer.Held("two admissions to ICU^12^1")
                        : new Answer.Identified(MRN, ICU12);
            }

            @Override
            public long version() {
                return version.get();
            }
        };
        try (InterfaceEngine engine = new InterfaceEngine(r -> AcknowledgmentCode.AA);
                ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            engine.start();
            store.append(List.of(new CompoundReading(
                    BED12,
                    Metrics.NIBP,
                    List.of(
                            new CompoundReading.Component(
                                    Metrics.NIBP_SYSTOLIC, BigDecimal.valueOf(120), UcumUnit.MM_HG, Quality.VALID),
                            new CompoundReading.Component(
                                    Metrics.NIBP_DIASTOLIC, BigDecimal.valueOf(80), UcumUnit.MM_HG, Quality.VALID),
                            new CompoundReading.Component(
                                    Metrics.NIBP_MEAN, BigDecimal.valueOf(93), UcumUnit.MM_HG, Quality.VALID)),
                    t0,
                    t0)));
            try (Pcd01Out out = new Pcd01Out(
                    new Pcd01Out.Settings(
                            MllpClientConfig.of("127.0.0.1", engine.port()),
                            SENDER,
                            Duration.ofSeconds(1),
                            Duration.ofMinutes(2)),
                    store,
                    held,
                    new DeadLetterStore(dir.resolve("dead-letters/pcd01")),
                    InstantSource.system(),
                    TrustedClock.ALWAYS)) {
                out.start();
                Await.until(
                        "the held reading counted",
                        WAIT,
                        () -> out.sink().status().notSent().getOrDefault("quarantined", 0L) > 0);
                assertThat(engine.controlIds()).isEmpty();
                assertThat(pending(store)).isEqualTo(1);

                uncertain.set(false);
                version.incrementAndGet(); // the association was resolved: the held record is read again
                Await.until(
                        "the blood pressure sent",
                        WAIT,
                        () -> out.sink().status().accepted() == 1);
                Await.until("the cursor past it", WAIT, () -> pending(store) == 0);
                Pcd01Report report = decode(engine.received().get(0));
                List<Reading> back = report.results().get(0).readings(BED12, t0);
                assertThat(back).hasSize(1);
                CompoundReading bp = (CompoundReading) back.get(0);
                assertThat(bp.components())
                        .extracting(c -> c.value().intValue())
                        .containsExactly(120, 80, 93);
                assertThat(bp.deviceTime()).isEqualTo(t0);
            }
        }
    }

    @Test
    void theUnitARecordNamesIsTheMdsRowsFirstEquipmentIdentifierAndNotPartOfTheControlId() throws Exception {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        List<Reading> named = new ArrayList<>(oximeterFrame(BED12, t0, 97));
        named.add(new org.bedside.model.DeviceIdentity(BED12, "0000056661", null, "Masimo", null, null, t0));
        try (InterfaceEngine engine = new InterfaceEngine(r -> AcknowledgmentCode.CA);
                ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            engine.start();
            store.append(named);
            store.append(oximeterFrame(BED12, t0.plusSeconds(1), 96));
            try (Pcd01Out out = out(store, engine.port())) {
                out.start();
                Await.until("both sent", WAIT, () -> out.sink().status().accepted() == 2);
                List<String> mdsRows = engine.received().stream()
                        .map(r -> {
                            try {
                                return r.message().encode().split("\r")[4];
                            } catch (ca.uhn.hl7v2.HL7Exception e) {
                                throw new IllegalStateException(e);
                            }
                        })
                        .toList();
                assertThat(mdsRows)
                        .containsExactly(
                                "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||"
                                        + "0000056661^Masimo~bed12-spo2^BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64",
                                "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||"
                                        + "bed12-spo2^BEDSIDE_GATEWAY^0123456789ABCDEF^EUI-64");
                assertThat(decode(engine.received().get(0)).observations())
                        .as("the identity is no reading of its own: two metric rows")
                        .hasSize(2);
            }
            assertThat(Pcd01Sink.controlId(BED12, new Pcd01Patients.Answer.Identified(MRN, ICU12), named.subList(0, 2)))
                    .as("the control id is the readings', with or without the unit")
                    .isEqualTo(engine.controlIds().get(0));
        }
    }

    @Test
    void overTlsTheEnginesCertificateIsCheckedAndTheMessagesGoThrough() throws Exception {
        org.bedside.sim.pki.TestPki pki = org.bedside.sim.pki.TestPki.create(dir.resolve("pki"), "hospital-ca");
        org.bedside.sim.pki.TestPki.Issued engineCert = pki.server("engine", "127.0.0.1");
        javax.net.ssl.SSLContext serverTls = serverContext(engineCert);
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                org.bedside.hl7.mllp.MllpListener engine = new org.bedside.hl7.mllp.MllpListener(
                        org.bedside.hl7.mllp.MllpListenerConfig.builder(
                                        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))
                                .tls(serverTls, org.bedside.hl7.mllp.MllpListenerConfig.ClientAuth.NONE)
                                .name("engine-tls")
                                .build(),
                        m -> {
                            received.add(m.header().controlId());
                            return org.bedside.hl7.mllp.Decision.accept();
                        })) {
            engine.start();
            store.append(oximeterFrame(BED12, Instant.now().minusSeconds(5), 97));
            javax.net.ssl.SSLSocketFactory tls = org.bedside.common.tls.TlsClient.open(
                            "pcd01",
                            org.bedside.common.tls.TlsSettings.trusting(pki.caFile()),
                            org.bedside.common.tls.WallClock.system())
                    .socketFactory();
            Pcd01Out.Settings settings = new Pcd01Out.Settings(
                    MllpClientConfig.of("127.0.0.1", engine.localAddress().getPort())
                            .withTls(tls),
                    SENDER,
                    Duration.ofSeconds(1),
                    Duration.ofMinutes(2));
            assertThat(settings.destination()).startsWith("mllps://127.0.0.1:");
            try (Pcd01Out out = new Pcd01Out(
                    settings,
                    store,
                    PATIENTS,
                    new DeadLetterStore(dir.resolve("dead-letters/pcd01")),
                    InstantSource.system(),
                    TrustedClock.ALWAYS)) {
                out.start();
                Await.until(
                        "the message accepted over TLS",
                        WAIT,
                        () -> out.sink().status().accepted() == 1);
                assertThat(received).hasSize(1);
            }
        }
    }

    private static javax.net.ssl.SSLContext serverContext(org.bedside.sim.pki.TestPki.Issued issued) throws Exception {
        char[] password = "engine".toCharArray();
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
                "engine", issued.key(), password, new java.security.cert.X509Certificate[] {issued.certificate()});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, password);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
