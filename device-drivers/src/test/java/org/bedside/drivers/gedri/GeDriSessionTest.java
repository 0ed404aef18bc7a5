package org.bedside.drivers.gedri;

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
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.SessionLostException;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.DeviceId;
import org.junit.jupiter.api.Test;

/** Conversation tests: the session's requests and time-outs, with a fake clock and no threads. */
class GeDriSessionTest {
    private static final GeDriDriver DRIVER = new GeDriDriver();
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final List<byte[]> sent = new ArrayList<>();

    private DeviceSession session(Map<String, String> options) throws IOException {
        DeviceSession s = DRIVER.newSession(DeviceId.of("bed7-monitor"), DriverOptions.parse(DRIVER.info(), options));
        s.start(sent::add, 0);
        return s;
    }

    private static byte[] request(int level, int interval, int classes) {
        return GeDriRequests.frame(GeDriRequests.displayedValues(level, interval, classes));
    }

    private static DecodeResult record(DeviceSession s, long now) throws IOException {
        byte[] frame = GeDriFrames.withChecksum(
                GeDriFrames.records(GeDriFrames.NO_PATIENT, 0).get(0));
        return s.onFrame(ByteBuffer.wrap(frame), DecoderHarness.RECEIVED_AT, now);
    }

    @Test
    void asksForDisplayedValuesAtTheConfiguredIntervalAtBothLevels() throws IOException {
        DeviceSession s = session(Map.of("interval", "10s"));
        assertThat(sent).containsExactly(request(0x0B, 10, 0x06), request(0x0A, 10, 0x06));
        assertThat(s.state()).isEqualTo("requested displayed values every 10 s");
        assertThat(record(s, SECOND)).isInstanceOf(DecodeResult.Decoded.class);
        assertThat(s.state()).isEqualTo("receiving displayed values every 10 s");
    }

    @Test
    void asksForWaveformsOnlyWhenConfigured() throws IOException {
        session(Map.of("waveforms", "pleth"));
        assertThat(sent)
                .containsExactly(
                        request(0x0B, 5, 0x06),
                        GeDriRequests.frame(GeDriRequests.waveforms(0x0B, 0, List.of(8))),
                        request(0x0A, 5, 0x06),
                        GeDriRequests.frame(GeDriRequests.waveforms(0x0A, 0, List.of(8))));
    }

    @Test
    void asksAgainWhenRecordsStopAndGivesUpLater() throws IOException {
        DeviceSession s = session(Map.of("interval", "5s")); // re-request after 15 s, lost after 30 s
        s.onTick(10 * SECOND);
        record(s, 12 * SECOND);
        s.onTick(26 * SECOND);
        assertThat(sent).hasSize(2); // 14 s since the last record: nothing yet
        s.onTick(28 * SECOND);
        assertThat(sent).hasSize(4);
        assertThat(s.state()).isEqualTo("no displayed values for 16 s; requested again");
        s.onTick(35 * SECOND);
        assertThat(sent).hasSize(4); // once per 15 s
        s.onTick(42 * SECOND);
        assertThat(sent).hasSize(4);
        assertThatThrownBy(() -> s.onTick(43 * SECOND))
                .isInstanceOf(SessionLostException.class)
                .hasMessage("no displayed values from the monitor for 31 s after 1 request: is the monitor's"
                        + " computer interface enabled, at 19200 baud, and the cable a null modem with RTS/CTS?");
    }

    @Test
    void waveformRecordsAndBadFramesDoNotCountAsDisplayedValues() throws IOException {
        DeviceSession s = session(Map.of());
        byte[] wave = GeDriFrames.withChecksum(
                GeDriFrames.records(GeDriFrames.DB00, 1).get(0));
        assertThat(s.onFrame(ByteBuffer.wrap(wave), DecoderHarness.RECEIVED_AT, 10 * SECOND))
                .isInstanceOf(DecodeResult.Decoded.class);
        byte[] bad = GeDriFrames.withChecksum(
                GeDriFrames.records(GeDriFrames.NO_PATIENT, 0).get(0));
        bad[bad.length - 1]++;
        assertThat(s.onFrame(ByteBuffer.wrap(bad), DecoderHarness.RECEIVED_AT, 12 * SECOND))
                .isInstanceOf(DecodeFailure.class);
        s.onTick(16 * SECOND);
        assertThat(sent).hasSize(4); // requested again: neither frame was a displayed-values record
    }

    @Test
    void stopsTheTransmissionWhenTheSessionEnds() throws IOException {
        DeviceSession s = session(Map.of("waveforms", "pleth"));
        sent.clear();
        s.stop();
        assertThat(sent)
                .containsExactly(
                        GeDriRequests.frame(GeDriRequests.waveforms(0x0B, 1, List.of(8))),
                        request(0x0B, 0, 0),
                        GeDriRequests.frame(GeDriRequests.waveforms(0x0A, 1, List.of(8))),
                        request(0x0A, 0, 0));
        assertThat(s.state()).isEqualTo("stopped");
    }

    @Test
    void aLinkThatFailsAtStopIsNotAnError() throws IOException {
        DeviceSession s = DRIVER.newSession(DeviceId.of("bed7-monitor"), DriverOptions.defaults(DRIVER.info()));
        boolean[] broken = {false};
        s.start(
                m -> {
                    if (broken[0]) {
                        throw new IOException("cable pulled");
                    }
                },
                0);
        broken[0] = true;
        s.stop();
        assertThat(s.state()).isEqualTo("stopped");
    }

    @Test
    void rejectsOptionsItCannotUse() {
        assertThatThrownBy(() -> DRIVER.newMessageDecoder(
                        DeviceId.of("x"), DriverOptions.parse(DRIVER.info(), Map.of("interval", "0s"))))
                .hasMessage("interval: '0s' is not a duration from 1s to 3600s (such as 500ms, 30s, 5m or PT30S)");
        assertThatThrownBy(() -> DRIVER.newMessageDecoder(
                        DeviceId.of("x"), DriverOptions.parse(DRIVER.info(), Map.of("waveforms", "ecg1"))))
                .hasMessage("waveforms: 'ecg1' is not a supported waveform; supported: pleth, ent-100, none");
        assertThat(GeDriDriver.settings(DriverOptions.parse(DRIVER.info(), Map.of("interval", "PT2M")))
                        .interval())
                .isEqualTo(Duration.ofMinutes(2));
    }
}
