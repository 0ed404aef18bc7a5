package org.bedside.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.model.AlertReport;
import org.junit.jupiter.api.Test;

class AlarmPolicyTest {
    private static final String PREFIX = "gateway.alarms.icu.";

    private static AlarmPolicy.Parsed parse(Map<String, String> settings) {
        return AlarmPolicy.parse(settings, PREFIX);
    }

    @Test
    void theDefaultPolicyHasTheLimitsOfTheIssueAndIsValid() {
        AlarmPolicy d = AlarmPolicy.defaults();
        assertThat(d.problems("")).isEmpty();
        assertThat(d.rule(Parameter.SPO2, LimitRule.Direction.LOW).orElseThrow().limit())
                .isEqualByComparingTo("90");
        assertThat(d.rule(Parameter.SPO2, LimitRule.Direction.HIGH)).isEmpty();
        assertThat(d.rule(Parameter.HEART_RATE, LimitRule.Direction.HIGH)
                        .orElseThrow()
                        .limit())
                .isEqualByComparingTo("120");
        assertThat(d.rule(Parameter.PULSE_RATE, LimitRule.Direction.LOW)
                        .orElseThrow()
                        .limit())
                .isEqualByComparingTo("50");
        assertThat(d.rule(Parameter.RESPIRATION_RATE, LimitRule.Direction.LOW)
                        .orElseThrow()
                        .limit())
                .isEqualByComparingTo("8");
        assertThat(d.rule(Parameter.RESPIRATION_RATE, LimitRule.Direction.HIGH)
                        .orElseThrow()
                        .limit())
                .isEqualByComparingTo("30");
        assertThat(d.limits()).allSatisfy(r -> assertThat(r.delay()).isEqualTo(Duration.ofSeconds(15)));
    }

