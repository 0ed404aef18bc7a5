package org.bedside.drivers.gedri;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameSink;

/** Test helpers: the captures, their records, and records changed in place (then re-checksummed and re-framed). */
final class GeDriFrames {
    static final String DB00 = "/captures/ge-dri/db00.raw";
    static final String NO_PATIENT = "/captures/ge-dri/S5Rawoutput-no-patient.raw";

    private GeDriFrames() {}

    static byte[] resource(String name) {
        try (InputStream in = GeDriFrames.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unstuffed frames (record + checksum) of a stream, as the driver's framer delivers them. */
    static List<byte[]> frames(byte[] stream) {
        List<byte[]> frames = new ArrayList<>();
        new GeDriDriver()
                .newFrameDecoder(org.bedside.drivers.spi.DriverOptions.defaults(new GeDriDriver().info()))
                .feed(ByteBuffer.wrap(stream), new FrameSink() {
                    @Override
                    public void frame(ByteBuffer frame) {
                        byte[] b = new byte[frame.remaining()];
                        frame.get(b);
                        frames.add(b);
                    }

                    @Override
                    public void failure(DecodeFailure failure) {}
                });
        return frames;
    }

    /** The records of a main type (0 physiological, 1 waveform), without their checksums. */
    static List<byte[]> records(String capture, int mainType) {
        List<byte[]> records = new ArrayList<>();
        for (byte[] f : frames(resource(capture))) {
            if (f.length > 41 && (f[14] & 0xFF) == mainType && f[15] == 0) {
                records.add(Arrays.copyOf(f, f.length - 1));
            }
        }
        return records;
    }

    /** The record followed by its checksum: a frame as the framer delivers it. */
    static byte[] withChecksum(byte[] record) {
        byte[] f = Arrays.copyOf(record, record.length + 1);
        int sum = 0;
        for (byte b : record) {
            sum += b;
        }
        f[record.length] = (byte) sum;
        return f;
    }

    /** The record framed for the wire. */
    static byte[] wire(byte[] record) {
        return GeDriRequests.frame(record);
    }

    static void put16(byte[] record, int at, int value) {
        record[at] = (byte) value;
        record[at + 1] = (byte) (value >> 8);
    }

    static void put32(byte[] record, int at, long value) {
        put16(record, at, (int) value);
        put16(record, at + 2, (int) (value >> 16));
    }

    /** Offset of the basic class's sub-record in a real displayed-values record (the first sub-record). */
    static final int BASIC = 40;
}
