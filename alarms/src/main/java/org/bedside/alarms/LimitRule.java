package org.bedside.alarms;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * One limit of a care unit's policy, such as "SpO2 below 90 % for 15 s": a value strictly beyond {@code limit} starts
 * a condition, which is notified when it has lasted {@code delay}; it is cancelled (while pending) or starts to clear
 * (once notified) only when a value is back inside the limit by at least {@code hysteresis}. With SpO2 below 90 and a
 * hysteresis of 1, 89 is beyond, 91 is clear and 90 — the limit itself — neither starts nor clears the condition, so a
 * value wavering at the limit is one condition, not a stream.
 *
 * @param parameter the vital sign
 * @param direction {@link Direction#LOW}: beyond means below the limit; {@link Direction#HIGH}: above it
 * @param limit the limit, in the unit the devices report the parameter in ({@code %}, {@code /min})
 * @param delay how long the condition must last before it is notified (the condition delay of Görges 2009)
 * @param hysteresis how far back inside the limit a value must be to count as clear
 */
public record LimitRule(
        Parameter parameter, Direction direction, BigDecimal limit, Duration delay, BigDecimal hysteresis) {

    public enum Direction {
        LOW("low"),
        HIGH("high");

        private final String key;

        Direction(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** True when the value is beyond the limit: below it for a low limit, above it for a high one. */
    public boolean isBeyond(BigDecimal value) {
        int c = value.compareTo(limit);
        return direction == Direction.LOW ? c < 0 : c > 0;
    }

    /** True when the value is back inside the limit by at least the hysteresis. */
    public boolean isClear(BigDecimal value) {
        return direction == Direction.LOW
                ? value.compareTo(limit.add(hysteresis)) >= 0
                : value.compareTo(limit.subtract(hysteresis)) <= 0;
    }

    /** The rule's name in the policy's settings: {@code spo2.low}. */
    public String key() {
        return parameter.key() + '.' + direction.key();
    }
}
