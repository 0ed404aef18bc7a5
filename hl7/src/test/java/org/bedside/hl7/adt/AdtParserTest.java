package org.bedside.hl7.adt;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.HapiPeers;
import org.bedside.hl7.Hl7Failure;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.Hl7Result;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdtParserTest {
    private static final ZoneId HOSPITAL = ZoneId.of("Europe/Berlin");
    private final Hl7Parser parser = new Hl7Parser();
    private final AdtParser adt = new AdtParser(HOSPITAL);

    private Hl7Result<AdtEvent> read(String text) {
        Hl7Result<Hl7Parser.Parsed> p = parser.parse(text, StandardCharsets.UTF_8);
        assertThat(p.isOk()).as("%s", p).isTrue();
        return adt.parse(p.value().message(), p.value().header());
    }

    private static String message(String trigger, String version, String body) {
        return "MSH|^~\\&|HIS|HOSP|GW|ICU|20261122100000||ADT^" + trigger + "|CTRL-" + trigger + "|P|" + version + "\r"
                + "EVN|" + trigger + "|20261122095955|||nurse1|20261122094500+0000\r"
                + body;
    }

    /** A PV1 with PV1-3, PV1-6, PV1-44 and PV1-45 set. */
    private static String pv1(String location, String prior, String admitted, String discharged) {
        String[] fields = new String[46];
        java.util.Arrays.fill(fields, "");
        fields[0] = "PV1";
        fields[1] = "1";
        fields[2] = "I";
        fields[3] = location;
        fields[6] = prior;
        fields[44] = admitted;
        fields[45] = discharged;
        return String.join("|", fields) + "\r";
    }

    private static final String PATIENT = "PID|1||999^^^SSA^SS~12345^^^HOSP&1.2.3.4&ISO^MR~777^^^OTHER^MR||Doe^Jane\r"
            + pv1("ICU^12^1", "ICU^11^2", "20261122080000", "20261122093000");

    @ParameterizedTest
    @EnumSource(
            value = AdtTrigger.class,
            names = {"A17", "A40"},
            mode = EnumSource.Mode.EXCLUDE)
    void everySinglePatientTriggerIsReadWithItsTimesIdentifiersAndBeds(AdtTrigger trigger) {
        AdtEvent event = read(message(trigger.name(), "2.5", PATIENT)).value();

        assertThat(event).isInstanceOf(AdtEvent.PatientEvent.class);
        AdtEvent.Header h = event.header();
        assertThat(h.trigger()).isEqualTo(trigger);
        assertThat(h.controlId()).isEqualTo("CTRL-" + trigger.name());
        assertThat(h.sendingApplication()).isEqualTo("HIS");
        assertThat(h.messageTime()).isEqualTo(Instant.parse("2026-11-22T09:00:00Z")); // 10:00 in Berlin, winter
        assertThat(h.recordedAt()).isEqualTo(Instant.parse("2026-11-22T08:59:55Z"));
        assertThat(h.occurredAt()).isEqualTo(Instant.parse("2026-11-22T09:45:00Z")); // sent with +0000
        AdtEvent.Patient p = ((AdtEvent.PatientEvent) event).patient();
        assertThat(p.identifiers())
                .containsExactly(
                        new PatientIdentifier("999", "SSA", "", "SS"),
                        new PatientIdentifier("12345", "HOSP", "1.2.3.4", "MR"),
                        new PatientIdentifier("777", "OTHER", "", "MR"));
        assertThat(p.medicalRecordNumber("HOSP")).contains(new PatientIdentifier("12345", "HOSP", "1.2.3.4", "MR"));
        assertThat(p.medicalRecordNumber("1.2.3.4")).isEqualTo(p.medicalRecordNumber("HOSP"));
        assertThat(p.medicalRecordNumber("SSA"))
                .as("an SS number is not an MRN")
                .isEmpty();
        assertThat(p.visit()).isNotNull();
        assertThat(p.visit().patientClass()).isEqualTo("I");
        assertThat(p.visit().location()).isEqualTo(new CareLocation("ICU", "12", "1", ""));
        assertThat(p.visit().priorLocation()).isEqualTo(new CareLocation("ICU", "11", "2", ""));
        assertThat(p.visit().admittedAt()).isEqualTo(Instant.parse("2026-11-22T07:00:00Z"));
        assertThat(p.visit().dischargedAt()).isEqualTo(Instant.parse("2026-11-22T08:30:00Z"));
    }

    @Test
    void aBareValueOrAnMrWithoutAuthorityNeverResolves() {
        AdtEvent event = read(message("A01", "2.3", "PID|1||12345^^^^MR~4711\rPV1|1|I|ICU^12^1\r"))
                .value();
        AdtEvent.Patient p = ((AdtEvent.PatientEvent) event).patient();

        assertThat(p.medicalRecordNumbers()).containsExactly(new PatientIdentifier("12345", "", "", "MR"));
        assertThat(p.medicalRecordNumber("HOSP")).isEmpty();
        assertThat(p.medicalRecordNumber("")).isEmpty();
        assertThat(p.identifiers()).contains(new PatientIdentifier("4711", "", "", ""));
    }

    @Test
    void a17CarriesBothPatientsWithTheirBeds() {
        AdtEvent event = read(message(
                        "A17",
                        "2.5",
                        "PID|1||111^^^HOSP^MR\rPV1|1|I|ICU^12^1\rPID|2||222^^^HOSP^MR\rPV1|1|I|ICU^13^1\r"))
                .value();

        assertThat(event).isInstanceOf(AdtEvent.Swap.class);
        AdtEvent.Swap swap = (AdtEvent.Swap) event;
        assertThat(swap.first().medicalRecordNumber("HOSP").orElseThrow().value())
                .isEqualTo("111");
        assertThat(swap.first().visit().location()).isEqualTo(new CareLocation("ICU", "12", "1", ""));
        assertThat(swap.second().medicalRecordNumber("HOSP").orElseThrow().value())
                .isEqualTo("222");
        assertThat(swap.second().visit().location()).isEqualTo(new CareLocation("ICU", "13", "1", ""));
    }

    @Test
    void a40CarriesTheSurvivorAndTheMergedIdentifiers() {
        AdtEvent event = read(message(
                        "A40",
                        "2.5",
                        "PID|1||12345^^^HOSP^MR\rMRG|99999^^^HOSP^MR~55^^^HOSP^AN\r"
                                + "PID|1||333^^^HOSP^MR\rMRG|444^^^HOSP^MR\r"))
                .value();

        AdtEvent.Merge merge = (AdtEvent.Merge) event;
        assertThat(merge.merges()).hasSize(2);
        assertThat(merge.merges().get(0).survivor().identifiers())
                .containsExactly(new PatientIdentifier("12345", "HOSP", "", "MR"));
        assertThat(merge.merges().get(0).mergedIdentifiers())
                .containsExactly(
                        new PatientIdentifier("99999", "HOSP", "", "MR"),
                        new PatientIdentifier("55", "HOSP", "", "AN"));
        assertThat(merge.merges().get(1).mergedIdentifiers())
                .containsExactly(new PatientIdentifier("444", "HOSP", "", "MR"));
    }

    @Test
    void aMessageTypeWithoutItsTriggerIsRefusedByHapiWithTheReason() {
        String text = "MSH|^~\\&|HIS|HOSP|||20261122100000||ADT|OLD1|P|2.3\rEVN|A03|20261122095955\r"
                + "PID|1||12345^^^HOSP^MR\r";

        Hl7Result<Hl7Parser.Parsed> p = parser.parse(text, StandardCharsets.UTF_8);

        assertThat(p.failure().reason()).isEqualTo(FailureReason.UNPARSEABLE);
        assertThat(p.failure().detail()).contains("MSH-9");
    }

    @Test
    void errorsNameTheField() {
        Hl7Failure noPid3 =
                read(message("A01", "2.5", "PID|1||\rPV1|1|I|ICU^12^1\r")).failure();
        assertThat(noPid3.reason()).isEqualTo(FailureReason.MISSING_FIELD);
        assertThat(noPid3.location()).hasToString("PID-3");

        Hl7Failure noPid = read(message("A02", "2.5", "PV1|1|I|ICU^12^1\r")).failure();
        assertThat(noPid.reason()).isEqualTo(FailureReason.MISSING_SEGMENT);
        assertThat(noPid.detail()).isEqualTo("the A02 message has no PID");

        Hl7Failure badTime = read(message("A03", "2.5", "PID|1||1^^^H^MR\r" + pv1("ICU^12^1", "", "", "soon")))
                .failure();
        assertThat(badTime.reason()).isEqualTo(FailureReason.BAD_VALUE);
        assertThat(badTime.location()).hasToString("PV1-45");

        Hl7Failure unknown = read(message("A31", "2.5", PATIENT)).failure();
        assertThat(unknown.reason()).isEqualTo(FailureReason.UNSUPPORTED_EVENT);
        assertThat(unknown.detail()).contains("'A31'");

        Hl7Failure noMrg = read(message("A40", "2.5", "PID|1||1^^^H^MR\r")).failure();
        assertThat(noMrg.location()).hasToString("MRG-1");

        Hl7Failure oneOfTwo = read(message("A17", "2.5", "PID|1||1^^^H^MR\rPV1|1|I|ICU^12^1\r"))
                .failure();
        assertThat(oneOfTwo.detail()).contains("has 1 PID");

        Hl7Failure notAdt =
                read("MSH|^~\\&|X||||20261122100000||ORU^R01|O1|P|2.6\r").failure();
        assertThat(notAdt.reason()).isEqualTo(FailureReason.UNSUPPORTED_MESSAGE_TYPE);
    }

    @Test
    void anAdmitSentByHapisClientOverMllpIsReadAndAcknowledgedAa() throws Exception {
        List<AdtEvent> events = new CopyOnWriteArrayList<>();
        try (MllpListener listener = new MllpListener(
                                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                        .name("adt")
                                        .build(),
                                m -> {
                                    Hl7Result<AdtEvent> r = adt.parse(m.message(), m.header());
                                    if (r instanceof Hl7Result.Failed<AdtEvent> f) {
                                        return Decision.error(f.failure());
                                    }
                                    events.add(r.value());
                                    return Decision.accept();
                                })
                        .start();
                HapiContext hapi = Hl7Parser.newContext()) {
            Connection c = HapiPeers.client(hapi, listener.localAddress().getPort());
            Message ack = c.getInitiator().sendAndReceive(hapi.getPipeParser().parse(message("A01", "2.5", PATIENT)));
            Message error =
                    c.getInitiator().sendAndReceive(hapi.getPipeParser().parse(message("A01", "2.5", "PID|1||\r")));
            c.close();

            assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("AA");
            assertThat(new Terser(ack).get("/MSA-2")).isEqualTo("CTRL-A01");
            assertThat(new Terser(error).get("/MSA-1")).isEqualTo("AE");
            assertThat(new Terser(error).get("/ERR-8")).contains("PID-3");
        }
        assertThat(events)
                .singleElement()
                .satisfies(e -> assertThat(e.header().trigger()).isEqualTo(AdtTrigger.A01));
    }
}
