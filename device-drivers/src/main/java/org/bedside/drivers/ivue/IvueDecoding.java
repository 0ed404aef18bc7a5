package org.bedside.drivers.ivue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DemographicsFingerprint;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;

/** What the session and the stateless decoder share: getting at a frame's bytes, and reading a poll result. */
final class IvueDecoding {
    private IvueDecoding() {}

    /** The frame's bytes as an array range, without a copy when the buffer has an accessible array. */
    record Bytes(byte[] data, int offset, int length) {
        static Bytes of(ByteBuffer frame) {
            if (frame.hasArray() && !frame.isReadOnly()) {
                return new Bytes(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            }
            byte[] copy = new byte[frame.remaining()];
            frame.duplicate().get(copy);
            return new Bytes(copy, 0, copy.length);
        }
    }

    /** True when a result's body is the ActionResult of a poll (single or extended). */
    static boolean isPollResult(IvueMessage.Result result) {
        if (result.command() != IvueWire.CMD_CONFIRMED_ACTION) {
            return false;
        }
        IvueReader body = result.body();
        if (body.remaining() < 8) {
            return false;
        }
        byte[] a = body.array();
        int at = body.position() + 6;
        int action = ((a[at] & 0xFF) << 8) | (a[at + 1] & 0xFF);
        return action == IvueWire.NOM_ACT_POLL_MDIB_DATA || action == IvueWire.NOM_ACT_POLL_MDIB_DATA_EXT;
    }

    /**
     * The readings of a poll result: the demographics object's state and fingerprint ({@link IvueDemographics}, with
     * {@code fingerprints}; null gives no fingerprint), or the observations of any other object.
     */
    static List<Reading> readings(
            DeviceId device,
            IvuePollResult poll,
            IvueContext ctx,
            @org.jspecify.annotations.Nullable DemographicsFingerprint fingerprints,
            Instant receivedAt)
            throws DecodeException {
        if (IvueDemographics.isDemographics(poll)) {
            Instant abs = ctx.fromAbsolute(IvueTime.absolute(poll.absoluteTime(), 0));
            Instant deviceTime = abs != null ? abs : ctx.fromRelative(poll.relativeTime());
            return List.copyOf(IvueDemographics.decode(device, poll, fingerprints, deviceTime, receivedAt));
        }
        return IvueObservationDecoder.decode(device, poll, ctx, receivedAt);
    }

    static DecodeFailure failure(DecodeException e, ByteBuffer frame) {
        return DecodeFailure.of(e.reason(), e.getMessage(), frame);
    }
}
