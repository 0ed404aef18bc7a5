package org.bedside.buffer.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bedside.buffer.SampleReadings;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Metrics;
import org.bedside.model.PatientDemographics;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class ReadingRecordFormatTest {
    private static final Instant T = Instant.parse("2026-11-22T10:00:00.123456789Z");

    private static byte[] encode(List<Reading> readings) {
        ByteBuffer b = ReadingRecordFormat.encode(readings, ByteBuffer.allocate(8));
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    @Test
    void everyKindOfReadingComesBackEqual() throws Exception {
        List<Reading> readings = SampleReadings.frame(T);
        ReadingRecordFormat.Record r = ReadingRecordFormat.decode(ByteBuffer.wrap(encode(readings)));
        assertThat(r.device()).isEqualTo(SampleReadings.DEVICE);
        assertThat(r.readings()).isEqualTo(readings);
        assertThat(r.readings())
                .extracting(Reading::key)
                .isEqualTo(readings.stream().map(Reading::key).toList());
    }

    /** An alert's start with every optional field set, and its end with none of them (a technical alert). */
    private static List<Reading> alerts(Instant at) {
        Instant onset = at.minusSeconds(15);
        AlertReport start = new AlertReport(
                SampleReadings.DEVICE,
                "bed12-spo2/150456-low/" + Reading.epochMicros(onset),
                "150456-low",
                0,
                AlertReport.Phase.START,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlertReport.Priority.MEDIUM,
                AlarmEvent.Priority.UNKNOWN,
                AlertReport.AlarmState.ACTIVE,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.GATEWAY,
                Metrics.SPO2,
                new BigDecimal("88"),
                UcumUnit.PERCENT,
                new BigDecimal("90"),
                null,
                "SpO2 low (below 90 %)",
                "SpO2 88 % below 90 % for 15 s — ünïcode",
                0,
                onset,
                null,
                at.minusMillis(300),
                at);
        AlertReport end = new AlertReport(
                SampleReadings.DEVICE,
                "bed12-spo2/status:sensor_off/" + Reading.epochMicros(onset),
                "status:sensor_off",
                3,
                AlertReport.Phase.END,
                AlarmEvent.Kind.TECHNICAL,
                AlertReport.Priority.HIGH,
                AlarmEvent.Priority.UNKNOWN,
                AlertReport.AlarmState.INACTIVE,
                AlertReport.InactivationState.AUDIO_PAUSED,
                AlertReport.Origin.DEVICE,
                null,
                null,
                null,
                null,
                null,
                "Sensor off",
                "ended: not reported for 15 s",
                1,
                onset,
                at.minusSeconds(2),
                null,
                at.plusMillis(1));
        return List.of(start, end);
    }

    private static List<Reading> everything(Instant at) {
        List<Reading> all = new ArrayList<>(SampleReadings.frame(at));
        all.addAll(alerts(at));
        all.addAll(pumpEvents(at));
        return all;
    }

    @Test
    void alertReportsComeBackEqualAsKindSix() throws Exception {
        List<Reading> readings = alerts(T);
        byte[] bytes = encode(readings);
        ReadingRecordFormat.Record r = ReadingRecordFormat.decode(ByteBuffer.wrap(bytes));
        assertThat(r.readings()).isEqualTo(readings);
        assertThat(r.readings()).extracting(Reading::key).containsExactlyElementsOf(keys(readings));
        int firstKind = firstKindOffset();
        assertThat(bytes[0]).as("the version byte stays 1").isEqualTo((byte) 1);
        assertThat(bytes[firstKind]).as("alerts are kind 6").isEqualTo((byte) 6);
    }

    /** A pump infusing with every field set, and a removed one with none of them. */
    private static List<Reading> infusions(Instant at) {
        InfusionStatus infusing = new InfusionStatus(
                SampleReadings.DEVICE,
                "1-1",
                InfusionStatus.State.INFUSING,
                "Noradrenalin 5µg",
                "36248",
                List.of(
                        new CompoundReading.Component(
                                InfusionMetrics.RATE,
                                new BigDecimal("15.40"),
                                InfusionMetrics.ML_PER_HOUR,
                                Quality.VALID),
                        new CompoundReading.Component(
                                InfusionMetrics.VOLUME_TO_BE_INFUSED,
                                null,
                                InfusionMetrics.ML,
                                Quality.notAvailable("the pump reports no value (_NV)")),
                        new CompoundReading.Component(
                                InfusionMetrics.BOLUS_VOLUME,
                                new BigDecimal("0.0"),
                                InfusionMetrics.ML,
                                Quality.VALID)),
                null,
                at);
        InfusionStatus removed = new InfusionStatus(
                SampleReadings.DEVICE,
                "2-A",
                InfusionStatus.State.REMOVED,
                null,
                null,
                List.of(),
                at.minusSeconds(1),
                at.plusMillis(1));
        return List.of(infusing, removed);
    }

    @Test
    void infusionStatusesComeBackEqualAsKindSeven() throws Exception {
        List<Reading> readings = infusions(T);
        byte[] bytes = encode(readings);
        ReadingRecordFormat.Record r = ReadingRecordFormat.decode(ByteBuffer.wrap(bytes));
        assertThat(r.readings()).isEqualTo(readings);
        assertThat(r.readings()).extracting(Reading::key).containsExactlyElementsOf(keys(readings));
        assertThat(bytes[0]).as("the version byte stays 1").isEqualTo((byte) 1);
        int firstKind = 1 + 1 + SampleReadings.DEVICE.value().length() + instantLength(T) + 1 + 1 + 1;
        assertThat(bytes[firstKind]).as("infusion statuses are kind 7").isEqualTo((byte) 7);
    }

    /** A Masimo line's readings as the driver sends them: the unit's identity last, with the line's times. */
    private static List<Reading> identified(Instant at) {
        Instant deviceTime = at.minusMillis(300);
        return List.of(
                new org.bedside.model.NumericReading(
                        SampleReadings.DEVICE,
                        Metrics.SPO2,
                        new BigDecimal("97"),
                        UcumUnit.PERCENT,
                        Quality.VALID,
                        deviceTime,
                        at),
                new DeviceIdentity(SampleReadings.DEVICE, "0000056661", null, "Masimo", null, deviceTime, at),
                new DeviceIdentity(
                        SampleReadings.DEVICE, null, "00-09-FB-9B-B0-76", "Philips", "M8000", null, at.plusMillis(1)));
    }

    @Test
    void deviceIdentitiesComeBackEqualAsKindEight() throws Exception {
        List<Reading> readings = identified(T);
        byte[] bytes = encode(readings);
        ReadingRecordFormat.Record r = ReadingRecordFormat.decode(ByteBuffer.wrap(bytes));
        assertThat(r.readings()).isEqualTo(readings);
        assertThat(r.readings()).extracting(Reading::key).containsExactlyElementsOf(keys(readings));
        assertThat(bytes[0]).as("the version byte stays 1").isEqualTo((byte) 1);
        // numeric: kind, times 0, code-book entry, value (1, zigzag 97 in two bytes, scale), quality (flags, reason)
        int identityKind = firstKindOffset() + 1 + 1 + 1 + 4 + 2;
        assertThat(bytes[identityKind]).as("device identities are kind 8").isEqualTo((byte) 8);
        assertThat(bytes[identityKind + 1]).as("with the record's times").isEqualTo((byte) 0);
    }

    @Test
    void everyTruncationOfAnIdentityRecordIsMalformed() {
        assertEveryTruncationIsMalformed(identified(T));
    }

    /** A PCD-10 message's record: the source's status, the event about it (its own time), and a pump's own event. */
    private static List<Reading> pumpEvents(Instant at) {
        Instant eventTime = at.minusSeconds(2);
        return List.of(
                new InfusionStatus(
                        SampleReadings.DEVICE,
                        "1.1.2",
                        InfusionStatus.State.INFUSING,
                        "Dopamine",
                        null,
                        List.of(),
                        eventTime,
                        at),
                new InfusionEvent(
                        SampleReadings.DEVICE,
                        "1.1.2",
                        197288,
                        "MDC_EVT_PUMP_DELIV_START",
                        InfusionEvent.Kind.DELIVERY_START,
                        "",
                        eventTime,
                        at),
                new InfusionEvent(
                        SampleReadings.DEVICE,
                        null,
                        123456,
                        "",
                        InfusionEvent.Kind.UNKNOWN,
                        "event code 123456 is none of the PCD-10 required events",
                        null,
                        at.plusMillis(1)));
    }

    @Test
    void infusionEventsComeBackEqualAsKindTen() throws Exception {
        List<Reading> readings = pumpEvents(T);
        byte[] bytes = encode(readings);
        ReadingRecordFormat.Record r = ReadingRecordFormat.decode(ByteBuffer.wrap(bytes));
        assertThat(r.readings()).isEqualTo(readings);
        assertThat(r.readings()).extracting(Reading::key).containsExactlyElementsOf(keys(readings));
        assertThat(bytes[0]).as("the version byte stays 1").isEqualTo((byte) 1);
        // header: version, device, receivedAt, deviceTime (flag, the status's), clock flag, count; then the status:
        // kind, times 0, channel, state, drug label (flag, length, text), no serial (flag), no values
        int eventKind = 1
                + 1
                + SampleReadings.DEVICE.value().length()
                + instantLength(T)
                + 1
                + instantLength(T.minusSeconds(2))
                + 1
                + 1
                + 1
                + 1
                + 1
                + "1.1.2".length()
                + 1
                + "INFUSING".length()
                + 1
                + 1
                + "Dopamine".length()
                + 1
                + 1;
        assertThat(bytes[eventKind]).as("infusion events are kind 10").isEqualTo((byte) 10);
    }

    @Test
    void everyTruncationOfAnInfusionEventRecordIsMalformed() {
        assertEveryTruncationIsMalformed(pumpEvents(T));
    }

    /** A demographics poll result as the IntelliVue session sends it: the state and fingerprint, then the unit. */
    private static List<Reading> demographics(Instant at) {
        return List.of(
                new PatientDemographics(
                        SampleReadings.DEVICE,
                        PatientDemographics.State.ADMITTED,
                        "0123456789abcdef0123456789abcdef",
                        at.minusMillis(300), // the monitor's clock, as the session gives it
                        at),
                new PatientDemographics(
                        SampleReadings.DEVICE, PatientDemographics.State.DISCHARGED, null, null, at.plusMillis(1)),
                new DeviceIdentity(SampleReadings.DEVICE, null, "00-09-FB-9B-B0-76", "Philips", "M8000", null, at));
    }

    @Test
    void demographicsComeBackEqualAsKindNine() throws Exception {
        List<Reading> readings = demographics(T);
        byte[] bytes = encode(readings);
        ReadingRecordFormat.Record r = ReadingRecordFormat.decode(ByteBuffer.wrap(bytes));
        assertThat(r.readings()).isEqualTo(readings);
        assertThat(r.readings()).extracting(Reading::key).containsExactlyElementsOf(keys(readings));
        assertThat(bytes[0]).as("the version byte stays 1").isEqualTo((byte) 1);
        assertThat(bytes[firstKindOffset()]).as("demographics are kind 9").isEqualTo((byte) 9);
    }

    @Test
    void everyTruncationOfADemographicsRecordIsMalformed() {
        byte[] bytes = encode(demographics(T));
        for (int n = 0; n < bytes.length; n++) {
            ByteBuffer cut = ByteBuffer.wrap(Arrays.copyOf(bytes, n));
            assertThatThrownBy(() -> ReadingRecordFormat.decode(cut)).isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void aDemographicsStateThisReleaseDoesNotKnowIsUnreadable() {
        List<Reading> one = List.of(new PatientDemographics(
                SampleReadings.DEVICE, PatientDemographics.State.EMPTY, null, T.minusMillis(300), T));
        byte[] bytes = encode(one);
        // kind, times 0, then the state's length (5) and its name: EMPTY becomes EMPTZ
        int name = firstKindOffset() + 3;
        assertThat(bytes[name + 4]).isEqualTo((byte) 'Y');
        bytes[name + 4] = 'Z';
        fixCrc(bytes);
        assertThatThrownBy(() -> ReadingRecordFormat.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("EMPTZ");
    }

    @Test
    void everyTruncationOfAnInfusionRecordIsMalformed() {
        assertEveryTruncationIsMalformed(infusions(T));
    }

    @Test
    void aKindThisReleaseDoesNotKnowIsUnreadableNeverMisread() {
        byte[] bytes = encode(alerts(T));
        int firstKind = firstKindOffset();
        bytes[firstKind] = (byte) 200; // a kind of a release newer than this one
        fixCrc(bytes);
        assertThatThrownBy(() -> ReadingRecordFormat.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("unknown reading kind 200")
                .hasMessageContaining("newer release");
    }

    private static void assertEveryTruncationIsMalformed(List<Reading> readings) {
        byte[] bytes = encode(readings);
        for (int n = 0; n < bytes.length; n++) {
            ByteBuffer cut = ByteBuffer.wrap(Arrays.copyOf(bytes, n));
            assertThatThrownBy(() -> ReadingRecordFormat.decode(cut)).isInstanceOf(MalformedRecordException.class);
        }
    }

    /** version, device, receivedAt, deviceTime (present), clock flag, count: then the first reading's kind byte. */
    private static int firstKindOffset() {
        return 1
                + 1
                + SampleReadings.DEVICE.value().length()
                + instantLength(T)
                + 1
                + instantLength(T.minusMillis(300))
                + 1
                + 1;
    }

    private static List<String> keys(List<Reading> readings) {
        return readings.stream().map(Reading::key).toList();
    }

    /** Bytes of an instant as the format writes it (zigzag seconds, varint nanos). */
    private static int instantLength(Instant t) {
        return varintLength(t.getEpochSecond() << 1 ^ t.getEpochSecond() >> 63) + varintLength(t.getNano());
    }

    private static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static void fixCrc(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int v = (int) crc.getValue();
        bytes[bytes.length - 4] = (byte) (v >>> 24);
        bytes[bytes.length - 3] = (byte) (v >>> 16);
        bytes[bytes.length - 2] = (byte) (v >>> 8);
        bytes[bytes.length - 1] = (byte) v;
    }

    @Test
    void everyTruncationIsReportedAsMalformedNeverAnotherException() {
        byte[] bytes = encode(everything(T));
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> ReadingRecordFormat.decode(ByteBuffer.wrap(cut)))
                    .as("truncated at %d", n)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void corruptedBytesAreMalformedOrDecodeNeverAnythingElse() {
        byte[] bytes = encode(everything(T));
        Random random = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = bytes.clone();
            bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            try {
                ReadingRecordFormat.decode(ByteBuffer.wrap(bad));
            } catch (MalformedRecordException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void refusesARecordOfAnUnknownVersionWithAClearMessage() {
        byte[] bytes = encode(SampleReadings.frame(T));
        bytes[0] = 9;
        assertThatThrownBy(() -> ReadingRecordFormat.decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("version 9");
    }

    @Test
    void refusesToMixDevicesInOneRecord() {
        Reading a = new DeviceStatus(DeviceId.of("a"), DeviceStatus.Code.CONNECTED, "x", null, T);
        Reading b = new DeviceStatus(DeviceId.of("b"), DeviceStatus.Code.CONNECTED, "x", null, T);
        assertThatThrownBy(() -> encode(List.of(a, b))).isInstanceOf(IllegalArgumentException.class);
    }
}
