package org.bedside.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class RecentReadingsTest {
    private static final DeviceId BED = DeviceId.of("bed12-spo2");
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static NumericReading spo2(Instant at, String value) {
        return new NumericReading(BED, Metrics.SPO2, new BigDecimal(value), UcumUnit.PERCENT, Quality.VALID, null, at);
    }

    @Test
    void aTrendNeverHoldsMoreThanItsPointsHoweverFastAndLongADeviceSends() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        Instant at = T0;
        // Two hours at 10 readings a second: 72,000 readings of one numeric.
        for (int i = 0; i < 72_000; i++) {
            at = T0.plusMillis(100L * i);
            recent.accept(List.of(spo2(at, Integer.toString(90 + i % 10))));
        }
        assertThat(recent.points()).isLessThanOrEqualTo(900);
        assertThat(recent.seriesCount()).isEqualTo(1);
        RecentReadings.Trend trend = recent.trends(at, Duration.ofSeconds(10)).get(0);
        // It still spans the window: its first point is from about 30 minutes before the last.
        assertThat(Duration.between(Instant.ofEpochMilli(trend.t().get(0)), at))
                .isBetween(Duration.ofMinutes(29), Duration.ofMinutes(30));
        assertThat(recent.latest(at).get(0).value()).isEqualTo(Integer.toString(90 + 71_999 % 10));
    }

    @Test
    void aDeviceInventingMetricsOrAlarmsCannotGrowTheWindowPastItsBounds() {
        RecentReadings.Settings small = new RecentReadings.Settings(Duration.ofMinutes(30), 10, 16, 8);
        RecentReadings recent = new RecentReadings(small);
        for (int i = 0; i < 10_000; i++) {
            Instant at = T0.plusMillis(i);
            MetricCode invented = MetricCode.vendor("X_GARBAGE_" + i, "G" + i);
            recent.accept(List.of(
                    new NumericReading(BED, invented, BigDecimal.ONE, UcumUnit.DIMENSIONLESS, Quality.VALID, null, at),
                    new AlarmEvent(
                            BED,
                            "code-" + i,
                            null,
                            AlarmEvent.Kind.UNKNOWN,
                            AlarmEvent.Priority.UNKNOWN,
                            AlarmEvent.State.ACTIVE,
                            "alarm " + i,
                            null,
                            at)));
        }
        Instant end = T0.plusMillis(10_000);
        assertThat(recent.seriesCount()).isEqualTo(16);
        assertThat(recent.reportCount()).isEqualTo(8);
        assertThat(recent.points()).isLessThanOrEqualTo(16 * 10);
        // The ones heard from last are the ones kept.
        assertThat(recent.latest(end)).extracting(RecentReadings.Latest::label).contains("G9999");
        assertThat(recent.reports(end).get(0).text()).isEqualTo("alarm 9999");
    }

    @Test
    void everythingOlderThanTheWindowIsDroppedAsTimePasses() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        recent.accept(
                List.of(spo2(T0, "97"), new DeviceStatus(BED, DeviceStatus.Code.SENSOR_OFF, "sensor off", null, T0)));
        assertThat(recent.latest(T0.plus(Duration.ofMinutes(29)))).hasSize(1);
        Instant later = T0.plus(Duration.ofMinutes(31));
        assertThat(recent.latest(later)).isEmpty();
        assertThat(recent.reports(later)).isEmpty();
        assertThat(recent.points()).isZero();
    }

    @Test
    void anInvalidValueStaysInvalidWithItsReasonAndIsAGapInTheTrend() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        recent.accept(List.of(spo2(T0, "97")));
        recent.accept(List.of(new NumericReading(
                BED,
                Metrics.SPO2,
                null,
                UcumUnit.PERCENT,
                Quality.notAvailable("sensor off (EXC 0x000020)"),
                null,
                T0.plusSeconds(1))));
        recent.accept(List.of(spo2(T0.plusSeconds(4), "96")));
        assertThat(recent.trends(T0.plusSeconds(4), Duration.ofSeconds(10))
                        .get(0)
                        .v())
                .containsExactly(97.0, null, 96.0);
        recent.accept(List.of(new NumericReading(
                BED,
                Metrics.SPO2,
                null,
                UcumUnit.PERCENT,
                Quality.notAvailable("sensor off (EXC 0x000020)"),
                null,
                T0.plusSeconds(5))));
        RecentReadings.Latest invalid = recent.latest(T0.plusSeconds(5)).get(0);
        assertThat(invalid.value()).isNull();
        assertThat(invalid.quality()).isEqualTo("sensor off (EXC 0x000020)");
        assertThat(invalid.unit()).isEqualTo("%");
        assertThat(invalid.lastValidAt()).isEqualTo(T0.plusSeconds(4));
    }

    @Test
    void aSilenceLongerThanTheGapIsNotDrawnAcross() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        recent.accept(List.of(spo2(T0, "97")));
        recent.accept(List.of(spo2(T0.plusSeconds(60), "95")));
        RecentReadings.Trend trend =
                recent.trends(T0.plusSeconds(60), Duration.ofSeconds(10)).get(0);
        assertThat(trend.v()).containsExactly(97.0, null, 95.0);
    }

    @Test
    void aClockSteppedBackStartsTheTrendAgainRatherThanDrawBackInTime() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        for (int i = 0; i < 10; i++) {
            recent.accept(List.of(spo2(T0.plusSeconds(2L * i), "97")));
        }
        Instant stepped = T0.minus(Duration.ofHours(1));
        recent.accept(List.of(spo2(stepped, "94")));
        RecentReadings.Trend trend =
                recent.trends(stepped, Duration.ofSeconds(10)).get(0);
        assertThat(trend.t()).containsExactly(stepped.toEpochMilli());
        assertThat(trend.v()).containsExactly(94.0);
    }

    @Test
    void aReportRepeatedKeepsWhenItWasFirstSeenAndLinkStatesAreNotReports() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        for (int i = 0; i < 5; i++) {
            Instant at = T0.plusSeconds(i);
            recent.accept(List.of(
                    new AlarmEvent(
                            BED,
                            "spo2-low",
                            Metrics.SPO2,
                            AlarmEvent.Kind.PHYSIOLOGICAL,
                            AlarmEvent.Priority.UNKNOWN,
                            AlarmEvent.State.ACTIVE,
                            "SpO2 low",
                            null,
                            at),
                    new DeviceStatus(BED, DeviceStatus.Code.CONNECTED, "port open", null, at)));
        }
        List<RecentReadings.Report> reports = recent.reports(T0.plusSeconds(5));
        assertThat(reports).hasSize(1);
        RecentReadings.Report r = reports.get(0);
        assertThat(r.kind()).isEqualTo("alarm");
        assertThat(r.priority()).isEqualTo("UNKNOWN");
        assertThat(r.state().toLowerCase(Locale.ROOT)).isEqualTo("active");
        assertThat(r.firstSeen()).isEqualTo(T0);
        assertThat(r.lastSeen()).isEqualTo(T0.plusSeconds(4));
    }

    private static AlertReport alert(AlertReport.Phase phase, int update, Instant at) {
        return alert(
                phase,
                update,
                at,
                phase == AlertReport.Phase.END ? AlertReport.AlarmState.INACTIVE : AlertReport.AlarmState.ACTIVE);
    }

    private static AlertReport alert(AlertReport.Phase phase, int update, Instant at, AlertReport.AlarmState state) {
        return new AlertReport(
                BED,
                "bed12-spo2/150456-low/1796212800000000",
                "150456-low",
                update,
                phase,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlertReport.Priority.HIGH,
                AlarmEvent.Priority.UNKNOWN,
                state,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.GATEWAY,
                Metrics.SPO2,
                new BigDecimal("85"),
                UcumUnit.PERCENT,
                new BigDecimal("90"),
                null,
                "SpO2 low (below 90 %)",
                "SpO2 85 % below 90 % for 15 s",
                0,
                T0,
                phase == AlertReport.Phase.END ? at : null,
                null,
                at);
    }

    @Test
    void anAlertOfTheAlarmEngineIsShownWithItsPriorityUntilItsEnd() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        recent.accept(List.of(alert(AlertReport.Phase.START, 0, T0.plusSeconds(15))));
        recent.accept(List.of(alert(AlertReport.Phase.ESCALATE, 1, T0.plusSeconds(45))));
        List<RecentReadings.Report> open = recent.reports(T0.plusSeconds(50));
        assertThat(open).hasSize(1);
        assertThat(open.get(0).kind()).isEqualTo("alert");
        assertThat(open.get(0).priority()).isEqualTo("HIGH");
        assertThat(open.get(0).state()).isEqualTo("ACTIVE · escalate");
        assertThat(open.get(0).firstSeen()).isEqualTo(T0);
        recent.accept(List.of(alert(AlertReport.Phase.END, 2, T0.plusSeconds(60))));
        assertThat(recent.reports(T0.plusSeconds(61))).isEmpty();
    }

    @Test
    void aLatchedAlertIsShownLatchedUntilItsReset() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        recent.accept(List.of(alert(AlertReport.Phase.START, 0, T0.plusSeconds(15))));
        recent.accept(List.of(alert(AlertReport.Phase.UPDATE, 1, T0.plusSeconds(30), AlertReport.AlarmState.LATCHED)));
        List<RecentReadings.Report> open = recent.reports(T0.plusSeconds(40));
        assertThat(open).hasSize(1);
        assertThat(open.get(0).state()).isEqualTo("LATCHED · update");
        recent.accept(List.of(alert(AlertReport.Phase.RESET, 2, T0.plusSeconds(60), AlertReport.AlarmState.INACTIVE)));
        assertThat(recent.reports(T0.plusSeconds(61))).isEmpty();
    }

    @Test
    void aPumpsChannelsAreNumericsOfTheirOwnWithoutTheDrugLabel() {
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        DeviceId rack = DeviceId.of("bed12-rack");
        UcumUnit mlPerHour = new UcumUnit("mL/h", "mL/h");
        for (String channel : List.of("1-1", "1-2")) {
            recent.accept(List.of(new InfusionStatus(
                    rack,
                    channel,
                    InfusionStatus.State.INFUSING,
                    "Heparin",
                    null,
                    List.of(new CompoundReading.Component(
                            InfusionMetrics.RATE, new BigDecimal("12.5"), mlPerHour, Quality.VALID)),
                    null,
                    T0)));
        }
        List<RecentReadings.Latest> latest = recent.latest(T0);
        assertThat(latest)
                .extracting(RecentReadings.Latest::label)
                .containsExactly("Channel 1-1 Infusion rate", "Channel 1-2 Infusion rate");
        assertThat(latest).allSatisfy(l -> {
            assertThat(l.value()).isEqualTo("12.5");
            assertThat(l.ucum()).isEqualTo("mL/h");
            assertThat(l.toString()).doesNotContain("Heparin");
        });
    }

    @Test
    void aPumpsLastEventPerChannelIsAReportNeverAnAlarm() {
        DeviceId pump = DeviceId.of("icu3002-pump");
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        recent.accept(List.of(new InfusionEvent(
                pump, "1.1.2", 197288, "MDC_EVT_PUMP_DELIV_START", InfusionEvent.Kind.DELIVERY_START, "", null, T0)));
        recent.accept(List.of(new InfusionEvent(
                pump,
                "1.1.2",
                1,
                "MDC_EVT_PUMP_DELIV_STOP",
                InfusionEvent.Kind.DELIVERY_STOP,
                "",
                null,
                T0.plusSeconds(60))));
        assertThat(recent.reports(T0.plusSeconds(61))).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("pump-event");
            assertThat(r.code()).isEqualTo("MDC_EVT_PUMP_DELIV_STOP");
            assertThat(r.text()).isEqualTo("1 MDC_EVT_PUMP_DELIV_STOP (delivery stop), source 1.1.2");
            assertThat(r.priority()).as("no alarm priority is claimed").isEqualTo("UNKNOWN");
            assertThat(r.lastSeen()).isEqualTo(T0.plusSeconds(60));
        });
    }
}
