package org.bedside.uplink;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the uplink for health, metrics and the status page.
 *
 * @param detail the state in words: the server's refusal, the network error, or what was last sent
 * @param deadLettered Observations the server refused one by one, since start
 * @param deadLettersWaiting dead letters not yet retried successfully (all time)
 * @param backfilled Observations charted late and tagged as back-filled, since start
 * @param lastCharted per device, the last value that reached the chart
 */
public record UplinkStatus(
        State state,
        String detail,
        Instant since,
        @Nullable Instant lastSuccessAt,
        long bundlesAccepted,
        long observationsCreated,
        long observationsMatched,
        long retries,
        long rejections,
        long deadLettered,
        long deadLettersWaiting,
        long backfilled,
        Map<String, Long> notCharted,
        Map<String, LastCharted> lastCharted) {

    public enum State {
        /** Started, nothing sent yet. */
        STARTING,
        /** The last upload was accepted, or there was nothing to send. */
        ONLINE,
        /** The server is unreachable or overloaded; uploads are retried with back-off. Data waits in the buffer. */
        RETRYING,
        /** The server refused the last Bundle (4xx); it is retried slowly until the cause is fixed. */
        REJECTED,
        /** The server answers with a redirect (or refuses the credentials): the configuration must change. */
        MISCONFIGURED,
        /** An unexpected error; the uplink starts again from its committed position with back-off. */
        FAILED,
        STOPPED
    }

    /** The last charted value of a device. */
    public record LastCharted(String metric, @Nullable String value, String unit, Instant effective) {}

    public UplinkStatus {
        notCharted = Map.copyOf(notCharted);
        lastCharted = Map.copyOf(lastCharted);
    }
}
