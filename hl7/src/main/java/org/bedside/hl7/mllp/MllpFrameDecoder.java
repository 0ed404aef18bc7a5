package org.bedside.hl7.mllp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;

/**
 * Frames HL7 v2 messages of the Minimal Lower Layer Protocol, with a bound on their length. MLLP (HL7 v2.5
 * Implementation Guide, Appendix C; IHE PCD TF-2 Appendix I) wraps each message in a start block and an end block:
 *
 * <pre>
 *   0B 4D 53 48 7C ... 0D 1C 0D   →  message "MSH|...\r"
 *   └ start block (VT)   └ end block (FS) and carriage return
 * </pre>
 *
 * <p>HAPI's own MLLP reader collects a message until its end block without any limit, so one sender that never sends
 * an end block grows a connection's memory until the JVM dies. This framer sits in front of HAPI's parser instead and
 * keeps at most {@code maxMessageLength} bytes per connection; its buffer grows from 4 KiB as messages need it.
 *
 * <ul>
 *   <li>Bytes before a start block are garbage: one {@link DecodeFailure.Reason#GARBAGE} per run (or per {@code
 *       maxMessageLength} bytes of a run that does not end), never kept.
 *   <li>A message that reaches {@code maxMessageLength} without its end block is reported once as {@link
 *       DecodeFailure.Reason#FRAME_TOO_LONG}, and everything up to its end block (or the next start block) is dropped.
 *       Its first segment is kept (at most {@link #MAX_HEADER_LENGTH} bytes) and handed to an {@link MllpFrameSink}
 *       when the end block arrives, so that the sender can still be told why.
 *   <li>A start block inside a message cuts it: {@link DecodeFailure.Reason#TRUNCATED}, and the new message begins (a
 *       sender that gave up on a message and started again).
 *   <li>An end block not followed by a carriage return, and an empty message, are {@link
 *       DecodeFailure.Reason#MALFORMED}.
 * </ul>
 *
 * <p>Pure and single-threaded: one instance per connection; it honours the {@link FrameDecoder} contract (chunking
 * invariant, resynchronising, bounded, total).
 */
public final class MllpFrameDecoder implements FrameDecoder {
    /** VT, the MLLP start block. */
    public static final byte START_BLOCK = 0x0B;
    /** FS, the first byte of the MLLP end block. */
    public static final byte END_BLOCK = 0x1C;
    /** CR, the second byte of the MLLP end block, and HL7's segment terminator. */
    public static final byte CARRIAGE_RETURN = 0x0D;
    /** One mebibyte: far more than a PCD-01 message of a monitor (a few kilobytes), less than waveform floods. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1 << 20;
    /** The most of a discarded message's first segment that is kept for its error acknowledgement. */
    public static final int MAX_HEADER_LENGTH = 1024;

    private static final int INITIAL_CAPACITY = 4096;

    private enum State {
        OUTSIDE,
        INSIDE,
        /** An end block byte was seen; the carriage return must follow. */
        AFTER_END_BLOCK,
        /** The message grew past the limit: dropping up to its end block. */
        DISCARDING,
        DISCARDING_AFTER_END_BLOCK
    }

    private final int maxMessageLength;
    private final byte[] garbageExcerpt = new byte[DecodeFailure.MAX_EXCERPT];
    private final byte[] header = new byte[MAX_HEADER_LENGTH];

    private byte[] message;
    private State state = State.OUTSIDE;
    private int length;
    private int garbage;
    private int headerLength;
    private long discardedLength;

