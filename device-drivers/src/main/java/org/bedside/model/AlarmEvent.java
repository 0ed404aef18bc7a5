package org.bedside.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An alarm condition that the device reports as present at this moment, such as "SpO2 low". Devices that stream their
 * alarm state (Masimo sends it every second) produce one event per report while the condition lasts; turning that
 * stream into start and end phases is the alarm engine's job, not the driver's. Nothing here is invented: a priority
 * the protocol does not carry is {@link Priority#UNKNOWN}.
 *
 * @param code a stable code for the condition within the driver, such as {@code spo2-low}
 * @param source the metric the condition is about, or null for technical alarms (low battery)
 * @param text the condition in words, as a clinician would read it
 */
public record AlarmEvent(
        DeviceId device,
        String code,
        @Nullable MetricCode source,
        Kind kind,
        Priority priority,
        State state,
        String text,
        @Nullable Instant deviceTime,
        Instant receivedAt)
        implements Reading {

    /** IHE ACM alert type: physiological, technical or advisory. */
    public enum Kind {
        PHYSIOLOGICAL,
        TECHNICAL,
        ADVISORY,
        /** The device did not say. */
        UNKNOWN
    }

    public enum Priority {
        HIGH,
        MEDIUM,
        LOW,
        /** The device did not say. */
        UNKNOWN
    }

    /** IHE ACM alarm state as the device reports it. */
    public enum State {
        ACTIVE,
        /** Present, but its audible signal silenced or paused on the device (IEC 60601-1-8 AUDIO PAUSED). */
        SILENCED,
        /**
         * Present, and its audible signal silenced with the device's silence/reset key (Philips IntelliVue
         * AL_SILENCED_RESET). Said apart from {@link #SILENCED} because that is what the device reported; for the alarm
         * path it is a silenced alarm like any other: still present, never taken as acknowledged by a person.
         */
        SILENCED_RESET,
        /**
         * No longer present, but the device holds the alarm — latched — until a clinician resets it there (Philips
         * IntelliVue AL_LATCHED). The device latches alarms so that a short, significant event is not missed: a latched
         * alarm is still an open alarm.
         */
        LATCHED,
        /**
         * Present, and the device's alarm signals — visual and aural — paused there for a limited time (IEC 60601-1-8
         * ALARM PAUSED; Philips IntelliVue AL_SUSPENDED). Still an alarm: the monitor will alarm again by itself.
         */
        ALARM_PAUSED,
        /**
         * Present, and the device's alarm signals — visual and aural — switched off there until someone switches them
         * on (IEC 60601-1-8 ALARM OFF; Philips IntelliVue AL_INHIBITED). The bedside is silent and dark about it.
         */
        ALARM_OFF,
        /** The device reports the condition, but not whether it is alarming. */
        UNKNOWN
    }

    public AlarmEvent {
        if (code.isBlank() || text.isBlank()) {
            throw new IllegalArgumentException("an alarm needs a code and a text");
        }
    }

    @Override
    public AlarmEvent withReceivedAt(Instant t) {
        return new AlarmEvent(device, code, source, kind, priority, state, text, deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return "alarm:" + code;
    }
}
