package org.bedside.sim.pty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.LinkLostException;
import org.bedside.drivers.transport.SerialTransport;
import org.junit.jupiter.api.Test;

class PseudoTerminalTest {

    @Test
    void bytesWrittenByTheDeviceArriveUnchangedThroughJSerialComm() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open()) {
            byte[] line = "12/01/05 11:56:29 SPO2=098% BPM=060\r\n".getBytes(StandardCharsets.US_ASCII);
            pty.write(line); // before the gateway opens the port: raw mode keeps CR LF intact
            try (Link link = new SerialTransport(pty.devicePath(), SerialSettings.of8N1(9600)).open()) {
                ByteBuffer got = ByteBuffer.allocate(256);
                while (got.position() < line.length) {
                    link.read(got, Duration.ofSeconds(2));
                }
                assertThat(java.util.Arrays.copyOf(got.array(), got.position())).isEqualTo(line);
            }
        }
    }

    @Test
    void closingTheMasterLooksLikeAPulledCable() throws Exception {
        PseudoTerminal pty = PseudoTerminal.open();
        try (Link link = new SerialTransport(pty.devicePath(), SerialSettings.of8N1(9600)).open()) {
            pty.close();
            ByteBuffer buf = ByteBuffer.allocate(64);
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 50; i++) {
                            link.read(buf, Duration.ofMillis(100));
                        }
                    })
                    .isInstanceOf(LinkLostException.class);
        }
    }

    @Test
    void theGatewaysWritesReachTheDevice() throws Exception {
        try (PseudoTerminal pty = PseudoTerminal.open();
                Link link = new SerialTransport(pty.devicePath(), SerialSettings.of8N1(9600)).open()) {
            link.write(ByteBuffer.wrap(new byte[] {0x1B, 0x51, 0x36, 0x43, 0x0D}));
            byte[] got = new byte[16];
            int n = pty.read(got, Duration.ofSeconds(2));
            assertThat(java.util.Arrays.copyOf(got, n)).containsExactly(0x1B, 0x51, 0x36, 0x43, 0x0D);
        }
    }
}
