package org.bedside.model;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An event an infusion pump reported, as it reported it: IHE PCD-10's {@code 68487 MDC_ATTR_EVT_COND} (delivery
 * started, stopped, completed) with its source {@code 68488 MDC_ATTR_EVT_SOURCE}. It is neither an alarm (pumps send
 * their alarms by PCD-04, and the alarm engine would raise an alert at every infusion start) nor a device condition:
 * it says that what a channel does changed, at the event's time. What the channel does then is the {@link
 * InfusionStatus} of the same record, whose state is the pump's own ({@code MDC_PUMP_INFUSING_STATUS}), never
 * inferred from the event.
 *
 * <p>It is stored and shown (replay, the status page's recent readings), not charted: docs/hl7.md, "PCD-10 in".
 *
 * @param channel the channel of the infusate source the event is about ({@code 1.1.2}, as {@link
 *     InfusionStatus#channel()}), or null when the event is the pump's
 * @param code the MDC event code as sent ({@code 197288})
 * @param refId the MDC reference id as sent ({@code MDC_EVT_PUMP_DELIV_START}), empty when not sent
 * @param kind what the gateway knows the event as; {@link Kind#UNKNOWN} with the reason otherwise
 * @param reason why the kind is unknown, empty when it is known
 */
public record InfusionEvent(
        DeviceId device,
        @Nullable String channel,
        int code,
        String refId,
        Kind kind,
        String reason,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]{0,200}");

    /**
     * The events PCD-10 requires (IHE PCD TF-2 rev 9.0 Table M.1.2-1). Only DELIV_START's code (197288) is printed in a
     * source here; the other two are known by their reference ids.
     */
    public enum Kind {
        DELIVERY_START,
        DELIVERY_STOP,
        DELIVERY_COMPLETE,
        /** Any other event code: kept as sent, never guessed at. */
        UNKNOWN;

        /** {@code delivery start}, for the record and the page. */
        public String words() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public InfusionEvent {
        if (channel != null && !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException(
                    "a pump channel is 1 to 32 letters, digits, '.', '_' or '-': " + channel);
        }
        if (code < 0) {
            throw new IllegalArgumentException("an MDC event code is not negative: " + code);
        }
        // The sender's text is stored and shown: printable ASCII only, bounded.
        if (!PRINTABLE.matcher(refId).matches()) {
            throw new IllegalArgumentException("a reference id is at most 200 printable ASCII characters");
        }
        if ((kind == Kind.UNKNOWN) == reason.isEmpty()) {
            throw new IllegalArgumentException("an unknown event says why, a known one has no reason");
        }
    }

    /**
     * The event in one line: {@code 197288 MDC_EVT_PUMP_DELIV_START (delivery start), source 1.1.2}; the sender's
     * text is already printable.
     */
    public String describe() {
        return code + (refId.isEmpty() ? "" : " " + refId) + " ("
                + (kind == Kind.UNKNOWN ? "unknown: " + reason : kind.words()) + ")"
                + (channel == null ? ", source the pump" : ", source " + channel);
    }

    @Override
    public InfusionEvent withReceivedAt(Instant t) {
        return new InfusionEvent(device, channel, code, refId, kind, reason, deviceTime, t);
    }

    /** {@code infusion-event:197288}: one event per record, so the receive time makes it unique. */
    @Override
    public String subjectPart() {
        return "infusion-event:" + code;
    }
}
