package org.bedside.alarms.local;

/**
 * What someone asked of the local signals since the last {@link LocalSignals#update}: the push button on the box and
 * the HTTP API ask the same things, and {@link LocalSignals} decides both the same way.
 */
public enum SignalRequest {
    /** Silence the audible outputs for a while (IEC 60601-1-8 "audio paused"), if one of them sounds. */
    AUDIO_PAUSE,
    /** Every output on for a while, so that someone can see each lamp light and hear each buzzer sound. */
    LAMP_TEST
}
