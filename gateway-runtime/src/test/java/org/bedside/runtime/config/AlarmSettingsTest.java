package org.bedside.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import java.math.BigDecimal;
import java.time.Duration;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.alarms.LimitRule;
import org.bedside.alarms.Parameter;
import org.bedside.model.DeviceId;
import org.junit.jupiter.api.Test;

/** {@code gateway.alarms} read from real YAML by SmallRye, as the gateway reads its file. */
class AlarmSettingsTest {
    private static final String BASE = """
            gateway:
              id: icu-gw-12
              bed: ICU 12
              uplink:
                base-url: http://127.0.0.1:8090/fhir
              devices:
                bed12-spo2:
                  driver: masimo-ascii
                  port: /dev/ttyUSB0
                bed12-monitor:
                  driver: ivue-rs232
                  port: /dev/ttyUSB1
            """;

    private static GatewayConfig config(String alarms) {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("test.yaml", BASE + alarms))
                .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus's "2s" form
                .withMapping(GatewayConfig.class)
                .build();
        return c.getConfigMapping(GatewayConfig.class);
    }

    @Test
    void withoutASectionTheEngineRunsOnTheShippedDefaultAndNoAlertManager() {
        AlarmSettings s = AlarmSettings.from(config(""));
        assertThat(s.enabled()).isTrue();
        assertThat(s.careUnit()).isEqualTo("default");
        assertThat(s.policyOf(DeviceId.of("bed12-spo2"))).isEqualTo(AlarmPolicy.defaults());
        assertThat(s.pcd04()).isNull();
        assertThat(s.describe()).anySatisfy(l -> assertThat(l).contains("no Alert Manager"));
        assertThat(s.hash()).hasSize(64);
    }

    @Test
    void aCareUnitsPolicyInDottedKeysAndTheAlertManagerAreRead() {
        AlarmSettings s = AlarmSettings.from(config("""
                  alarms:
                    care-unit: icu
                    care-units:
                      icu:
                        spo2.low: 88
                        spo2.low.delay: 10s
                        escalation.after: 5m
                      step-down:
                        heart-rate.high: 130
                    device-care-units:
                      bed12-monitor: step-down
                    pcd04:
                      host: am.example.org
                      port: 2575
                      heartbeat: 15s
                """));
        AlarmPolicy icu = s.policyOf(DeviceId.of("bed12-spo2"));
        assertThat(icu.careUnit()).isEqualTo("icu");
        LimitRule low = icu.rule(Parameter.SPO2, LimitRule.Direction.LOW).orElseThrow();
        assertThat(low.limit()).isEqualByComparingTo(new BigDecimal("88"));
        assertThat(low.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(icu.escalateAfter()).isEqualTo(Duration.ofMinutes(5));
        AlarmPolicy stepDown = s.policyOf(DeviceId.of("bed12-monitor"));
        assertThat(stepDown.careUnit()).isEqualTo("step-down");
        assertThat(stepDown.rule(Parameter.HEART_RATE, LimitRule.Direction.HIGH)
                        .orElseThrow()
                        .limit())
                .isEqualByComparingTo("130");

        AlarmSettings.Pcd04Settings am = s.pcd04();
        assertThat(am).isNotNull();
        assertThat(am.destination()).isEqualTo("am.example.org:2575");
        assertThat(am.delivery().heartbeat()).isEqualTo(Duration.ofSeconds(15));
        assertThat(am.sender().eui64()).isEqualTo(AlarmSettings.derivedEui64("icu-gw-12"));
        assertThat(am.location().toString()).contains("icu").contains("ICU 12");
        assertThat(s.describe())
                .anySatisfy(l -> assertThat(l).contains("alarm policy 'icu'").contains("spo2.low = 88"))
                .anySatisfy(l -> assertThat(l).contains("am.example.org:2575"));
        assertThat(s.hash()).isNotEqualTo(AlarmSettings.from(config("")).hash());
    }

    @Test
    void everyProblemNamesItsYamlKey() {
        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> AlarmSettings.from(config("""
                          alarms:
                            care-unit: nicu
                            care-units:
                              icu:
                                spo2.low: 88
                                spo2.low.delay: 45s
                              ward:
                                spo2.lowest: 70
                            device-care-units:
                              bed99: icu
                            pcd04:
                              host: am.example.org
                              port: 0
                              eui64: xyz
                        """)));
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.care-units.icu.spo2.low.delay: 45s"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.care-units.ward.spo2.lowest: unknown"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.care-unit: 'nicu'"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.device-care-units.bed99: no device"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd04.port: 0"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd04.eui64: 'xyz'"));
    }

    @Test
    void thePcd05ListenerAndTheEscalationDestinationAreReadAndCheckedByKey() {
        AlarmSettings none = AlarmSettings.from(config(""));
        assertThat(none.pcd05In()).isNull();
        assertThat(none.escalation()).isNull();
        assertThat(none.escalationFromLevel()).isEqualTo(1);

        AlarmSettings s = AlarmSettings.from(config("""
                  alarms:
                    pcd04:
                      host: am.example.org
                      port: 2575
                    pcd05-in:
                      port: 2576
                      allowed-sources: [10.1.2.0/24]
                      expect-within: 90s
                    escalation:
                      from-level: 2
                      pcd04:
                        host: am2.example.org
                        port: 3575
                        heartbeat: 0s
                """));
        AlarmSettings.Pcd05InSettings in = s.pcd05In();
        assertThat(in).isNotNull();
        assertThat(in.bind().getPort()).isEqualTo(2576);
        assertThat(in.bind().getHostString()).isEqualTo("127.0.0.1");
        assertThat(in.allowed().toString()).contains("10.1.2.0/24");
        assertThat(in.maxMessageSize()).isEqualTo(1 << 20);
        assertThat(s.expectDeliveryWithin()).isEqualTo(Duration.ofSeconds(90));
        assertThat(none.expectDeliveryWithin())
                .as("not supervised unless asked")
                .isNull();
        AlarmSettings.Pcd04Settings second = s.escalation();
        assertThat(second).isNotNull();
        assertThat(second.destination()).isEqualTo("am2.example.org:3575");
        assertThat(second.delivery().heartbeat()).isZero();
        assertThat(second.sender().eui64()).isEqualTo(s.pcd04().sender().eui64());
        assertThat(s.escalationFromLevel()).isEqualTo(2);
        assertThat(s.describe())
                .anySatisfy(l -> assertThat(l).contains("PCD-05 listener on 127.0.0.1:2576"))
                .anySatisfy(l -> assertThat(l).contains("escalated 2 time(s)").contains("am2.example.org:3575"));

        ConfigProblems e = catchThrowableOfType(ConfigProblems.class, () -> AlarmSettings.from(config("""
                          alarms:
                            pcd05-in:
                              port: 70000
                              allowed-sources: [not-an-address]
                              max-message-size: 10
                              expect-within: 2s
                            escalation:
                              from-level: 0
                              pcd04:
                                host: am2.example.org
                        """)));
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd05-in.port: 70000"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd05-in: a PCD-05 reports on the alerts"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd05-in.allowed-sources:"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd05-in.max-message-size: 10"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.pcd05-in.expect-within: PT2S is not between"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.escalation.from-level: 0"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.escalation.pcd04.port: is required"));
    }

    @Test
    void theDerivedEui64IsStableLocallyAdministeredAndUnicast() {
        String eui = AlarmSettings.derivedEui64("icu-gw-12");
        assertThat(eui).matches("[0-9A-F]{16}").isEqualTo(AlarmSettings.derivedEui64("icu-gw-12"));
        int first = Integer.parseInt(eui.substring(0, 2), 16);
        assertThat(first & 0x02).isEqualTo(0x02);
        assertThat(first & 0x01).isZero();
    }
}
