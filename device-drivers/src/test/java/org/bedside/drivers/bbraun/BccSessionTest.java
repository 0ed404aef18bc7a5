package org.bedside.drivers.bbraun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.SessionLostException;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionStatus;
import org.junit.jupiter.api.Test;

/** Conversation tests: what the session sends, and when, against scripted answers, with a fake clock. */
class BccSessionTest {
    private static final BccDriver DRIVER = new BccDriver();
    private static final long MS = Duration.ofMillis(1).toNanos();

    private final List<String> sent = new ArrayList<>();
    private BccSession session;

    private void start(Map<String, String> options) throws IOException {
        session =
                (BccSession) DRIVER.newSession(DeviceId.of("bed12-pumps"), DriverOptions.parse(DRIVER.info(), options));
        session.start(m -> sent.add(BccTestFrames.describe(m)), 0);
    }

    private DecodeResult receive(byte[] frame, long nowMs) throws IOException {
        return session.onFrame(ByteBuffer.wrap(frame), DecoderHarness.RECEIVED_AT, nowMs * MS);
    }

    private List<String> sentSince(int index) {
        return List.copyOf(sent.subList(index, sent.size()));
    }

    private void associate() throws IOException {
        start(Map.of("interval", "5s", "timeout", "1s"));
        receive(BccTestFrames.gnack("SpaceSystem"), 10);
        session.onTick(20 * MS);
    }

    @Test
    void associatesWithAliveThenPollsUnderTheBedIdTheSpaceComNamed() throws IOException {
        start(Map.of("interval", "5s"));
        assertThat(sent).containsExactly("1/1/1>ADMIN:ALIVE");
        session.onTick(100 * MS);
        assertThat(sent).as("nothing more until the answer").hasSize(1);
        receive(BccTestFrames.gnack("SpaceSystem"), 200);
        assertThat(sent).containsExactly("1/1/1>ADMIN:ALIVE", "ACK");
        session.onTick(300 * MS);
        assertThat(sent).containsExactly("1/1/1>ADMIN:ALIVE", "ACK", "SpaceSystem/1/1>MEM:GET");
        DecodeResult r =
                receive(BccTestFrames.answer("SpaceSystem", true, BccTestFrames.pump("50111", true, "5")), 400);
        assertThat(((DecodeResult.Decoded) r).readings()).hasSize(1);
        session.onTick(4_000 * MS);
        assertThat(sent).hasSize(4).as("the next poll waits for its interval");
        session.onTick(5_300 * MS);
        assertThat(sentSince(4)).containsExactly("SpaceSystem/1/1>MEM:GET");
        assertThat(session.state()).startsWith("associated with SpaceSystem, polling every 5000 ms; 2 answers");
    }

    @Test
    void aMultiPartAnswerIsAcknowledgedPartByPartAndDecodedWhole() throws IOException {
        associate();
        int before = sent.size();
        String[] records = BccTestFrames.pump("50111", true, "5.00", "INA16");
        String[] first = java.util.Arrays.copyOfRange(records, 0, 10);
        String[] second = java.util.Arrays.copyOfRange(records, 10, records.length);
        DecodeResult one = receive(BccTestFrames.answer("SpaceSystem", false, first), 100);
        assertThat(((DecodeResult.Decoded) one).readings())
                .as("nothing until the last part")
                .isEmpty();
        assertThat(sentSince(before)).containsExactly("ACK");
        DecodeResult two = receive(BccTestFrames.answer("SpaceSystem", true, second), 150);
        assertThat(sentSince(before)).containsExactly("ACK", "ACK");
        List<org.bedside.model.Reading> readings = ((DecodeResult.Decoded) two).readings();
        InfusionStatus pump = (InfusionStatus) readings.get(0);
        assertThat(pump.state()).as("INM3 from the first part").isEqualTo(InfusionStatus.State.INFUSING);
        assertThat(readings).hasSize(2).as("INA16 from the second part");
    }

    @Test
    void aFrameWithABadChecksumIsAnsweredWithNakAndTheResentFrameIsTaken() throws IOException {
        associate();
        int before = sent.size();
        byte[] good = BccTestFrames.answer("SpaceSystem", true, BccTestFrames.pump("50111", false, "0"));
        byte[] bad = good.clone();
        bad[bad.length - 2] = (byte) (bad[bad.length - 2] == '0' ? '1' : '0');
        DecodeResult r = receive(bad, 100);
        assertThat(((DecodeFailure) r).reason()).isEqualTo(DecodeFailure.Reason.BAD_CHECKSUM);
        assertThat(sentSince(before)).containsExactly("NAK");
        DecodeResult again = receive(good, 150);
        assertThat(((DecodeResult.Decoded) again).readings()).hasSize(1);
        assertThat(sentSince(before)).containsExactly("NAK", "ACK");
        assertThat(session.naksSent()).isEqualTo(1);
    }

