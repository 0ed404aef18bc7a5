package org.bedside.drivers.ivue;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The IntelliVue 32-bit FLOAT-Type (§1.9): a signed 8-bit exponent over a signed 24-bit mantissa, value = mantissa ×
 * 10^exponent, with four reserved mantissas (exponent 0) that are not numbers. The decimal keeps the device's
 * precision: {@code 0xFD007D00} is 32.000, not 32.
 *
 * <p>Test vectors (Philips programming guide, as quoted in patient-monitor-datalogger and einstein):
 * {@code FD007D00} = 32.000, {@code FF000140} = 32.0, {@code 01000140} = 3200, {@code 00FFFFFF} = −1, {@code
 * FF00000F} = 1.5.
 */
final class IvueFloat {
    static final int NAN = 0x007FFFFF;
    static final int NRES = 0x00800000;
    static final int POSITIVE_INFINITY = 0x007FFFFE;
    static final int NEGATIVE_INFINITY = 0x00800002;

    /** What a FLOAT that is not a number means. */
    enum Special {
        /** No value ("not a number"). */
        NAN("no value (FLOAT NaN)"),
        /** The value cannot be shown at this resolution. */
        NRES("not at this resolution (FLOAT NRes)"),
        POSITIVE_INFINITY("above the measurement range (FLOAT +INF)"),
        NEGATIVE_INFINITY("below the measurement range (FLOAT -INF)");

        final String reason;

        Special(String reason) {
            this.reason = reason;
        }
    }

    private IvueFloat() {}

    /** The special meaning of {@code raw}, or null when it is a number. */
    static @Nullable Special special(int raw) {
        return switch (raw) {
            case NAN -> Special.NAN;
            case NRES -> Special.NRES;
            case POSITIVE_INFINITY -> Special.POSITIVE_INFINITY;
            case NEGATIVE_INFINITY -> Special.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    /** The value of {@code raw}, or null for a {@link #special} one. */
    static @Nullable BigDecimal value(int raw) {
        if (special(raw) != null) {
            return null;
        }
        int exponent = raw >> 24; // arithmetic shift: signed 8 bits
        int mantissa = (raw << 8) >> 8; // sign-extend 24 bits
        return BigDecimal.valueOf(mantissa, -exponent);
    }

    /** The FLOAT for a decimal, keeping its scale; for encoders and tests. */
    static int encode(BigDecimal value) {
        BigDecimal v = value;
        int exponent = -v.scale();
        long mantissa = v.unscaledValue().longValueExact();
        while ((mantissa > 0x7FFFFD || mantissa < -0x7FFFFD) && mantissa % 10 == 0) {
            mantissa /= 10;
            exponent++;
        }
        if (mantissa > 0x7FFFFD || mantissa < -0x7FFFFD || exponent < -128 || exponent > 127) {
            throw new IllegalArgumentException(value + " does not fit a FLOAT-Type");
        }
        return (exponent << 24) | ((int) mantissa & 0xFFFFFF);
    }
}
