/**
 * JMH benchmarks. Run them with {@code ./bedside bench} (the shaded {@code benchmarks/target/benchmarks.jar} with the
 * JVM flags Chronicle needs); figures and the exact commands are in docs/benchmarks.md.
 */
@NullMarked
package org.bedside.benchmarks;

import org.jspecify.annotations.NullMarked;
