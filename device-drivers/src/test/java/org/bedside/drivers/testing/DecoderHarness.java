package org.bedside.drivers.testing;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.Reading;

/**
 * Pushes bytes through a framer and a decoder with no threads and no link, the analogue of Netty's EmbeddedChannel.
 * Every frame is decoded with the same receive time, so that results of different chunkings compare equal.
 */
public final class DecoderHarness {
    public static final Instant RECEIVED_AT = Instant.parse("2026-11-22T10:00:00Z");

    /** What came out: readings and failures in stream order. */
    public record Output(List<Reading> readings, List<DecodeFailure> failures, int frames) {
        public List<DecodeFailure.Reason> failureReasons() {
            return failures.stream().map(DecodeFailure::reason).toList();
        }
    }

    private DecoderHarness() {}

    public static Output run(FrameDecoder framer, MessageDecoder decoder, byte[] stream) {
        return run(framer, decoder, List.of(stream));
    }

    public static Output run(FrameDecoder framer, MessageDecoder decoder, List<byte[]> chunks) {
        List<Reading> readings = new ArrayList<>();
        List<DecodeFailure> failures = new ArrayList<>();
        int[] frames = {0};
        FrameSink sink = new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                frames[0]++;
                DecodeResult result = decoder.decode(frame, RECEIVED_AT);
                if (result instanceof DecodeResult.Decoded d) {
                    readings.addAll(d.readings());
                } else if (result instanceof DecodeFailure f) {
                    failures.add(f);
                }
            }

            @Override
            public void failure(DecodeFailure failure) {
                failures.add(failure);
            }
        };
        for (byte[] chunk : chunks) {
            framer.feed(ByteBuffer.wrap(chunk), sink);
        }
        return new Output(readings, failures, frames[0]);
    }

    /** Splits {@code stream} at random points into chunks of 1 to {@code maxChunk} bytes. */
    public static List<byte[]> randomChunks(byte[] stream, Random random, int maxChunk) {
        List<byte[]> chunks = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int n = Math.min(stream.length - i, 1 + random.nextInt(maxChunk));
            chunks.add(java.util.Arrays.copyOfRange(stream, i, i + n));
            i += n;
        }
        return chunks;
    }

    /** One byte per chunk: the worst case for a framer. */
    public static List<byte[]> byteByByte(byte[] stream) {
        List<byte[]> chunks = new ArrayList<>(stream.length);
        for (byte b : stream) {
            chunks.add(new byte[] {b});
        }
        return chunks;
    }
}
