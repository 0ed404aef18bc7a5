package org.bedside.drivers.gedri;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bedside.drivers.gedri.GeDriCodes.Wave;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.spi.SessionLink;
import org.bedside.drivers.spi.SessionLostException;
import org.jspecify.annotations.Nullable;

/**
 * The conversation with an S/5 or CARESCAPE monitor. The monitor sends nothing until asked; one request for displayed
 * values makes it send a record every interval until told to stop, so there are no responses to wait for:
 *
 * <ol>
 *   <li>at start: the displayed-values request (basic, ext1 and ext2 classes) at DRI levels 2015 and 2009 (a monitor
 *       ignores a level it does not speak), and the waveform request if waveforms are configured;
 *   <li>while records come: nothing;
 *   <li>when no displayed-values record came for {@code resendAfter} (the monitor restarted, its cable was replugged):
 *       the requests again, once per {@code resendAfter};
 *   <li>when none came for {@code lostAfter}: the session is lost, and the pipeline reopens the port;
 *   <li>at stop: the stop requests, if the link still works.
 * </ol>
 */
final class GeDriSession implements DeviceSession {
    /** Newest first: the levels the decoder reads. */
    static final List<Integer> REQUEST_LEVELS = List.of(GeDriCodes.LEVEL_2015, GeDriCodes.LEVEL_2009);

    static final int CLASSES = GeDriCodes.REQUEST_EXT1 | GeDriCodes.REQUEST_EXT2;

    private final MessageDecoder decoder;
    private final GeDriSettings settings;
    private @Nullable SessionLink link;
    private long lastRecordNanos;
    private long lastRequestNanos;
    private int requests;
    private volatile String state = "not started";

    GeDriSession(MessageDecoder decoder, GeDriSettings settings) {
        this.decoder = decoder;
        this.settings = settings;
    }

    @Override
    public void start(SessionLink link, long nowNanos) throws IOException {
        this.link = link;
        lastRecordNanos = nowNanos;
        request(nowNanos);
        state = "requested displayed values every " + settings.interval().toSeconds() + " s";
    }

    private void request(long nowNanos) throws IOException {
        SessionLink l = link;
        if (l == null) {
            throw new IllegalStateException("session not started");
        }
        for (int level : REQUEST_LEVELS) {
            l.send(GeDriRequests.frame(GeDriRequests.displayedValues(
                    level, (int) settings.interval().toSeconds(), CLASSES)));
            if (!settings.waves().isEmpty()) {
                l.send(GeDriRequests.frame(
                        GeDriRequests.waveforms(level, GeDriRequests.WAVE_REQUEST_START, waveIds())));
            }
        }
        lastRequestNanos = nowNanos;
        requests++;
    }

    private List<Integer> waveIds() {
        return settings.waves().stream().map(w -> w.id).toList();
    }

    @Override
    public DecodeResult onFrame(ByteBuffer frame, Instant receivedAt, long nowNanos) {
        boolean physiological = frame.remaining() > GeDriCodes.OFFSET_MAINTYPE + 1
                && frame.get(frame.position() + GeDriCodes.OFFSET_MAINTYPE) == GeDriCodes.MAINTYPE_PHDB
                && frame.get(frame.position() + GeDriCodes.OFFSET_MAINTYPE + 1) == 0;
        DecodeResult result = decoder.decode(frame, receivedAt);
        if (physiological && result instanceof DecodeResult.Decoded) {
            lastRecordNanos = nowNanos;
            requests = 0;
            state = "receiving displayed values every " + settings.interval().toSeconds() + " s";
        }
        return result;
    }

    @Override
    public void onTick(long nowNanos) throws IOException {
        long silent = nowNanos - lastRecordNanos;
        if (silent > settings.lostAfter().toNanos()) {
            throw new SessionLostException("no displayed values from the monitor for "
                    + Duration.ofNanos(silent).toSeconds() + " s after " + requests
                    + (requests == 1 ? " request" : " requests")
                    + ": is the monitor's computer interface enabled, at 19200 baud, and the cable a null"
                    + " modem with RTS/CTS?");
        }
        if (silent > settings.resendAfter().toNanos()
                && nowNanos - lastRequestNanos > settings.resendAfter().toNanos()) {
            request(nowNanos);
            state = "no displayed values for " + Duration.ofNanos(silent).toSeconds() + " s; requested again";
        }
    }

    @Override
    public void stop() {
        SessionLink l = link;
        if (l == null) {
            return;
        }
        try {
            for (int level : REQUEST_LEVELS) {
                if (!settings.waves().isEmpty()) {
                    l.send(GeDriRequests.frame(
                            GeDriRequests.waveforms(level, GeDriRequests.WAVE_REQUEST_STOP, waveIds())));
                }
                l.send(GeDriRequests.frame(GeDriRequests.stopDisplayedValues(level)));
            }
        } catch (IOException | RuntimeException e) {
            // The link is already gone: the monitor stops by itself when its cable is pulled or it restarts.
        }
        state = "stopped";
    }

    @Override
    public String state() {
        return state;
    }

    /** How the session is set up (driver options, plus the time-outs tests shorten). */
    record GeDriSettings(Duration interval, List<Wave> waves, Duration resendAfter, Duration lostAfter) {
        GeDriSettings {
            waves = List.copyOf(waves);
        }

        /** Re-request after three intervals (at least 15 s), give up after six (at least 30 s). */
        static GeDriSettings of(Duration interval, List<Wave> waves) {
            Duration resend = max(interval.multipliedBy(3), Duration.ofSeconds(15));
            Duration lost = max(interval.multipliedBy(6), Duration.ofSeconds(30));
            return new GeDriSettings(interval, waves, resend, lost);
        }

        private static Duration max(Duration a, Duration b) {
            return a.compareTo(b) >= 0 ? a : b;
        }
    }
}
