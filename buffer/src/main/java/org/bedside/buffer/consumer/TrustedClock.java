package org.bedside.buffer.consumer;

import java.util.OptionalLong;

/**
 * What a consumer needs to deliver records whose receive times were taken on an untrusted wall clock (see
 * {@link org.bedside.buffer.ClockStamp}): for a boot in which the wall clock became trustworthy, the wall-minus-monotonic
 * offset it had then.
 */
public interface TrustedClock {
    /** For boxes whose clock is always trusted: no record is ever stamped. */
    TrustedClock ALWAYS = new TrustedClock() {
        @Override
        public OptionalLong trustedOffset(String bootId) {
            return OptionalLong.empty();
        }

        @Override
        public String currentBoot() {
            return "";
        }
    };

    /** The offset recorded when the wall clock of that boot became trustworthy; empty if it never did (yet). */
    OptionalLong trustedOffset(String bootId);

    /** The running boot's id: its untrusted records wait for its clock rather than being given up. */
    String currentBoot();
}
