package org.bedside.drivers.masimo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;

class MasimoLineDecoderTest {
    private static final DeviceId DEVICE = DeviceId.of("bed12-spo2");
    private static final MasimoDriver DRIVER = new MasimoDriver();
    private static final DriverOptions UTC = DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "UTC"));

    private static MessageDecoder decoder() {
        return DRIVER.newMessageDecoder(DEVICE, UTC);
    }

    private static FrameDecoder framer() {
        return DRIVER.newFrameDecoder(UTC);
    }

    private static DecodeResult decode(String line) {
        return decoder().decode(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)), DecoderHarness.RECEIVED_AT);
    }

    private static List<Reading> readings(String line) {
        DecodeResult r = decode(line);
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private static NumericReading numeric(List<Reading> readings, String label) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().label().equals(label))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in " + readings));
    }

    @Test
    void decodesAFullRadical7LineWithEveryField() {
        List<Reading> r = readings("11/22/26 09:59:58 SN=0000012345 SPO2=097% BPM=072 PI=03.60% SPCO=01.0%"
                + " SPMET=00.5% DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000800");

        Instant deviceTime = Instant.parse("2026-11-22T09:59:58Z");
        assertThat(r)
                .containsExactly(
                        new NumericReading(
                                DEVICE,
                                Metrics.SPO2,
                                new BigDecimal("97"),
                                UcumUnit.PERCENT,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new NumericReading(
                                DEVICE,
                                Metrics.PULSE_RATE_OXIMETRY,
                                new BigDecimal("72"),
                                UcumUnit.PER_MINUTE,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new NumericReading(
                                DEVICE,
                                Metrics.PERFUSION_INDEX,
                                new BigDecimal("3.60"),
                                UcumUnit.PERCENT,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new NumericReading(
                                DEVICE,
                                MasimoCodes.SPCO,
                                new BigDecimal("1.0"),
                                UcumUnit.PERCENT,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new NumericReading(
                                DEVICE,
                                MasimoCodes.SPMET,
                                new BigDecimal("0.5"),
                                UcumUnit.PERCENT,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new NumericReading(
                                DEVICE,
                                MasimoCodes.DESAT,
                                new BigDecimal("1"),
                                UcumUnit.DIMENSIONLESS,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new NumericReading(
                                DEVICE,
                                MasimoCodes.PI_DELTA,
                                new BigDecimal("-2"),
                                UcumUnit.PERCENT,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new NumericReading(
                                DEVICE,
                                MasimoCodes.PVI,
                                new BigDecimal("27"),
                                UcumUnit.PERCENT,
                                q(),
                                deviceTime,
                                DecoderHarness.RECEIVED_AT),
                        new DeviceIdentity(
                                DEVICE, "0000012345", null, null, null, deviceTime, DecoderHarness.RECEIVED_AT));
    }

    private static org.bedside.model.Quality q() {
        return org.bedside.model.Quality.VALID;
    }

    @Test
    void keepsThePrecisionTheDeviceSent() {
        NumericReading pi = numeric(
                readings("11/22/26 09:59:58 SPO2=097% BPM=072 PI=03.60% ALARM=0000 EXC=000800"), "Perfusion index");
        assertThat(pi.value()).isEqualByComparingTo("3.6");
        assertThat(pi.value().scale()).isEqualTo(2);
    }

    @Test
    void decodesTheShortRadical5Line() {
        List<Reading> r = readings("09/15/10 15:10:29 SPO2=097% BPM=064 PI=11.82% ALARM=20 EXC=800");
        assertThat(r).hasSize(3).allMatch(x -> x instanceof NumericReading n && n.isValid());
        assertThat(numeric(r, "Pulse rate").value()).isEqualByComparingTo("64");
        assertThat(r.get(0).deviceTime()).isEqualTo(Instant.parse("2010-09-15T15:10:29Z"));
    }

    @Test
    void dashesAreNoValueWithTheReasonNeverZero() {
        List<Reading> r = readings("02/22/16 22:47:45 SN=0000012345 SPO2=096% BPM=081 PI=02.40% SPCO=--.-%"
                + " SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800");
        NumericReading spco = numeric(r, "SpCO");
        assertThat(spco.value()).isNull();
        assertThat(spco.isValid()).isFalse();
        assertThat(spco.quality().flags()).containsExactly(QualityFlag.NOT_AVAILABLE);
        assertThat(spco.quality().reason()).isEqualTo("no value ('--.-%')");
        assertThat(numeric(r, "PI delta").quality().reason()).isEqualTo("no value ('+--')");
        assertThat(numeric(r, "SpO2").isValid()).isTrue();
    }

    @Test
    void sensorOffInvalidatesEveryValueEvenWithDigitsAndKeepsTheDigits() {
        // The MD PnP example line: EXC 0x000820 is "Masimo SET" plus "sensor off".
        List<Reading> r = readings("12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0%"
                + " SPMET=00.5% DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820");
        NumericReading spo2 = numeric(r, "SpO2");
        assertThat(spo2.value()).isEqualByComparingTo("98");
        assertThat(spo2.isValid()).isFalse();
        assertThat(spo2.quality().flags()).containsExactly(QualityFlag.INVALID);
        assertThat(spo2.quality().reason()).isEqualTo("sensor off (EXC 0x000020)");
        assertThat(r.stream().filter(NumericReading.class::isInstance).map(NumericReading.class::cast))
                .noneMatch(NumericReading::isValid);
        assertThat(r).filteredOn(DeviceStatus.class::isInstance).singleElement().satisfies(s -> {
            DeviceStatus status = (DeviceStatus) s;
            assertThat(status.code()).isEqualTo(DeviceStatus.Code.SENSOR_OFF);
            assertThat(status.detail()).isEqualTo("sensor off (EXC 0x000020)");
        });
    }

    @Test
    void noSensorAndLowPerfusionBecomeStatusesAndQualities() {
        List<Reading> r = readings("11/22/26 10:00:00 SPO2=---% BPM=--- PI=--.--% ALARM=0000 EXC=000801");
        assertThat(numeric(r, "SpO2").quality().flags())
                .containsExactlyInAnyOrder(QualityFlag.NOT_AVAILABLE, QualityFlag.INVALID);
        assertThat(r)
                .filteredOn(DeviceStatus.class::isInstance)
                .extracting(s -> ((DeviceStatus) s).code())
                .containsExactly(DeviceStatus.Code.NO_SENSOR);

        List<Reading> low = readings("11/22/26 10:00:00 SPO2=091% BPM=110 PI=00.20% ALARM=0000 EXC=000804");
        NumericReading spo2 = numeric(low, "SpO2");
        assertThat(spo2.isValid()).isTrue();
        assertThat(spo2.quality().flags()).containsExactly(QualityFlag.QUESTIONABLE);
        assertThat(spo2.quality().reason()).isEqualTo("low perfusion (EXC 0x000004)");
        assertThat(low)
                .filteredOn(DeviceStatus.class::isInstance)
                .extracting(s -> ((DeviceStatus) s).code())
                .containsExactly(DeviceStatus.Code.LOW_PERFUSION);
    }

    @Test
    void alarmBitsBecomeAlarmEventsWithTheDevicesState() {
        List<Reading> r = readings("11/22/26 10:00:00 SPO2=084% BPM=130 PI=01.00% ALARM=0016 EXC=000800");
        assertThat(r)
                .filteredOn(AlarmEvent.class::isInstance)
                .map(AlarmEvent.class::cast)
                .extracting(AlarmEvent::code, AlarmEvent::state, AlarmEvent::priority, AlarmEvent::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "spo2-low",
                                AlarmEvent.State.ACTIVE,
                                AlarmEvent.Priority.UNKNOWN,
                                AlarmEvent.Kind.PHYSIOLOGICAL),
                        org.assertj.core.groups.Tuple.tuple(
                                "pulse-rate-high",
                                AlarmEvent.State.ACTIVE,
                                AlarmEvent.Priority.UNKNOWN,
                                AlarmEvent.Kind.PHYSIOLOGICAL));
        NumericReading spo2 = numeric(r, "SpO2");
        assertThat(spo2.isValid()).isTrue();
        assertThat(spo2.quality().flags()).containsExactly(QualityFlag.IN_ALARM);

        List<Reading> silenced = readings("11/22/26 10:00:00 SPO2=084% BPM=130 PI=01.00% ALARM=0022 EXC=000800");
        assertThat(silenced)
                .filteredOn(AlarmEvent.class::isInstance)
                .extracting(a -> ((AlarmEvent) a).state())
                .containsExactly(AlarmEvent.State.SILENCED);
    }

    @Test
    void anAlarmWithoutAConditionBitIsStillReported() {
        List<Reading> r = readings("11/22/26 10:00:00 SPO2=097% BPM=070 PI=01.00% ALARM=4010 EXC=000800");
        assertThat(r)
                .filteredOn(AlarmEvent.class::isInstance)
                .extracting(a -> ((AlarmEvent) a).code())
                .containsExactly("alarm-bit-0x4000");
        List<Reading> bare = readings("11/22/26 10:00:00 SPO2=097% BPM=070 PI=01.00% ALARM=0010 EXC=000800");
        assertThat(bare)
                .filteredOn(AlarmEvent.class::isInstance)
                .extracting(a -> ((AlarmEvent) a).code())
                .containsExactly("unspecified");
    }

    @Test
    void valuesOutsideWhatTheDeviceCanReportAreKeptButInvalid() {
        NumericReading spo2 = numeric(readings("11/22/26 10:00:00 SPO2=187% BPM=070 ALARM=0000 EXC=000800"), "SpO2");
        assertThat(spo2.value()).isEqualByComparingTo("187");
        assertThat(spo2.isValid()).isFalse();
        assertThat(spo2.quality().reason()).contains("outside the range");
    }

    @Test
    void appliesTheConfiguredDeviceTimeZone() {
        MessageDecoder berlin = DRIVER.newMessageDecoder(
                DEVICE, DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", "Europe/Berlin")));
        DecodeResult r = berlin.decode(
                ByteBuffer.wrap(
                        "07/01/26 12:00:00 SPO2=097% ALARM=0000 EXC=000800".getBytes(StandardCharsets.US_ASCII)),
                DecoderHarness.RECEIVED_AT);
        assertThat(((DecodeResult.Decoded) r).readings().get(0).deviceTime())
                .isEqualTo(Instant.parse("2026-07-01T10:00:00Z"));
    }

    @Test
    void convertsDeviceTimeExactlyAsTheZoneRulesDoIncludingAroundDaylightSavingChanges() {
        java.util.Random random = new java.util.Random(17);
        for (String zoneId :
                List.of("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata")) {
            java.time.ZoneId zone = java.time.ZoneId.of(zoneId);
            MessageDecoder d = DRIVER.newMessageDecoder(
                    DEVICE, DriverOptions.parse(DRIVER.info(), Map.of("device-time-zone", zoneId)));
            List<java.time.LocalDateTime> times = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                times.add(java.time.LocalDateTime.of(2000 + random.nextInt(100), 1, 1, 0, 0)
                        .plusSeconds(random.nextInt(366 * 86400)));
            }
            // every second of the hours around this year's changes, in order, as a device sends them
            for (var t : zone.getRules().getTransitions()) {
                if (t.getInstant().isAfter(Instant.parse("2026-01-01T00:00:00Z"))
                        && t.getInstant().isBefore(Instant.parse("2027-01-01T00:00:00Z"))) {
                    java.time.LocalDateTime start = t.getDateTimeBefore().minusHours(2);
                    for (int sec = 0; sec < 4 * 3600; sec += 7) {
                        times.add(start.plusSeconds(sec));
                    }
                }
            }
            for (java.time.LocalDateTime t : times) {
                String line = String.format(
                        "%02d/%02d/%02d %02d:%02d:%02d SPO2=097%% ALARM=0000 EXC=000800",
                        t.getMonthValue(),
                        t.getDayOfMonth(),
                        t.getYear() % 100,
                        t.getHour(),
                        t.getMinute(),
                        t.getSecond());
                DecodeResult r =
                        d.decode(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)), DecoderHarness.RECEIVED_AT);
                Instant expected = t.toInstant(zone.getRules().getOffset(t));
                assertThat(((DecodeResult.Decoded) r).readings().get(0).deviceTime())
                        .as("%s in %s", t, zoneId)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void rejectsABrokenLineAsAWholeWithTheReason() {
        Map<String, String> cases = Map.of(
                "11/22/26 10:00:00 SPO2=0x7% BPM=070 ALARM=0000 EXC=000800", "SPO2 value '0x7%' is not a number",
                "11/22/26 10:00:00 SPO2=097% BPM=0-0 ALARM=0000 EXC=000800", "BPM value '0-0' is not a number",
                "13/45/26 10:00:00 SPO2=097% ALARM=0000 EXC=000800",
                        "device time '13/45/26 10:00:00' is not a valid date and time",
                "11/22/26 10:00:00 SPO2=097% SPO2=098% ALARM=0000", "SPO2 appears twice in one line",
                "11/22/26 10:00:00 SPO2=097% ALARM=00Z0 EXC=000800", "ALARM '00Z0' is not hexadecimal",
                "11/22/26 10:00:00 ALARM=0000 EXC=000800", "line has a time but no Masimo measurement field",
                "hello world", "line does not start with a MM/dd/yy HH:mm:ss time",
                "11/22/26 10:00:00 SPO2 097%", "token 'SPO2' is not KEY=value");
        cases.forEach((line, reason) -> {
            DecodeResult r = decode(line);
            assertThat(r).as(line).isInstanceOf(DecodeFailure.class);
            assertThat(((DecodeFailure) r).reason()).isEqualTo(DecodeFailure.Reason.MALFORMED);
            assertThat(((DecodeFailure) r).detail()).as(line).isEqualTo(reason);
        });
    }

    @Test
    void rejectsControlBytesInsideALine() {
        DecodeResult r = decoder()
                .decode(
                        ByteBuffer.wrap("11/22/26 10:00:00 SPO2=0\u00007%".getBytes(StandardCharsets.ISO_8859_1)),
                        DecoderHarness.RECEIVED_AT);
        assertThat(r).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) r).detail()).isEqualTo("byte 0x00 at column 25 is not text");
    }

    @Test
    void ignoresKeysItDoesNotKnow() {
        List<Reading> r = readings("11/22/26 10:00:00 SN=0000012345 SPHB=13.1 SPO2=097% ALARM=0000 EXC=000800");
        assertThat(r)
                .filteredOn(NumericReading.class::isInstance)
                .singleElement()
                .satisfies(x -> assertThat(((NumericReading) x).metric()).isEqualTo(Metrics.SPO2));
        assertThat(r).filteredOn(DeviceIdentity.class::isInstance).hasSize(1);
    }

    // ---- the monitor's serial number ----

    private static List<DeviceIdentity> identities(List<Reading> readings) {
        return readings.stream()
                .filter(DeviceIdentity.class::isInstance)
                .map(DeviceIdentity.class::cast)
                .toList();
    }

    @Test
    void theRealRad8LineNamesItsMonitorBySerialNumberWithTheLinesTimes() {
        // The real Rad-8 capture quoted in protocols.md §4.1 (yahnatan/pulseox README).
        List<Reading> r = readings("02/22/16 22:47:45 SN=0000056661 SPO2=098% BPM=097 PI=03.60% SPCO=--.-%"
                + " SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800");
        assertThat(identities(r))
                .containsExactly(new DeviceIdentity(
                        DEVICE,
                        "0000056661",
                        null,
                        null,
                        null,
                        Instant.parse("2016-02-22T22:47:45Z"),
                        DecoderHarness.RECEIVED_AT));
        assertThat(r.get(r.size() - 1)).as("last, after the values").isInstanceOf(DeviceIdentity.class);
        assertThat(identities(r).get(0).unitKey()).isEqualTo("sn-0000056661");
    }

    @Test
    void theMdPnpRadical7LineWithItsSensorOffStillNamesTheMonitor() {
        List<Reading> r = readings("12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0%"
                + " SPMET=00.5% DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820");
        assertThat(identities(r)).extracting(DeviceIdentity::serialNumber).containsExactly("0123456789");
    }

    @Test
    void aRadical5LineHasNoSerialAndSoNoIdentity() {
        assertThat(identities(readings("09/15/10 15:10:29 SPO2=097% BPM=064 PI=11.82% ALARM=20 EXC=800")))
                .isEmpty();
    }

    @Test
    void aSerialThatIsNoSerialIsLeftOutNeverGuessedAndTheValuesStillDecode() {
        for (String sn : List.of("----------", "0000000000", "01234X6789", "012345678901234567890", "+--")) {
            List<Reading> r = readings("11/22/26 10:00:00 SN=" + sn + " SPO2=097% BPM=072 ALARM=0000 EXC=000800");
            assertThat(identities(r)).as(sn).isEmpty();
            assertThat(numeric(r, "SpO2").isValid()).as(sn).isTrue();
        }
    }

    @Test
    void twoSerialNumbersInOneLineRejectTheLine() {
        DecodeResult r = decode("11/22/26 10:00:00 SN=0000012345 SPO2=097% SN=0000054321 ALARM=0000 EXC=000800");
        assertThat(r).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) r).detail()).isEqualTo("SN appears twice in one line");
    }

    @Test
    void anotherMonitorInTheSlotIsAnotherSerialFromItsFirstLine() {
        MessageDecoder d = decoder();
        List<String> serials = new ArrayList<>();
        for (String line : List.of(
                "11/22/26 10:00:00 SN=0000012345 SPO2=097% ALARM=0000 EXC=000800",
                "11/22/26 10:00:01 SPO2=096% ALARM=0000 EXC=000800",
                "11/22/26 10:00:02 SN=0000054321 SPO2=095% ALARM=0000 EXC=000800")) {
            DecodeResult result =
                    d.decode(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)), DecoderHarness.RECEIVED_AT);
            List<DeviceIdentity> ids = identities(((DecodeResult.Decoded) result).readings());
            serials.add(ids.isEmpty() ? "none" : ids.get(0).serialNumber());
        }
        // The line without SN= is not lent the serial of the line before it.
        assertThat(serials).containsExactly("0000012345", "none", "0000054321");
    }

    // ---- properties of the whole pipeline: framer + decoder ----

    private static byte[] stream(int lines, int startSecond) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append(line(startSecond + i, 90 + i % 10, 60 + i % 40)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String line(int second, int spo2, int bpm) {
        int s = second % 60;
        int m = (second / 60) % 60;
        int h = (second / 3600) % 24;
        return String.format(
                "11/22/26 %02d:%02d:%02d SN=0000012345 SPO2=%03d%% BPM=%03d PI=02.10%% SPCO=--.-%% SPMET=--.-%%"
                        + " DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000800",
                h, m, s, spo2, bpm);
    }

    @Test
    void anyChunkingOfTheStreamGivesTheSameReadings() {
        byte[] stream = stream(50, 0);
        Output whole = DecoderHarness.run(framer(), decoder(), stream);
        assertThat(whole.readings()).hasSize(50 * 9); // 8 values and the monitor's identity
        assertThat(whole.failures()).isEmpty();
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            Output chunked = DecoderHarness.run(framer(), decoder(), DecoderHarness.randomChunks(stream, random, 40));
            assertThat(chunked.readings()).isEqualTo(whole.readings());
        }
        assertThat(DecoderHarness.run(framer(), decoder(), DecoderHarness.byteByByte(stream))
                        .readings())
                .isEqualTo(whole.readings());
    }

    @Test
    void garbageBetweenLinesLosesAtMostTheLineItDamages() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            List<String> lines = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            Set<Integer> damaged = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                if (random.nextInt(4) == 0) {
                    // a burst of line noise; bytes other than LF may also glue onto the next line
                    byte[] noise = new byte[1 + random.nextInt(30)];
                    random.nextBytes(noise);
                    sb.append(new String(noise, StandardCharsets.ISO_8859_1));
                    damaged.add(i);
                }
                String l = line(i, 95, 70);
                lines.add(l);
                sb.append(l).append("\r\n");
            }
            Output out = DecoderHarness.run(framer(), decoder(), sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            Set<Instant> decodedTimes =
                    out.readings().stream().map(Reading::deviceTime).collect(Collectors.toSet());
            for (int i = 0; i < lines.size(); i++) {
                Instant t = Instant.parse("2026-11-22T00:00:00Z").plusSeconds(i);
                if (!damaged.contains(i)) {
                    assertThat(decodedTimes).as("trial %d line %d", trial, i).contains(t);
                }
            }
            // every line that did decode decoded completely: 8 values and the identity, never part of a line
            assertThat(out.readings().size() % 9).isZero();
        }
    }

    @Test
    void arbitraryBytesNeverThrow() {
        Random random = new Random(3);
        byte[] valid = stream(5, 0);
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[random.nextInt(300)];
                random.nextBytes(input);
            } else {
                input = valid.clone();
                for (int flips = 1 + random.nextInt(5); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            byte[] in = input;
            assertThatCode(() -> DecoderHarness.run(framer(), decoder(), in)).doesNotThrowAnyException();
        }
    }

    @Test
    void aMutatedLineEitherDecodesCompletelyOrFailsWithAReason() {
        Random random = new Random(5);
        String base = line(10, 97, 72);
        for (int i = 0; i < 5_000; i++) {
            char[] chars = base.toCharArray();
            chars[random.nextInt(chars.length)] = (char) (0x20 + random.nextInt(0x5F));
            DecodeResult r = decode(new String(chars));
            if (r instanceof DecodeFailure f) {
                assertThat(f.detail()).isNotBlank();
            } else {
                assertThat(((DecodeResult.Decoded) r).readings()).isNotEmpty();
            }
        }
    }
}
