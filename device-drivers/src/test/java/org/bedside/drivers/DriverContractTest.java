package org.bedside.drivers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.TransportKind;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.DeviceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every driver in {@link Drivers#all()} keeps, checked the same way for each (the FrameDecoder and
 * MessageDecoder javadoc): it describes itself, its defaults are usable, and whatever bytes arrive, its framer and
 * decoder never throw, never hold more than the maximum frame, and (on byte streams) give the same result however the
 * stream is cut. Each driver's own tests add its goldens and mutations of real frames.
 */
class DriverContractTest {
    private static final Pattern CODE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final DeviceId DEVICE = DeviceId.of("contract");

    static Stream<DeviceDriver> drivers() {
        return Drivers.all().stream();
    }

    /** The drivers of byte streams (serial, TCP): datagram and message transports hand over whole messages. */
    static Stream<DeviceDriver> streamDrivers() {
        return Drivers.all().stream().filter(DriverContractTest::streams);
    }

    /** Random bytes, and random bytes rich in the control bytes the framers look for. */
    private static List<byte[]> inputs(long seed) {
        Random random = new Random(seed);
        byte[] special = {
            0x01,
            0x02,
            0x03,
            0x04,
            0x06,
            0x0A,
            0x0D,
            0x15,
            0x17,
            0x1B,
            0x1E,
            0x7D,
            0x7E,
            (byte) 0xC0,
            (byte) 0xC1,
            (byte) 0x80,
            (byte) 0xFF,
            0x00,
            '{',
            '}',
            '[',
            ']',
            ',',
            '"'
        };
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[random.nextInt(2_000)];
            random.nextBytes(b);
            if (i % 2 == 1) {
                for (int j = 0; j < b.length; j++) {
                    if (random.nextInt(4) == 0) {
                        b[j] = special[random.nextInt(special.length)];
                    }
                }
            }
            inputs.add(b);
        }
        return inputs;
    }

    private static boolean streams(DeviceDriver d) {
        return d.info().transports().contains(TransportKind.SERIAL)
                || d.info().transports().contains(TransportKind.TCP);
    }

    @Test
    void codesAreStableLowerCaseAndUnique() {
        List<String> codes = Drivers.all().stream().map(d -> d.info().code()).toList();
        assertThat(codes).doesNotHaveDuplicates().allMatch(c -> CODE.matcher(c).matches());
        assertThat(codes).contains("bbraun-bcc", "medibus", "nonin-df13", "masimo-ascii");
        for (String c : codes) {
            assertThat(Drivers.byCode(c)).isPresent();
        }
    }

    @ParameterizedTest
    @MethodSource("drivers")
    void describesItselfAndItsDefaultsMakeADecoderAndASession(DeviceDriver d) {
        assertThat(d.info().maxFrameLength()).isPositive();
        assertThat(d.info().displayName()).isNotBlank();
        assertThat(d.info().deviceType()).isNotBlank();
        d.info().options().forEach(o -> assertThat(o.description()).as(o.key()).isNotBlank());
        DriverOptions defaults = DriverOptions.defaults(d.info());
        assertThatCode(() -> {
                    d.newMessageDecoder(DEVICE, defaults);
                    d.newFrameDecoder(defaults);
                    DeviceSession s = d.newSession(DEVICE, defaults);
                    assertThat(s.state()).isNotBlank();
                })
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @MethodSource("drivers")
    void arbitraryBytesNeverThrowThroughTheFramerAndTheDecoder(DeviceDriver d) {
        DriverOptions options = DriverOptions.defaults(d.info());
        MessageDecoder decoder = d.newMessageDecoder(DEVICE, options);
        for (byte[] input : inputs(d.info().code().hashCode())) {
            FrameDecoder framer = d.newFrameDecoder(options);
            assertThatCode(() -> DecoderHarness.run(framer, decoder, input)).doesNotThrowAnyException();
            // the decoder alone, as replay and the sessions call it, with any frame at all
            assertThatCode(() -> decoder.decode(ByteBuffer.wrap(input), Instant.EPOCH))
                    .doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @MethodSource("streamDrivers")
    void onAByteStreamAnySplitGivesTheSameFramesAndFailures(DeviceDriver d) {
        DriverOptions options = DriverOptions.defaults(d.info());
        MessageDecoder decoder = d.newMessageDecoder(DEVICE, options);
        Random random = new Random(5);
        for (byte[] input : inputs(d.info().code().hashCode() + 1).subList(0, 60)) {
            DecoderHarness.Output whole = DecoderHarness.run(d.newFrameDecoder(options), decoder, input);
            DecoderHarness.Output split = DecoderHarness.run(
                    d.newFrameDecoder(options), decoder, DecoderHarness.randomChunks(input, random, 50));
            assertThat(split).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @MethodSource("drivers")
    void noFrameIsLongerThanTheMaximumWhateverArrives(DeviceDriver d) {
        DriverOptions options = DriverOptions.defaults(d.info());
        int max = d.info().maxFrameLength();
        int[] longest = {0};
        FrameSink sink = new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                longest[0] = Math.max(longest[0], frame.remaining());
            }

            @Override
            public void failure(DecodeFailure failure) {}
        };
        for (byte filler : new byte[] {'x', 0x00, 0x01, 0x7E, (byte) 0xC0, '{'}) {
            FrameDecoder framer = d.newFrameDecoder(options);
            byte[] chunk = new byte[4096];
            java.util.Arrays.fill(chunk, filler);
            int total = streams(d) ? Math.max(3 * max, 100_000) : 2 * max;
            for (int sent = 0; sent < total; sent += chunk.length) {
                framer.feed(ByteBuffer.wrap(chunk, 0, Math.min(chunk.length, Math.max(1, max))), sink);
            }
        }
        assertThat(longest[0]).isLessThanOrEqualTo(max);
    }
}
