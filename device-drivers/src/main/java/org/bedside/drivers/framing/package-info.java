/**
 * Reusable framers, the analogue of Netty's codec-base: most drivers compose one of these rather than writing their
 * own. Each honours the {@link org.bedside.drivers.spi.FrameDecoder} contract (chunking-invariant, resynchronising,
 * bounded, total).
 */
@NullMarked
package org.bedside.drivers.framing;

import org.jspecify.annotations.NullMarked;
