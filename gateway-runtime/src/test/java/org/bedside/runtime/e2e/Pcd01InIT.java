package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCD-01 in with the packaged gateway: a reporter's message is stored, the gateway is SIGKILLed before the reporter
 * read its acknowledgement, and the reporter's retransmission (HAPI's own client) after the restart is acknowledged CA
 * without being stored twice; a malformed message gets CE and is counted. The buffer is read back at the end.
 */
class Pcd01InIT {
    private static final String CONTROL_ID = "HP0122182658686QQ000CND119C0WS61";

    @TempDir
    Path dir;

    private static String config() {
        return """
                gateway:
                  id: pcd01-it
                  uplink:
                    base-url: http://127.0.0.1:9/fhir
                  beds:
                    or1:
                      location: HO Surgery^OR^1
                      devices: [or1-monitor]
                      patient: Patient/bench
                  pcd01-in:
                    port: 0
                    devices:
                      or1-monitor:
                        name: OR 1 monitor (central station)
                """;
    }

    /** The IHE example ORU^R01 (PV1-3 HO Surgery^OR^1); also for ConnectionAuditIT. */
    static String example() throws Exception {
        try (InputStream in =
                Pcd01InIT.class.getResourceAsStream("/ihe-pcd/pcd01_E1-1_philips_physiological_monitor.hl7")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).strip();
        }
    }

    @Test
    void aMessageStoredBeforeAKillIsNotStoredAgainWhenTheReporterSendsItAgain() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, config())) {
            // The reporter sends and never reads the acknowledgement: for it, the ack is lost.
            try (Socket s = new Socket("127.0.0.1", listenPort(gateway))) {
                OutputStream out = s.getOutputStream();
                out.write(0x0B);
                out.write(example().getBytes(StandardCharsets.ISO_8859_1));
                out.write(new byte[] {0x1C, 0x0D});
                out.flush();
                Await.until("the message stored", Duration.ofSeconds(30), () -> messages(gateway, "stored") == 1);
                gateway.kill();
            }
            gateway.restart();
            assertThat(messages(gateway, "stored")).isZero();

            try (HapiContext hapi = Hl7Parser.newContext()) {
                Connection c = hapi.newClient("127.0.0.1", listenPort(gateway), false);
                c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
                Message ack =
                        c.getInitiator().sendAndReceive(hapi.getPipeParser().parse(example()));
                assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("CA");
                assertThat(new Terser(ack).get("/MSA-2")).isEqualTo(CONTROL_ID);

                Message bad = c.getInitiator()
                        .sendAndReceive(hapi.getPipeParser()
                                .parse(example()
                                        .replace("|1.2.1.1|80|", "|1.2.1.1|8O|")
                                        .replace(CONTROL_ID, "HP-bad")));
                assertThat(new Terser(bad).get("/MSA-1")).isEqualTo("CE");
                assertThat(new Terser(bad).get("/ERR-8")).contains("OBX[9]-5 '8O' is not a number");
                c.close();
            }
            assertThat(messages(gateway, "duplicate")).isEqualTo(1);
            assertThat(messages(gateway, "stored")).isZero();
            assertThat(messages(gateway, "bad_value")).isEqualTo(1);
            gateway.stop();
        }
        List<Reading> readings = new ArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("data/buffer"))) {
            store.readAll().forEach(r -> readings.addAll(r.readings()));
        }
        assertThat(readings)
                .filteredOn(r -> r instanceof DeviceStatus s && s.detail().startsWith("PCD-01 "))
                .as("the message once: nothing lost, nothing doubled")
                .singleElement()
                .satisfies(r -> assertThat(((DeviceStatus) r).detail()).contains(CONTROL_ID));
        assertThat(readings).filteredOn(r -> r instanceof CompoundReading).hasSize(1);
    }

    private static int listenPort(GatewayProcess gateway) {
        Matcher m = Pattern.compile("\"pcd01In\":\\{\"listen\":\"mllp://[^:\"]+:(\\d+)\"")
                .matcher(String.valueOf(gateway.get("/api/status")));
        assertThat(m.find()).as("the PCD-01 listener in the status").isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A count of {@code /api/status} → {@code pcd01In.messages}; 0 when absent. */
    private static long messages(GatewayProcess gateway, String outcome) {
        String s = String.valueOf(gateway.get("/api/status"));
        Matcher section =
                Pattern.compile("\"pcd01In\":\\{[^}]*\"messages\":\\{([^}]*)}").matcher(s);
        if (!section.find()) {
            return 0;
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(outcome) + "\":(\\d+)").matcher(section.group(1));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
