package org.bedside.drivers.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Against a real loopback socket. */
class TcpTransportTest {

    @Test
    void bytesFlowBothWaysAndAPeerThatClosesEndsTheLink() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TcpTransport transport = new TcpTransport("127.0.0.1", server.getLocalPort());
            assertThat(transport.describe()).isEqualTo("tcp://127.0.0.1:" + server.getLocalPort());
            try (Link link = transport.open();
                    Socket device = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(64);
                assertThat(link.read(in, Duration.ofMillis(50)))
                        .as("nothing sent yet")
                        .isZero();
                device.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                int n = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (n < 5 && System.nanoTime() < deadline) {
                    n += link.read(in, Duration.ofMillis(100));
                }
                assertThat(new String(in.array(), 0, n, StandardCharsets.US_ASCII))
                        .isEqualTo("hello");
                link.write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)));
                assertThat(device.getInputStream().readNBytes(2)).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
                device.close();
                assertThatThrownBy(() -> {
                            long until =
                                    System.nanoTime() + Duration.ofSeconds(5).toNanos();
                            while (System.nanoTime() < until) {
                                link.read(ByteBuffer.allocate(8), Duration.ofMillis(100));
                            }
                        })
                        .isInstanceOf(LinkLostException.class)
                        .hasMessageContaining("closed the connection tcp://127.0.0.1:");
            }
        }
    }

    @Test
    void aPortNobodyListensOnFailsTheOpenNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TcpTransport transport = new TcpTransport("127.0.0.1", port);
        assertThatThrownBy(transport::open)
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot connect to tcp://127.0.0.1:" + port)
                .hasMessageEndingWith("is the device on, and its port enabled?");
    }
}