    @Test
    void aNakFromTheSpaceComMakesTheSessionSendItsRequestAgainOnce() throws IOException {
        associate();
        int before = sent.size();
        receive(new byte[] {BccCodes.NAK}, 100);
        receive(new byte[] {BccCodes.NAK}, 150);
        assertThat(sentSince(before)).containsExactly("SpaceSystem/1/1>MEM:GET");
    }

    @Test
    void noAnswerWithinTheTimeoutAssociatesAgainAndThenTheSessionIsLost() throws IOException {
        associate();
        int before = sent.size();
        session.onTick(1_000 * MS);
        assertThat(sent).hasSize(before).as("within the time-out");
        session.onTick(1_100 * MS);
        assertThat(sentSince(before)).containsExactly("1/1/1>ADMIN:ALIVE");
        assertThat(session.state()).isEqualTo("re-associating: no answer to MEM:GET within 1000 ms");
        assertThatThrownBy(() -> session.onTick(2_200 * MS))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("no answer to ADMIN:ALIVE within 1000 ms");
    }

    @Test
    void aSpaceComThatNeverAnswersIsLostWithAHint() throws IOException {
        start(Map.of("timeout", "500ms"));
        assertThatThrownBy(() -> session.onTick(600 * MS))
                .isInstanceOf(SessionLostException.class)
                .hasMessageContaining("is this a SpaceCom's BCC port");
    }

    @Test
    void aNextPartThatStaysAwayTimesOutLikeAnAnswer() throws IOException {
        associate();
        int before = sent.size();
        receive(BccTestFrames.answer("SpaceSystem", false, "1,50111,INRT,1"), 100);
        session.onTick(1_050 * MS);
        assertThat(sentSince(before)).as("the part restarted the time-out").containsExactly("ACK");
        session.onTick(1_150 * MS);
        assertThat(sentSince(before)).containsExactly("ACK", "1/1/1>ADMIN:ALIVE");
    }

    @Test
    void anErrorOfTheSpaceComItselfAssociatesAgain() throws IOException {
        associate();
        int before = sent.size();
        receive(BccTestFrames.answer("SpaceSystem", true, "1,50100,GNERR,68"), 100);
        assertThat(sentSince(before)).containsExactly("ACK", "1/1/1>ADMIN:ALIVE");
        receive(BccTestFrames.gnack("SpaceSystem"), 200);
        assertThat(session.associations()).isEqualTo(2);
    }

    @Test
    void aPumpRemovedMidInfusionIsReportedAndTheSessionGoesOn() throws IOException {
        associate();
        receive(BccTestFrames.answer("SpaceSystem", true, BccTestFrames.pump("50111", true, "5")), 100);
        session.onTick(5_100 * MS);
        DecodeResult r = receive(BccTestFrames.answer("SpaceSystem", true, "400,50111,GNERR,39"), 5_200);
        assertThat(((InfusionStatus) ((DecodeResult.Decoded) r).readings().get(0)).state())
                .isEqualTo(InfusionStatus.State.REMOVED);
        session.onTick(10_100 * MS);
        assertThat(sent.get(sent.size() - 1)).isEqualTo("SpaceSystem/1/1>MEM:GET");
    }

    @Test
    void anAnswerLargerThanTheBoundIsDroppedAndCounted() throws IOException {
        associate();
        String big = "1,50111,INSOL," + "x".repeat(60_000);
        DecodeResult last = null;
        for (int i = 0; i < 5; i++) {
            last = receive(BccTestFrames.answer("SpaceSystem", false, big), 100 + i);
        }
        assertThat(((DecodeFailure) last).reason()).isEqualTo(DecodeFailure.Reason.FRAME_TOO_LONG);
        DecodeResult end = receive(BccTestFrames.answer("SpaceSystem", true, "1,50111,INRT,1"), 200);
        assertThat(((DecodeResult.Decoded) end).readings())
                .as("the rest of the dropped answer")
                .isEmpty();
        session.onTick(5_100 * MS);
        DecodeResult next = receive(BccTestFrames.answer("SpaceSystem", true, "1,50111,INRT,1"), 5_200);
        assertThat(((DecodeResult.Decoded) next).readings()).hasSize(1);
    }
}
