package org.bedside.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The unit behind a device: an EUI-64 told from other system ids, and a record's unit found in the record alone. */
class DeviceIdentityTest {
    private static final DeviceId PUMP = DeviceId.of("icu3002-pump");
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void anEui64AsHl7SendsItIsKeptAsItsOctetsAndNothingElseIsTakenForOne() {
        assertThat(DeviceIdentity.systemIdOfEui64("0012210000000000")).isEqualTo("00-12-21-00-00-00-00-00");
        assertThat(DeviceIdentity.systemIdOfEui64("00aa21000000000f")).isEqualTo("00-AA-21-00-00-00-00-0F");
        assertThat(DeviceIdentity.systemIdOfEui64("001221000000000"))
                .as("15 digits")
                .isNull();
        assertThat(DeviceIdentity.systemIdOfEui64("PUMP-7")).isNull();
        assertThat(DeviceIdentity.systemIdOfEui64("00122100000000000"))
                .as("17 digits")
                .isNull();

        assertThat(new DeviceIdentity(PUMP, null, "00-12-21-00-00-00-00-00", null, null, null, T0).hasEui64())
                .isTrue();
        assertThat(new DeviceIdentity(PUMP, null, "00-09-FB-9B-B0-76", null, null, null, T0).hasEui64())
                .as("an IntelliVue's six octets")
                .isFalse();
        assertThat(new DeviceIdentity(PUMP, "0000056661", null, null, null, null, T0).hasEui64())
                .isFalse();
    }

    @Test
    void aRecordsUnitIsTheIdentityInItOrNone() {
        NumericReading spo2 =
                new NumericReading(PUMP, Metrics.SPO2, new BigDecimal("97"), UcumUnit.PERCENT, Quality.VALID, null, T0);
        DeviceIdentity unit = new DeviceIdentity(PUMP, "0000056661", null, "Masimo", null, null, T0);
        assertThat(DeviceIdentity.of(List.of(spo2, unit))).isSameAs(unit);
        assertThat(DeviceIdentity.of(List.of(spo2))).isNull();
    }
}
