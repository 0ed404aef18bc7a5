package org.bedside.sim.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.bedside.drivers.Drivers;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.UcumUnit;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;

/** The simulated sensor hub's packs decode with the gateway's own {@code senml-mqtt} driver, values and times intact. */
class SenmlPackEncoderTest {
    private static final Instant MEASURED = Instant.parse("2026-12-02T10:00:00.250Z");

    @Test
    void aPackOfTheSimulatedHubDecodesToItsTemperatureAndRespirationRateAtItsOwnTime() {
        MonitorVitals vitals = MonitorVitals.at(Scenarios.parse(Scenarios.STEADY), 42);
        byte[] pack = new SenmlPackEncoder("bed12-hub").encode(vitals, MEASURED);
        assertThat(new String(pack, StandardCharsets.UTF_8))
                .startsWith("[{\"bn\":\"urn:dev:sim:bed12-hub:\",\"bt\":1796205600.250}");

        DeviceDriver driver = Drivers.byCode("senml-mqtt").orElseThrow();
        DecodeResult r = driver.newMessageDecoder(
                        DeviceId.of("bed12-hub"), DriverOptions.parse(driver.info(), Map.of()))
                .decode(ByteBuffer.wrap(pack), MEASURED.plusMillis(30));
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        var readings = ((DecodeResult.Decoded) r).readings();
        assertThat(readings)
                .hasSize(2)
                .allSatisfy(x -> assertThat(x.deviceTime()).isEqualTo(MEASURED));
        NumericReading temp = (NumericReading) readings.get(0);
        assertThat(temp.metric().refId()).isEqualTo("MDC_TEMP");
        assertThat(temp.unit()).isEqualTo(UcumUnit.CELSIUS);
        assertThat(temp.value()).isEqualTo(vitals.temperature());
        NumericReading rr = (NumericReading) readings.get(1);
        assertThat(rr.metric()).isEqualTo(Metrics.RESPIRATION_RATE);
        assertThat(rr.value()).isEqualByComparingTo(BigDecimal.valueOf(vitals.respirationRate()));
    }
}
