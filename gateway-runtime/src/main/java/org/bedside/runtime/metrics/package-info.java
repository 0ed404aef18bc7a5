/** Prometheus metrics (at /q/metrics): readings, decode failures by reason, buffer depth and age, uploads. */
@NullMarked
package org.bedside.runtime.metrics;

import org.jspecify.annotations.NullMarked;
