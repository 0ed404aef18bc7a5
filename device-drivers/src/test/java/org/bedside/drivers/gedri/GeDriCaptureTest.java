package org.bedside.drivers.gedri;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;
import org.junit.jupiter.api.Test;

/**
 * Golden tests on the two real captures: every displayed-values record decodes to the values an independent parser
 * (captures/ge-dri/expected.py) reads from it.
 */
class GeDriCaptureTest {
    private static final GeDriDriver DRIVER = new GeDriDriver();
    private static final DriverOptions UTC = DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC"));
    private static final java.time.format.DateTimeFormatter SECONDS =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final Pattern SPECIAL = Pattern.compile("\\(DRI (-\\d+)\\)");

    private static Output decode(String capture) {
        return DecoderHarness.run(
                DRIVER.newFrameDecoder(UTC),
                DRIVER.newMessageDecoder(DeviceId.of("bed7-monitor"), UTC),
                GeDriFrames.resource(capture));
    }

    /** The expected CSV: one map per record, column name to cell. */
    private static List<Map<String, String>> expected(String capture) {
        String csv =
                new String(GeDriFrames.resource(capture.replace(".raw", ".expected.csv")), StandardCharsets.US_ASCII);
        List<String> lines = csv.lines().toList();
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** What the driver made of each record, in the CSV's terms. */
    private static List<Map<String, String>> actual(Output out) {
        List<Map<String, String>> rows = new ArrayList<>();
        Map<String, String> row = null;
        for (Reading r : out.readings()) {
            if (r instanceof WaveformSegment) {
                continue;
            }
            if (r instanceof NumericReading n && n.metric().equals(Metrics.HEART_RATE_ECG)) {
                row = new LinkedHashMap<>();
                row.put("record", Integer.toString(rows.size()));
                row.put(
                        "time",
                        LocalDateTime.ofInstant(n.deviceTime(), ZoneOffset.UTC).format(SECONDS));
                rows.add(row);
            }
            if (r instanceof CompoundReading c) {
                row.put("nibp_sys", cell(c.component(Metrics.NIBP_SYSTOLIC).orElseThrow()));
                row.put("nibp_dia", cell(c.component(Metrics.NIBP_DIASTOLIC).orElseThrow()));
                row.put("nibp_mean", cell(c.component(Metrics.NIBP_MEAN).orElseThrow()));
            } else if (r instanceof NumericReading n) {
                String column = column(n.metric());
                if (column != null) {
                    row.put(column, cell(n.value() == null ? null : n.value().toPlainString(), n.quality()));
                }
            }
        }
        return rows;
    }

    private static String column(MetricCode m) {
        if (m.equals(Metrics.HEART_RATE_ECG)) {
            return "hr";
        } else if (m.equals(Metrics.RESPIRATION_RATE)) {
            return "imp_rr";
        } else if (m.equals(Metrics.TEMPERATURE)) {
            return "t1";
        } else if (m.equals(Metrics.SPO2)) {
            return "spo2";
        } else if (m.equals(Metrics.PULSE_RATE_OXIMETRY)) {
            return "pr";
        } else if (m.equals(Metrics.AIRWAY_RESPIRATION_RATE)) {
            return "co2_rr";
        } else if (m.equals(GeDriCodes.AMBIENT_PRESSURE)) {
            return "ambient";
        } else if (m.equals(Metrics.END_TIDAL_CO2)) {
            return "etco2";
        } else if (m.refId().equals("X_GE_STATE_ENTROPY")) {
            return "state_entropy";
        } else if (m.refId().equals("X_GE_RESPONSE_ENTROPY")) {
            return "response_entropy";
        }
        return null;
    }

    private static String cell(CompoundReading.Component c) {
        return cell(c.value() == null ? null : c.value().toPlainString(), c.quality());
    }

    private static String cell(String value, org.bedside.model.Quality q) {
        if (q.isValid()) {
            assertThat(value).isNotNull();
            return value;
        }
        Matcher m = SPECIAL.matcher(q.reason());
        if (m.find()) {
            assertThat(value).as("a special value has no value: %s", q.reason()).isNull();
            return "special:" + m.group(1);
        }
        if (q.reason().startsWith("no ") && q.has(QualityFlag.NOT_AVAILABLE)) {
            assertThat(value).isNull();
            return "absent";
        }
        if (q.reason().contains("not active")) {
            return "inactive:" + value;
        }
        if (q.reason().contains("ambient pressure")) {
            return "no-ambient";
        }
        throw new AssertionError("unexpected quality " + q);
    }

    @Test
    void everyRecordOfThe2009CaptureDecodesToTheValuesItHolds() {
        Output out = decode(GeDriFrames.DB00);
        // The capture starts in the middle of a frame: its first 419 bytes are the only loss.
        assertThat(out.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.GARBAGE);
            assertThat(f.length()).isEqualTo(419);
        });
        assertThat(out.frames()).isEqualTo(3520);
        List<Map<String, String>> expected = expected(GeDriFrames.DB00);
        assertThat(expected).hasSize(1760);
        assertSameRecords(actual(out), expected);
        // Waveform records: pleth and entropy EEG, about 100 samples each, one per second.
        List<WaveformSegment> waves = out.readings().stream()
                .filter(WaveformSegment.class::isInstance)
                .map(WaveformSegment.class::cast)
                .toList();
        assertThat(waves).hasSize(2 * 1760);
        assertThat(waves.stream().mapToInt(WaveformSegment::sampleCount).sum()).isEqualTo(2 * 175_999);
    }

    @Test
    void theFirstRecordOfThe2009CaptureIsWhatTheMonitorShowed() {
        List<Reading> first = decode(GeDriFrames.DB00).readings().stream()
                .filter(r -> !(r instanceof WaveformSegment))
                .limit(200)
                .toList();
        assertThat(first.get(0)).isInstanceOfSatisfying(NumericReading.class, hr -> {
            assertThat(hr.metric()).isEqualTo(Metrics.HEART_RATE_ECG);
            assertThat(hr.value()).isEqualByComparingTo("85");
            assertThat(hr.isValid()).isTrue();
            assertThat(hr.deviceTime()).isEqualTo(java.time.Instant.parse("2018-08-02T14:30:20Z"));
        });
        CompoundReading nibp = first.stream()
                .filter(CompoundReading.class::isInstance)
                .map(CompoundReading.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(nibp.metric()).isEqualTo(Metrics.NIBP);
        assertThat(nibp.components())
                .extracting(c -> c.value().toPlainString())
                .containsExactly("87.00", "61.00", "73.00");
        assertThat(nibp.components()).allMatch(CompoundReading.Component::isValid);
        NumericReading spo2 = numeric(first, Metrics.SPO2);
        assertThat(spo2.value()).isEqualByComparingTo("100");
        assertThat(numeric(first, Metrics.PULSE_RATE_OXIMETRY).value()).isEqualByComparingTo("87");
        NumericReading t1 = numeric(first, Metrics.TEMPERATURE);
        assertThat(t1.value()).isNull();
        assertThat(t1.quality().flags()).containsExactly(QualityFlag.INVALID);
        assertThat(t1.quality().reason()).isEqualTo("no valid data (DRI -32767)");
    }

    @Test
    void theNoPatientCaptureOf2015DecodesToInvalidValuesWithReasonsNeverZeros() {
        Output out = decode(GeDriFrames.NO_PATIENT);
        assertThat(out.failures()).isEmpty();
        assertThat(out.frames()).isEqualTo(21);
        assertSameRecords(actual(out), expected(GeDriFrames.NO_PATIENT));

        List<NumericReading> numerics = out.readings().stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .toList();
        // What the monitor measured without a patient: a temperature probe and the gas module in room air.
        List<String> measured = numerics.stream()
                .filter(NumericReading::isValid)
                .map(n -> n.metric().label())
                .distinct()
                .toList();
        assertThat(measured)
                .containsExactlyInAnyOrder(
                        "Temperature",
                        "Ambient pressure",
                        "EtCO2",
                        "FiCO2",
                        "EtO2",
                        "FiO2",
                        "EtN2O",
                        "FiN2O",
                        "Et anaesthetic agent",
                        "Fi anaesthetic agent",
                        "MAC sum",
                        "Ventilation rate",
                        "Peak airway pressure",
                        "PEEP");
        // Everything else is invalid, without a value, and says why.
        List<NumericReading> invalid =
                numerics.stream().filter(n -> !n.isValid()).toList();
        assertThat(invalid).hasSizeGreaterThan(21 * 40).allSatisfy(n -> {
            assertThat(n.value()).as(n.metric().label()).isNull();
            assertThat(n.quality().reason()).isNotBlank();
        });
        assertThat(numeric(numerics, Metrics.AIRWAY_RESPIRATION_RATE).quality().flags())
                .containsExactly(QualityFlag.UNDER_RANGE);
        assertThat(numeric(numerics, Metrics.SPO2).quality().reason()).isEqualTo("no valid data (DRI -32767)");
        // Groups without a module (T5, T6 hold zeros) are "not available", not 0 °C.
        assertThat(numerics)
                .filteredOn(n -> n.metric().refId().equals("X_GE_T5"))
                .allSatisfy(n -> {
                    assertThat(n.value()).isNull();
                    assertThat(n.quality().flags()).containsExactly(QualityFlag.NOT_AVAILABLE);
                    assertThat(n.quality().reason()).isEqualTo("no T5 measurement (group status 0x00000000)");
                });
        assertThat(out.readings())
                .filteredOn(CompoundReading.class::isInstance)
                .hasSize(21)
                .allSatisfy(r ->
                        assertThat(((CompoundReading) r).components()).noneMatch(CompoundReading.Component::isValid));
    }

    private static void assertSameRecords(List<Map<String, String>> actual, List<Map<String, String>> expected) {
        for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
            assertThat(actual.get(i)).as("record %d", i).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
    }

    private static NumericReading numeric(List<? extends Reading> readings, MetricCode metric) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().equals(metric))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric.label()));
    }
}
