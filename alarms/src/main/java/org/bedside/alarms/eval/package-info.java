/**
 * The evaluation command, {@code bedside alarms evaluate}: replays 1 Hz numerics files in the BIDMC layout through the
 * alarm engine and counts what a policy notifies against what plain thresholds would have, and whether any sustained
 * episode went without an alert (docs/alarms.md, "Evaluation").
 */
@NullMarked
package org.bedside.alarms.eval;

import org.jspecify.annotations.NullMarked;
