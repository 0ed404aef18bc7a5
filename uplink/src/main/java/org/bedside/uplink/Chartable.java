package org.bedside.uplink;

import java.time.Instant;
import org.bedside.model.NumericReading;

/**
 * A reading the charting policy chose to chart, with the time it is charted at and the identifier its Observation
 * carries.
 *
 * @param position the store position of the record the reading came from
 */
record Chartable(NumericReading reading, ChartedMetric metric, Instant effective, String identifier, long position) {}
