package org.bedside.drivers.ivue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.DeviceId;

/**
 * The pure decoder of one monitor-to-host message, used where there is no conversation: {@code bedside replay} of a
 * capture, benchmarks. Each frame is read on its own, with an empty {@link IvueContext}: values whose physio id is in
 * the message decode, but a label or wave scaling sent in an earlier message is not known, and device times come only
 * from absolute time stamps (most monitors send none: then the device time is null). An MDS create event gives the
 * monitor's {@link org.bedside.model.DeviceIdentity} on its own; poll results, read without it, have none. The {@link
 * IvueSession} decodes the same messages with the context it keeps, and names the monitor in each poll result.
 */
final class IvueMessageDecoder implements MessageDecoder {
    private final DeviceId device;
    private final ZoneId zone;

    IvueMessageDecoder(DeviceId device, ZoneId zone) {
        this.device = device;
        this.zone = zone;
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        IvueDecoding.Bytes b = IvueDecoding.Bytes.of(frame);
        try {
            IvueMessage m = IvueMessages.parse(b.data(), b.offset(), b.length());
            if (m instanceof IvueMessage.Result r && IvueDecoding.isPollResult(r)) {
                IvuePollResult poll = IvuePollResult.parse(r.body());
                return DecodeResult.of(
                        IvueDecoding.readings(device, poll, new IvueContext(zone, false), null, receivedAt));
            }
            if (m instanceof IvueMessage.Invoke i && i.command() == IvueWire.CMD_CONFIRMED_EVENT_REPORT) {
                IvueMdsCreate mds = IvueMdsCreate.parse(i.body());
                org.bedside.model.DeviceIdentity identity = mds == null ? null : mds.identity(device, null, receivedAt);
                if (identity != null) {
                    return DecodeResult.of(List.of(identity));
                }
            }
            return DecodeResult.of(List.of());
        } catch (DecodeException e) {
            return IvueDecoding.failure(e, frame);
        }
    }
}
