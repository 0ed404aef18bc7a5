package org.bedside.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code gateway.capture} read from real YAML by SmallRye, as the gateway reads its file. */
class CaptureSettingsTest {
    private static final String BASE = """
            gateway:
              id: icu-gw-12
              data-dir: /var/lib/bedside
              uplink:
                base-url: http://127.0.0.1:8090/fhir
              devices: {}
            """;

    private static GatewayConfig config(String capture) {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("test.yaml", BASE + capture))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(GatewayConfig.class)
                .build();
        return c.getConfigMapping(GatewayConfig.class);
    }

    @Test
    void withoutASectionCapturesGoToTheDataDirectoryAtMost64MiBAndAnHour() {
        CaptureSettings s = CaptureSettings.from(config(""));
        assertThat(s.directory()).isEqualTo(Path.of("/var/lib/bedside/captures"));
        assertThat(s.maxBytes()).isEqualTo(64L << 20);
        assertThat(s.maxDuration()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theCapAndTheLongestDurationAreRead() {
        CaptureSettings s = CaptureSettings.from(config("""
                  capture:
                    max-size: 4KiB
                    max-duration: 10m
                """));
        assertThat(s.maxBytes()).isEqualTo(4096);
        assertThat(s.maxDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(CaptureSettings.describe(s.maxBytes())).isEqualTo("4 KiB");
    }

    @Test
    void aBadSizeAndDurationAreNamedByTheirKeys() {
        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> CaptureSettings.from(config("""
                  capture:
                    max-size: 64 megabytes
                    max-duration: 2d
                """)));
        assertThat(e.problems())
                .containsExactly(
                        "gateway.capture.max-size: '64 megabytes' is not a size from 1KiB to 4GiB (bytes, or a number"
                                + " with KiB, MiB or GiB)",
                        "gateway.capture.max-duration: must be from 1s to 24h");
        assertThat(catchThrowableOfType(
                                ConfigProblems.class,
                                () -> CaptureSettings.from(config("  capture:\n    max-size: 100\n")))
                        .problems())
                .singleElement()
                .asString()
                .startsWith("gateway.capture.max-size: '100' is not a size from 1KiB");
    }
}
