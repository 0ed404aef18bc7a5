package org.bedside.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.bedside.sim.scenario.SensorCondition;
import org.bedside.sim.scenario.VitalSigns;
import org.junit.jupiter.api.Test;

class MasimoLineEncoderTest {
    private static final LocalDateTime TIME = LocalDateTime.of(2026, 11, 22, 9, 59, 58);
    private static final MasimoLineEncoder RADICAL_7 =
            new MasimoLineEncoder(MasimoModel.RADICAL_7, "0000012345", AlarmLimits.ADULT);
    private static final MasimoLineEncoder RADICAL_5 =
            new MasimoLineEncoder(MasimoModel.RADICAL_5, "0000012345", AlarmLimits.ADULT);

    private static final VitalSigns NORMAL = VitalSigns.builder()
            .spo2(97)
            .pulseRate(72)
            .perfusionIndex(3.6)
            .spco(1.0)
            .spmet(0.5)
            .desatIndex(1)
            .perfusionIndexDelta(-2)
            .plethVariabilityIndex(27)
            .build();

    private static String encoded(MasimoLineEncoder encoder, VitalSigns vitals, LocalDateTime time) {
        return new String(encoder.encode(vitals, time), StandardCharsets.US_ASCII);
    }

    @Test
    void writesAFullRadical7LineWithEveryFieldAndCrLf() {
        assertThat(encoded(RADICAL_7, NORMAL, TIME))
                .isEqualTo("11/22/26 09:59:58 SN=0000012345 SPO2=097% BPM=072 PI=03.60% SPCO=01.0% SPMET=00.5%"
                        + " DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000800\r\n");
    }

    @Test
    void writesDashesOfTheFieldsShapeForAbsentValues() {
        VitalSigns nothing = VitalSigns.builder().build();

        assertThat(encoded(RADICAL_7, nothing, TIME))
                .isEqualTo("11/22/26 09:59:58 SN=0000012345 SPO2=---% BPM=--- PI=--.--% SPCO=--.-% SPMET=--.-%"
                        + " DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000800\r\n");
    }

    @Test
    void writesDashesAndTheSensorOffBitWhenTheSensorIsOff() {
        assertThat(encoded(RADICAL_7, VitalSigns.noSignal(SensorCondition.SENSOR_OFF), TIME))
                .isEqualTo("11/22/26 09:59:58 SN=0000012345 SPO2=---% BPM=--- PI=--.--% SPCO=--.-% SPMET=--.-%"
                        + " DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000820\r\n");
    }

    @Test
    void setsLimitBitsAndAlarmActiveWhenValuesCrossTheLimits() {
        VitalSigns hypoxicTachycardic =
                NORMAL.toBuilder().spo2(85).pulseRate(150).build(); // SpO2 low 0x02, PR high 0x04, active 0x10

        assertThat(encoded(RADICAL_7, hypoxicTachycardic, TIME))
                .isEqualTo("11/22/26 09:59:58 SN=0000012345 SPO2=085% BPM=150 PI=03.60% SPCO=01.0% SPMET=00.5%"
                        + " DESAT=01 PIDELTA=-02 PVI=027 ALARM=0016 EXC=000800\r\n");
    }

    @Test
    void setsHighSpo2AndLowPulseBitsAgainstConfiguredLimits() {
        MasimoLineEncoder strict =
                new MasimoLineEncoder(MasimoModel.RADICAL_7, "0000012345", new AlarmLimits(92, 98, 50, 120));
        VitalSigns v = NORMAL.toBuilder().spo2(100).pulseRate(45).build(); // 0x01 | 0x08 | 0x10

        assertThat(strict.alarmField(v)).isEqualTo(0x0019);
        assertThat(encoded(strict, v, TIME)).contains(" ALARM=0019 ");
        assertThat(strict.alarmField(NORMAL.toBuilder().spo2(92).pulseRate(120).build()))
                .as("a value on its limit does not alarm")
                .isZero();
    }

    @Test
    void absentValuesRaiseNoAlarm() {
        assertThat(RADICAL_7.alarmField(VitalSigns.noSignal(SensorCondition.NO_SENSOR)))
                .isZero();
    }

    @Test
    void writesSignedPiDeltaRoundedDecimalsAndSeveralExceptionBits() {
        VitalSigns v = NORMAL.toBuilder()
                .perfusionIndex(2.675) // displayed rounded half-up
                .spco(1.05)
                .perfusionIndexDelta(5)
                .condition(SensorCondition.LOW_PERFUSION) // 0x04
                .condition(SensorCondition.PULSE_SEARCH) // 0x08
                .build();

        assertThat(encoded(RADICAL_7, v, LocalDateTime.of(2000, 1, 2, 3, 4, 5)))
                .isEqualTo("01/02/00 03:04:05 SN=0000012345 SPO2=097% BPM=072 PI=02.68% SPCO=01.1% SPMET=00.5%"
                        + " DESAT=01 PIDELTA=+05 PVI=027 ALARM=0000 EXC=00080C\r\n");
        assertThat(RADICAL_7.line(v.toBuilder().perfusionIndexDelta(0).build(), TIME))
                .contains(" PIDELTA=+00 ");
    }

    @Test
    void writesTheShortRadical5Line() {
        VitalSigns v = NORMAL.toBuilder().pulseRate(64).perfusionIndex(11.82).build();

        assertThat(encoded(RADICAL_5, v, LocalDateTime.of(2010, 9, 15, 15, 10, 29)))
                .isEqualTo("09/15/10 15:10:29 SPO2=097% BPM=064 PI=11.82% ALARM=00 EXC=800\r\n");
        assertThat(encoded(RADICAL_5, VitalSigns.noSignal(SensorCondition.SENSOR_OFF), TIME))
                .isEqualTo("11/22/26 09:59:58 SPO2=---% BPM=--- PI=--.--% ALARM=00 EXC=820\r\n");
        assertThat(encoded(RADICAL_5, v.toBuilder().spo2(80).build(), TIME)).contains(" ALARM=12 EXC=800");
    }

    @Test
    void refusesWhatTheLineCannotCarry() {
        assertThatThrownBy(() -> new MasimoLineEncoder(MasimoModel.RADICAL_7, "12345", AlarmLimits.ADULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 digits");
        assertThatThrownBy(() -> RADICAL_7.encode(NORMAL, LocalDateTime.of(1999, 12, 31, 23, 59, 59)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two-digit year");
    }
}
