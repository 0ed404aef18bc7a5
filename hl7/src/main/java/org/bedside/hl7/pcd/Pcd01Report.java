package org.bedside.hl7.pcd;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.MessageHeader;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * What one PCD-01 {@code ORU^R01} says, read by {@link Pcd01Decoder}: the header (MSH-10 for de-duplication), and per
 * patient result the patient's identifiers (PID-3, for the caller to compare with its own association), the bed
 * (PV1-3, for the caller to choose the device) and the numeric observations. {@link PatientResult#readings} turns the
 * observations into the gateway's readings once the caller knows which device they belong to.
 *
 * @param skipped OBX rows that are not readings (device-hierarchy rows are not listed; text, coded and waveform
 *     values, facets and rows with a unit that has no UCUM equivalent are), each with the reason
 */
public record Pcd01Report(MessageHeader header, List<PatientResult> results, List<Skipped> skipped) {

    public Pcd01Report {
        results = List.copyOf(results);
        skipped = List.copyOf(skipped);
    }

    /** All observations of the message, in message order. */
    public List<Observation> observations() {
        return results.stream().flatMap(r -> r.observations().stream()).toList();
    }

    /** One PATIENT_RESULT group: a patient (or none), a location (or none), and its observations. */
    public record PatientResult(
            List<PatientIdentifier> patientIdentifiers,
            @Nullable CareLocation location,
            List<Observation> observations) {

        public PatientResult {
            patientIdentifiers = List.copyOf(patientIdentifiers);
            observations = List.copyOf(observations);
        }

        /**
         * The observations as readings of {@code device}: NIBP systolic, diastolic and mean of one channel and one time
         * become one {@link CompoundReading}; every other observation a {@link NumericReading}.
         */
        public List<Reading> readings(DeviceId device, Instant receivedAt) {
            List<Reading> out = new ArrayList<>();
            Map<String, List<Observation>> compounds = new LinkedHashMap<>();
            for (Observation o : observations) {
                if (isNibpComponent(o.metric())) {
                    compounds
                            .computeIfAbsent(o.channel() + "@" + o.time(), k -> new ArrayList<>())
                            .add(o);
                }
            }
            Map<String, Boolean> emitted = new LinkedHashMap<>();
            for (Observation o : observations) {
                if (!isNibpComponent(o.metric())) {
                    out.add(new NumericReading(
                            device, o.metric(), o.value(), o.unit(), o.quality(), o.time(), receivedAt));
                    continue;
                }
                String key = o.channel() + "@" + o.time();
                if (emitted.putIfAbsent(key, true) == null) {
                    List<CompoundReading.Component> components = compounds.get(key).stream()
                            .map(c -> new CompoundReading.Component(c.metric(), c.value(), c.unit(), c.quality()))
                            .toList();
                    out.add(new CompoundReading(device, Metrics.NIBP, components, o.time(), receivedAt));
                }
            }
            return out;
        }

        private static boolean isNibpComponent(MetricCode m) {
            return m.equals(Metrics.NIBP_SYSTOLIC) || m.equals(Metrics.NIBP_DIASTOLIC) || m.equals(Metrics.NIBP_MEAN);
        }
    }

    /**
     * One numeric OBX: what was measured, the value with the sender's precision, its unit and quality, and when.
     *
     * @param setId OBX-1
     * @param path OBX-4, the containment path {@code MDS.VMD.channel.metric} ({@code 1.1.1.5})
     * @param time OBX-14, or OBR-7 when OBX-14 is empty; null when the sender gave no zone offset and no zone is
     *     assumed
     * @param timeText the time as sent, for the record
     * @param equipment OBX-18 of the row, or of the nearest device row above it (channel, VMD, MDS)
     * @param resultStatus OBX-11 as sent
     * @param referenceRange OBX-7 (the device's alarm limits, {@code 90-160})
     * @param abnormalFlags OBX-8 values that are abnormal flags rather than measurement status ({@code H}, {@code LL})
     */
    public record Observation(
            int setId,
            String path,
            MetricCode metric,
            @Nullable BigDecimal value,
            UcumUnit unit,
            Quality quality,
            @Nullable Instant time,
            String timeText,
            @Nullable Equipment equipment,
            String resultStatus,
            String referenceRange,
            List<String> abnormalFlags) {

        public Observation {
            abnormalFlags = List.copyOf(abnormalFlags);
        }

        /** The path of the channel (all but the metric level): observations of one measurement share it. */
        public String channel() {
            int dot = path.lastIndexOf('.');
            return dot < 0 ? "" : path.substring(0, dot);
        }
    }

    /** An OBX row that is not a reading, and why. */
    public record Skipped(int setId, String code, String reason) {}
}