    public MllpFrameDecoder() {
        this(DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /** @param maxMessageLength the longest message accepted, in bytes, without its start and end blocks */
    public MllpFrameDecoder(int maxMessageLength) {
        if (maxMessageLength < 16) {
            throw new IllegalArgumentException(
                    "an MLLP message limit below 16 bytes cannot hold an MSH segment: " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
        this.message = new byte[Math.min(INITIAL_CAPACITY, maxMessageLength)];
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** Bytes of the message in progress held right now (0 between messages and while discarding). */
    public int bufferedBytes() {
        return length;
    }

    /** The size of the message buffer: never more than {@link #maxMessageLength()}. */
    public int capacity() {
        return message.length;
    }

    /** True while a start block has been seen and its message has not ended. */
    public boolean inMessage() {
        return state != State.OUTSIDE;
    }

    @Override
    public void feed(ByteBuffer chunk, FrameSink out) {
        while (chunk.hasRemaining()) {
            accept(chunk.get(), out);
        }
    }

    private void accept(byte b, FrameSink out) {
        switch (state) {
            case OUTSIDE -> {
                if (b == START_BLOCK) {
                    endGarbage(out);
                    open();
                } else {
                    addGarbage(b, out);
                }
            }
            case INSIDE -> inside(b, out);
            case AFTER_END_BLOCK -> {
                if (b == CARRIAGE_RETURN) {
                    deliver(out);
                } else {
                    out.failure(DecodeFailure.of(
                            DecodeFailure.Reason.MALFORMED,
                            "end block 1C not followed by 0D: the message of " + length + " bytes is dropped",
                            excerpt(message, length),
                            length + 1));
                    state = State.OUTSIDE;
                    length = 0;
                    accept(b, out);
                }
            }
            case DISCARDING -> {
                if (b == END_BLOCK) {
                    state = State.DISCARDING_AFTER_END_BLOCK;
                } else if (b == START_BLOCK) {
                    open();
                } else {
                    discardedLength++;
                }
            }
            case DISCARDING_AFTER_END_BLOCK -> {
                if (b == CARRIAGE_RETURN) {
                    state = State.OUTSIDE;
                    if (out instanceof MllpFrameSink sink) {
                        sink.oversizedMessageEnded(ByteBuffer.wrap(header, 0, headerLength), discardedLength);
                    }
                } else {
                    // The 1C was content after all (HL7 forbids it there, but it is still not the end).
                    discardedLength++;
                    state = State.DISCARDING;
                    accept(b, out);
                }
            }
        }
    }

    private void inside(byte b, FrameSink out) {
        if (b == END_BLOCK) {
            state = State.AFTER_END_BLOCK;
            return;
        }
        if (b == START_BLOCK) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.TRUNCATED,
                    "a start block inside a message: " + length + " bytes without their end block dropped",
                    excerpt(message, length),
                    length));
            open();
            return;
        }
        if (length == maxMessageLength) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "MLLP message longer than " + maxMessageLength + " bytes without its end block; dropped up to"
                            + " the end block",
                    excerpt(message, length),
                    maxMessageLength + 1));
            keepHeader();
            discardedLength = maxMessageLength + 1L;
            length = 0;
            state = State.DISCARDING;
            return;
        }
        if (length == message.length) {
            message = Arrays.copyOf(message, (int) Math.min(maxMessageLength, 2L * message.length));
        }
        message[length++] = b;
    }

    private void keepHeader() {
        int n = 0;
        while (n < length && n < header.length && message[n] != CARRIAGE_RETURN) {
            n++;
        }
        System.arraycopy(message, 0, header, 0, n);
        headerLength = n;
    }

    private void open() {
        state = State.INSIDE;
        length = 0;
        discardedLength = 0;
        headerLength = 0;
    }

    private void deliver(FrameSink out) {
        state = State.OUTSIDE;
        int n = length;
        length = 0;
        if (n == 0) {
            out.failure(DecodeFailure.of(DecodeFailure.Reason.MALFORMED, "empty MLLP message", new byte[0], 3));
            return;
        }
        // Not read-only, so that the listener can decode the backing array; valid only during the call.
        out.frame(ByteBuffer.wrap(message, 0, n));
    }

    private void addGarbage(byte b, FrameSink out) {
        if (garbage < garbageExcerpt.length) {
            garbageExcerpt[garbage] = b;
        }
        garbage++;
        if (garbage == maxMessageLength) {
            endGarbage(out);
        }
    }

    private void endGarbage(FrameSink out) {
        if (garbage > 0) {
            out.failure(DecodeFailure.of(
                    DecodeFailure.Reason.GARBAGE,
                    garbage + " bytes outside any MLLP message skipped while looking for a start block",
                    Arrays.copyOf(garbageExcerpt, Math.min(garbage, garbageExcerpt.length)),
                    garbage));
            garbage = 0;
        }
    }

    private static byte[] excerpt(byte[] bytes, int n) {
        return Arrays.copyOf(bytes, Math.min(n, DecodeFailure.MAX_EXCERPT));
    }

    @Override
    public void reset() {
        state = State.OUTSIDE;
        length = 0;
        garbage = 0;
        headerLength = 0;
        discardedLength = 0;
    }

    /** Wraps one message in its start and end blocks, as a sender writes it. */
    public static byte[] wrap(byte[] message) {
        byte[] framed = new byte[message.length + 3];
        framed[0] = START_BLOCK;
        System.arraycopy(message, 0, framed, 1, message.length);
        framed[message.length + 1] = END_BLOCK;
        framed[message.length + 2] = CARRIAGE_RETURN;
        return framed;
    }
}
