package org.bedside.runtime.pcd01;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bedside replay --driver pcd-01} on the IHE PCD TF's own example, framed every way the command accepts. */
class Pcd01ReplayTest {
    @TempDir
    Path dir;

    private record Run(int exit, List<String> lines, String summary) {}

    private Run replay(byte[] content, String... more) throws Exception {
        Path file = dir.resolve("messages-" + System.nanoTime() + ".hl7");
        Files.write(file, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[3 + more.length];
        args[0] = "--driver";
        args[1] = "pcd-01";
        System.arraycopy(more, 0, args, 2, more.length);
        args[args.length - 1] = file.toString();
        int exit = Pcd01Replay.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    private static String example() throws Exception {
        return Pcd01InboundTest.iheExample();
    }

    @Test
    void theIheExamplePrintsItsReadingsAsTheDriversReplayDoes() throws Exception {
        Run r = replay(Files.readAllBytes(Path.of(getClass()
                .getResource("/ihe-pcd/pcd01_E1-1_philips_physiological_monitor.hl7")
                .toURI())));
        assertThat(r.exit()).isZero();
        assertThat(r.lines())
                .first()
                .asString()
                .startsWith("{\"kind\":\"compound\",\"mdc\":150020,\"refId\":\"MDC_PRESS_BLD_NONINV\"")
                .contains("\"value\":\"117\"", "\"value\":\"82\"", "\"value\":\"90\"", "\"unit\":\"mm[Hg]\"");
        assertThat(r.lines())
                .anySatisfy(l -> assertThat(l)
                        .startsWith("{\"kind\":\"numeric\",\"mdc\":147842")
                        .contains("\"value\":\"80\"", "\"unit\":\"/min\"", "\"status\":\"invalid\"", "OBX-11 X"))
                .anySatisfy(l -> assertThat(l)
                        .startsWith("{\"kind\":\"numeric\",\"mdc\":150456")
                        .contains("\"value\":\"99\"", "\"unit\":\"%\""))
                .noneSatisfy(l -> assertThat(l).contains("failure"))
                .noneSatisfy(l -> assertThat(l).as("no patient data").contains("HO2009001", "Albert"));
        assertThat(r.summary()).startsWith("replay: 1 messages, " + r.lines().size() + " readings");
    }

    @Test
    void aPcd10MessageBesideAPcd01IsDecodedAsThePumpEventItIs() throws Exception {
        byte[] pcd10 = Files.readAllBytes(Path.of(getClass()
                .getResource("/ihe-pcd/pcd10_M1-2-2_infusion_delivery_start.hl7")
                .toURI()));
        String both = example() + "\n" + new String(pcd10, StandardCharsets.ISO_8859_1);
        Run r = replay(both.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.exit()).isZero();
        assertThat(r.lines()).noneSatisfy(l -> assertThat(l).contains("failure"));
        assertThat(r.lines())
                .anySatisfy(l -> assertThat(l).startsWith("{\"kind\":\"numeric\",\"mdc\":150456"))
                .anySatisfy(l -> assertThat(l)
                        .startsWith("{\"kind\":\"infusion\",\"channel\":\"1.1.2\",\"state\":\"infusing\"")
                        .contains("\"drugLabel\":\"Dopamine\"", "\"mdc\":157784", "\"value\":\"15.4\""))
                .anySatisfy(l -> assertThat(l)
                        .isEqualTo("{\"kind\":\"infusion-event\",\"channel\":\"1.1.2\",\"code\":197288,"
                                + "\"refId\":\"MDC_EVT_PUMP_DELIV_START\",\"event\":\"delivery_start\","
                                + "\"deviceTime\":\"2015-10-15T18:21:06Z\"}"))
                .anySatisfy(l -> assertThat(l)
                        .startsWith("{\"kind\":\"identity\"")
                        .contains("\"systemId\":\"00-12-21-00-00-00-00-00\""))
                .noneSatisfy(l -> assertThat(l).as("no patient data").contains("HO2009002", "Charles"));
        assertThat(r.summary()).startsWith("replay: 2 messages, " + r.lines().size() + " readings");
    }

    @Test
    void mllpFramingAndLineEndingsDoNotChangeTheOutput() throws Exception {
        String cr = example();
        List<String> expected =
                replay((cr + "\n" + cr).getBytes(StandardCharsets.ISO_8859_1)).lines();
        assertThat(expected).hasSizeGreaterThan(4);
        String crlf = cr.replace("\r", "\r\n");
        String lf = cr.replace("\r", "\n");
        String mllp = "\u000b" + cr + "\u001c\r" + "\u000b" + cr + "\u001c\r";
        assertThat(replay((crlf + "\r\n" + crlf + "\r\n").getBytes(StandardCharsets.ISO_8859_1))
                        .lines())
                .isEqualTo(expected);
        assertThat(replay((lf + "\n\n" + lf).getBytes(StandardCharsets.ISO_8859_1))
                        .lines())
                .isEqualTo(expected);
        assertThat(replay(mllp.getBytes(StandardCharsets.ISO_8859_1)).lines()).isEqualTo(expected);
    }

    @Test
    void badMessagesAndStrayBytesAreFailureLinesAndTheRestIsRead() throws Exception {
        String bad = example().replace("|1.2.1.1|80|", "|1.2.1.1|8O|");
        Run r = replay(("garbage before\n" + bad + "\n" + example()).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.exit()).isZero();
        assertThat(r.lines().get(0)).startsWith("{\"kind\":\"failure\",\"reason\":\"not_hl7\"");
        assertThat(r.lines().get(1))
                .startsWith("{\"kind\":\"failure\",\"reason\":\"bad_value\"")
                .contains("OBX[9]-5 '8O' is not a number");
        assertThat(r.lines().subList(2, r.lines().size()))
                .as("the good message after it")
                .isNotEmpty()
                .noneSatisfy(l -> assertThat(l).contains("failure"));
        assertThat(r.summary()).contains("2 messages").contains("{bad_value=1, not_hl7=1}");
    }

    @Test
    void anotherDriverOrNoFileIsAUsageError() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Pcd01Replay.run(new String[] {"--driver", "masimo-ascii", "x"}, System.out, e))
                .isEqualTo(64);
        assertThat(Pcd01Replay.run(new String[] {"--driver", "pcd-01"}, System.out, e))
                .isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: bedside replay --driver pcd-01");
    }
}
