package org.bedside.sim.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.OutboundMessage;
import org.bedside.hl7.mllp.SendResult;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertManagerStandInTest {
    @TempDir
    Path dir;

    @Test
    void everyPcd04IsCommitAcceptedAfterItIsInTheLogOnePerBlankLine() throws Exception {
        Hl7Parser parser = new Hl7Parser();
        Pcd04Encoder encoder =
                new Pcd04Encoder(new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", ""), null);
        Path log = dir.resolve("alert-manager.log");
        try (AlertManagerStandIn am = AlertManagerStandIn.start(0, log);
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", am.port()))) {
            for (String id : new String[] {"hb-1", "hb-2"}) {
                OutboundMessage m = OutboundMessage.of(
                        encoder.heartbeat(id, Instant.parse("2026-12-02T10:00:00Z"), java.time.Duration.ofSeconds(60)),
                        parser.pipeParser());
                assertThat(client.send(m)).isEqualTo(new SendResult.Accepted(id, AckCode.CA));
            }
            assertThat(am.messages()).isEqualTo(2);
        }
        String[] messages = Files.readString(log, StandardCharsets.UTF_8).split("\n\n");
        assertThat(messages).hasSize(2);
        for (String m : messages) {
            assertThat(m).startsWith("MSH|").contains("\rOBX|").endsWith("\r").doesNotContain("\n");
            assertThat(parser.parse(m, StandardCharsets.UTF_8).value().header().controlId())
                    .startsWith("hb-");
        }
    }
}
