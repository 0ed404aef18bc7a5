package org.bedside.drivers.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {
    @TempDir
    Path dir;

    private record Result(int exit, List<String> out, String err) {}

    private static Result replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Replay.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsOneJsonObjectPerReadingAndPerFailureInStreamOrder() throws Exception {
        Path capture = dir.resolve("capture.txt");
        // starts mid-line, as a capture started at a random moment does
        Files.write(
                capture,
                ("=072 PI=03.60% ALARM=0000 EXC=000800\r\n"
                                + "11/22/26 09:59:58 SPO2=097% BPM=072 PI=03.60% ALARM=0000 EXC=000820\r\n"
                                + "11/22/26 09:59:59 SPO2=---% BPM=072 ALARM=0000 EXC=000800\r\n")
                        .getBytes(StandardCharsets.US_ASCII));

        Result r = replay("--driver", "masimo-ascii", "--option", "device-time-zone=UTC", capture.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .containsExactly(
                        "{\"kind\":\"failure\",\"reason\":\"malformed\",\"detail\":\"line does not start with a MM/dd/yy"
                                + " HH:mm:ss time\",\"length\":36}",
                        "{\"kind\":\"numeric\",\"mdc\":150456,\"refId\":\"MDC_PULS_OXIM_SAT_O2\",\"label\":\"SpO2\","
                                + "\"loinc\":\"59408-5\",\"value\":\"97\",\"unit\":\"%\",\"deviceTime\":\"2026-11-22T09:59:58Z\","
                                + "\"status\":\"invalid\",\"flags\":[\"INVALID\"],\"reason\":\"sensor off (EXC 0x000020)\"}",
                        "{\"kind\":\"numeric\",\"mdc\":149530,\"refId\":\"MDC_PULS_OXIM_PULS_RATE\",\"label\":\"Pulse rate\","
                                + "\"loinc\":\"8889-8\",\"value\":\"72\",\"unit\":\"/min\",\"deviceTime\":\"2026-11-22T09:59:58Z\","
                                + "\"status\":\"invalid\",\"flags\":[\"INVALID\"],\"reason\":\"sensor off (EXC 0x000020)\"}",
                        "{\"kind\":\"numeric\",\"mdc\":150448,\"refId\":\"MDC_PULS_OXIM_PERF_REL\",\"label\":\"Perfusion"
                                + " index\",\"loinc\":\"61006-3\",\"value\":\"3.60\",\"unit\":\"%\",\"deviceTime\":"
                                + "\"2026-11-22T09:59:58Z\",\"status\":\"invalid\",\"flags\":[\"INVALID\"],\"reason\":\"sensor off"
                                + " (EXC 0x000020)\"}",
                        "{\"kind\":\"status\",\"code\":\"sensor_off\",\"detail\":\"sensor off (EXC 0x000020)\",\"deviceTime\":"
                                + "\"2026-11-22T09:59:58Z\",\"status\":\"sensor_off\"}",
                        "{\"kind\":\"numeric\",\"mdc\":150456,\"refId\":\"MDC_PULS_OXIM_SAT_O2\",\"label\":\"SpO2\","
                                + "\"loinc\":\"59408-5\",\"unit\":\"%\",\"deviceTime\":\"2026-11-22T09:59:59Z\","
                                + "\"status\":\"unavailable\",\"flags\":[\"NOT_AVAILABLE\"],\"reason\":\"no value ('---%')\"}",
                        "{\"kind\":\"numeric\",\"mdc\":149530,\"refId\":\"MDC_PULS_OXIM_PULS_RATE\",\"label\":\"Pulse rate\","
                                + "\"loinc\":\"8889-8\",\"value\":\"72\",\"unit\":\"/min\",\"deviceTime\":\"2026-11-22T09:59:59Z\","
                                + "\"status\":\"valid\",\"flags\":[]}");
        assertThat(r.err()).contains("3 frames, 6 readings, 1 failures");
    }

    @Test
    void decodesARawIntelliVueSerialCaptureThatStartsMidFrame() throws Exception {
        byte[] session = org.bedside.drivers.ivue.IvueCaptures.realSessionOnTheSerialLine();
        Path capture = dir.resolve("mx800.bin");
        Files.write(capture, java.util.Arrays.copyOfRange(session, 150, session.length)); // mid association response

        Result r = replay("--driver", "intellivue-serial", "--option", "device-time-zone=UTC", capture.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out().get(0))
                .isEqualTo("{\"kind\":\"failure\",\"reason\":\"garbage\",\"detail\":\"67 bytes outside any frame\","
                        + "\"length\":67}"); // the rest of the 217-byte framed association response
        assertThat(r.out())
                .contains("{\"kind\":\"numeric\",\"mdc\":150456,\"refId\":\"MDC_PULS_OXIM_SAT_O2\",\"label\":\"SpO2\","
                        + "\"loinc\":\"59408-5\",\"value\":\"95.6\",\"unit\":\"%\",\"status\":\"valid\",\"flags\":[]}")
                .contains("{\"kind\":\"alarm\",\"code\":\"t-0100-0112\",\"alarmKind\":\"technical\",\"priority\":"
                        + "\"medium\",\"status\":\"silenced_reset\",\"text\":\"EKG Elektrdn ab\"}");
        assertThat(r.out().stream().filter(l -> l.contains("\"mdc\":149530"))).hasSize(24); // pleth pulse, every poll
        assertThat(r.out().stream().filter(l -> l.contains("\"kind\":\"compound\"")))
                .hasSize(24);
        // Each of the session's three MDS create events names the monitor by its system id (and nothing else does:
        // replay reads each poll result on its own).
        assertThat(r.out())
                .filteredOn(l -> l.startsWith("{\"kind\":\"identity\""))
                .containsOnly("{\"kind\":\"identity\",\"systemId\":\"00-09-FB-9B-B0-76\",\"manufacturer\":\"Philips\","
                        + "\"model\":\"M8000\"}")
                .hasSize(3);
        assertThat(r.err()).contains("132 frames, 240 readings, 1 failures {garbage=1}");
    }

    @Test
    void namesTheKnownDriversWhenTheCodeIsWrong() throws Exception {
        Path capture = Files.writeString(dir.resolve("x"), "");
        Result r = replay("--driver", "masimo", capture.toString());
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.err()).contains("unknown driver 'masimo'; known: masimo-ascii");
    }

    @Test
    void namesAnUnknownOption() throws Exception {
        Path capture = Files.writeString(dir.resolve("x"), "");
        Result r = replay("--driver", "masimo-ascii", "--option", "baud=9600", capture.toString());
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.err()).contains("option baud: unknown option; known options of masimo-ascii: device-time-zone");
    }

    private static Path copyOfResource(Path dir, String name) throws Exception {
        try (var in = ReplayTest.class.getResourceAsStream(name)) {
            Path p = dir.resolve(Path.of(name).getFileName().toString());
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    @Test
    void decodesTheRealSpaceComFrameAndCountsACorruptedCopy() throws Exception {
        byte[] real = Files.readAllBytes(copyOfResource(dir, "/captures/bbraun-bcc/bcc_rack_response_part1.bin"));
        byte[] corrupted = real.clone();
        corrupted[300] ^= 0x02;
        Path capture = dir.resolve("bcc.bin");
        Files.write(capture, concat(real, corrupted));

        Result r = replay("--driver", "bbraun-bcc", capture.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .containsExactly(
                        "{\"kind\":\"infusion\",\"channel\":\"1-1\",\"state\":\"stopped\",\"pumpSerial\":\"36248\","
                                + "\"values\":[{\"mdc\":157784,\"refId\":\"MDC_FLOW_FLUID_PUMP\",\"label\":\"Infusion"
                                + " rate\",\"value\":\"0\",\"unit\":\"mL/h\",\"status\":\"valid\"},{\"mdc\":157993,"
                                + "\"refId\":\"MDC_VOL_FLUID_DELIV_TOTAL\",\"label\":\"Volume infused\",\"value\":\"0\","
                                + "\"unit\":\"mL\",\"status\":\"valid\"},{\"mdc\":157916,\"refId\":\"MDC_TIME_PD_REMAIN\","
                                + "\"label\":\"Time remaining\",\"value\":\"0\",\"unit\":\"s\",\"status\":\"valid\"},"
                                + "{\"mdc\":0,\"refId\":\"X_BBRAUN_BOLUS_RATE\",\"label\":\"Bolus rate\",\"value\":"
                                + "\"800.00\",\"unit\":\"mL/h\",\"status\":\"valid\"},{\"mdc\":0,\"refId\":"
                                + "\"X_BBRAUN_BOLUS_VOLUME\",\"label\":\"Bolus volume\",\"value\":\"0.0\",\"unit\":"
                                + "\"mL\",\"status\":\"valid\"}]}",
                        "{\"kind\":\"failure\",\"reason\":\"bad_checksum\",\"detail\":\"checksum field says 2, the"
                                + " bytes sum to 4 (mod 256)\",\"length\":1152}");
        assertThat(r.err()).contains("2 frames, 1 readings, 1 failures {bad_checksum=1}");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void decodesTheRealGeCaptureCountingTheCutFrameAtItsStart() throws Exception {
        Path capture = copyOfResource(dir, "/captures/ge-dri/db00.raw");

        Result r = replay("--driver", "ge-dri", "--option", "device-time-zone=UTC", capture.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out().get(0))
                .isEqualTo("{\"kind\":\"failure\",\"reason\":\"garbage\",\"detail\":\"419 bytes outside any frame"
                        + " skipped while looking for a frame start\",\"length\":419}");
        assertThat(r.out().get(1))
                .isEqualTo("{\"kind\":\"numeric\",\"mdc\":147842,\"refId\":\"MDC_ECG_HEART_RATE\",\"label\":\"Heart"
                        + " rate\",\"loinc\":\"8867-4\",\"value\":\"85\",\"unit\":\"/min\",\"deviceTime\":"
                        + "\"2018-08-02T14:30:20Z\",\"status\":\"valid\",\"flags\":[]}");
        assertThat(r.out().get(1 + 70))
                .isEqualTo("{\"kind\":\"waveform\",\"mdc\":0,\"refId\":\"X_GE_WAVE_PLETH\",\"label\":\"Pleth\","
                        + "\"unit\":\"1\",\"samples\":100,\"samplePeriod\":\"PT0.01S\",\"deviceTime\":"
                        + "\"2018-08-02T14:30:21Z\",\"status\":\"valid\"}");
        // 1,760 displayed-values records of 70 readings, 1,760 waveform records of two segments
        assertThat(r.err()).contains("3520 frames, " + (1760 * 70 + 1760 * 2) + " readings, 1 failures {garbage=1}");
    }

    @Test
    void countsEveryGeFrameThatFailsItsChecksumOrLengthAndCarriesOn() throws Exception {
        byte[] bytes = Files.readAllBytes(copyOfResource(dir, "/captures/ge-dri/S5Rawoutput-no-patient.raw"));
        // Damage three of the 21 frames: two checksums (a byte inside), one cut short (bytes removed).
        int[] flags = java.util.stream.IntStream.range(0, bytes.length)
                .filter(i -> bytes[i] == 0x7E)
                .toArray();
        bytes[flags[2] + 500] ^= 0x01;
        bytes[flags[10] + 900] ^= 0x10;
        byte[] cut = new byte[bytes.length - 100];
        System.arraycopy(bytes, 0, cut, 0, flags[20] + 200);
        System.arraycopy(bytes, flags[20] + 300, cut, flags[20] + 200, bytes.length - flags[20] - 300);
        Path capture = Files.write(dir.resolve("damaged.raw"), cut);

        Result r = replay("--driver", "ge-dri", capture.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("21 frames, " + 18 * 70 + " readings, 3 failures {bad_checksum=3}");
        assertThat(r.out())
                .filteredOn(l -> l.startsWith("{\"kind\":\"failure\""))
                .hasSize(3)
                .allMatch(l -> l.contains("\"reason\":\"bad_checksum\""));
    }

    @Test
    void decodesANoninCaptureCountingTheCutPacketAtItsStart() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int p = 0; p < 4; p++) {
            for (int f = 0; f < 25; f++) {
                int status = 0x80 | (f == 0 ? 1 : 0);
                int data = f == 1 ? 72 : f == 2 ? 97 : 0;
                byte[] frame = {(byte) status, 0x12, 0x34, (byte) data, 0};
                frame[4] = (byte) (status + 0x12 + 0x34 + data);
                bytes.writeBytes(frame);
            }
        }
        byte[] all = bytes.toByteArray();
        Path capture = Files.write(dir.resolve("nonin.raw"), Arrays.copyOfRange(all, 60, all.length));

        Result r = replay("--driver", "nonin-df13", capture.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out().get(1))
                .isEqualTo("{\"kind\":\"numeric\",\"mdc\":150456,\"refId\":\"MDC_PULS_OXIM_SAT_O2\",\"label\":\"SpO2\","
                        + "\"loinc\":\"59408-5\",\"value\":\"97\",\"unit\":\"%\",\"status\":\"valid\",\"flags\":[]}");
        assertThat(r.err()).contains("3 frames, 9 readings, 1 failures {garbage=1}");
    }

    @Test
    void decodesTheDeviceSideOfAMedibusConversation() throws Exception {
        String answer = "\u0001$EB  97E1  72";
        int sum = 0;
        for (char c : answer.toCharArray()) {
            sum += c;
        }
        String stream = "\u001BQ6C\r" + answer + String.format("%02X", sum & 0xFF) + "\r" + answer + "00\r";
        Path capture = Files.writeString(dir.resolve("medibus.raw"), stream, StandardCharsets.ISO_8859_1);

        Result r = replay("--driver", "medibus", capture.toString());

        // The device's own ICC is a frame of no readings: it opens the link, it carries no data.
        assertThat(r.exit()).isZero();
        assertThat(r.out()).hasSize(3);
        assertThat(r.out().get(0)).contains("\"mdc\":150456").contains("\"value\":\"97\"");
        assertThat(r.out().get(1)).contains("\"mdc\":149530").contains("\"value\":\"72\"");
        assertThat(r.out().get(2)).startsWith("{\"kind\":\"failure\",\"reason\":\"bad_checksum\"");
        assertThat(r.err()).contains("3 frames, 2 readings, 1 failures {bad_checksum=1}");
    }

    @Test
    void aCaptureOfTheGatewayIsDecodedWithItsOwnDriverAndShowsWhatWasWrittenAndTheLink() throws Exception {
        Path capture = dir.resolve("bed12.capture");
        java.util.Map<String, String> header = new java.util.LinkedHashMap<>();
        header.put("device", "bed12-spo2");
        header.put("driver", "masimo-ascii");
        header.put("option.device-time-zone", "UTC");
        java.time.Instant at = java.time.Instant.parse("2026-11-22T09:59:58.5Z");
        try (org.bedside.drivers.capture.CaptureWriter w =
                org.bedside.drivers.capture.CaptureWriter.create(capture, header, 1 << 20, () -> at)) {
            w.read(java.nio.ByteBuffer.wrap("11/22/26 09:59:5".getBytes(StandardCharsets.US_ASCII)));
            w.closed("link lost: port closed");
            w.opened("serial:/dev/pts/9 9600 8N1");
            w.written(java.nio.ByteBuffer.wrap(new byte[] {0x1b, 'R'}));
            w.read(java.nio.ByteBuffer.wrap("11/22/26 09:59:58 SPO2=097% BPM=072 PI=03.60% ALARM=0000 EXC=000800\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
        }

        Result r = replay(capture.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().get(0))
                .isEqualTo("{\"kind\":\"link\",\"event\":\"closed\",\"at\":\"2026-11-22T09:59:58.500Z\","
                        + "\"detail\":\"link lost: port closed\"}");
        assertThat(r.out().get(1))
                .isEqualTo("{\"kind\":\"link\",\"event\":\"opened\",\"at\":\"2026-11-22T09:59:58.500Z\","
                        + "\"detail\":\"serial:/dev/pts/9 9600 8N1\"}");
        assertThat(r.out().get(2))
                .isEqualTo("{\"kind\":\"written\",\"at\":\"2026-11-22T09:59:58.500Z\",\"length\":2,\"hex\":\"1b52\"}");
        assertThat(r.out().get(3))
                .as("the half line before the link was lost is not glued to the next link's line")
                .startsWith("{\"kind\":\"numeric\",\"mdc\":150456,")
                .contains("\"value\":\"97\"", "\"deviceTime\":\"2026-11-22T09:59:58Z\"", "\"status\":\"valid\"");
        assertThat(r.out()).noneMatch(l -> l.contains("\"kind\":\"failure\""));
        assertThat(r.err()).contains("1 frames", "1 writes");
    }
}
