package org.bedside.drivers.medibus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.SessionLostException;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.DeviceId;
import org.junit.jupiter.api.Test;

/** Conversation tests: what the session sends, and when, against scripted answers, with a fake clock. */
class MedibusSessionTest {
    private static final MedibusDriver DRIVER = new MedibusDriver();
    private static final long MS = Duration.ofMillis(1).toNanos();

    private final List<String> sent = new ArrayList<>();
    private DeviceSession session;

    /** What the session sent, each message as "ESC 24" / "SOH 51" plus its data, checksum and CR checked. */
    private static String describe(byte[] m) {
        assertThat(m[m.length - 1]).isEqualTo((byte) 0x0D);
        byte[] again = (m[0] == 0x1B)
                ? MedibusTestMessages.command(m[1] & 0xFF, new String(m, 2, m.length - 5, StandardCharsets.ISO_8859_1))
                : MedibusTestMessages.response(
                        m[1] & 0xFF, new String(m, 2, m.length - 5, StandardCharsets.ISO_8859_1));
        assertThat(m).as("checksum").isEqualTo(again);
        return (m[0] == 0x1B ? "ESC " : "SOH ")
                + String.format("%02X", m[1] & 0xFF)
                + (m.length > 5 ? " " + new String(m, 2, m.length - 5, StandardCharsets.ISO_8859_1) : "");
    }

    private void start(Map<String, String> options) throws IOException {
        session = DRIVER.newSession(DeviceId.of("bed5-vent"), DriverOptions.parse(DRIVER.info(), options));
        session.start(m -> sent.add(describe(m)), 0);
    }

    private DecodeResult receive(byte[] message, long nowMs) throws IOException {
        return session.onFrame(
                ByteBuffer.wrap(MedibusTestMessages.frame(message)), DecoderHarness.RECEIVED_AT, nowMs * MS);
    }

    private List<String> sentSince(int index) {
        return List.copyOf(sent.subList(index, sent.size()));
    }

    @Test
    void opensWithIccThenAsksForEachRequestInTurnOneInFlight() throws IOException {
        start(Map.of("interval", "5s", "requests", "measured-cp1,alarms-cp1"));
        assertThat(sent).containsExactly("ESC 51");
        session.onTick(100 * MS);
        assertThat(sent).hasSize(1); // nothing more until ICC is answered
        receive(MedibusTestMessages.response(0x51, ""), 150);
        assertThat(session.state()).isEqualTo("open, polling every 5 s");
        session.onTick(200 * MS);
        assertThat(sentSince(1)).containsExactly("ESC 52");
        session.onTick(300 * MS);
        assertThat(sent).hasSize(2); // one request in flight
        receive(MedibusTestMessages.response(0x52, "0161'Evita4'04.03      "), 350);
        assertThat(session.state()).isEqualTo("open, polling every 5 s; device 0161'Evita4'04.03");
        session.onTick(400 * MS);
        assertThat(sentSince(2)).containsExactly("ESC 24");
        DecodeResult data = receive(MedibusTestMessages.response(0x24, "EB  97"), 450);
        assertThat(((DecodeResult.Decoded) data).readings()).hasSize(1);
        session.onTick(500 * MS);
        assertThat(sentSince(3)).containsExactly("ESC 27");
        receive(MedibusTestMessages.response(0x27, ""), 550);
        session.onTick(600 * MS);
        assertThat(sent).hasSize(4); // the cycle is done; the next in 5 s
        session.onTick(5_200 * MS);
        assertThat(sentSince(4)).containsExactly("ESC 24"); // the identification is asked once only
    }

    @Test
    void keepsTheLinkAliveWithNopBetweenCycles() throws IOException {
        start(Map.of("interval", "10s", "requests", "measured-cp1"));
        receive(MedibusTestMessages.response(0x51, ""), 10);
        session.onTick(20 * MS);
        receive(MedibusTestMessages.response(0x52, ""), 30);
        session.onTick(40 * MS);
        receive(MedibusTestMessages.response(0x24, ""), 50);
        session.onTick(1_000 * MS);
        assertThat(sent).containsExactly("ESC 51", "ESC 52", "ESC 24");
        session.onTick(2_100 * MS);
        assertThat(sentSince(3)).containsExactly("ESC 30");
        receive(MedibusTestMessages.response(0x30, ""), 2_150);
        session.onTick(3_000 * MS);
        assertThat(sent).hasSize(4);
        session.onTick(4_200 * MS);
        assertThat(sentSince(4)).containsExactly("ESC 30");
    }

