package org.bedside.hl7.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.testing.DecoderHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MllpFrameDecoderTest {
    private static final String MSG1 = "MSH|^~\\&|A|B|||20261122100000+0000||ORU^R01^ORU_R01|ID1|P|2.6\rOBR|1\r";
    private static final String MSG2 = "MSH|^~\\&|A|B|||20261122100001+0000||ORU^R01^ORU_R01|ID2|P|2.6\rOBR|1\r";

    /** Collects what the framer delivers, including the oversize notices of {@link MllpFrameSink}. */
    static final class Collector implements MllpFrameSink {
        final List<String> messages = new ArrayList<>();
        final List<DecodeFailure> failures = new ArrayList<>();
        final List<String> oversizedHeaders = new ArrayList<>();
        final List<Long> oversizedLengths = new ArrayList<>();

        @Override
        public void frame(ByteBuffer frame) {
            messages.add(StandardCharsets.ISO_8859_1.decode(frame).toString());
        }

        @Override
        public void failure(DecodeFailure failure) {
            failures.add(failure);
        }

        @Override
        public void oversizedMessageEnded(ByteBuffer firstSegment, long length) {
            oversizedHeaders.add(
                    StandardCharsets.ISO_8859_1.decode(firstSegment).toString());
            oversizedLengths.add(length);
        }

        List<DecodeFailure.Reason> reasons() {
            return failures.stream().map(DecodeFailure::reason).toList();
        }
    }

    private static byte[] framed(String... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String m : messages) {
            out.writeBytes(MllpFrameDecoder.wrap(m.getBytes(StandardCharsets.ISO_8859_1)));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static Collector feed(MllpFrameDecoder framer, List<byte[]> chunks) {
        Collector c = new Collector();
        for (byte[] chunk : chunks) {
            framer.feed(ByteBuffer.wrap(chunk), c);
        }
        return c;
    }

    @Test
    void deliversMessagesWithoutTheirBlocks() {
        Collector c = feed(new MllpFrameDecoder(), List.of(framed(MSG1, MSG2)));

        assertThat(c.messages).containsExactly(MSG1, MSG2);
        assertThat(c.failures).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64})
    void anySplitOfTheStreamGivesTheSameMessagesAndFailures(int seed) {
        byte[] stream = concat(
                "noise".getBytes(StandardCharsets.US_ASCII),
                framed(MSG1),
                new byte[] {MllpFrameDecoder.START_BLOCK, 'M', 'S'},
                framed(MSG2),
                new byte[] {MllpFrameDecoder.START_BLOCK, 'X', MllpFrameDecoder.END_BLOCK, 'Y'},
                framed(MSG1));
        Collector whole = feed(new MllpFrameDecoder(), List.of(stream));
        Collector random = feed(new MllpFrameDecoder(), DecoderHarness.randomChunks(stream, new Random(seed), 9));
        Collector bytes = feed(new MllpFrameDecoder(), DecoderHarness.byteByByte(stream));

        assertThat(whole.messages).containsExactly(MSG1, MSG2, MSG1);
        assertThat(whole.reasons())
                .containsExactly(
                        DecodeFailure.Reason.GARBAGE,
                        DecodeFailure.Reason.TRUNCATED,
                        DecodeFailure.Reason.MALFORMED,
                        DecodeFailure.Reason.GARBAGE);
        assertThat(random.messages).isEqualTo(whole.messages);
        assertThat(random.failures).isEqualTo(whole.failures);
        assertThat(bytes.messages).isEqualTo(whole.messages);
        assertThat(bytes.failures).isEqualTo(whole.failures);
    }

    @Test
    void bytesBeforeAStartBlockAreSkippedAndCounted() {
        Collector c = feed(new MllpFrameDecoder(), List.of(concat("garbage!".getBytes(), framed(MSG1))));

        assertThat(c.messages).containsExactly(MSG1);
        assertThat(c.failures).hasSize(1);
        assertThat(c.failures.get(0).reason()).isEqualTo(DecodeFailure.Reason.GARBAGE);
        assertThat(c.failures.get(0).length()).isEqualTo(8);
        assertThat(c.failures.get(0).detail()).contains("8 bytes outside any MLLP message");
    }

    @Test
    void aMessageWithoutItsEndBlockIsCutAtTheLimitAndTheNextMessageStillArrives() {
        int max = 256;
        MllpFrameDecoder framer = new MllpFrameDecoder(max);
        byte[] body = new byte[10_000];
        Arrays.fill(body, (byte) 'A');
        String header = "MSH|^~\\&|BIG|SENDER|||20261122100000+0000||ORU^R01^ORU_R01|BIG1|P|2.6|||AL|NE";
        byte[] huge = concat(
                new byte[] {MllpFrameDecoder.START_BLOCK},
                (header + "\r").getBytes(StandardCharsets.US_ASCII),
                body,
                new byte[] {MllpFrameDecoder.END_BLOCK, MllpFrameDecoder.CARRIAGE_RETURN});

        Collector c = feed(framer, List.of(huge, framed(MSG1)));

        assertThat(c.reasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
        assertThat(c.failures.get(0).detail()).contains("longer than 256 bytes");
        assertThat(c.messages).containsExactly(MSG1);
        assertThat(c.oversizedHeaders).containsExactly(header);
        assertThat(c.oversizedLengths).containsExactly((long) header.length() + 1 + body.length);
        assertThat(framer.capacity()).isLessThanOrEqualTo(max);
    }

    @Test
    void anEndlessMessageNeverGrowsTheBufferPastTheLimit() {
        int max = 64 * 1024;
        MllpFrameDecoder framer = new MllpFrameDecoder(max);
        Collector c = new Collector();
        framer.feed(ByteBuffer.wrap(new byte[] {MllpFrameDecoder.START_BLOCK}), c);
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) 'x');
        int maxCapacitySeen = 0;
        for (int i = 0; i < 4096; i++) { // 32 MiB
            framer.feed(ByteBuffer.wrap(chunk), c);
            maxCapacitySeen = Math.max(maxCapacitySeen, framer.capacity());
        }

        assertThat(maxCapacitySeen).isEqualTo(max);
        assertThat(framer.bufferedBytes()).isZero();
        assertThat(framer.inMessage()).isTrue();
        assertThat(c.reasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
        assertThat(c.messages).isEmpty();
    }

    @Test
    void endlessGarbageIsReportedOncePerLimitAndNeverKept() {
        int max = 1024;
        MllpFrameDecoder framer = new MllpFrameDecoder(max);
        byte[] garbage = new byte[10 * max];
        Arrays.fill(garbage, (byte) 'g');

        Collector c = feed(framer, List.of(garbage));

        assertThat(c.reasons()).hasSize(10).containsOnly(DecodeFailure.Reason.GARBAGE);
        assertThat(framer.capacity()).isLessThanOrEqualTo(max);
        assertThat(framer.bufferedBytes()).isZero();
    }

    @Test
    void aStartBlockInsideAMessageCutsItAndStartsTheNext() {
        byte[] stream = concat(new byte[] {MllpFrameDecoder.START_BLOCK, 'M', 'S', 'H'}, framed(MSG2));

        Collector c = feed(new MllpFrameDecoder(), List.of(stream));

        assertThat(c.reasons()).containsExactly(DecodeFailure.Reason.TRUNCATED);
        assertThat(c.failures.get(0).detail()).contains("3 bytes without their end block");
        assertThat(c.messages).containsExactly(MSG2);
    }

    @Test
    void anEndBlockWithoutItsCarriageReturnDropsTheMessage() {
        byte[] stream = concat(
                new byte[] {MllpFrameDecoder.START_BLOCK, 'M', 'S', 'H', MllpFrameDecoder.END_BLOCK}, framed(MSG1));

        Collector c = feed(new MllpFrameDecoder(), List.of(stream));

        assertThat(c.reasons()).containsExactly(DecodeFailure.Reason.MALFORMED);
        assertThat(c.failures.get(0).detail()).contains("not followed by 0D");
        assertThat(c.messages).containsExactly(MSG1);
    }

    @Test
    void anEmptyMessageIsMalformed() {
        Collector c = feed(new MllpFrameDecoder(), List.of(framed("", MSG1)));

        assertThat(c.reasons()).containsExactly(DecodeFailure.Reason.MALFORMED);
        assertThat(c.failures.get(0).detail()).isEqualTo("empty MLLP message");
        assertThat(c.messages).containsExactly(MSG1);
    }

    @Test
    void resetDropsAPartialMessage() {
        MllpFrameDecoder framer = new MllpFrameDecoder();
        Collector c = new Collector();
        framer.feed(ByteBuffer.wrap(new byte[] {MllpFrameDecoder.START_BLOCK, 'M'}), c);
        assertThat(framer.inMessage()).isTrue();

        framer.reset();
        framer.feed(ByteBuffer.wrap(framed(MSG1)), c);

        assertThat(framer.inMessage()).isFalse();
        assertThat(c.messages).containsExactly(MSG1);
        assertThat(c.failures).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 12, 13, 14, 15})
    void randomBytesNeverThrowAndNeverExceedTheLimit(int seed) {
        Random random = new Random(seed);
        byte[] stream = new byte[200_000];
        random.nextBytes(stream);
        // Sprinkle the protocol's bytes so that every state is visited.
        for (int i = 0; i < stream.length; i += 1 + random.nextInt(300)) {
            stream[i] = switch (random.nextInt(3)) {
                case 0 -> MllpFrameDecoder.START_BLOCK;
                case 1 -> MllpFrameDecoder.END_BLOCK;
                default -> MllpFrameDecoder.CARRIAGE_RETURN;
            };
        }
        MllpFrameDecoder framer = new MllpFrameDecoder(512);

        Collector c = feed(framer, DecoderHarness.randomChunks(stream, random, 4096));

        assertThat(framer.capacity()).isLessThanOrEqualTo(512);
        assertThat(c.messages).allSatisfy(m -> assertThat(m.length()).isBetween(1, 512));
    }

    @Test
    void rejectsALimitThatCannotHoldAHeader() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MllpFrameDecoder(8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MSH");
    }
}
