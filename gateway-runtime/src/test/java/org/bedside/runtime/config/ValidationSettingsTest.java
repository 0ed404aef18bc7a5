package org.bedside.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.bedside.model.Metrics;
import org.bedside.uplink.ChartingValidation;
import org.junit.jupiter.api.Test;

class ValidationSettingsTest {
    record Validation(
            boolean preliminary, String outOfRange, Map<String, String> ranges, Map<String, String> frozenAfter)
            implements GatewayConfig.ValidationConfig {
        Validation(boolean preliminary, String outOfRange, Map<String, String> ranges) {
            this(preliminary, outOfRange, ranges, Map.of());
        }
    }

    /** The uplink of GatewaySettingsTest with other checks before charting. */
    record WithValidation(GatewayConfig.UplinkConfig base, GatewayConfig.ValidationConfig validation)
            implements GatewayConfig.UplinkConfig {
        @Override
        public java.util.Optional<String> baseUrl() {
            return base.baseUrl();
        }

        @Override
        public String charting() {
            return base.charting();
        }

        @Override
        public int bundleSize() {
            return base.bundleSize();
        }

        @Override
        public Duration timeout() {
            return base.timeout();
        }

        @Override
        public Duration retryMaxDelay() {
            return base.retryMaxDelay();
        }

        @Override
        public Duration maxClockSkew() {
            return base.maxClockSkew();
        }

        @Override
        public String identifierSystem() {
            return base.identifierSystem();
        }

        @Override
        public GatewayConfig.TlsConfig tls() {
            return base.tls();
        }

        @Override
        public GatewayConfig.AuthConfig auth() {
            return base.auth();
        }
    }

    static GatewaySettings settings(Validation v) {
        return GatewaySettings.from(new GatewaySettingsTest.Config(
                "icu-gw-12",
                Optional.empty(),
                Map.of(),
                new WithValidation(new GatewaySettingsTest.Uplink("http://127.0.0.1:8090/fhir", "1m"), v)));
    }

    @Test
    void rangesAreReadByTheMetricsReferenceId() {
        ChartingValidation v = settings(new Validation(true, "not-charted", Map.of("MDC_PULS_OXIM_SAT_O2", "50..100")))
                .uplink()
                .validation();
        assertThat(v.ranges()).containsOnlyKeys(Metrics.SPO2.mdc());
        assertThat(v.outOfRange()).isEqualTo(ChartingValidation.OutOfRange.NOT_CHARTED);
        assertThat(v.allPreliminary()).isTrue();
    }

    @Test
    void problemsNameTheirKeys() {
        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> settings(
                        new Validation(false, "hold", Map.of("MDC_FOO", "1..2", "MDC_PULS_OXIM_SAT_O2", "100..50"))));
        assertThat(e.problems())
                .hasSize(3)
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo("gateway.uplink.validation.out-of-range: 'hold' is not preliminary or not-charted"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("gateway.uplink.validation.ranges.MDC_FOO: not a metric a range can be set for"))
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo(
                                "gateway.uplink.validation.ranges.MDC_PULS_OXIM_SAT_O2: the range 100..50 is empty"));
    }

    @Test
    void frozenValueTimesAreReadByTheMetricsReferenceIdAndBadOnesNamed() {
        ChartingValidation v = settings(new Validation(
                        false, "preliminary", Map.of(), Map.of("MDC_ECG_HEART_RATE", "10m", "MDC_RESP_RATE", "PT15M")))
                .uplink()
                .validation();
        assertThat(v.frozenAfter())
                .containsEntry(Metrics.HEART_RATE_ECG.mdc(), Duration.ofMinutes(10))
                .containsEntry(Metrics.RESPIRATION_RATE.mdc(), Duration.ofMinutes(15))
                .hasSize(2);

        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> settings(new Validation(
                        false, "preliminary", Map.of(), Map.of("MDC_FOO", "10m", "MDC_ECG_HEART_RATE", "soon"))));
        assertThat(e.problems())
                .hasSize(2)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("gateway.uplink.validation.frozen-after.MDC_FOO: not a metric a frozen-value time"))
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo("gateway.uplink.validation.frozen-after.MDC_ECG_HEART_RATE: 'soon' is not a positive"
                                + " duration such as 10m"));
    }

    @Test
    void bloodPressureComponentsTakeRangesButNoFrozenValueTime() {
        ChartingValidation v = settings(new Validation(
                        false,
                        "preliminary",
                        Map.of("MDC_PRESS_BLD_NONINV_SYS", "60..250", "MDC_PRESS_BLD_NONINV_DIA", "30..150")))
                .uplink()
                .validation();
        assertThat(v.ranges()).containsOnlyKeys(Metrics.NIBP_SYSTOLIC.mdc(), Metrics.NIBP_DIASTOLIC.mdc());

        ConfigProblems e = catchThrowableOfType(
                ConfigProblems.class,
                () -> settings(
                        new Validation(false, "preliminary", Map.of(), Map.of("MDC_PRESS_BLD_NONINV_SYS", "10m"))));
        assertThat(e.problems())
                .singleElement()
                .satisfies(p -> assertThat(p)
                        .startsWith("gateway.uplink.validation.frozen-after.MDC_PRESS_BLD_NONINV_SYS: not a metric a"
                                + " frozen-value time can be set for")
                        .contains("MDC_ECG_HEART_RATE"))
                .satisfies(p -> assertThat(p.substring(p.indexOf("one of")))
                        .as("the metrics offered")
                        .doesNotContain("NONINV"));
    }
}
