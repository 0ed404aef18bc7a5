package org.bedside.sim.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a pulse oximeter, or a patient monitor, displays at one second: the numbers, each of which may be absent (the
 * device shows dashes), and the sensor conditions it reports. The oximeter's values come first; the monitor's (heart rate
 * from the ECG, respiration rate, temperature and the last non-invasive blood pressure) were added for the IntelliVue
 * simulator and are absent in what an oximeter shows (the Masimo simulator ignores them). Values are held at the resolution the device displays them (SpO2 in whole percent,
 * PI in hundredths, SpCO and SpMet in tenths): decimals are rounded half-up on construction, so a value read back from
 * the wire equals the value here.
 *
 * <p>The ranges checked are those the display fields can hold (three digits, {@code dd.dd}, ...), not physiology: a
 * test may simulate a pulse rate of 350 to see what the gateway makes of it. Scenarios keep to physiological values.
 *
 * @param spo2 functional oxygen saturation, %
 * @param pulseRate pulse rate from the plethysmogram, per minute
 * @param perfusionIndex PI, %
 * @param spco carboxyhaemoglobin, % (Masimo Rainbow)
 * @param spmet methaemoglobin, % (Masimo Rainbow)
 * @param desatIndex desaturation index: desaturation events counted by the device
 * @param perfusionIndexDelta change of PI, % (signed)
 * @param plethVariabilityIndex PVI, %
 * @param conditions sensor conditions; empty for a healthy measurement
 * @param heartRate heart rate from the ECG, per minute
 * @param respirationRate respiration rate, per minute
 * @param temperature body temperature, °C, in tenths
 * @param nibpSystolic the non-invasive blood pressure, systolic, mmHg
 * @param nibpDiastolic diastolic, mmHg
 * @param nibpMean mean arterial pressure of the same measurement, mmHg
 */
