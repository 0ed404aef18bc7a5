package org.bedside.drivers.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
                        + "\"medium\",\"status\":\"silenced\",\"text\":\"EKG Elektrdn ab\"}");
        assertThat(r.out().stream().filter(l -> l.contains("\"mdc\":149530"))).hasSize(24); // pleth pulse, every poll
        assertThat(r.out().stream().filter(l -> l.contains("\"kind\":\"compound\"")))
                .hasSize(24);
        assertThat(r.err()).contains("132 frames, 237 readings, 1 failures {garbage=1}");
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
}
