package org.bedside.drivers.ivue;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** protocols.md §1.9 and §7.3: the programming guide's FLOAT-Type examples. */
class IvueFloatTest {

    @Test
    void decodesTheGuidesExamplesKeepingTheirPrecision() {
        assertThat(IvueFloat.value(0xFD007D00)).isEqualTo(new BigDecimal("32.000"));
        assertThat(IvueFloat.value(0xFF000140)).isEqualTo(new BigDecimal("32.0"));
        assertThat(IvueFloat.value(0x01000140)).isEqualByComparingTo("3200");
        assertThat(IvueFloat.value(0x02000020)).isEqualByComparingTo("3200");
        assertThat(IvueFloat.value(0x00FFFFFF)).isEqualTo(new BigDecimal("-1"));
        assertThat(IvueFloat.value(0xFF00000F)).isEqualTo(new BigDecimal("1.5"));
        assertThat(IvueFloat.value(0x0000003C)).isEqualTo(new BigDecimal("60"));
    }

    @Test
    void theFourReservedValuesAreNoNumberAndSayWhy() {
        assertThat(IvueFloat.value(0x007FFFFF)).isNull();
        assertThat(IvueFloat.special(0x007FFFFF)).isEqualTo(IvueFloat.Special.NAN);
        assertThat(IvueFloat.special(0x00800000)).isEqualTo(IvueFloat.Special.NRES);
        assertThat(IvueFloat.special(0x007FFFFE)).isEqualTo(IvueFloat.Special.POSITIVE_INFINITY);
        assertThat(IvueFloat.special(0x00800002)).isEqualTo(IvueFloat.Special.NEGATIVE_INFINITY);
        assertThat(IvueFloat.value(0x00800000)).isNull();
        assertThat(IvueFloat.special(0xFF000140)).isNull();
        // the same mantissas with an exponent are ordinary numbers
        assertThat(IvueFloat.value(0x017FFFFF)).isEqualByComparingTo("83886070");
    }

    @Test
    void encodingRoundTripsEveryDecimalThatFits() {
        Random random = new Random(4);
        for (int i = 0; i < 100_000; i++) {
            BigDecimal v = BigDecimal.valueOf(random.nextInt(0x1000000) - 0x800000 + 3, random.nextInt(10) - 3);
            if (v.unscaledValue().abs().intValue() > 0x7FFFFD) {
                continue;
            }
            int raw = IvueFloat.encode(v);
            assertThat(IvueFloat.value(raw)).as("%s as %08X", v, raw).isEqualByComparingTo(v);
        }
        assertThat(IvueFloat.encode(new BigDecimal("95.6"))).isEqualTo(0xFF0003BC);
    }
}
