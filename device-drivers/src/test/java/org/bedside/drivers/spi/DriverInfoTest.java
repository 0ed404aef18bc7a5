package org.bedside.drivers.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.bedside.drivers.Drivers;
import org.junit.jupiter.api.Test;

class DriverInfoTest {

    @Test
    void onlyDriversThatSpeakOverSerialPortsDeclareLineSettings() {
        for (DeviceDriver d : Drivers.all()) {
            DriverInfo info = d.info();
            assertThat(info.serial() != null)
                    .as(info.code())
                    .isEqualTo(info.transports().contains(TransportKind.SERIAL));
        }
        DriverInfo udp = Drivers.byCode("intellivue-lan").orElseThrow().info();
        assertThatThrownBy(udp::defaultSerial)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the driver intellivue-lan does not speak over serial ports");
    }

    @Test
    void aSerialDriverWithoutLineSettingsOrAUdpDriverWithThemIsRefused() {
        assertThatThrownBy(() -> new DriverInfo(
                        "x", "X", "Nobody", "Monitor", Set.of(TransportKind.SERIAL), null, 64, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DriverInfo(
                        "x",
                        "X",
                        "Nobody",
                        "Monitor",
                        Set.of(TransportKind.UDP),
                        SerialSettings.of8N1(9600),
                        64,
                        List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
