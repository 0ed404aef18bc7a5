package org.bedside.drivers.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.testing.DecoderHarness;
import org.junit.jupiter.api.Test;

class LineFrameDecoderTest {

    private static final class Collect implements FrameSink {
        final List<String> frames = new ArrayList<>();
        final List<DecodeFailure> failures = new ArrayList<>();

        @Override
        public void frame(ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            frames.add(new String(b, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void failure(DecodeFailure failure) {
            failures.add(failure);
        }
    }

    private static Collect feed(LineFrameDecoder framer, List<byte[]> chunks) {
        Collect out = new Collect();
        for (byte[] c : chunks) {
            framer.feed(ByteBuffer.wrap(c), out);
        }
        return out;
    }

    @Test
    void splitsOnLineFeedAndDropsTheCarriageReturn() {
        Collect out =
                feed(new LineFrameDecoder(64), List.of("one\r\ntwo\nthree\r".getBytes(StandardCharsets.US_ASCII)));
        assertThat(out.frames).containsExactly("one", "two");
        assertThat(out.failures).isEmpty();
    }

    @Test
    void skipsEmptyLinesSilently() {
        Collect out = feed(new LineFrameDecoder(64), List.of("\r\n\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(out.frames).containsExactly("x");
        assertThat(out.failures).isEmpty();
    }

    @Test
    void givesTheSameFramesHoweverTheStreamIsChunked() {
        byte[] stream = "alpha\r\nbeta\r\n\r\ngamma delta\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII);
        Collect whole = feed(new LineFrameDecoder(64), List.of(stream));
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            Collect chunked = feed(new LineFrameDecoder(64), DecoderHarness.randomChunks(stream, random, 9));
            assertThat(chunked.frames).isEqualTo(whole.frames);
        }
        assertThat(feed(new LineFrameDecoder(64), DecoderHarness.byteByByte(stream)).frames)
                .isEqualTo(whole.frames);
    }

    @Test
    void reportsAnOverlongLineOnceAndRecoversAtTheNextLineEnd() {
        String longLine = "x".repeat(100);
        Collect out =
                feed(new LineFrameDecoder(16), List.of((longLine + "\r\nok\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertThat(out.frames).containsExactly("ok");
        assertThat(out.failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.FRAME_TOO_LONG);
            assertThat(f.excerpt()).hasSize(16);
        });
    }

    @Test
    void neverHoldsMoreThanItsMaximumOnAStreamWithoutLineEnds() {
        LineFrameDecoder framer = new LineFrameDecoder(128);
        Collect out = new Collect();
        byte[] chunk = new byte[4096];
        new Random(1).nextBytes(chunk);
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == '\n') {
                chunk[i] = 'n';
            }
        }
        for (int i = 0; i < 2_000; i++) { // 8 MB without a line end
            framer.feed(ByteBuffer.wrap(chunk), out);
        }
        assertThat(out.frames).isEmpty();
        // One report for the whole over-long line, not one per chunk: the failure list does not grow either.
        assertThat(out.failures).hasSize(1);
        framer.feed(ByteBuffer.wrap("\nfine\n".getBytes(StandardCharsets.US_ASCII)), out);
        assertThat(out.frames).containsExactly("fine");
    }
}
