package org.bedside.alarms.local;

import java.util.Locale;
import java.util.Optional;

/**
 * How an output shows that one of its conditions is active, timed from the moment it became active (so it is on at
 * once): steady; blinking 0.5 s on, 0.5 s off; or beeping 0.2 s on every 2 s (for a buzzer that would otherwise sound
 * without a pause).
 */
public enum SignalPattern {
    STEADY(0, 0),
    BLINK(500, 1000),
    BEEP(200, 2000);

    private final long onMillis;
    private final long periodMillis;

    SignalPattern(long onMillis, long periodMillis) {
        this.onMillis = onMillis;
        this.periodMillis = periodMillis;
    }

    /** Whether the output is on {@code millis} (≥ 0) after its condition became active. */
    public boolean isOn(long millis) {
        return periodMillis == 0 || millis % periodMillis < onMillis;
    }

    /** {@code steady}, {@code blink}, {@code beep}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SignalPattern> ofKey(String key) {
        for (SignalPattern p : values()) {
            if (p.key().equals(key.strip())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
