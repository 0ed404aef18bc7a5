package org.bedside.alarms;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/** Builds the readings a scripted test feeds the engine: one frame a second, at {@link #T0} plus seconds. */
final class Frames {
    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    static final DeviceId OXIMETER = DeviceId.of("bed1-spo2");
    static final DeviceId MONITOR = DeviceId.of("bed2-monitor");

    private Frames() {}

    static Instant at(int second) {
        return T0.plusSeconds(second);
    }

    static int second(Instant t) {
        return (int) (t.getEpochSecond() - T0.getEpochSecond());
    }

    /** A value, or no value for {@code "NaN"} (not available, as a device's "---"). */
    static NumericReading value(DeviceId device, MetricCode metric, int second, String value) {
        UcumUnit unit = metric.equals(Metrics.SPO2) ? UcumUnit.PERCENT : UcumUnit.PER_MINUTE;
        if (value.equals("NaN")) {
            return new NumericReading(device, metric, null, unit, Quality.notAvailable("no value"), null, at(second));
        }
        return new NumericReading(device, metric, new BigDecimal(value), unit, Quality.VALID, null, at(second));
    }

    /** A value the device marked invalid, keeping its digits (as Nonin does with the sensor alarm). */
    static NumericReading invalid(DeviceId device, MetricCode metric, int second, String digits) {
        return new NumericReading(
                device,
                metric,
                new BigDecimal(digits),
                UcumUnit.PERCENT,
                Quality.invalid("sensor alarm"),
                null,
                at(second));
    }

    static DeviceStatus status(DeviceId device, DeviceStatus.Code code, int second) {
        return new DeviceStatus(device, code, code.name().toLowerCase() + " (test)", null, at(second));
    }

    static AlarmEvent alarm(
            DeviceId device,
            String code,
            String text,
            AlarmEvent.Kind kind,
            AlarmEvent.Priority priority,
            AlarmEvent.State state,
            @Nullable MetricCode source,
            int second) {
        return new AlarmEvent(device, code, source, kind, priority, state, text, null, at(second));
    }

    /** One frame per value, from {@code first} on, each holding one value of the metric. */
    static List<List<Reading>> series(DeviceId device, MetricCode metric, int first, String values) {
        List<List<Reading>> frames = new ArrayList<>();
        String[] v = values.trim().split("\\s+");
        for (int i = 0; i < v.length; i++) {
            frames.add(List.of(value(device, metric, first + i, v[i])));
        }
        return frames;
    }

    /** {@code n} copies of a value, space-separated: {@code repeat("88", 3)} is {@code "88 88 88"}. */
    static String repeat(String value, int n) {
        return String.join(" ", java.util.Collections.nCopies(n, value));
    }

    /** Feeds every frame and returns all notifications, in order. */
    static List<AlertReport> feed(AlarmEngine engine, List<List<Reading>> frames) {
        List<AlertReport> out = new ArrayList<>();
        for (List<Reading> f : frames) {
            out.addAll(engine.accept(f));
        }
        return out;
    }

    static String phases(List<AlertReport> reports) {
        StringBuilder b = new StringBuilder();
        for (AlertReport r : reports) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(r.condition())
                    .append(' ')
                    .append(r.phase().acmCode())
                    .append(" @")
                    .append(second(r.receivedAt()));
        }
        return b.toString();
    }

    /** A PCD-04 encoder for a gateway at bed ICU 12. */
    static Pcd04Encoder pcd04Encoder() {
        return new Pcd04Encoder(
                new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", "HOSP"),
                new CareLocation("ICU", "12", "1", ""));
    }

    /** A PCD-04's OBX rows as {@code "<OBX-3 code> <OBX-5>"}, such as {@code "68483 alarm-off"}. */
    static List<String> facets(ORU_R01 m) throws Exception {
        List<String> rows = new ArrayList<>();
        var order = m.getPATIENT_RESULT().getORDER_OBSERVATION();
        for (int i = 0; i < order.getOBSERVATIONReps(); i++) {
            OBX obx = order.getOBSERVATION(i).getOBX();
            rows.add(obx.getObservationIdentifier().getIdentifier().getValue() + " "
                    + obx.getObservationValue(0).getData().encode());
        }
        return rows;
    }
}
