package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.hl7.Hl7Parser;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCD-10 in with the packaged gateway: the IHE example {@code ORU^R42} sent with HAPI's MLLP client to the PCD-01
 * listener is acknowledged CA, counted stored as a PCD-10 message (apart from PCD-01's), and found in the buffer as the
 * pump's {@code InfusionStatus} and its {@code InfusionEvent}.
 */
class Pcd10InIT {
    private static final String CONTROL_ID = "6358051206735492253";

    @TempDir
    Path dir;

    private static String config() {
        return """
                gateway:
                  id: pcd10-it
                  uplink:
                    base-url: http://127.0.0.1:9/fhir
                  beds:
                    icu3002:
                      location: 3 West ICU^3002^1
                      devices: [icu3002-pump]
                      patient: Patient/bench
                  pcd01-in:
                    port: 0
                    devices:
                      icu3002-pump:
                        name: ICU 3002 pump
                        equipment: "0012210000000000"
                """;
    }

    private static String example() throws Exception {
        try (InputStream in =
                Pcd10InIT.class.getResourceAsStream("/ihe-pcd/pcd10_M1-2-2_infusion_delivery_start.hl7")) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).strip();
        }
    }

    @Test
    void thePumpEventIsStoredAndCommitAccepted() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, config())) {
            try (HapiContext hapi = Hl7Parser.newContext()) {
                Connection c = hapi.newClient("127.0.0.1", listenPort(gateway), false);
                c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
                Message ack =
                        c.getInitiator().sendAndReceive(hapi.getPipeParser().parse(example()));
                assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("CA");
                assertThat(new Terser(ack).get("/MSA-2")).isEqualTo(CONTROL_ID);
                c.close();
            }
            assertThat(String.valueOf(gateway.get("/api/status")))
                    .as("counted as a PCD-10 message, apart from PCD-01's")
                    .containsPattern("\"pcd01In\":\\{[^}]*\"messages\":\\{},\"pumpEvents\":\\{[^}]*\"stored\":1");
            gateway.stop();
        }
        List<Reading> readings = new ArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("data/buffer"))) {
            store.readAll().forEach(r -> readings.addAll(r.readings()));
        }
        assertThat(readings)
                .filteredOn(r -> r instanceof InfusionStatus)
                .singleElement()
                .satisfies(r -> {
                    InfusionStatus pump = (InfusionStatus) r;
                    assertThat(pump.state()).isEqualTo(InfusionStatus.State.INFUSING);
                    assertThat(pump.drugLabel()).isEqualTo("Dopamine");
                });
        assertThat(readings)
                .filteredOn(r -> r instanceof DeviceStatus s && s.detail().startsWith("PCD-01 ORU^R42"))
                .hasSize(1);
        assertThat(readings)
                .filteredOn(r -> r instanceof InfusionEvent)
                .singleElement()
                .satisfies(r -> assertThat(((InfusionEvent) r).refId()).isEqualTo("MDC_EVT_PUMP_DELIV_START"));
    }

    private static int listenPort(GatewayProcess gateway) {
        Matcher m = Pattern.compile("\"pcd01In\":\\{\"listen\":\"mllp://[^:\"]+:(\\d+)\"")
                .matcher(String.valueOf(gateway.get("/api/status")));
        assertThat(m.find()).as("the PCD-01 listener in the status").isTrue();
        return Integer.parseInt(m.group(1));
    }
}