    @Test
    void aRequestUnansweredInTimeLosesTheSession() throws IOException {
        start(Map.of("timeout", "500ms"));
        session.onTick(400 * MS);
        assertThatThrownBy(() -> session.onTick(600 * MS))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("no answer to ICC within 500 ms: is the device set to Medibus, and the line to its baud"
                        + " rate and parity?");
        sent.clear();
        start(Map.of("timeout", "500ms"));
        receive(MedibusTestMessages.response(0x51, ""), 100);
        session.onTick(200 * MS);
        assertThatThrownBy(() -> session.onTick(800 * MS))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("no answer to device identification within 500 ms");
    }

    @Test
    void answersTheDevicesOwnCommandsAtOnceEvenWithARequestInFlight() throws IOException {
        start(Map.of());
        receive(MedibusTestMessages.command(0x51, ""), 10); // the device opens too
        receive(MedibusTestMessages.command(0x30, ""), 20);
        receive(MedibusTestMessages.command(0x52, ""), 30);
        receive(MedibusTestMessages.command(0x49, ""), 40);
        assertThat(sent).containsExactly("ESC 51", "SOH 51", "SOH 30", "SOH 52 0000'BEDSIDE'01.00      ", "SOH 49");
        receive(MedibusTestMessages.response(0x51, ""), 50);
        assertThat(session.state()).startsWith("open");
        assertThatThrownBy(() -> receive(MedibusTestMessages.command(0x55, ""), 60))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("the device ended the Medibus session (STOP)");
        assertThat(sent.get(sent.size() - 1)).isEqualTo("SOH 55");
    }

    @Test
    void aCorruptAnswerMakesTheSessionAskOnceMore() throws IOException {
        start(Map.of("requests", "measured-cp1"));
        receive(MedibusTestMessages.response(0x51, ""), 10);
        session.onTick(20 * MS);
        receive(MedibusTestMessages.response(0x52, ""), 30);
        session.onTick(40 * MS);
        receive(MedibusTestMessages.response(0x15, ""), 50);
        assertThat(sentSince(2)).containsExactly("ESC 24", "ESC 24");
        receive(MedibusTestMessages.response(0x15, ""), 60);
        session.onTick(70 * MS);
        assertThat(sent).hasSize(4); // not a third time: the request is dropped until the next cycle
    }

    @Test
    void aDamagedAnswerIsCountedAskedForAgainOnceAndThenTimesOut() throws IOException {
        start(Map.of("timeout", "1s"));
        byte[] damaged = MedibusTestMessages.response(0x51, "");
        damaged[2] = '0';
        assertThat(receive(damaged, 10)).isInstanceOf(org.bedside.drivers.spi.DecodeFailure.class);
        assertThat(sent).containsExactly("ESC 51", "ESC 51");
        assertThat(receive(damaged, 20)).isInstanceOf(org.bedside.drivers.spi.DecodeFailure.class);
        assertThat(sent).hasSize(2);
        session.onTick(900 * MS);
        assertThatThrownBy(() -> session.onTick(1_100 * MS)).isInstanceOf(SessionLostException.class);
    }

    @Test
    void saysStopWhenTheSessionEnds() throws IOException {
        start(Map.of());
        session.stop();
        assertThat(sent).containsExactly("ESC 51", "ESC 55");
        assertThat(session.state()).isEqualTo("stopped");
    }

    @Test
    void rejectsOptionsItCannotUse() {
        assertThatThrownBy(() -> DRIVER.newMessageDecoder(
                        DeviceId.of("x"), DriverOptions.parse(DRIVER.info(), Map.of("requests", "trends"))))
                .hasMessage("requests: 'trends' is not a request; requests: measured-cp1, measured-cp2, alarms-cp1,"
                        + " alarms-cp2, settings");
        assertThatThrownBy(() -> DRIVER.newMessageDecoder(
                        DeviceId.of("x"), DriverOptions.parse(DRIVER.info(), Map.of("timeout", "50ms"))))
                .hasMessage("timeout: '50ms' is not a duration from 200ms to 60s (such as 500ms, 30s, 5m or PT30S)");
    }
}
