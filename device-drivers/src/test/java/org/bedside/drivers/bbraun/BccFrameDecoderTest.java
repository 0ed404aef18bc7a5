package org.bedside.drivers.bbraun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.DeviceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BccFrameDecoderTest {
    private final BccMessageDecoder decoder = new BccMessageDecoder(DeviceId.of("bed12-pumps"));

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private DecoderHarness.Output run(byte[] stream) {
        return DecoderHarness.run(new BccFrameDecoder(BccCodes.MAX_FRAME), decoder, stream);
    }

    private static byte[] stream() {
        return concat(
                BccTestFrames.capture("bcc_rack_response_part1.bin"),
                new byte[] {BccCodes.ACK},
                BccTestFrames.answer("ComSystem", true, BccTestFrames.pump("50112", true, "5.00", "INA12")));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void anySplitOfTheStreamGivesTheSameReadings(long seed) {
        DecoderHarness.Output whole = run(stream());
        DecoderHarness.Output split = DecoderHarness.run(
                new BccFrameDecoder(BccCodes.MAX_FRAME),
                decoder,
                DecoderHarness.randomChunks(stream(), new Random(seed), 40));
        DecoderHarness.Output bytes = DecoderHarness.run(
                new BccFrameDecoder(BccCodes.MAX_FRAME), decoder, DecoderHarness.byteByByte(stream()));
        assertThat(whole.frames()).as("two frames and the ACK").isEqualTo(3);
        assertThat(whole.readings()).hasSize(3);
        assertThat(split).isEqualTo(whole);
        assertThat(bytes).isEqualTo(whole);
    }

    @Test
    void garbageBeforeAndBetweenFramesIsSkippedAndCountedAndNoFrameIsLost() {
        byte[] noise = "noise\r\n\u00ff\u0000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        DecoderHarness.Output out = run(
                concat(noise, BccTestFrames.capture("bcc_rack_response_part1.bin"), noise, BccTestFrames.gnack("S")));
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.GARBAGE, DecodeFailure.Reason.GARBAGE);
        assertThat(out.failures().get(0).length()).isEqualTo(noise.length);
        assertThat(out.frames()).isEqualTo(2);
        assertThat(out.readings()).hasSize(1);
    }

    @Test
    void aTornFrameIsTruncatedAndTheNextFrameStillDecodes() {
        byte[] real = BccTestFrames.capture("bcc_rack_response_part1.bin");
        byte[] torn = java.util.Arrays.copyOf(real, 700);
        DecoderHarness.Output out = run(concat(torn, real));
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.TRUNCATED);
        assertThat(out.failures().get(0).length()).isEqualTo(700);
        assertThat(out.readings()).hasSize(1);
    }

    @Test
    void aStreamWithoutEotNeverGrowsPastTheMaximumFrame() {
        BccFrameDecoder framer = new BccFrameDecoder(1000);
        byte[] endless = new byte[10_000];
        java.util.Arrays.fill(endless, (byte) 'x');
        endless[0] = BccCodes.SOH;
        DecoderHarness.Output out = DecoderHarness.run(framer, decoder, concat(endless, BccTestFrames.gnack("S")));
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
        assertThat(out.frames()).as("the frame after it is found").isEqualTo(1);
    }
}
