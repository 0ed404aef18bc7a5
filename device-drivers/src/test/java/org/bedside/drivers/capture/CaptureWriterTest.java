package org.bedside.drivers.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureWriterTest {
    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T10:00:00.000001Z"));
    private final InstantSource clock = now::get;

    private static Map<String, String> header() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("device", "bed12-vent");
        h.put("driver", "medibus");
        h.put("option.interval", "1s");
        h.put("port", "serial:/dev/pts/3\n9600 8E1");
        return h;
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private List<CaptureFile.Record> records(Path file, AtomicReference<CaptureFile.Header> header) throws IOException {
        List<CaptureFile.Record> out = new ArrayList<>();
        CaptureFile.read(file, header::set, out::add);
        return out;
    }

    @Test
    void recordsComeBackInOrderWithTheirTimesDirectionsAndTheHeader() throws Exception {
        Path file = dir.resolve("c.capture");
        try (CaptureWriter w = CaptureWriter.create(file, header(), 1 << 20, clock)) {
            w.opened("serial:/dev/pts/3 9600 8E1");
            now.set(now.get().plusMillis(5));
            w.written(bytes("\u001bR"));
            ByteBuffer read = bytes("xx\u0001R12");
            read.position(2);
            w.read(read);
            assertThat(read.position())
                    .as("the tap leaves the pipeline's buffer as it was")
                    .isEqualTo(2);
            w.closed("link lost: port closed");
            assertThat(w.reads()).isEqualTo(1);
            assertThat(w.writes()).isEqualTo(1);
        }

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(CaptureFile.isCapture(file)).isTrue();
        AtomicReference<CaptureFile.Header> header = new AtomicReference<>();
        List<CaptureFile.Record> records = records(file, header);
        assertThat(header.get().get("driver")).isEqualTo("medibus");
        assertThat(header.get().get("port")).as("one line per value").isEqualTo("serial:/dev/pts/3 9600 8E1");
        assertThat(header.get().options()).containsExactly(Map.entry("interval", "1s"));
        Instant later = Instant.parse("2026-12-02T10:00:00.005001Z");
        assertThat(records)
                .containsExactly(
                        new CaptureFile.Record(
                                CaptureFile.Kind.OPENED,
                                Instant.parse("2026-12-02T10:00:00.000001Z"),
                                "serial:/dev/pts/3 9600 8E1".getBytes(StandardCharsets.UTF_8)),
                        new CaptureFile.Record(
                                CaptureFile.Kind.WRITTEN, later, "\u001bR".getBytes(StandardCharsets.US_ASCII)),
                        new CaptureFile.Record(
                                CaptureFile.Kind.READ, later, "\u0001R12".getBytes(StandardCharsets.US_ASCII)),
                        new CaptureFile.Record(
                                CaptureFile.Kind.CLOSED,
                                later,
                                "link lost: port closed".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSizeCapStopsTheCaptureAndSaysSoWithoutACutRecord() throws Exception {
        Path file = dir.resolve("c.capture");
        long headerBytes;
        try (CaptureWriter w = CaptureWriter.create(file, header(), 200, clock)) {
            headerBytes = w.bytes();
            for (int i = 0; i < 50 && w.stopped() == null; i++) {
                w.read(bytes("0123456789"));
            }
            assertThat(w.stopped()).isEqualTo("size cap of 200 bytes reached");
            w.read(bytes("0"));
            assertThat(w.bytes()).isLessThanOrEqualTo(200);
        }
        assertThat(Files.size(file)).isLessThanOrEqualTo(200);
        int whole = (int) ((200 - headerBytes) / (CaptureFile.RECORD_OVERHEAD + 10));
        AtomicReference<CaptureFile.Header> header = new AtomicReference<>();
        assertThat(records(file, header)).hasSize(whole);
    }

    @Test
    void aFileCutShortIsReadUpToItsLastWholeRecord() throws Exception {
        Path file = dir.resolve("c.capture");
        try (CaptureWriter w = CaptureWriter.create(file, header(), 1 << 20, clock)) {
            w.read(bytes("first"));
            w.read(bytes("second"));
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 3));

        List<CaptureFile.Record> out = new ArrayList<>();
        CaptureFile.Ending end = CaptureFile.read(file, h -> {}, out::add);
        assertThat(out).singleElement().satisfies(r -> assertThat(r.text()).isEqualTo("first"));
        assertThat(end.damage()).isEqualTo("the file ends inside record 2 (cut short)");
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws Exception {
        Path file = dir.resolve("c.capture");
        Files.writeString(file, "someone else's");
        assertThatThrownBy(() -> CaptureWriter.create(file, header(), 1000, clock))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("someone else's");
    }
}
