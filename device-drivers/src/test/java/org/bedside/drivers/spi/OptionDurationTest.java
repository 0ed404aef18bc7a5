package org.bedside.drivers.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionDurationTest {

    @Test
    void readsEveryUnitAndIso8601() {
        assertThat(OptionDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(OptionDuration.parse(" 30 s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(OptionDuration.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(OptionDuration.parse("12H")).isEqualTo(Duration.ofHours(12));
        assertThat(OptionDuration.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(OptionDuration.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesBareNumbersNegativeDurationsAndUnknownUnits() {
        for (String bad : List.of("5", "-5s", "PT-5S", "5 minutes", "5w", "", "s", "1.5s")) {
            assertThatThrownBy(() -> OptionDuration.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration such as 500ms");
        }
    }

    @Test
    void aDurationOutOfItsRangeNamesTheKeyTheValueAndTheRange() {
        DriverInfo info = new DriverInfo(
                "x",
                "X",
                "X",
                "Pump",
                Set.of(TransportKind.UDP),
                null,
                100,
                List.of(new OptionSpec("interval", "5s", "how often")));
        DriverOptions options = DriverOptions.parse(info, Map.of("interval", "2h"));
        assertThatThrownBy(() -> options.duration("interval", Duration.ofSeconds(1), Duration.ofHours(1)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("interval: '2h' is not a duration from 1s to 3600s (such as 500ms, 30s, 5m or PT30S)");
    }
}
