package org.bedside.drivers.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.testing.DecoderHarness;
import org.junit.jupiter.api.Test;

class EscapedFrameDecoderTest {
    private static final byte BOF = (byte) 0xC0;
    private static final byte EOF = (byte) 0xC1;
    private static final byte ESC = (byte) 0x7D;

    private record Out(List<String> frames, List<DecodeFailure> failures) {
        List<DecodeFailure.Reason> reasons() {
            return failures.stream().map(DecodeFailure::reason).toList();
        }
    }

    private static EscapedFrameDecoder decoder(int max) {
        return new EscapedFrameDecoder(BOF, EOF, ESC, 0x20, max);
    }

    private static Out run(EscapedFrameDecoder d, List<byte[]> chunks) {
        List<String> frames = new ArrayList<>();
        List<DecodeFailure> failures = new ArrayList<>();
        FrameSink sink = new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                byte[] b = new byte[frame.remaining()];
                frame.get(b);
                frames.add(HexFormat.of().formatHex(b));
            }

            @Override
            public void failure(DecodeFailure failure) {
                failures.add(failure);
            }
        };
        for (byte[] c : chunks) {
            d.feed(ByteBuffer.wrap(c), sink);
        }
        return new Out(frames, failures);
    }

    private static Out run(String hex) {
        return run(decoder(64), List.of(HexFormat.of().parseHex(hex.replace(" ", ""))));
    }

    @Test
    void undoesTheEscapesAndDropsTheDelimiters() {
        Out out = run("c0 11 7d e0 7d e1 7d 5d 22 c1");
        assertThat(out.frames()).containsExactly("11c0c17d22");
        assertThat(out.failures()).isEmpty();
    }

    @Test
    void bytesBeforeTheFirstFrameAreOneGarbageFailureReportedWhenAFrameStarts() {
        Out out = run("33 44 c1 55 c0 01 c1");
        assertThat(out.frames()).containsExactly("01");
        assertThat(out.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.GARBAGE);
            assertThat(f.length()).isEqualTo(4);
            assertThat(f.excerptHex()).isEqualTo("33 44 c1 55");
        });
    }

    @Test
    void escapeThenEndAbortsTheFrame() {
        Out out = run("c0 01 02 7d c1 c0 03 c1");
        assertThat(out.frames()).containsExactly("03");
        assertThat(out.reasons()).containsExactly(DecodeFailure.Reason.TRUNCATED);
        assertThat(out.failures().get(0).detail()).contains("aborted");
    }

    @Test
    void aStartInsideAFrameStartsAgain() {
        Out out = run("c0 01 02 c0 03 c1");
        assertThat(out.frames()).containsExactly("03");
        assertThat(out.reasons()).containsExactly(DecodeFailure.Reason.TRUNCATED);
    }

    @Test
    void aTooLongFrameIsReportedOnceAndTheNextFrameDecodes() {
        byte[] stream = new byte[2 + 1000 + 4];
        stream[0] = BOF;
        for (int i = 1; i <= 1000; i++) {
            stream[i] = 0x11;
        }
        stream[1001] = EOF;
        stream[1002] = BOF;
        stream[1003] = 0x22;
        stream[1004] = EOF;
        Out out = run(decoder(64), List.of(stream));
        assertThat(out.frames()).containsExactly("22");
        assertThat(out.reasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
    }

    @Test
    void anyChunkingGivesTheSameFramesAndFailures() {
        Random random = new Random(5);
        byte[] stream = randomStream(random, 200);
        Out whole = run(decoder(512), List.of(stream));
        assertThat(whole.frames()).hasSizeGreaterThan(50);
        for (int i = 0; i < 200; i++) {
            Out chunked = run(decoder(512), DecoderHarness.randomChunks(stream, random, 17));
            assertThat(chunked.frames()).isEqualTo(whole.frames());
            assertThat(chunked.failures()).isEqualTo(whole.failures());
        }
        assertThat(run(decoder(512), DecoderHarness.byteByByte(stream)).frames())
                .isEqualTo(whole.frames());
    }

    @Test
    void arbitraryBytesNeverThrowAndNeverKeepMoreThanTheLimit() {
        Random random = new Random(9);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[random.nextInt(2000)];
            random.nextBytes(b);
            assertThatCode(() -> run(decoder(100), List.of(b))).doesNotThrowAnyException();
        }
        // a start byte and then a megabyte without an end: one failure, no growth (the buffer is fixed at 100)
        byte[] endless = new byte[1 << 20];
        endless[0] = BOF;
        Out out = run(decoder(100), List.of(endless));
        assertThat(out.reasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
    }

    /** Frames of random content, escaped, with random garbage between some of them. */
    static byte[] randomStream(Random random, int frames) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            if (random.nextInt(5) == 0) {
                for (int g = random.nextInt(10); g > 0; g--) {
                    int b = random.nextInt(256);
                    if (b != (BOF & 0xFF)) {
                        out.write(b);
                    }
                }
            }
            out.write(BOF);
            for (int n = 1 + random.nextInt(100); n > 0; n--) {
                int b = random.nextInt(256);
                if (b == 0xC0 || b == 0xC1 || b == 0x7D) {
                    out.write(0x7D);
                    out.write(b ^ 0x20);
                } else {
                    out.write(b);
                }
            }
            out.write(EOF);
        }
        return out.toByteArray();
    }
}
