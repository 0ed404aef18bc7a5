package org.bedside.alarms.local;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What changed at one {@link LocalSignals#update}, for the adapter to log and audit: the lamp test starting and
 * ending, an audio pause starting, refused or ending. Levels are not events: they are the update's result.
 */
public sealed interface SignalEvent {

    /** Every output is on for {@code length}, so that whoever starts the box sees each lamp and hears each buzzer. */
    record LampTestStarted(Duration length, List<String> outputs) implements SignalEvent {
        public LampTestStarted {
            outputs = List.copyOf(outputs);
        }
    }

    /** The lamp test is over: from now on each output shows its technical alarms, those raised during it too. */
    record LampTestEnded() implements SignalEvent {}

    /**
     * The audio pause button silenced the audible outputs for {@code length}; the others go on showing.
     *
     * @param conditions the technical alarms sounding when it was pressed: only a condition not among them (or one of
     *     them that ended and came back) sounds again before the time is over
     * @param restarted pressed again during a pause: its time starts again
     */
    record AudioPaused(Duration length, Set<TechnicalCondition> conditions, List<String> silenced, boolean restarted)
            implements SignalEvent {
        public AudioPaused {
            conditions = copy(conditions);
            silenced = List.copyOf(silenced);
        }
    }

    /** The button was pressed while no audible output sounded: there was nothing to pause, and no pause starts. */
    record AudioPauseNotNeeded() implements SignalEvent {}

    /**
     * The audio pause is over and the audible outputs sound again for whatever still counts.
     *
     * @param newConditions for {@link PauseEnd#NEW_CONDITION}, the technical alarms that started during the pause
     */
    record AudioPauseEnded(PauseEnd why, Set<TechnicalCondition> newConditions) implements SignalEvent {
        public AudioPauseEnded {
            newConditions = copy(newConditions);
        }
    }

    /** Why an audio pause ended. */
    enum PauseEnd {
        /** Its time is over. */
        TIME_OVER,
        /** A technical alarm started during it (IEC 60601-1-8: a new alarm condition is not silenced by an old pause). */
        NEW_CONDITION,
        /** Every technical alarm it silenced has ended: there is nothing left to pause. */
        CONDITIONS_ENDED
    }

    private static Set<TechnicalCondition> copy(Set<TechnicalCondition> conditions) {
        return conditions.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(TechnicalCondition.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(conditions));
    }
}
