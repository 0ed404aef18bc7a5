package org.bedside.model;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What one infusion pump channel is doing at one moment, as the pump reported it: its state, the drug label as the pump
 * shows it, the pump's serial number, and its numbers (rate, volume infused, volume to be infused, remaining time,
 * bolus), each with its own MDC code, UCUM unit and quality ({@link InfusionMetrics}).
 *
 * <p>A pump is a device of the bed like any other, but it is never a vital sign: the uplink charts its numbers as
 * therapy Observations, and the drug label is an observation of the device, never a medication administration
 * (docs/drivers/bbraun-bcc.md, "What is charted").
 *
 * @param channel the pump's place within its device, stable while it stays there: for a B. Braun SpaceCom rack
 *     {@code 1-1} is pillar 1, slot 1
 * @param state what the channel is doing; {@link State#REMOVED} when the pump left its slot
 * @param drugLabel the drug's name as the pump shows it, or null when the pump has none
 * @param pumpSerial the pump's serial number, or null when not reported
 * @param values the numbers the pump sent, in the order it sent them; a value the pump marked as none ({@code _NV})
 *     is null with a {@code NOT_AVAILABLE} quality
 */
public record InfusionStatus(
        DeviceId device,
        String channel,
        State state,
        @Nullable String drugLabel,
        @Nullable String pumpSerial,
        List<CompoundReading.Component> values,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    /** What a pump channel is doing (PCD-10's {@code MDC_PUMP_INFUSING_STATUS} and the B. Braun status flags). */
    public enum State {
        /** Delivering fluid. */
        INFUSING,
        /** Switched on and ready, not delivering. */
        STOPPED,
        /** In standby (paused on purpose, with a standby time). */
        STANDBY,
        /** An alarm holds the pump: it has stopped delivering until the alarm is dealt with. */
        ALARM,
        /** The pump left its slot: nothing more is known about the channel. */
        REMOVED,
        /** The pump did not say (its status flags had no value). */
        UNKNOWN;

        /** The state as it is written in JSON and on the status page: {@code infusing}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public InfusionStatus {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException(
                    "a pump channel is 1 to 32 letters, digits, '.', '_' or '-': " + channel);
        }
        if (drugLabel != null && drugLabel.isBlank()) {
            throw new IllegalArgumentException("a drug label is null or not blank");
        }
        if (pumpSerial != null && pumpSerial.isBlank()) {
            throw new IllegalArgumentException("a pump serial number is null or not blank");
        }
        values = List.copyOf(values);
    }

    /** The value of this metric, if the pump sent it. */
    public Optional<CompoundReading.Component> value(MetricCode metric) {
        return values.stream().filter(c -> c.metric().equals(metric)).findFirst();
    }

    @Override
    public InfusionStatus withReceivedAt(Instant t) {
        return new InfusionStatus(device, channel, state, drugLabel, pumpSerial, values, deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return "infusion:" + channel;
    }
}
