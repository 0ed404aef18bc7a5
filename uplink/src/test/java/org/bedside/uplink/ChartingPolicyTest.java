package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.buffer.StoredRecord;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class ChartingPolicyTest {
    static final DeviceId DEVICE = DeviceId.of("bed12-spo2");
    static final DeviceId UNASSIGNED = DeviceId.of("spare-spo2");
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final Map<DeviceId, DeviceContext> DEVICES = Map.of(
            DEVICE, new DeviceContext(DEVICE, "Bed 12 oximeter", "Masimo", "Pulse oximeter", "Patient/demo-bed-12"),
            UNASSIGNED, new DeviceContext(UNASSIGNED, "Spare", "Masimo", "Pulse oximeter", null));

    private long position;

    static UplinkSettings settings(Duration interval) {
        return UplinkSettings.defaults(URI.create("http://127.0.0.1:1/fhir"), "icu-gw-1")
                .withChartingInterval(interval);
    }

    static NumericReading spo2(DeviceId device, double secondsAfterT0, String value) {
        Instant t = T0.plusMillis((long) (secondsAfterT0 * 1000));
        return new NumericReading(
                device,
                Metrics.SPO2,
                value == null ? null : new BigDecimal(value),
                UcumUnit.PERCENT,
                value == null ? Quality.notAvailable("no value ('---')") : Quality.VALID,
                t.minusMillis(300),
                t);
    }

    private StoredRecord record(Reading... readings) {
        return new StoredRecord(++position, List.of(readings), null);
    }

    @Test
    void everyReadingModeChartsEachReadingOfAChartedMetricUnderItsOwnKey() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO), DEVICES::get);
        NumericReading a = spo2(DEVICE, 0, "97");
        NumericReading b = spo2(DEVICE, 1, null);
        List<Chartable> out = new ArrayList<>();
        out.addAll(p.accept(record(a)));
        out.addAll(p.accept(record(b)));
        assertThat(out).extracting(Chartable::reading).containsExactly(a, b);
        assertThat(out).extracting(Chartable::identifier).containsExactly("icu-gw-1/" + a.key(), "icu-gw-1/" + b.key());
        assertThat(out.get(0).effective()).isEqualTo(a.deviceTime());
        assertThat(p.earliestHeldPosition()).isEmpty();
    }

    @Test
    void perMinuteModeChartsTheLatestValidValueOfEachMinuteWhenTheNextMinuteStarts() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ofMinutes(1)), DEVICES::get);
        List<Chartable> out = new ArrayList<>();
        out.addAll(p.accept(record(spo2(DEVICE, 1, "96"))));
        out.addAll(p.accept(record(spo2(DEVICE, 30, "95"))));
        out.addAll(p.accept(record(spo2(DEVICE, 59, null)))); // the latest *valid* one counts
        assertThat(out).isEmpty();
        assertThat(p.earliestHeldPosition()).hasValue(2);

        out.addAll(p.accept(record(spo2(DEVICE, 61, "94"))));
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.displayValue()).isEqualTo("95");
            assertThat(c.identifier()).isEqualTo("icu-gw-1/bed12-spo2/150456/60s/2026-11-22T10:00:00Z");
            assertThat(c.position()).isEqualTo(2);
        });
        assertThat(p.earliestHeldPosition()).hasValue(4);
        assertThat(p.notCharted().superseded).isEqualTo(1);
        assertThat(p.notCharted().invalid).isEqualTo(1);
    }

    @Test
    void aMinuteWithoutAValidValueChartsNothing() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ofMinutes(1)), DEVICES::get);
        List<Chartable> out = new ArrayList<>();
        out.addAll(p.accept(record(spo2(DEVICE, 10, null))));
        out.addAll(p.accept(record(spo2(DEVICE, 70, "97"))));
        out.addAll(p.flushDue(T0.plusSeconds(200)));
        assertThat(out).extracting(Chartable::displayValue).containsExactly("97");
    }

    @Test
    void aQuietDevicesLastMinuteIsChartedOnceItsGracePeriodHasPassed() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ofMinutes(1)), DEVICES::get);
        p.accept(record(spo2(DEVICE, 40, "97")));
        assertThat(p.flushDue(T0.plusSeconds(60))).isEmpty();
        assertThat(p.flushDue(T0.plusSeconds(62).plusMillis(400))).hasSize(1);
        assertThat(p.earliestHeldPosition()).isEmpty();
    }

    @Test
    void aReplayFromAnyLaterPointChoosesTheSameObservationForAMinute() {
        List<StoredRecord> records = new ArrayList<>();
        for (int s = 0; s < 180; s += 7) {
            records.add(record(spo2(DEVICE, s, s % 3 == 0 ? null : Integer.toString(90 + s % 9))));
        }
        List<Chartable> full = runAll(records);
        for (int from = 0; from < records.size(); from++) {
            List<Chartable> replay = runAll(records.subList(from, records.size()));
            // a replay starting late charts a subset, and what it charts is identical
            for (Chartable c : replay) {
                Chartable same = full.stream()
                        .filter(f -> f.identifier().equals(c.identifier()))
                        .findFirst()
                        .orElseThrow();
                assertThat(c.reading()).isEqualTo(same.reading());
            }
        }
    }

    private static List<Chartable> runAll(List<StoredRecord> records) {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ofMinutes(1)), DEVICES::get);
        List<Chartable> out = new ArrayList<>();
        for (StoredRecord r : records) {
            out.addAll(p.accept(r));
        }
        out.addAll(p.flushDue(T0.plus(Duration.ofHours(1))));
        return out;
    }

    @Test
    void aDeviceWithoutAPatientIsNotChartedAndIsCounted() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO), DEVICES::get);
        assertThat(p.accept(record(spo2(UNASSIGNED, 0, "97")))).isEmpty();
        assertThat(p.notCharted().noPatient).isEqualTo(1);
    }

    @Test
    void vendorMetricsAreKeptOutOfTheChart() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO), DEVICES::get);
        NumericReading pvi = new NumericReading(
                DEVICE,
                MetricCode.vendor("X_MASIMO_PVI", "PVI"),
                BigDecimal.TEN,
                UcumUnit.PERCENT,
                Quality.VALID,
                null,
                T0);
        assertThat(p.accept(record(pvi))).isEmpty();
        assertThat(p.notCharted().notChartedMetric).isEqualTo(1);
    }

    /** A pump channel's reading as the B. Braun driver makes one: rate, VTBI, volume infused, remaining time, bolus. */
    static InfusionStatus pump(
            String channel, double secondsAfterT0, String rate, @org.jspecify.annotations.Nullable String remaining) {
        return new InfusionStatus(
                DEVICE,
                channel,
                InfusionStatus.State.INFUSING,
                "Dopamine",
                "36248",
                List.of(
                        new CompoundReading.Component(
                                InfusionMetrics.RATE, new BigDecimal(rate), InfusionMetrics.ML_PER_HOUR, Quality.VALID),
                        new CompoundReading.Component(
                                InfusionMetrics.VOLUME_TO_BE_INFUSED,
                                new BigDecimal("250.0"),
                                InfusionMetrics.ML,
                                Quality.VALID),
                        new CompoundReading.Component(
                                InfusionMetrics.VOLUME_INFUSED,
                                new BigDecimal("0.00"),
                                InfusionMetrics.ML,
                                Quality.VALID),
                        new CompoundReading.Component(
                                InfusionMetrics.REMAINING_TIME,
                                remaining == null ? null : new BigDecimal(remaining),
                                InfusionMetrics.SECONDS,
                                remaining == null
                                        ? Quality.notAvailable("no remaining time (INRMT 65535)")
                                        : Quality.VALID),
                        new CompoundReading.Component(
                                InfusionMetrics.BOLUS_RATE,
                                new BigDecimal("800.00"),
                                InfusionMetrics.ML_PER_HOUR,
                                Quality.VALID)),
                null,
                T0.plusMillis((long) (secondsAfterT0 * 1000)));
    }

    @Test
    void everyNumberOfAPumpWithAnMdcCodeIsChartedUnderItsOwnIdentifierAndTheBolusIsNot() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO), DEVICES::get);
        InfusionStatus pump = pump("1-1", 0, "15.4", null);
        List<Chartable> out = p.accept(record(pump, spo2(DEVICE, 0, "97")));
        assertThat(out)
                .filteredOn(c -> c.reading() == pump)
                .extracting(Chartable::identifier)
                .containsExactly(
                        "icu-gw-1/" + pump.key() + "/157784",
                        "icu-gw-1/" + pump.key() + "/157884",
                        "icu-gw-1/" + pump.key() + "/157993",
                        "icu-gw-1/" + pump.key() + "/157916");
        assertThat(out)
                .filteredOn(c -> c.reading() == pump)
                .allSatisfy(c -> assertThat(c.metric().kind()).isEqualTo(ChartedMetric.Kind.INFUSION))
                .allSatisfy(c -> assertThat(c.metric().profile()).isNull());
        assertThat(out.get(0).displayValue()).isEqualTo("15.4");
        assertThat(out.get(0).unitCode()).isEqualTo("mL/h");
        assertThat(out).hasSize(5);
        assertThat(p.notCharted().notChartedMetric)
                .as("the bolus rate: no MDC term")
                .isEqualTo(1);
    }

    @Test
    void perMinuteEachPumpChannelsNumbersAreSeriesOfTheirOwnWithTheLatestValidValue() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ofMinutes(1)), DEVICES::get);
        List<Chartable> out = new ArrayList<>();
        out.addAll(p.accept(record(pump("1-1", 5, "5.00", "3600"), pump("1-2", 5, "12.00", "600"))));
        out.addAll(p.accept(record(pump("1-1", 35, "8.00", null), pump("1-2", 35, "12.00", "570"))));
        assertThat(out).isEmpty();
        out.addAll(p.flushDue(T0.plusSeconds(63)));
        assertThat(out)
                .extracting(Chartable::identifier)
                .contains(
                        "icu-gw-1/bed12-spo2/infusion:1-1/157784/60s/2026-11-22T10:00:00Z",
                        "icu-gw-1/bed12-spo2/infusion:1-2/157784/60s/2026-11-22T10:00:00Z");
        assertThat(out)
                .filteredOn(c -> c.identifier().contains("1-1/157784"))
                .singleElement()
                .satisfies(c -> assertThat(c.displayValue()).isEqualTo("8.00"));
        // 1-1's remaining time had no value at 35 s: its latest valid one (5 s) is charted, never a made-up one.
        assertThat(out)
                .filteredOn(c -> c.identifier().contains("1-1/157916"))
                .singleElement()
                .satisfies(c -> assertThat(c.displayValue()).isEqualTo("3600"));
        assertThat(out)
                .filteredOn(c -> c.identifier().contains("1-2/157916"))
                .singleElement()
                .satisfies(c -> assertThat(c.displayValue()).isEqualTo("570"));
        assertThat(out).hasSize(8);
    }

    @Test
    void aPumpWithoutAPatientIsNotCharted() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO), DEVICES::get);
        InfusionStatus pump = pump("1-1", 0, "5.00", "60");
        InfusionStatus spare = new InfusionStatus(
                UNASSIGNED, "1-1", pump.state(), pump.drugLabel(), pump.pumpSerial(), pump.values(), null, T0);
        assertThat(p.accept(record(spare))).isEmpty();
        assertThat(p.notCharted().noPatient).isEqualTo(4);
    }

    @Test
    void aDeviceClockFarFromTheGatewaysIsNotUsedForCharting() {
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO), DEVICES::get);
        NumericReading wrongClock = new NumericReading(
                DEVICE,
                Metrics.SPO2,
                BigDecimal.TEN,
                UcumUnit.PERCENT,
                Quality.VALID,
                T0.minus(Duration.ofDays(400)),
                T0);
        assertThat(p.accept(record(wrongClock)))
                .singleElement()
                .satisfies(c -> assertThat(c.effective()).isEqualTo(T0));
    }

    /** An association that changes at {@code T0 + 60 s}: nobody before, Anna from then on, uncertain after 120 s. */
    static final class ChangingSubjects implements Subjects {
        long version;

        @Override
        public Subject subjectAt(DeviceId device, Instant time, DeviceContext context) {
            if (time.isBefore(T0.plusSeconds(60))) {
                return new Subject.NotCharted("no patient");
            }
            if (time.isBefore(T0.plusSeconds(120))) {
                return new Subject.Charted("Patient?identifier=urn:mrn|1001", "a1");
            }
            return version == 0 ? new Subject.Held("two admissions") : new Subject.Charted("Patient/ben", "b2");
        }

        @Override
        public long version() {
            return version;
        }
    }

    @Test
    void aReadingIsChartedToThePatientOfTheTimeItWasTaken() {
        ChangingSubjects subjects = new ChangingSubjects();
        ChartingPolicy p =
                new ChartingPolicy(settings(Duration.ZERO), DEVICES::get, subjects, new ChartingPolicy.NotCharted());
        assertThat(p.accept(record(spo2(DEVICE, 59, "97")))).isEmpty();
        assertThat(p.accept(record(spo2(DEVICE, 61, "96"))))
                .singleElement()
                .satisfies(c -> assertThat(c.subject()).isEqualTo("Patient?identifier=urn:mrn|1001"));
        assertThat(p.notCharted().noPatient).isEqualTo(1);
    }

    @Test
    void twoPatientsInOneIntervalGetAnObservationEach() {
        ChangingSubjects subjects = new ChangingSubjects();
        subjects.version = 1;
        ChartingPolicy p = new ChartingPolicy(
                settings(Duration.ofMinutes(5)), DEVICES::get, subjects, new ChartingPolicy.NotCharted());
        p.accept(record(spo2(DEVICE, 100, "97")));
        p.accept(record(spo2(DEVICE, 130, "96")));
        List<Chartable> out = p.flushDue(T0.plusSeconds(1000));
        assertThat(out)
                .extracting(Chartable::identifier)
                .containsExactlyInAnyOrder(
                        "icu-gw-1/bed12-spo2/150456/300s/2026-11-22T10:00:00Z/a1",
                        "icu-gw-1/bed12-spo2/150456/300s/2026-11-22T10:00:00Z/b2");
    }

    @Test
    void aReadingOfAnUncertainAssociationIsHeldUntilTheAssociationChanges() {
        ChangingSubjects subjects = new ChangingSubjects();
        ChartingPolicy p =
                new ChartingPolicy(settings(Duration.ZERO), DEVICES::get, subjects, new ChartingPolicy.NotCharted());
        assertThat(p.accept(record(spo2(DEVICE, 61, "97")))).hasSize(1);
        assertThat(p.accept(record(spo2(DEVICE, 130, "96")))).isEmpty();
        assertThat(p.accept(record(spo2(DEVICE, 131, "95")))).isEmpty();
        assertThat(p.earliestHeldPosition())
                .as("the cursor stops at the first held record")
                .hasValue(2);
        assertThat(p.wantsReread()).isFalse();
        subjects.version = 1;
        assertThat(p.wantsReread()).isTrue();

        ChartingPolicy fresh =
                new ChartingPolicy(settings(Duration.ZERO), DEVICES::get, subjects, new ChartingPolicy.NotCharted());
        position = 1;
        assertThat(fresh.accept(record(spo2(DEVICE, 130, "96"))))
                .singleElement()
                .satisfies(c -> assertThat(c.subject()).isEqualTo("Patient/ben"));
        assertThat(fresh.earliestHeldPosition()).isEmpty();
    }

    @Test
    void aValueOutsideItsPlausibleRangeIsChartedAsPreliminaryOrNotAtAllAsConfigured() {
        ChartingValidation ranges = new ChartingValidation(
                Map.of(Metrics.SPO2.mdc(), ChartingValidation.Range.parse("50..100")),
                ChartingValidation.OutOfRange.PRELIMINARY,
                false);
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO).withValidation(ranges), DEVICES::get);
        assertThat(p.accept(record(spo2(DEVICE, 1, "97"))))
                .singleElement()
                .satisfies(c -> assertThat(c.preliminary()).isNull());
        assertThat(p.accept(record(spo2(DEVICE, 2, "12")))).singleElement().satisfies(c -> {
            assertThat(c.preliminary()).contains("outside the plausible range 50..100");
            assertThat(c.displayValue()).as("the device's value, unchanged").isEqualTo("12");
        });

        ChartingPolicy strict = new ChartingPolicy(
                settings(Duration.ZERO)
                        .withValidation(new ChartingValidation(
                                ranges.ranges(), ChartingValidation.OutOfRange.NOT_CHARTED, false)),
                DEVICES::get);
        assertThat(strict.accept(record(spo2(DEVICE, 3, "12")))).isEmpty();
        assertThat(strict.notCharted().implausible).isEqualTo(1);
    }

    private static CompoundReading nibp(double secondsAfterT0, String systolic, String diastolic, UcumUnit unit) {
        Instant t = T0.plusMillis((long) (secondsAfterT0 * 1000));
        return new CompoundReading(
                DEVICE,
                Metrics.NIBP,
                List.of(
                        new CompoundReading.Component(
                                Metrics.NIBP_SYSTOLIC, new BigDecimal(systolic), unit, Quality.VALID),
                        new CompoundReading.Component(
                                Metrics.NIBP_DIASTOLIC, new BigDecimal(diastolic), unit, Quality.VALID),
                        new CompoundReading.Component(
                                Metrics.NIBP_MEAN, null, unit, Quality.notAvailable("not measured"))),
                t,
                t);
    }

    @Test
    void eachBloodPressureComponentIsCheckedAgainstItsOwnRange() {
        ChartingValidation ranges = new ChartingValidation(
                Map.of(
                        Metrics.NIBP_SYSTOLIC.mdc(), ChartingValidation.Range.parse("60..250"),
                        Metrics.NIBP_DIASTOLIC.mdc(), ChartingValidation.Range.parse("30..150"),
                        Metrics.NIBP_MEAN.mdc(), ChartingValidation.Range.parse("40..200")),
                ChartingValidation.OutOfRange.PRELIMINARY,
                false);
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO).withValidation(ranges), DEVICES::get);
        assertThat(p.accept(record(nibp(1, "120", "80", UcumUnit.MM_HG))))
                .as("both inside; the mean not measured is not checked")
                .singleElement()
                .satisfies(c -> assertThat(c.preliminary()).isNull());
        assertThat(p.accept(record(nibp(2, "120", "160", UcumUnit.MM_HG))))
                .singleElement()
                .satisfies(c -> assertThat(c.preliminary())
                        .contains("diastolic 160 outside the plausible range 30..150")
                        .doesNotContain("systolic"));
        assertThat(p.accept(record(nibp(3, "300", "20", UcumUnit.MM_HG))))
                .singleElement()
                .satisfies(c -> assertThat(c.preliminary())
                        .contains("systolic 300 outside the plausible range 60..250")
                        .contains("diastolic 20 outside the plausible range 30..150"));

        ChartingPolicy strict = new ChartingPolicy(
                settings(Duration.ZERO)
                        .withValidation(new ChartingValidation(
                                ranges.ranges(), ChartingValidation.OutOfRange.NOT_CHARTED, false)),
                DEVICES::get);
        assertThat(strict.accept(record(nibp(4, "300", "80", UcumUnit.MM_HG)))).isEmpty();
        assertThat(strict.notCharted().implausible).isEqualTo(1);
        assertThat(strict.accept(record(nibp(5, "118", "76", UcumUnit.MM_HG)))).hasSize(1);
    }

    @Test
    void aValueInAnotherUnitThanItsRangeIsNotTakenAsChecked() {
        UcumUnit kpa = new UcumUnit("kPa", "kPa");
        ChartingValidation ranges = new ChartingValidation(
                Map.of(Metrics.NIBP_SYSTOLIC.mdc(), ChartingValidation.Range.parse("60..250")),
                ChartingValidation.OutOfRange.PRELIMINARY,
                false);
        ChartingPolicy p = new ChartingPolicy(settings(Duration.ZERO).withValidation(ranges), DEVICES::get);
        assertThat(p.accept(record(nibp(1, "16", "10.7", kpa))))
                .as("16 kPa is a normal systolic pressure, but it is not compared with a range in mm[Hg]")
                .singleElement()
                .satisfies(c -> assertThat(c.preliminary())
                        .contains("in kPa, not the mm[Hg]")
                        .contains("not checked"));
    }

    @Test
    void everythingCanBeChartedAsPreliminary() {
        ChartingPolicy p = new ChartingPolicy(
                settings(Duration.ZERO)
                        .withValidation(
                                new ChartingValidation(Map.of(), ChartingValidation.OutOfRange.PRELIMINARY, true)),
                DEVICES::get);
        assertThat(p.accept(record(spo2(DEVICE, 1, "97"))))
                .singleElement()
                .satisfies(c -> assertThat(c.preliminary()).contains("nurses validate"));
    }

    /** SpO2 given a frozen-value time of 10 s, for a test that counts seconds. */
    private ChartingPolicy frozenAfterTenSeconds(ChartingValidation.OutOfRange mode) {
        return new ChartingPolicy(
                settings(Duration.ZERO)
                        .withValidation(new ChartingValidation(
                                Map.of(), mode, false, Map.of(Metrics.SPO2.mdc(), Duration.ofSeconds(10)))),
                DEVICES::get);
    }

    private static List<String> preliminaries(ChartingPolicy p, StoredRecord... records) {
        List<String> out = new ArrayList<>();
        for (StoredRecord r : records) {
            for (Chartable c : p.accept(r)) {
                out.add(c.preliminary() == null ? "final" : c.preliminary());
            }
        }
        return out;
    }

    @Test
    void aValueRepeatedToTheLastDigitForLongerThanConfiguredIsFlaggedAsFrozen() {
        ChartingPolicy p = frozenAfterTenSeconds(ChartingValidation.OutOfRange.PRELIMINARY);
        List<String> flags = preliminaries(
                p,
                record(spo2(DEVICE, 0, "97")),
                record(spo2(DEVICE, 5, "97")),
                record(spo2(DEVICE, 9.9, "97")),
                record(spo2(DEVICE, 10, "97")),
                record(spo2(DEVICE, 30, "97")));
        assertThat(flags.subList(0, 3)).containsOnly("final");
        assertThat(flags.get(3))
                .contains("the same value 97 since")
                .contains("10 s configured for")
                .contains("frozen");
        assertThat(flags.get(4)).contains("frozen");
    }

    @Test
    void aChangedValueOrAMissingOneStartsTheRunAgain() {
        ChartingPolicy p = frozenAfterTenSeconds(ChartingValidation.OutOfRange.PRELIMINARY);
        List<String> flags = preliminaries(
                p,
                record(spo2(DEVICE, 0, "97")),
                record(spo2(DEVICE, 8, "97.0")), // another reading to the last digit: the device printed 97.0
                record(spo2(DEVICE, 12, "97.0")),
                record(spo2(DEVICE, 17, null)), // a sensor off: not a frozen device
                record(spo2(DEVICE, 18, "97.0")),
                record(spo2(DEVICE, 27, "97.0")),
                record(spo2(DEVICE, 28, "97.0")));
        assertThat(flags).hasSize(7);
        assertThat(flags.subList(0, 6)).as("no run reached 10 s").containsOnly("final");
        assertThat(flags.get(6)).contains("frozen");
    }

    @Test
    void aFrozenValueIsNotChartedWhereOutOfRangeValuesAreNot() {
        ChartingPolicy p = frozenAfterTenSeconds(ChartingValidation.OutOfRange.NOT_CHARTED);
        assertThat(preliminaries(
                        p,
                        record(spo2(DEVICE, 0, "97")),
                        record(spo2(DEVICE, 11, "97")),
                        record(spo2(DEVICE, 12, "96"))))
                .containsExactly("final", "final");
        assertThat(p.notCharted().implausible).isEqualTo(1);
    }

    @Test
    void onlyTheMetricsGivenATimeAreWatched() {
        ChartingPolicy p = frozenAfterTenSeconds(ChartingValidation.OutOfRange.PRELIMINARY);
        NumericReading hr0 = new NumericReading(
                DEVICE, Metrics.HEART_RATE_ECG, new BigDecimal("60"), UcumUnit.PER_MINUTE, Quality.VALID, null, T0);
        NumericReading hr1 = new NumericReading(
                DEVICE,
                Metrics.HEART_RATE_ECG,
                new BigDecimal("60"),
                UcumUnit.PER_MINUTE,
                Quality.VALID,
                null,
                T0.plusSeconds(60));
        assertThat(preliminaries(p, record(hr0), record(hr1))).containsOnly("final");
    }
}
