package org.bedside.drivers.nonin;

import java.nio.ByteBuffer;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * Finds Nonin packets in the stream: five-byte frames whose checksum matches, 25 to a packet, the first marked SYNC.
 * The stream has no delimiters, so the framer synchronises on content:
 *
 * <ol>
 *   <li>searching, it slides one byte at a time until five bytes are a valid frame with the SYNC bit (the bytes slid
 *       over are garbage);
 *   <li>collecting, it takes the next 24 frames; a frame that is not valid (a checksum, a lost byte) drops the partial
 *       packet ({@link DecodeFailure.Reason#BAD_CHECKSUM}) and searching resumes at the byte after its first;
 *   <li>a SYNC frame before the 25th ends the partial packet ({@link DecodeFailure.Reason#TRUNCATED}) and starts a new
 *       one.
 * </ol>
 *
 * <p>A whole packet is delivered as one frame of 125 bytes. Memory is one packet and one frame, whatever the input.
 */
final class NoninPacketFrameDecoder implements FrameDecoder {
    private final NoninFormat format;
    private final byte[] packet = new byte[NoninFormat.PACKET_LENGTH];
    /** Bytes of the frame being read (collecting) or of the window being tested (searching). */
    private final byte[] window = new byte[NoninFormat.FRAME_LENGTH];

    private final byte[] garbageExcerpt = new byte[DecodeFailure.MAX_EXCERPT];
    private int windowLength;
    private int frames;
    private boolean collecting;
    private int garbage;

    NoninPacketFrameDecoder(NoninFormat format) {
        this.format = format;
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        while (chunk.hasRemaining()) {
            window[windowLength++] = chunk.get();
            if (windowLength == NoninFormat.FRAME_LENGTH) {
                windowFull(out);
            }
        }
    }

    private void windowFull(FrameSink out) {
        boolean valid = format.isFrame(window, 0);
        boolean sync = valid && format.isSync(window, 0);
        if (!collecting) {
            if (sync) {
                endGarbage(out);
                startPacket();
            } else {
                slide(out);
            }
            return;
        }
        if (!valid) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.BAD_CHECKSUM,
                    "frame " + frames + " of a packet is not a valid frame (checksum or status); the packet is dropped",
                    java.util.Arrays.copyOf(
                            packet, Math.min(frames * NoninFormat.FRAME_LENGTH, DecodeFailure.MAX_EXCERPT)),
                    frames * NoninFormat.FRAME_LENGTH + NoninFormat.FRAME_LENGTH));
            collecting = false;
            // The bad frame may be shifted by a lost byte: search again from its second byte.
            slideWithoutCounting();
            return;
        }
        if (sync) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.TRUNCATED,
                    "packet of " + frames + " frames cut short by the next packet's first frame",
                    java.util.Arrays.copyOf(
                            packet, Math.min(frames * NoninFormat.FRAME_LENGTH, DecodeFailure.MAX_EXCERPT)),
                    frames * NoninFormat.FRAME_LENGTH));
            startPacket();
            return;
        }
        System.arraycopy(window, 0, packet, frames * NoninFormat.FRAME_LENGTH, NoninFormat.FRAME_LENGTH);
        frames++;
        windowLength = 0;
        if (frames == NoninFormat.FRAMES_PER_PACKET) {
            collecting = false;
            out.frame(ByteBuffer.wrap(packet));
        }
    }

    private void startPacket() {
        System.arraycopy(window, 0, packet, 0, NoninFormat.FRAME_LENGTH);
        frames = 1;
        windowLength = 0;
        collecting = true;
    }

    /** Drops the window's first byte as garbage. */
    private void slide(FrameSink out) {
        if (garbage < garbageExcerpt.length) {
            garbageExcerpt[garbage] = window[0];
        }
        garbage++;
        slideWithoutCounting();
        if (garbage == NoninFormat.PACKET_LENGTH * 8) {
            endGarbage(out);
        }
    }

    private void slideWithoutCounting() {
        System.arraycopy(window, 1, window, 0, NoninFormat.FRAME_LENGTH - 1);
        windowLength = NoninFormat.FRAME_LENGTH - 1;
    }

    private void endGarbage(FrameSink out) {
        if (garbage > 0) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.GARBAGE,
                    garbage + " bytes skipped while looking for the first frame of a packet",
                    java.util.Arrays.copyOf(garbageExcerpt, Math.min(garbage, garbageExcerpt.length)),
                    garbage));
            garbage = 0;
        }
    }

    @Override
    public void reset() {
        windowLength = 0;
        frames = 0;
        collecting = false;
        garbage = 0;
    }
}
