package org.bedside.drivers.pipeline;

import java.time.Instant;
import java.util.Map;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one device's pipeline.
 *
 * @param detail the state in words, naming the port and the cause ("serial port /dev/... does not exist: is the cable
 *     plugged in?")
 * @param session the state of the conversation, for request/response devices; null for devices that stream
 * @param since when the pipeline entered this state
 * @param lastFrameAt when the last frame decoded, or null
 * @param unit the physical unit that sent the last frame with data, as it named itself; null when that frame named
 *     none, or the link is down
 */
public record PipelineStatus(
        DeviceId device,
        String driver,
        String endpoint,
        LinkState state,
        String detail,
        @Nullable String session,
        Instant since,
        @Nullable Instant lastFrameAt,
        long frames,
        long readings,
        long bytes,
        long storeFailures,
        long reconnects,
        Map<DecodeFailure.Reason, Long> decodeFailures,
        @Nullable DeviceIdentity unit) {

    public PipelineStatus {
        decodeFailures = Map.copyOf(decodeFailures);
    }

    public long decodeFailureTotal() {
        return decodeFailures.values().stream().mapToLong(Long::longValue).sum();
    }
}
