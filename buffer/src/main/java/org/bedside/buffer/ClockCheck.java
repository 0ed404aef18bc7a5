package org.bedside.buffer;

import org.jspecify.annotations.Nullable;

/** Asked at every append whether the wall clock can be trusted; when it cannot, the record is stamped. */
@FunctionalInterface
public interface ClockCheck {
    /** Always trusted: no stamps (tests, and boxes with a real-time clock). */
    ClockCheck TRUSTED = () -> null;

    /** Null while the wall clock is trusted; otherwise the stamp that lets its times be corrected later. */
    @Nullable
    ClockStamp untrustedStamp();
}
