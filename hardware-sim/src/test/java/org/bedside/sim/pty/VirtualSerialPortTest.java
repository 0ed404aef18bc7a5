package org.bedside.sim.pty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bedside.drivers.spi.SerialSettings;
import org.bedside.drivers.transport.Link;
import org.bedside.drivers.transport.SerialTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualSerialPortTest {
    @TempDir
    Path dir;

    private Path link() {
        return VirtualSerialPort.byIdPath(dir, "Masimo", "Radical-7", "0000012345");
    }

    @Test
    void namesTheLinkLikeUdevDoes() {
        assertThat(VirtualSerialPort.byIdPath(Path.of("/dev/serial/by-id"), "Masimo", "Radical 7", "0000012345"))
                .isEqualTo(Path.of("/dev/serial/by-id/usb-Masimo_Radical_7_0000012345-if00-port0"));
    }

    @Test
    void theSymlinkPointsAtThePseudoTerminalAndCarriesBytes() throws Exception {
        try (VirtualSerialPort port = VirtualSerialPort.open(link())) {
            Path tty = port.devicePath().orElseThrow();
            assertThat(Files.isSymbolicLink(port.link())).isTrue();
            assertThat(Files.readSymbolicLink(port.link())).isEqualTo(tty);
            assertThat(tty.toString()).startsWith("/dev/pts/");

            try (Link link = new SerialTransport(port.link(), SerialSettings.of8N1(9600)).open()) {
                byte[] hello = "hello\r\n".getBytes(StandardCharsets.US_ASCII);
                assertThat(port.write(hello)).isEqualTo(hello.length);
                assertThat(readAtLeast(link, hello.length)).isEqualTo(hello);
            }
            assertThat(port.bytesWritten()).isEqualTo(7);
            assertThat(port.bytesDropped()).isZero();
        }
    }

    @Test
    void unplugRemovesTheLinkAndDropsWritesUntilReplug() throws Exception {
        try (VirtualSerialPort port = VirtualSerialPort.open(link())) {
            Path first = port.devicePath().orElseThrow();

            port.unplug();
            assertThat(Files.exists(port.link(), LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(port.isPlugged()).isFalse();
            assertThat(port.devicePath()).isEmpty();
            assertThat(port.write(new byte[10])).isZero();
            assertThat(port.bytesDropped()).isEqualTo(10);
            port.unplug(); // idempotent

            port.replug();
            assertThat(port.isPlugged()).isTrue();
            assertThat(port.plugCount()).isEqualTo(2);
            assertThat(Files.readSymbolicLink(port.link()))
                    .isEqualTo(port.devicePath().orElseThrow());
            assertThat(first.toString()).startsWith("/dev/pts/");
            try (Link link = new SerialTransport(port.link(), SerialSettings.of8N1(9600)).open()) {
                port.write(new byte[] {'x', '\n'});
                assertThat(readAtLeast(link, 2)).containsExactly('x', '\n');
            }
            try (var files = Files.list(dir)) {
                assertThat(files).as("no temporary link left behind").containsExactly(port.link());
            }
        }
    }

    @Test
    void dropsWholeWritesOnceTooMuchIsUnreadSoALateReaderGetsFreshLines() throws Exception {
        try (VirtualSerialPort port = VirtualSerialPort.open(link(), 1000)) {
            byte[] line = new byte[140];
            Arrays.fill(line, (byte) 'a');
            line[139] = '\n';
            List<Integer> taken = new ArrayList<>();
            long sent = 0;
            for (int i = 0; i < 20; i++) {
                int n = port.write(line);
                taken.add(n);
                sent += n;
                // The kernel hands bytes to the terminal's read buffer a moment after the write, as a line a second
                // later would find them; wait for that rather than count on the timing.
                awaitUnread(port, sent);
            }

            assertThat(taken).as("7 lines fit in 1000 bytes").startsWith(140, 140, 140, 140, 140, 140, 140);
            assertThat(taken.subList(7, 20)).as("whole lines dropped, none cut").containsOnly(0);
            assertThat(port.unreadBytes()).isEqualTo(980);
            assertThat(port.bytesDropped()).isEqualTo(13 * 140);

            try (Link link = new SerialTransport(port.link(), SerialSettings.of8N1(9600)).open()) {
                assertThat(readAtLeast(link, 980)).hasSize(980);
                assertThat(port.unreadBytes()).isZero();
                assertThat(port.write(line)).as("read, so room again").isEqualTo(140);
            }
        }
    }

    @Test
    void countsWhatTheKernelDropsWhenNobodyReads() throws Exception {
        try (VirtualSerialPort port = VirtualSerialPort.open(link(), Integer.MAX_VALUE)) {
            byte[] chunk = new byte[64 * 1024];
            long taken = 0;
            for (int i = 0; i < 16; i++) {
                taken += port.write(chunk);
            }

            assertThat(port.bytesDropped()).isPositive();
            assertThat(port.bytesWritten()).isEqualTo(taken);
            assertThat(port.bytesWritten() + port.bytesDropped()).isEqualTo(16L * chunk.length);
        }
    }

    @Test
    void replacesALinkLeftByACrashedRunButNotAFile() throws Exception {
        Files.createSymbolicLink(link(), Path.of("/dev/pts/does-not-exist"));
        try (VirtualSerialPort port = VirtualSerialPort.open(link())) {
            assertThat(Files.readSymbolicLink(port.link()))
                    .isEqualTo(port.devicePath().orElseThrow());
        }

        Path file = dir.resolve("plain-file");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> VirtualSerialPort.open(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void closeRemovesTheLinkForGood() throws Exception {
        VirtualSerialPort port = VirtualSerialPort.open(link());
        port.close();

        assertThat(Files.exists(port.link(), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThatThrownBy(port::replug).isInstanceOf(IllegalStateException.class);
        port.close(); // idempotent
    }

    private static void awaitUnread(VirtualSerialPort port, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (port.unreadBytes() != expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(port.unreadBytes()).isEqualTo(expected);
    }

    static byte[] readAtLeast(Link link, int n) throws Exception {
        ByteBuffer got = ByteBuffer.allocate(Math.max(n, 256));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (got.position() < n && System.nanoTime() < deadline) {
            link.read(got, Duration.ofMillis(200));
        }
        return Arrays.copyOf(got.array(), got.position());
    }
}