    @Test
    void settingsNotGivenKeepTheDefaultsAndEveryGivenOneIsRead() {
        AlarmPolicy p = parse(Map.of(
                        "care-unit", "icu",
                        "spo2.low", "88",
                        "spo2.low.delay", "20s",
                        "spo2.high", "100",
                        "heart-rate.high", "off",
                        "end-hold", "5s",
                        "escalation.after", "PT90S",
                        "priority.technical", "LOW"))
                .policy();
        assertThat(p).isNotNull();
        assertThat(p.careUnit()).isEqualTo("icu");
        LimitRule low = p.rule(Parameter.SPO2, LimitRule.Direction.LOW).orElseThrow();
        assertThat(low.limit()).isEqualByComparingTo("88");
        assertThat(low.delay()).isEqualTo(Duration.ofSeconds(20));
        assertThat(low.hysteresis()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(p.rule(Parameter.SPO2, LimitRule.Direction.HIGH)
                        .orElseThrow()
                        .delay())
                .isEqualTo(Duration.ofSeconds(15));
        assertThat(p.rule(Parameter.HEART_RATE, LimitRule.Direction.HIGH)).isEmpty();
        assertThat(p.rule(Parameter.HEART_RATE, LimitRule.Direction.LOW)).isPresent();
        assertThat(p.endHold()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.escalateAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.technicalPriority()).isEqualTo(AlertReport.Priority.LOW);
        assertThat(p.maxDropout()).isEqualTo(AlarmPolicy.defaults().maxDropout());
    }

    @Test
    void everyProblemIsReportedNamingItsSetting() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("spo2.low.delay", "45s");
        bad.put("max-dropout", "20s");
        bad.put("heart-rate.low", "fifty");
        bad.put("respiration-rate.low", "40");
        bad.put("pulse-rate.high.hysteresis", "-2");
        bad.put("spo2.high.delay", "10s");
        bad.put("end-hold", "soon");
        bad.put("escalation.after", "5s");
        bad.put("priority.physiological", "none");
        bad.put("care-unit", "ICU 3");
        bad.put("spo2.lo", "85");
        AlarmPolicy.Parsed parsed = parse(bad);
        assertThat(parsed.isValid()).isFalse();
        List<String> problems = parsed.problems();
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.icu.heart-rate.low: 'fifty' is not a number"))
                .anySatisfy(p ->
                        assertThat(p).startsWith("gateway.alarms.icu.spo2.high.delay: is set, but spo2.high is off"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.icu.end-hold: 'soon' is not a duration"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("gateway.alarms.icu.priority.physiological: 'none'")
                        .isNotNull())
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.icu.spo2.lo: unknown setting"));
        // the range checks run once the values read: fix the unreadable ones and they show
        bad.remove("heart-rate.low");
        bad.remove("spo2.high.delay");
        bad.remove("end-hold");
        bad.remove("priority.physiological");
        bad.remove("spo2.lo");
        List<String> ranges = parse(bad).problems();
        assertThat(ranges)
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo("gateway.alarms.icu.spo2.low.delay: 45s is outside 0s to 30s: a longer delay would"
                                + " hide a sustained condition"))
                .anySatisfy(p -> assertThat(p).isEqualTo("gateway.alarms.icu.max-dropout: 20s is outside 0s to 10s"))
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo("gateway.alarms.icu.respiration-rate.low: 40 is not below respiration-rate.high"
                                + " (30)"))
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo("gateway.alarms.icu.pulse-rate.high.hysteresis: -2 must not be negative"))
                .anySatisfy(p -> assertThat(p)
                        .isEqualTo("gateway.alarms.icu.escalation.after: 5s is outside 30s to 1h (or 0s: off)"))
                .anySatisfy(p -> assertThat(p).startsWith("gateway.alarms.icu.care-unit: 'ICU 3' is not a name"));
    }

    @Test
    void theEngineRefusesAPolicyWithProblems() {
        AlarmPolicy d = AlarmPolicy.defaults();
        AlarmPolicy tooLong = new AlarmPolicy(
                d.careUnit(),
                d.limits(),
                Duration.ofSeconds(11),
                d.endHold(),
                d.technicalDelay(),
                d.deviceAlarmDelay(),
                d.deviceAlarmEndAfter(),
                d.escalateAfter(),
                d.escalationLevels(),
                d.physiologicalPriority(),
                d.technicalPriority());
        assertThatThrownBy(() -> new AlarmEngine(tooLong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-dropout: 11s is outside 0s to 10s");
    }

    @Test
    void theSettingsReadBackToTheSamePolicy() {
        AlarmPolicy p = parse(Map.of("spo2.high", "99.5", "spo2.high.hysteresis", "0.5", "device-alarm-delay", "500ms"))
                .policy();
        assertThat(p).isNotNull();
        AlarmPolicy again = parse(p.settings()).policy();
        assertThat(again).isEqualTo(p);
        assertThat(again.hash()).isEqualTo(p.hash());
    }

    @Test
    void describeListsEverySettingWithTheHash() {
        AlarmPolicy d = AlarmPolicy.defaults();
        String text = d.describe();
        assertThat(text).startsWith("alarm policy 'default' (sha256 " + d.hash().substring(0, 12) + "):");
        for (Map.Entry<String, String> e : d.settings().entrySet()) {
            assertThat(text).contains("\n  " + e.getKey() + " = " + e.getValue());
        }
        assertThat(text.lines().count()).isEqualTo(1 + d.settings().size());
        assertThat(text)
                .contains("spo2.low = 90")
                .contains("spo2.low.delay = 15s")
                .contains("spo2.high = off")
                .contains("escalation.after = 2m");
    }

    @Test
    void theHashIsStableAndChangesWithAnySetting() {
        String h = AlarmPolicy.defaults().hash();
        assertThat(h).hasSize(64).isEqualTo(AlarmPolicy.defaults().hash());
        for (Map.Entry<String, String> change : Map.of(
                        "spo2.low", "89",
                        "spo2.low.delay", "14s",
                        "care-unit", "ward-3",
                        "escalation.levels", "2",
                        "heart-rate.low.hysteresis", "2")
                .entrySet()) {
            AlarmPolicy p = parse(Map.of(change.getKey(), change.getValue())).policy();
            assertThat(p).isNotNull();
            assertThat(p.hash()).as(change.getKey()).isNotEqualTo(h);
        }
    }

    @Test
    void durationsReadInTheUsualForms() {
        assertThat(AlarmPolicy.parseDuration("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(AlarmPolicy.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(AlarmPolicy.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(AlarmPolicy.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(AlarmPolicy.parseDuration("PT15S")).isEqualTo(Duration.ofSeconds(15));
        assertThat(AlarmPolicy.parseDuration("15")).isNull();
        assertThat(AlarmPolicy.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(AlarmPolicy.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(AlarmPolicy.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
