package org.bedside.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ScenariosTest {

    private static List<VitalSigns> seconds(Scenario s, long from, long to) {
        return LongStream.range(from, to).mapToObj(s::at).toList();
    }

    @Test
    void parsesTheKnownNamesAndListsThemWhenTheNameIsUnknown() {
        assertThat(Scenarios.parse("steady").name()).isEqualTo("steady");
        assertThat(Scenarios.parse(" desaturation ").name()).isEqualTo("desaturation");
        assertThat(Scenarios.parse("sensor-off").name()).isEqualTo("sensor-off");
        assertThat(Scenarios.parse("asystole").name()).isEqualTo("asystole");
        assertThat(Scenarios.parse("bidmc:01").name()).isEqualTo("bidmc:01");
        assertThat(Scenarios.parse("bidmc:7").name()).isEqualTo("bidmc:07");
        assertThat(Scenarios.known())
                .contains("steady", "desaturation", "sensor-off", "asystole", "bidmc:01", "bidmc:30");

        for (String bad : List.of("stedy", "bidmc:31", "bidmc:", "bidmc:x", "")) {
            assertThatThrownBy(() -> Scenarios.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown scenario '" + bad + "'")
                    .hasMessageContaining(
                            "steady, desaturation, sensor-off, asystole, bidmc:NN (PhysioNet BIDMC recording 01 to"
                                    + " 30)");
        }
    }

    @Test
    void isAPureFunctionOfSecondAndSeed() {
        for (String name : List.of("steady", "desaturation", "sensor-off")) {
            Scenario a = Scenarios.parse(name, 42);
            Scenario b = Scenarios.parse(name, 42);
            assertThat(seconds(a, 0, 400)).as(name).isEqualTo(seconds(b, 0, 400));
            assertThat(a.at(123)).as(name + " asked again").isEqualTo(a.at(123));
            assertThat(seconds(Scenarios.parse(name, 43), 0, 400))
                    .as(name + " with another seed")
                    .isNotEqualTo(seconds(a, 0, 400));
        }
        assertThatThrownBy(() -> Scenarios.parse("steady").at(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void steadyIsANormalAdultWithSmallVariation() {
        List<VitalSigns> tenMinutes = seconds(Scenarios.parse("steady"), 0, 600);

        assertThat(tenMinutes).allSatisfy(v -> {
            assertThat(v.conditions()).isEmpty();
            assertThat(v.spo2()).isBetween(95, 99);
            assertThat(v.pulseRate()).isBetween(65, 80);
            assertThat(v.perfusionIndex()).isBetween(3.0, 4.2);
            assertThat(v.spco()).isNotNull();
            assertThat(v.plethVariabilityIndex()).isNotNull();
        });
        assertThat(tenMinutes.stream().map(VitalSigns::spo2).distinct().count())
                .as("SpO2 varies")
                .isGreaterThan(1);
    }

    @Test
    void desaturationFallsBelow90HoldsAndRecoversWhilePulseRises() {
        Scenario s = Scenarios.parse("desaturation");

        assertThat(s.at(0).spo2()).isBetween(95, 99);
        List<VitalSigns> nadir = seconds(s, 120, 180);
        assertThat(nadir).allSatisfy(v -> {
            assertThat(v.spo2()).isBetween(80, 84);
            assertThat(v.pulseRate()).isGreaterThan(88);
        });
        int lowest = seconds(s, 0, 300).stream().mapToInt(v -> v.spo2()).min().orElseThrow();
        assertThat(lowest).isLessThan(90);
        assertThat(seconds(s, 250, 300)).allSatisfy(v -> {
            assertThat(v.spo2()).isBetween(95, 99);
            assertThat(v.pulseRate()).isLessThan(80);
        });
        assertThat(s.at(100).desatIndex()).isZero();
        assertThat(s.at(130).desatIndex()).isEqualTo(1);
        assertThat(s.at(300 + 130).spo2()).as("the episode repeats").isLessThan(90);
        assertThat(s.at(300 + 130).desatIndex()).isEqualTo(2);
    }

    @Test
    void sensorOffShowsDashesWithTheConditionThenRecovers() {
        Scenario s = Scenarios.parse("sensor-off");

        assertThat(seconds(s, 0, 30)).allSatisfy(v -> {
            assertThat(v.spo2()).isNotNull();
            assertThat(v.conditions()).isEmpty();
        });
        assertThat(seconds(s, 30, 60)).allSatisfy(v -> {
            assertThat(v).isEqualTo(VitalSigns.noSignal(SensorCondition.SENSOR_OFF));
            assertThat(v.spo2()).isNull();
            assertThat(v.pulseRate()).isNull();
            assertThat(v.perfusionIndex()).isNull();
        });
        assertThat(seconds(s, 60, 65))
                .allSatisfy(v -> assertThat(v).isEqualTo(VitalSigns.noSignal(SensorCondition.PULSE_SEARCH)));
        assertThat(seconds(s, 65, 120)).allSatisfy(v -> {
            assertThat(v.spo2()).isBetween(95, 99);
            assertThat(v.conditions()).isEmpty();
        });
        assertThat(s.at(120 + 45).has(SensorCondition.SENSOR_OFF))
                .as("it happens again")
                .isTrue();
    }

    @Test
    void bidmcReplaysTheRecordingsPulseAndSpo2() {
        Scenario s = Scenarios.parse("bidmc:01");

        // Rows of bidmc_01_Numerics.csv: "Time [s], HR, PULSE, RESP, SpO2".
        assertThat(s.at(0))
                .isEqualTo(VitalSigns.builder().pulseRate(93).spo2(97).build()); // 0,94,93,25,97
        assertThat(s.at(110))
                .isEqualTo(VitalSigns.builder().pulseRate(90).spo2(97).build()); // 110,92,90,23,97
        assertThat(s.at(480))
                .isEqualTo(VitalSigns.builder().pulseRate(90).spo2(96).build()); // 480,90,90,20,96
        // 111,92,NaN,23,NaN: both absent, so the device shows dashes; nothing else is made up.
        assertThat(s.at(111)).isEqualTo(VitalSigns.builder().build());
        assertThat(seconds(s, 0, 481).stream().filter(v -> v.spo2() == null).count())
                .as("NaN SpO2 rows in recording 01")
                .isEqualTo(13);
        assertThat(seconds(s, 0, 481))
                .as("the recording has no PI, Rainbow or PVI")
                .allSatisfy(v -> {
                    assertThat(v.perfusionIndex()).isNull();
                    assertThat(v.spco()).isNull();
                    assertThat(v.conditions()).isEmpty();
                });
    }

    @Test
    void bidmcLoopsWhenTheRecordingEnds() {
        Scenario s = Scenarios.parse("bidmc:19");

        assertThat(seconds(s, 481, 962)).isEqualTo(seconds(s, 0, 481));
        assertThat(s.at(481 * 3 + 5)).isEqualTo(s.at(5));
    }
}
