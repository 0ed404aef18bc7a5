package org.bedside.drivers;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bedside.drivers.bbraun.BccDriver;
import org.bedside.drivers.gedri.GeDriDriver;
import org.bedside.drivers.ivue.IntelliVueLanDriver;
import org.bedside.drivers.ivue.IntelliVueSerialDriver;
import org.bedside.drivers.masimo.MasimoDriver;
import org.bedside.drivers.medibus.MedibusDriver;
import org.bedside.drivers.nonin.NoninDf13Driver;
import org.bedside.drivers.nonin.NoninDf2Driver;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DeviceDriver;

/** Every driver the gateway ships. A closed list: simpler than discovery while all drivers live in this project. */
public final class Drivers {
    private static final List<DeviceDriver> ALL = List.of(
            new MasimoDriver(),
            new IntelliVueSerialDriver(),
            new IntelliVueLanDriver(),
            new GeDriDriver(),
            new NoninDf13Driver(),
            new NoninDf2Driver(),
            new MedibusDriver(),
            new BccDriver(),
            new SenmlMqttDriver());

    private Drivers() {}

    public static List<DeviceDriver> all() {
        return ALL;
    }

    public static Optional<DeviceDriver> byCode(String code) {
        return ALL.stream().filter(d -> d.info().code().equals(code)).findFirst();
    }

    /** The codes, comma-separated, for error messages. */
    public static String codes() {
        return ALL.stream().map(d -> d.info().code()).collect(Collectors.joining(", "));
    }
}
