/**
 * The alarm engine: a secondary alarm path (IEC 60601-1-8 distributed alarm system) that turns device alarms, values
 * beyond a care unit's limits and device status into IHE ACM alerts, cuts nuisance alarms (condition delay, dropout
 * bridging, hysteresis, suppression while a sensor is off, deduplication) and never delays or suppresses a high-priority
 * device alarm, asystole, VF/VT or apnoea. {@link org.bedside.alarms.AlarmEngine} is pure: readings and their receive
 * times go in, {@link org.bedside.model.AlertReport}s come out, with no threads, clocks or I/O, so that tests script it
 * and a replay after a crash gives the same alerts. {@link org.bedside.alarms.AlarmPolicy} is a care unit's rules.
 */
@NullMarked
package org.bedside.alarms;

import org.jspecify.annotations.NullMarked;
