package org.bedside.buffer.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bedside.buffer.SampleReadings;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;

class ReadingRecordFormatTest {
    private static final Instant T = Instant.parse("2026-11-22T10:00:00.123456789Z");

    private static byte[] encode(List<Reading> readings) {
        ByteBuffer b = ReadingRecordFormat.encode(readings, ByteBuffer.allocate(8));
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    @Test
    void everyKindOfReadingComesBackEqual() throws Exception {
        List<Reading> readings = SampleReadings.frame(T);
        ReadingRecordFormat.Record r = ReadingRecordFormat.decode(ByteBuffer.wrap(encode(readings)));
        assertThat(r.device()).isEqualTo(SampleReadings.DEVICE);
        assertThat(r.readings()).isEqualTo(readings);
        assertThat(r.readings())
                .extracting(Reading::key)
                .isEqualTo(readings.stream().map(Reading::key).toList());
    }

    @Test
    void everyTruncationIsReportedAsMalformedNeverAnotherException() {
        byte[] bytes = encode(SampleReadings.frame(T));
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> ReadingRecordFormat.decode(ByteBuffer.wrap(cut)))
                    .as("truncated at %d", n)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void corruptedBytesAreMalformedOrDecodeNeverAnythingElse() {
        byte[] bytes = encode(SampleReadings.frame(T));
        Random random = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = bytes.clone();
            bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            try {
                ReadingRecordFormat.decode(ByteBuffer.wrap(bad));
            } catch (MalformedRecordException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void refusesARecordOfAnUnknownVersionWithAClearMessage() {
        byte[] bytes = encode(SampleReadings.frame(T));
        bytes[0] = 9;
        assertThatThrownBy(() -> ReadingRecordFormat.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("version 9");
    }

    @Test
    void refusesToMixDevicesInOneRecord() {
        Reading a = new DeviceStatus(DeviceId.of("a"), DeviceStatus.Code.CONNECTED, "x", null, T);
        Reading b = new DeviceStatus(DeviceId.of("b"), DeviceStatus.Code.CONNECTED, "x", null, T);
        assertThatThrownBy(() -> encode(List.of(a, b))).isInstanceOf(IllegalArgumentException.class);
    }
}
