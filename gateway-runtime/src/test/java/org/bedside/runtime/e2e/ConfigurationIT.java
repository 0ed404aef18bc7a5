package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration error names the key and what is wrong, and the packaged gateway refuses to start. */
class ConfigurationIT {
    @TempDir
    Path dir;

    @Test
    void theGatewayRefusesABadConfigurationAndNamesEveryKey() throws Exception {
        GatewayProcess.Exited exited = GatewayProcess.startExpectingFailure(dir, """
                gateway:
                  id: icu-gw-1
                  data-dir: %s
                  devices:
                    bed12-spo2:
                      driver: masimo-ascii
                      port: /dev/ttyUSB0
                      options:
                        device-time-zone: Mars/Olympus
                    bed13-spo2:
                      driver: nellcor
                      port: /dev/ttyUSB1
                  uplink:
                    base-url: http://127.0.0.1:1/fhir
                    charting: fortnightly
                """.formatted(dir.resolve("data")));
        assertThat(exited.code()).isNotZero();
        assertThat(exited.output())
                .contains("gateway.devices.bed12-spo2.options.device-time-zone: 'Mars/Olympus' is not a time zone")
                .contains("gateway.devices.bed13-spo2.driver: unknown driver 'nellcor'; known drivers: masimo-ascii")
                .contains("gateway.uplink.charting: 'fortnightly' is not 'every-reading' or a duration");
    }

    @Test
    void aMissingRequiredKeyIsNamed() throws Exception {
        GatewayProcess.Exited exited = GatewayProcess.startExpectingFailure(dir, """
                gateway:
                  id: icu-gw-1
                  data-dir: %s
                """.formatted(dir.resolve("data")));
        assertThat(exited.code()).isNotZero();
        // The FHIR uplink is optional (PCD-01 out alone is a destination), but some destination is required.
        assertThat(exited.output())
                .contains("gateway.uplink.base-url: no destination for the readings")
                .contains("gateway.pcd01-out.host");
    }

    @Test
    void aYamlSyntaxErrorIsOneLineWithFileLineAndColumn() throws Exception {
        aYamlSyntaxErrorIsOneLine(false);
    }

    /** The same when the file is named by QUARKUS_CONFIG_LOCATIONS, as a container or a unit's Environment= may do. */
    @Test
    void aYamlSyntaxErrorIsOneLineWhenTheEnvironmentNamesTheFile() throws Exception {
        aYamlSyntaxErrorIsOneLine(true);
    }

    private void aYamlSyntaxErrorIsOneLine(boolean byEnvironment) throws Exception {
        GatewayProcess.Exited exited = GatewayProcess.startExpectingFailure(dir, """
                gateway:
                  id: icu-gw-1
                  devices:
                    bed12-spo2: {driver: masimo-ascii, port: /dev/ttyUSB0
                  uplink:
                    base-url: http://127.0.0.1:1/fhir
                """, byEnvironment);
        assertThat(exited.code()).isNotZero();
        assertThat(exited.output())
                .containsPattern("(?m)^The gateway does not start: .*bad\\.yaml:\\d+:\\d+: YAML syntax error: .+$")
                .doesNotContain("at org.yaml")
                .doesNotContain("Exception");
    }
}
