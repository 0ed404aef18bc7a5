package org.bedside.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceIdTest {
    @Test
    void aNameSeenBeforeIsNotCheckedAgain() {
        DeviceId first = DeviceId.of("bed7-monitor");
        assertThat(DeviceId.of("bed7-monitor")).isSameAs(first).isEqualTo(new DeviceId("bed7-monitor"));
    }

    @Test
    void aBadNameIsRefusedEveryTimeNamingIt() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> DeviceId.of("bed 7"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'bed 7'");
        }
        assertThatThrownBy(() -> DeviceId.of("-bed7")).hasMessageContaining("starting with a letter or digit");
        assertThatThrownBy(() -> DeviceId.of("b".repeat(65))).hasMessageContaining("1 to 64");
    }

    @Test
    void manyNamesAreStillCheckedAndTheCacheStartsAgain() {
        for (int i = 0; i < 1500; i++) {
            assertThat(DeviceId.of("cache-test-" + i).value()).isEqualTo("cache-test-" + i);
        }
        assertThatThrownBy(() -> DeviceId.of("cache test")).isInstanceOf(IllegalArgumentException.class);
        DeviceId after = DeviceId.of("bed8-monitor");
        assertThat(DeviceId.of("bed8-monitor")).isSameAs(after);
    }
}
