package org.bedside.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The quality a device reported for a value: a set of {@link QualityFlag}s and, when anything is wrong, the reason in
 * words ("sensor off (EXC 0x000020)"). A valid value has no invalidating flag; a missing value always has one and a
 * reason.
 */
public record Quality(Set<QualityFlag> flags, String reason) {
    public static final Quality VALID = new Quality(Set.of(), "");

    public Quality {
        flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        if (!flags.isEmpty() && reason.isBlank()) {
            throw new IllegalArgumentException("a quality flag needs a reason: " + flags);
        }
    }

    public static Quality of(QualityFlag flag, String reason) {
        return new Quality(EnumSet.of(flag), reason);
    }

    public static Quality notAvailable(String reason) {
        return of(QualityFlag.NOT_AVAILABLE, reason);
    }

    public static Quality invalid(String reason) {
        return of(QualityFlag.INVALID, reason);
    }

    public boolean has(QualityFlag flag) {
        return flags.contains(flag);
    }

    /** True when no flag makes the value unusable; a questionable value is still valid. */
    public boolean isValid() {
        for (QualityFlag f : flags) {
            if (f.invalidates()) {
                return false;
            }
        }
        return true;
    }

    /** The flags as the bit mask stored in the buffer. */
    public int bits() {
        int bits = 0;
        for (QualityFlag f : flags) {
            bits |= 1 << f.bit();
        }
        return bits;
    }

    public static Quality fromBits(int bits, String reason) {
        if (bits == 0 && reason.isEmpty()) {
            return VALID;
        }
        EnumSet<QualityFlag> set = EnumSet.noneOf(QualityFlag.class);
        for (QualityFlag f : QualityFlag.values()) {
            if ((bits & (1 << f.bit())) != 0) {
                set.add(f);
            }
        }
        return new Quality(set, reason);
    }
}
