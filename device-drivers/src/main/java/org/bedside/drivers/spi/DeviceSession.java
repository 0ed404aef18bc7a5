package org.bedside.drivers.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The conversation with a device over one open link: for a request/response device (IntelliVue, GE DRI, Medibus)
 * associate, poll, keep the link alive, time out; for a device that streams on its own (Masimo, Nonin) just decode
 * ({@link #decoding}). Every frame of every driver goes through a session: the pipeline has one path. One session per
 * open link, driven by the device pipeline on the link's thread, so it needs no locking:
 *
 * <ol>
 *   <li>{@link #start} when the link opens (send the association request);
 *   <li>{@link #onFrame} for every frame the framer produces, returning what to record;
 *   <li>{@link #onTick} at least every 100 ms and after every read: send polls and keep-alives, time out requests;
 *   <li>{@link #stop} when the link is lost or the pipeline stops (send a release if the link allows).
 * </ol>
 *
 * <p>Time comes in as {@code System.nanoTime()} values, never read by the session itself, so that scripted
 * conversation tests can drive it with a fake clock and no threads. A session keeps at most one request in flight.
 * Throwing {@link SessionLostException} (or any {@code IOException}) ends the link; the pipeline reconnects with a new
 * session.
 */
public interface DeviceSession {

    void start(SessionLink link, long nowNanos) throws IOException;

    /**
     * @param frame one frame between position and limit, valid only during the call
     * @return readings to store (possibly none: an association reply, an empty poll result) or a failure to count
     */
    DecodeResult onFrame(ByteBuffer frame, Instant receivedAt, long nowNanos) throws IOException;

    void onTick(long nowNanos) throws IOException;

    /** Ends the conversation politely if the link still works; never throws. */
    void stop();

    /**
     * The conversation's state in a few words, for the status page ("associated, polling every 1 s"). Called from
     * other threads: return a snapshot (a volatile field), never block.
     */
    String state();

    /**
     * The session of a device that streams on its own: each frame is decoded by the driver's pure decoder, nothing is
     * ever sent, nothing times out (the pipeline's idle timeout reports silence).
     */
    static DeviceSession decoding(MessageDecoder decoder) {
        return new DeviceSession() {
            @Override
            public void start(SessionLink link, long nowNanos) {}

            @Override
            public DecodeResult onFrame(ByteBuffer frame, Instant receivedAt, long nowNanos) {
                return decoder.decode(frame, receivedAt);
            }

            @Override
            public void onTick(long nowNanos) {}

            @Override
            public void stop() {}

            @Override
            public String state() {
                return "streaming";
            }
        };
    }
}
