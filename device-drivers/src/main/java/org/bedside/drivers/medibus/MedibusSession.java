package org.bedside.drivers.medibus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.SessionLink;
import org.bedside.drivers.spi.SessionLostException;
import org.jspecify.annotations.Nullable;

/**
 * The Medibus slow-data conversation, with one request of ours in flight at a time:
 *
 * <ol>
 *   <li>at start: ICC; the link is open when the device answers it (the device may send its own ICC too: it is
 *       answered);
 *   <li>every {@code interval}: the device identification (first cycle only), then each configured request (measured
 *       data CP1 and CP2, alarms CP1 and CP2, device settings), each sent when the previous one is answered;
 *   <li>between cycles: a NOP whenever nothing was sent for {@code keepAlive}, so that the device does not drop the
 *       link;
 *   <li>a request unanswered within {@code timeout}: the session is lost (the pipeline reopens the port and starts with
 *       ICC again); an answer "corrupt" (0x15), or a damaged message while a request waits: the request is sent again,
 *       once;
 *   <li>commands from the device are answered at once: ICC, NOP, time changed with an empty answer, device
 *       identification with the gateway's; STOP is answered and ends the session;
 *   <li>at stop: STOP, if the link still works.
 * </ol>
 */
final class MedibusSession implements DeviceSession {
    /** The identification the gateway gives when the device asks: number, 'name', revision (OpenICE's layout). */
    static final byte[] GATEWAY_IDENTIFICATION = "0000'BEDSIDE'01.00      ".getBytes(StandardCharsets.US_ASCII);

    private final MessageDecoder decoder;
    private final Settings settings;
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private @Nullable SessionLink link;
    private int inFlight = -1;
    private long sentAt;
    private boolean retried;
    private boolean open;
    private boolean identified;
    private long nextCycle;
    private long lastSent;
    private String device = "";
    private volatile String state = "not started";

    /** The options of a session. */
    record Settings(Duration interval, Duration timeout, Duration keepAlive, List<Integer> requests) {
        Settings {
            requests = List.copyOf(requests);
        }
    }

    MedibusSession(MessageDecoder decoder, Settings settings) {
        this.decoder = decoder;
        this.settings = settings;
    }

    @Override
    public void start(SessionLink link, long nowNanos) throws IOException {
        this.link = link;
        request(MedibusCodes.ICC, nowNanos);
        state = "opening (ICC sent)";
    }

    private void request(int code, long nowNanos) throws IOException {
        send(MedibusMessages.command(code), nowNanos);
        inFlight = code;
        sentAt = nowNanos;
    }

    private void send(byte[] message, long nowNanos) throws IOException {
        SessionLink l = link;
        if (l == null) {
            throw new IllegalStateException("session not started");
        }
        l.send(message);
        lastSent = nowNanos;
    }

    @Override
    public DecodeResult onFrame(ByteBuffer frame, Instant receivedAt, long nowNanos) throws IOException {
        DecodeResult result = decoder.decode(frame, receivedAt);
        if (result instanceof DecodeFailure) {
            // A damaged message may have been the answer: ask once more at once rather than wait for the time-out.
            if (inFlight >= 0 && !retried) {
                retried = true;
                request(inFlight, nowNanos);
            }
            return result;
        }
        byte start = frame.get(frame.position());
        int code = frame.get(frame.position() + 1) & 0xFF;
        if (start == MedibusCodes.ESC) {
            answer(code, nowNanos);
            return result;
        }
        if (code == MedibusCodes.CORRUPT && inFlight >= 0) {
            if (!retried) {
                retried = true;
                request(inFlight, nowNanos);
            } else {
                answered();
            }
            return result;
        }
        if (code == inFlight) {
            if (code == MedibusCodes.ICC) {
                open = true;
                nextCycle = nowNanos;
                state = "open, polling every " + settings.interval().toSeconds() + " s";
            } else if (code == MedibusCodes.DEVICE_ID) {
                device = identification(frame);
                state = "open, polling every " + settings.interval().toSeconds() + " s; device " + device;
            }
            answered();
        }
        return result;
    }

    private void answered() {
        inFlight = -1;
        retried = false;
    }

    /** The device asked something of the gateway: answer it. */
    private void answer(int code, long nowNanos) throws IOException {
        switch (code) {
            case MedibusCodes.DEVICE_ID -> send(MedibusMessages.response(code, GATEWAY_IDENTIFICATION), nowNanos);
            case MedibusCodes.STOP -> {
                send(MedibusMessages.response(code, new byte[0]), nowNanos);
                throw new SessionLostException("the device ended the Medibus session (STOP)");
            }
            default -> send(MedibusMessages.response(code, new byte[0]), nowNanos);
        }
    }

    @Override
    public void onTick(long nowNanos) throws IOException {
        if (inFlight >= 0) {
            if (nowNanos - sentAt > settings.timeout().toNanos()) {
                throw new SessionLostException("no answer to " + MedibusCodes.commandName(inFlight) + " within "
                        + settings.timeout().toMillis() + " ms"
                        + (open ? "" : ": is the device set to Medibus, and the line to its baud rate and parity?"));
            }
            return;
        }
        if (!open) {
            return;
        }
        if (queue.isEmpty() && nowNanos - nextCycle >= 0) {
            if (!identified) {
                queue.add(MedibusCodes.DEVICE_ID);
                identified = true;
            }
            queue.addAll(settings.requests());
            long interval = settings.interval().toNanos();
            nextCycle = nowNanos - nextCycle > interval ? nowNanos + interval : nextCycle + interval;
        }
        Integer next = queue.poll();
        if (next != null) {
            request(next, nowNanos);
        } else if (nowNanos - lastSent > settings.keepAlive().toNanos()) {
            request(MedibusCodes.NOP, nowNanos);
        }
    }

    /** The answer to a device identification request: number, 'name', revision. */
    private static String identification(ByteBuffer frame) {
        int n = frame.remaining();
        byte[] m = new byte[Math.max(0, n - 4)];
        frame.duplicate().position(frame.position() + 2).get(m);
        StringBuilder b = new StringBuilder();
        for (byte x : m) {
            b.append(x >= 0x20 && x < 0x7F ? (char) x : '?');
        }
        return b.toString().strip();
    }

    @Override
    public void stop() {
        SessionLink l = link;
        if (l == null) {
            return;
        }
        try {
            l.send(MedibusMessages.command(MedibusCodes.STOP));
        } catch (IOException | RuntimeException e) {
            // the link is gone: the device times the session out by itself
        }
        state = "stopped";
    }

    @Override
    public String state() {
        return state;
    }

    /** The device's identification as it answered it, for tests and the status page. */
    String device() {
        return device;
    }
}