public record VitalSigns(
        @Nullable Integer spo2,
        @Nullable Integer pulseRate,
        @Nullable Double perfusionIndex,
        @Nullable Double spco,
        @Nullable Double spmet,
        @Nullable Integer desatIndex,
        @Nullable Integer perfusionIndexDelta,
        @Nullable Integer plethVariabilityIndex,
        Set<SensorCondition> conditions,
        @Nullable Integer heartRate,
        @Nullable Integer respirationRate,
        @Nullable Double temperature,
        @Nullable Integer nibpSystolic,
        @Nullable Integer nibpDiastolic,
        @Nullable Integer nibpMean) {

    public VitalSigns {
        perfusionIndex = round(perfusionIndex, 2);
        spco = round(spco, 1);
        spmet = round(spmet, 1);
        check("SpO2", spo2, 0, 100);
        check("pulse rate", pulseRate, 0, 999);
        check("PI", perfusionIndex, 0, 99.99);
        check("SpCO", spco, 0, 99.9);
        check("SpMet", spmet, 0, 99.9);
        check("desat index", desatIndex, 0, 99);
        check("PI delta", perfusionIndexDelta, -99, 99);
        check("PVI", plethVariabilityIndex, 0, 999);
        temperature = round(temperature, 1);
        check("heart rate", heartRate, 0, 350);
        check("respiration rate", respirationRate, 0, 150);
        check("temperature", temperature, 0, 50);
        check("NIBP systolic", nibpSystolic, 0, 300);
        check("NIBP diastolic", nibpDiastolic, 0, 300);
        check("NIBP mean", nibpMean, 0, 300);
        conditions = conditions.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf((Collection<SensorCondition>) conditions));
    }

    /** An oximeter's vitals, without the monitor's values (the record's form before the monitor's were added). */
    public VitalSigns(
            @Nullable Integer spo2,
            @Nullable Integer pulseRate,
            @Nullable Double perfusionIndex,
            @Nullable Double spco,
            @Nullable Double spmet,
            @Nullable Integer desatIndex,
            @Nullable Integer perfusionIndexDelta,
            @Nullable Integer plethVariabilityIndex,
            Set<SensorCondition> conditions) {
        this(
                spo2,
                pulseRate,
                perfusionIndex,
                spco,
                spmet,
                desatIndex,
                perfusionIndexDelta,
                plethVariabilityIndex,
                conditions,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every value absent (all dashes), with the conditions that explain why, such as {@code SENSOR_OFF}. */
    public static VitalSigns noSignal(SensorCondition... conditions) {
        Builder b = builder();
        for (SensorCondition c : conditions) {
            b.condition(c);
        }
        return b.build();
    }

    public Builder toBuilder() {
        return new Builder()
                .spo2(spo2)
                .pulseRate(pulseRate)
                .perfusionIndex(perfusionIndex)
                .spco(spco)
                .spmet(spmet)
                .desatIndex(desatIndex)
                .perfusionIndexDelta(perfusionIndexDelta)
                .plethVariabilityIndex(plethVariabilityIndex)
                .conditions(conditions)
                .heartRate(heartRate)
                .respirationRate(respirationRate)
                .temperature(temperature)
                .nibp(nibpSystolic, nibpDiastolic, nibpMean);
    }

    public boolean has(SensorCondition condition) {
        return conditions.contains(condition);
    }

    private static @Nullable Double round(@Nullable Double value, int decimals) {
        if (value == null) {
            return null;
        }
        if (value.isNaN() || value.isInfinite()) {
            throw new IllegalArgumentException("a vital sign is a number or absent, not " + value);
        }
        // Through the decimal string, so that 2.675 rounds to 2.68 as a display would, not to 2.67.
        return BigDecimal.valueOf(value)
                .setScale(decimals, RoundingMode.HALF_UP)
                .doubleValue();
    }

    private static void check(String name, @Nullable Number value, double min, double max) {
        if (value != null && (value.doubleValue() < min || value.doubleValue() > max)) {
            throw new IllegalArgumentException(
                    name + " " + value + " does not fit the device's display field (" + min + " to " + max + ")");
        }
    }

    /** Builds vitals field by field; a field left unset is absent. */
    public static final class Builder {
        private @Nullable Integer spo2;
        private @Nullable Integer pulseRate;
        private @Nullable Double perfusionIndex;
        private @Nullable Double spco;
        private @Nullable Double spmet;
        private @Nullable Integer desatIndex;
        private @Nullable Integer perfusionIndexDelta;
        private @Nullable Integer plethVariabilityIndex;
        private final EnumSet<SensorCondition> conditions = EnumSet.noneOf(SensorCondition.class);
        private @Nullable Integer heartRate;
        private @Nullable Integer respirationRate;
        private @Nullable Double temperature;
        private @Nullable Integer nibpSystolic;
        private @Nullable Integer nibpDiastolic;
        private @Nullable Integer nibpMean;

        private Builder() {}

        /** Heart rate from the ECG, per minute. */
        public Builder heartRate(@Nullable Integer perMinute) {
            this.heartRate = perMinute;
            return this;
        }

        public Builder respirationRate(@Nullable Integer perMinute) {
            this.respirationRate = perMinute;
            return this;
        }

        /** Body temperature, °C. */
        public Builder temperature(@Nullable Double celsius) {
            this.temperature = celsius;
            return this;
        }

        /** The last non-invasive blood pressure: systolic, diastolic and mean, mmHg. */
        public Builder nibp(@Nullable Integer systolic, @Nullable Integer diastolic, @Nullable Integer mean) {
            this.nibpSystolic = systolic;
            this.nibpDiastolic = diastolic;
            this.nibpMean = mean;
            return this;
        }

        public Builder spo2(@Nullable Integer percent) {
            this.spo2 = percent;
            return this;
        }

        public Builder pulseRate(@Nullable Integer perMinute) {
            this.pulseRate = perMinute;
            return this;
        }

        public Builder perfusionIndex(@Nullable Double percent) {
            this.perfusionIndex = percent;
            return this;
        }

        public Builder spco(@Nullable Double percent) {
            this.spco = percent;
            return this;
        }

        public Builder spmet(@Nullable Double percent) {
            this.spmet = percent;
            return this;
        }

        public Builder desatIndex(@Nullable Integer events) {
            this.desatIndex = events;
            return this;
        }

        public Builder perfusionIndexDelta(@Nullable Integer percent) {
            this.perfusionIndexDelta = percent;
            return this;
        }

        public Builder plethVariabilityIndex(@Nullable Integer percent) {
            this.plethVariabilityIndex = percent;
            return this;
        }

        public Builder condition(SensorCondition condition) {
            conditions.add(condition);
            return this;
        }

        public Builder conditions(Collection<SensorCondition> all) {
            conditions.clear();
            conditions.addAll(all);
            return this;
        }

        /** Removes every value (the device shows dashes) and keeps the conditions. */
        public Builder noValues() {
            spo2 = null;
            pulseRate = null;
            perfusionIndex = null;
            spco = null;
            spmet = null;
            desatIndex = null;
            perfusionIndexDelta = null;
            plethVariabilityIndex = null;
            heartRate = null;
            respirationRate = null;
            temperature = null;
            nibpSystolic = null;
            nibpDiastolic = null;
            nibpMean = null;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a value does not fit its display field
         */
        public VitalSigns build() {
            return new VitalSigns(
                    spo2,
                    pulseRate,
                    perfusionIndex,
                    spco,
                    spmet,
                    desatIndex,
                    perfusionIndexDelta,
                    plethVariabilityIndex,
                    conditions,
                    heartRate,
                    respirationRate,
                    temperature,
                    nibpSystolic,
                    nibpDiastolic,
                    nibpMean);
        }
    }
}
