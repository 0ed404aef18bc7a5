package org.bedside.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class VitalSignsTest {

    @Test
    void roundsDecimalsToTheResolutionTheDeviceDisplays() {
        VitalSigns v = VitalSigns.builder()
                .perfusionIndex(2.675)
                .spco(1.05)
                .spmet(0.04)
                .build();

        assertThat(v.perfusionIndex()).isEqualTo(2.68);
        assertThat(v.spco()).isEqualTo(1.1);
        assertThat(v.spmet()).isEqualTo(0.0);
    }

    @Test
    void refusesValuesThatDoNotFitTheDisplay() {
        assertThatThrownBy(() -> VitalSigns.builder().spo2(101).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SpO2 101");
        assertThatThrownBy(() -> VitalSigns.builder().perfusionIndex(99.996).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VitalSigns.builder().perfusionIndexDelta(-100).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VitalSigns.builder().spco(Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(VitalSigns.builder().pulseRate(350).build().pulseRate())
                .as("out of physiology but on the display")
                .isEqualTo(350);
    }

    @Test
    void noSignalHasNoValuesAndKeepsTheConditions() {
        VitalSigns v = VitalSigns.noSignal(SensorCondition.SENSOR_OFF, SensorCondition.LOW_SIGNAL_IQ);

        assertThat(v.spo2()).isNull();
        assertThat(v.pulseRate()).isNull();
        assertThat(v.plethVariabilityIndex()).isNull();
        assertThat(v.conditions()).containsExactly(SensorCondition.SENSOR_OFF, SensorCondition.LOW_SIGNAL_IQ);
        assertThat(v.toBuilder().build()).isEqualTo(v);
        assertThatThrownBy(() -> v.conditions().add(SensorCondition.NO_SENSOR))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(new VitalSigns(null, null, null, null, null, null, null, null, EnumSet.noneOf(SensorCondition.class))
                        .conditions())
                .isEmpty();
    }
}
