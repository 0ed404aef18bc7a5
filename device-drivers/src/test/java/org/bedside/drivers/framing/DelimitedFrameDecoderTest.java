package org.bedside.drivers.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.testing.DecoderHarness;
import org.junit.jupiter.api.Test;

class DelimitedFrameDecoderTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static final class Collect implements FrameSink {
        final List<String> frames = new ArrayList<>();
        final List<DecodeFailure> failures = new ArrayList<>();

        @Override
        public void frame(ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            frames.add(HEX.formatHex(b));
        }

        @Override
        public void failure(DecodeFailure failure) {
            failures.add(failure);
        }

        List<String> events() {
            List<String> all = new ArrayList<>(frames);
            failures.forEach(f -> all.add(f.reason() + " " + f.length()));
            return all;
        }
    }

    private static DelimitedFrameDecoder ge(int max) {
        return DelimitedFrameDecoder.sharedFlag((byte) 0x7E, (byte) 0x7D, 0x20, max);
    }

    private static DelimitedFrameDecoder intellivueShape(int max) {
        return new DelimitedFrameDecoder((byte) 0xC0, (byte) 0xC1, (byte) 0x7D, 0x20, max);
    }

    private static Collect feed(DelimitedFrameDecoder framer, List<byte[]> chunks) {
        Collect out = new Collect();
        for (byte[] c : chunks) {
            framer.feed(ByteBuffer.wrap(c), out);
        }
        return out;
    }

    private static Collect feed(DelimitedFrameDecoder framer, String hex) {
        return feed(framer, List.of(HEX.parseHex(hex)));
    }

    @Test
    void unstuffsEscapedBytesAndDropsTheFlags() {
        Collect out = feed(ge(64), "7e 31 7d 5e 7d 5d 4f 7e");
        assertThat(out.frames).containsExactly("31 7e 7d 4f");
        assertThat(out.failures).isEmpty();
    }

    @Test
    void oneFlagBetweenFramesClosesOneAndOpensTheNextAndEmptyFramesAreSkipped() {
        Collect out = feed(ge(64), "7e 01 02 7e 03 7e 7e 7e 04 7e");
        assertThat(out.frames).containsExactly("01 02", "03", "04");
        assertThat(out.failures).isEmpty();
    }

    @Test
    void bytesBeforeTheFirstFlagAreOneGarbageFailure() {
        Collect out = feed(ge(64), "aa bb cc 7e 01 7e");
        assertThat(out.frames).containsExactly("01");
        assertThat(out.failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.GARBAGE);
            assertThat(f.length()).isEqualTo(3);
            assertThat(f.excerptHex()).isEqualTo("aa bb cc");
        });
    }

    @Test
    void anEscapeBeforeAFlagAbortsTheFrame() {
        Collect out = feed(ge(64), "7e 01 02 7d 7e 03 7e");
        assertThat(out.frames).containsExactly("03");
        assertThat(out.failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.MALFORMED);
            assertThat(f.detail()).isEqualTo("frame aborted: an escape byte directly before a flag (2 bytes dropped)");
        });
    }

    @Test
    void anOverlongFrameIsReportedOnceAndTheNextFrameDecodes() {
        Collect out = feed(ge(4), "7e 01 02 03 04 05 06 07 08 7e 09 7e");
        assertThat(out.frames).containsExactly("09");
        assertThat(out.failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.FRAME_TOO_LONG);
            assertThat(f.excerptHex()).isEqualTo("01 02 03 04");
        });
    }

    @Test
    void withDistinctFlagsBytesBetweenFramesAreGarbageAndAStartInsideAFrameCutsIt() {
        Collect out = feed(intellivueShape(64), "c0 01 02 c1 ee ff c0 03 c0 04 05 c1");
        assertThat(out.events()).containsExactly("01 02", "04 05", "GARBAGE 2", "TRUNCATED 1");
    }

    @Test
    void givesTheSameFramesAndFailuresHoweverTheStreamIsChunked() {
        byte[] stream = HEX.parseHex("aa 7e 01 7d 5e 7e 02 7d 7e 03 04 05 06 07 08 09 7e 7e 0a 7d 5d 7e bb");
        Collect whole = feed(ge(6), List.of(stream));
        assertThat(whole.events()).containsExactly("01 7e", "0a 7d", "GARBAGE 1", "MALFORMED 2", "FRAME_TOO_LONG 7");
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            Collect chunked = feed(ge(6), DecoderHarness.randomChunks(stream, random, 5));
            assertThat(chunked.events()).isEqualTo(whole.events());
        }
    }

    @Test
    void resetDropsAPartialFrame() {
        DelimitedFrameDecoder framer = ge(64);
        Collect out = new Collect();
        framer.feed(ByteBuffer.wrap(HEX.parseHex("7e 01 02")), out);
        framer.reset();
        framer.feed(ByteBuffer.wrap(HEX.parseHex("03 7e 04 7e")), out);
        assertThat(out.events()).containsExactly("04", "GARBAGE 1");
    }

    @Test
    void readsDirectBuffersAsWellAsArrays() {
        ByteBuffer direct = ByteBuffer.allocateDirect(8);
        direct.put(HEX.parseHex("7e 01 7d 5e 7e")).flip();
        Collect out = new Collect();
        ge(64).feed(direct, out);
        assertThat(out.frames).containsExactly("01 7e");
    }
}
