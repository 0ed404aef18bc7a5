package org.bedside.drivers.bbraun;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.SessionLink;
import org.bedside.drivers.spi.SessionLostException;
import org.jspecify.annotations.Nullable;

/**
 * The BCC conversation with a SpaceCom, the gateway as the client, one request in flight:
 *
 * <ol>
 *   <li>at start: ADMIN:ALIVE to bed id "1"; the SpaceCom answers GNACK in a frame that carries its own bed id
 *       ("SpaceSystem", "ComSystem"), which every later request uses;
 *   <li>every {@code interval}: MEM:GET; the answer may come in parts (ETB ... ETB ... ETX), each acknowledged with ACK;
 *       the parts' records are joined and decoded when the last part (ETX) arrives;
 *   <li>a frame whose length or checksum is wrong is answered with NAK (the SpaceCom sends it again) and counted; a NAK
 *       from the SpaceCom makes the session send its request again, once;
 *   <li>no answer (or no next part) within {@code timeout}: the session associates again with ADMIN:ALIVE; if that is
 *       not answered either, the session is lost and the pipeline reopens the link; an error answer of the SpaceCom
 *       itself (other than "no further data") also makes it associate again.
 * </ol>
 *
 * <p>Everything is sent through {@link BccReadOnlyLink}: only reading requests, ACK and NAK.
 */
final class BccSession implements DeviceSession {
    /** A multi-part answer larger than this is dropped: a rack of 24 pumps answers in a few tens of kilobytes. */
    static final int MAX_ANSWER = 256 * 1024;

    /** The options of a session. */
    record Settings(Duration interval, Duration timeout) {}

    private final BccMessageDecoder decoder;
    private final Settings settings;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private @Nullable BccReadOnlyLink link;
    private String bedId = BccRequest.INITIAL_BED_ID;
    private boolean associated;
    private boolean everAssociated;
    private @Nullable BccRequest inFlight;
    private long lastProgress;
    private boolean resent;
    private boolean overflowed;
    private long nextPoll;
    private long answers;
    private long naksSent;
    private long unknownParameters;
    private long associations;
    private volatile String state = "not started";

    BccSession(BccMessageDecoder decoder, Settings settings) {
        this.decoder = decoder;
        this.settings = settings;
    }

    @Override
    public void start(SessionLink sessionLink, long nowNanos) throws IOException {
        this.link = new BccReadOnlyLink(sessionLink);
        associate(nowNanos);
        state = "associating (ADMIN:ALIVE sent)";
    }

    private BccReadOnlyLink link() {
        BccReadOnlyLink l = link;
        if (l == null) {
            throw new IllegalStateException("session not started");
        }
        return l;
    }

    private void associate(long nowNanos) throws IOException {
        associated = false;
        bedId = BccRequest.INITIAL_BED_ID;
        request(BccRequest.ALIVE, nowNanos);
    }

    private void request(BccRequest request, long nowNanos) throws IOException {
        link().request(request, bedId);
        inFlight = request;
        lastProgress = nowNanos;
        resent = false;
        overflowed = false;
        pending.reset();
    }

    @Override
    public DecodeResult onFrame(ByteBuffer frame, Instant receivedAt, long nowNanos) throws IOException {
        if (frame.remaining() == 1) {
            byte b = frame.get(frame.position());
            BccRequest r = inFlight;
            if (b == BccCodes.NAK && r != null && !resent) {
                link().request(r, bedId);
                resent = true;
                lastProgress = nowNanos;
            }
            return DecodeResult.of(List.of());
        }
        BccMessageDecoder.Part part;
        try {
            part = BccMessageDecoder.part(frame);
        } catch (DecodeException e) {
            link().nak(); // the SpaceCom sends the frame again
            naksSent++;
            return DecodeFailure.of(e.reason(), e.getMessage(), frame);
        }
        link().ack();
        lastProgress = nowNanos;
        if (overflowed) {
            if (part.last()) {
                answered();
            }
            return DecodeResult.of(List.of());
        }
        if (pending.size() + part.text().length > MAX_ANSWER) {
            overflowed = !part.last();
            pending.reset();
            if (part.last()) {
                answered();
            }
            return DecodeFailure.of(
                    DecodeFailure.Reason.FRAME_TOO_LONG,
                    "multi-part answer longer than " + MAX_ANSWER + " bytes; dropped",
                    frame);
        }
        pending.write(part.text(), 0, part.text().length);
        if (!part.last()) {
            return DecodeResult.of(List.of());
        }
        byte[] text = pending.toByteArray();
        pending.reset();
        BccMessageDecoder.Answer answer;
        try {
            answer = decoder.answer(text, receivedAt);
        } catch (DecodeException e) {
            answered();
            return DecodeFailure.of(e.reason(), e.getMessage(), ByteBuffer.wrap(text));
        }
        answers++;
        unknownParameters += answer.unknownParameters();
        if (answer.gnack()) {
            bedId = part.bedId();
            associated = true;
            everAssociated = true;
            associations++;
            nextPoll = nowNanos;
        } else if (associated && answer.rackErrors().stream().anyMatch(c -> c != BccCodes.ERROR_NO_FURTHER_DATA)) {
            associate(nowNanos);
            state = "re-associating: the SpaceCom answered " + answer.rackErrors();
            return DecodeResult.of(answer.readings());
        }
        answered();
        updateState();
        return DecodeResult.of(answer.readings());
    }

    private void answered() {
        inFlight = null;
        resent = false;
        overflowed = false;
        pending.reset();
    }

    private void updateState() {
        state = associated
                ? "associated with " + bedId + ", polling every "
                        + settings.interval().toMillis() + " ms; "
                        + answers + " answers, " + naksSent + " NAKs sent, " + unknownParameters
                        + " unknown parameters skipped"
                : "associating (ADMIN:ALIVE sent)";
    }

    @Override
    public void onTick(long nowNanos) throws IOException {
        BccRequest r = inFlight;
        if (r != null) {
            if (nowNanos - lastProgress > settings.timeout().toNanos()) {
                if (r.equals(BccRequest.ALIVE)) {
                    throw new SessionLostException("no answer to ADMIN:ALIVE within "
                            + settings.timeout().toMillis()
                            + " ms"
                            + (everAssociated
                                    ? ""
                                    : ": is this a SpaceCom's BCC port, with the line at its baud rate and"
                                            + " character stuffing off?"));
                }
                state = "re-associating: no answer to " + r + " within "
                        + settings.timeout().toMillis() + " ms";
                associate(nowNanos);
            }
            return;
        }
        if (associated && nowNanos - nextPoll >= 0) {
            long interval = settings.interval().toNanos();
            nextPoll = nowNanos - nextPoll > interval ? nowNanos + interval : nextPoll + interval;
            request(BccRequest.GET_ALL, nowNanos);
        }
    }

    @Override
    public void stop() {
        // BCC has no release: the SpaceCom forgets a client that stops asking.
        state = "stopped";
    }

    @Override
    public String state() {
        return state;
    }

    /** How many times the SpaceCom accepted ADMIN:ALIVE on this link (1 unless the session associated again). */
    long associations() {
        return associations;
    }

    long naksSent() {
        return naksSent;
    }

    long unknownParameters() {
        return unknownParameters;
    }
}
