package org.bedside.patients.adt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.BedTimeline;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.bedside.patients.tools.AdtCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADT over real MLLP: HAPI's client (through {@code bedside adt}) to the gateway's listener and handler. */
class AdtHandlerTest {
    static final BedLocation BED = BedLocation.parse("ICU^12^1");

    @TempDir
    Path dir;

    PatientAssociations associations;
    AuditLog audit;
    MllpListener listener;

    @BeforeEach
    void start() throws Exception {
        audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
        associations = PatientAssociations.open(dir.resolve("adt-events.jsonl"), Set.of(BED), audit);
        listener = new MllpListener(
                        MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                .build(),
                        new AdtHandler(ZoneOffset.UTC, List.of("HOSP"), associations, audit))
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        associations.close();
        audit.close();
    }

    record Sent(int exit, String out) {}

    Sent send(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--to");
        all.add("127.0.0.1:" + listener.localAddress().getPort());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AdtCommand.run(
                all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        return new Sent(exit, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAdmitIsAcknowledgedOnlyOnceItIsInTheJournal() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Sent s = send(
                "A01",
                "--mrn",
                "1001",
                "--aa",
                "HOSP",
                "--bed",
                "ICU^12^1",
                "--family",
                "Doe",
                "--given",
                "Jane",
                "--control-id",
                "C-1");
        assertThat(s.exit()).as(s.out()).isZero();
        assertThat(s.out()).contains("C-1: AA");
        assertThat(Files.readString(dir.resolve("adt-events.jsonl"))).contains("\"controlId\":\"C-1\"");
        assertThat(Files.readString(dir.resolve("adt-events.jsonl")))
                .as("the journal keeps identifiers, never names")
                .doesNotContain("Doe")
                .doesNotContain("Jane");
        BedTimeline.Subject now = associations.subjectAt(BED, Instant.now().plusSeconds(1));
        assertThat(now)
                .isInstanceOfSatisfying(
                        BedTimeline.Subject.Patient.class,
                        p -> assertThat(p.occupant().patient()).isEqualTo(new PatientKey("HOSP", "1001")));
        assertThat(associations.subjectAt(BED, before)).isInstanceOf(BedTimeline.Subject.Nobody.class);
    }

    @Test
    void theSameMessageSentAgainIsAcknowledgedAndRecordedOnce() throws Exception {
        assertThat(send("A01", "--mrn", "1001", "--aa", "HOSP", "--bed", "ICU^12^1", "--control-id", "C-2")
                        .exit())
                .isZero();
        assertThat(send("A01", "--mrn", "1001", "--aa", "HOSP", "--bed", "ICU^12^1", "--control-id", "C-2")
                        .exit())
                .isZero();
        assertThat(associations.events()).isEqualTo(1);
        assertThat(associations.duplicates()).isEqualTo(1);
    }

    @Test
    void aPatientWithoutAnMrnOfAConfiguredAuthorityIsRefusedWithTheReason() throws Exception {
        Sent s = send("A01", "--mrn", "1001", "--aa", "OTHER", "--bed", "ICU^12^1");
        assertThat(s.exit()).isEqualTo(1);
        assertThat(s.out()).contains(": AE").contains("no identifier of type MR assigned by HOSP");
        assertThat(associations.events()).isZero();
    }

    @Test
    void aDischargeEndsTheAssociation() throws Exception {
        send("A01", "--mrn", "1001", "--aa", "HOSP", "--bed", "ICU^12^1");
        assertThat(send("A03", "--mrn", "1001", "--aa", "HOSP", "--bed", "ICU^12^1")
                        .exit())
                .isZero();
        assertThat(associations.subjectAt(BED, Instant.now().plusSeconds(1)))
                .isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(audit.entries())
                .extracting(e -> e.get("action").asText())
                .contains("association-opened", "association-closed");
    }
}
