package org.bedside.drivers.senml;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.InvalidOptionException;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SenmlDecoderTest {
    private static final DeviceId DEVICE = DeviceId.of("bed12-hub");
    /** 2026-11-22T10:00:00Z, the harness's receive time. */
    private static final Instant NOW = DecoderHarness.RECEIVED_AT;

    private static final long T = NOW.getEpochSecond();
    private static final SenmlMqttDriver DRIVER = new SenmlMqttDriver();

    private static MessageDecoder decoder(Map<String, String> options) {
        return DRIVER.newMessageDecoder(DEVICE, DriverOptions.parse(DRIVER.info(), options));
    }

    private static DecodeResult decode(String json) {
        return decode(decoder(Map.of()), json);
    }

    private static DecodeResult decode(MessageDecoder d, String json) {
        return d.decode(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), NOW);
    }

    private static List<Reading> readings(DecodeResult r) {
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private static DecodeFailure failure(DecodeResult r) {
        assertThat(r).isInstanceOf(DecodeFailure.class);
        return (DecodeFailure) r;
    }

    @Test
    void decodesRfcStyleBaseNameBaseTimeAndRelativeTimes() {
        String pack = "[{\"bn\":\"urn:dev:mac:0024befffe804ff1:\",\"bt\":" + T + ",\"bu\":\"%\"},"
                + "{\"n\":\"spo2\",\"v\":97},"
                + "{\"n\":\"spo2\",\"v\":96,\"t\":-1},"
                + "{\"n\":\"pulse\",\"u\":\"beat/min\",\"v\":72.5,\"t\":-0.25}]";

        List<Reading> out = readings(decode(pack));

        assertThat(out)
                .containsExactly(
                        new NumericReading(
                                DEVICE,
                                Metrics.SPO2,
                                new BigDecimal("97"),
                                UcumUnit.PERCENT,
                                org.bedside.model.Quality.VALID,
                                NOW,
                                NOW),
                        new NumericReading(
                                DEVICE,
                                Metrics.SPO2,
                                new BigDecimal("96"),
                                UcumUnit.PERCENT,
                                org.bedside.model.Quality.VALID,
                                NOW.minusSeconds(1),
                                NOW),
                        new NumericReading(
                                DEVICE,
                                Metrics.PULSE_RATE_OXIMETRY,
                                new BigDecimal("72.5"),
                                UcumUnit.BEATS_PER_MINUTE,
                                org.bedside.model.Quality.VALID,
                                NOW.minusMillis(250),
                                NOW));
    }

    @Test
    void acceptsTheMdcReferenceIdAsANameAndKeepsTheDevicesPrecision() {
        List<Reading> out =
                readings(decode("[{\"n\":\"MDC_PULS_OXIM_SAT_O2\",\"u\":\"%\",\"v\":97.50,\"t\":" + T + ".123456}]"));
        NumericReading r = (NumericReading) out.get(0);
        assertThat(r.metric()).isEqualTo(Metrics.SPO2);
        assertThat(r.value()).isEqualTo(new BigDecimal("97.50"));
        assertThat(r.deviceTime()).isEqualTo(NOW.plusNanos(123_456_000));
    }

    @Test
    void addsASitesOwnNamesFromTheOption() {
        MessageDecoder d = decoder(Map.of("names", "o2sat=MDC_PULS_OXIM_SAT_O2, bpm=MDC_PULS_OXIM_PULS_RATE"));
        List<Reading> out = readings(decode(
                d,
                "[{\"bt\":" + T + ",\"n\":\"o2sat\",\"u\":\"%\",\"v\":95},{\"n\":\"bpm\",\"u\":\"1/min\",\"v\":60}]"));
        assertThat(out)
                .extracting(r -> ((NumericReading) r).metric())
                .containsExactly(Metrics.SPO2, Metrics.PULSE_RATE_OXIMETRY);
    }

    @Test
    void refusesAnOptionNamingAnUnknownReferenceId() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> decoder(Map.of("names", "x=MDC_NOPE")))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("names")
                .hasMessageContaining("MDC_NOPE");
    }

    @Test
    void makesOneBloodPressureOfTheComponentsOfOneTime() {
        List<Reading> out = readings(
                decode(
                        "[{\"bt\":" + T + ",\"bu\":\"mmHg\",\"n\":\"nibp-sys\",\"v\":120},"
                                + "{\"n\":\"nibp-dia\",\"v\":80},{\"n\":\"nibp-mean\",\"v\":93},{\"n\":\"spo2\",\"u\":\"%\",\"v\":98}]"));
        assertThat(out).hasSize(2);
        CompoundReading bp = (CompoundReading) out.get(0);
        assertThat(bp.metric()).isEqualTo(Metrics.NIBP);
        assertThat(bp.components())
                .extracting(CompoundReading.Component::metric)
                .containsExactly(Metrics.NIBP_SYSTOLIC, Metrics.NIBP_DIASTOLIC, Metrics.NIBP_MEAN);
        assertThat(bp.component(Metrics.NIBP_DIASTOLIC).orElseThrow().unit()).isEqualTo(UcumUnit.MM_HG);
        assertThat(bp.deviceTime()).isEqualTo(NOW);
    }

    @Test
    void keepsAFlaggedValueAndAMissingOneWithTheSensorsReason() {
        List<Reading> out = readings(decode("[{\"bt\":" + T + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":88,"
                + "\"q\":[\"questionable\"],\"qr\":\"motion\"},"
                + "{\"n\":\"pulse\",\"u\":\"1/min\",\"q\":[\"not_available\"],\"qr\":\"sensor off\",\"t\":1}]"));
        NumericReading doubtful = (NumericReading) out.get(0);
        assertThat(doubtful.value()).isEqualTo(new BigDecimal("88"));
        assertThat(doubtful.quality().flags()).containsExactly(QualityFlag.QUESTIONABLE);
        assertThat(doubtful.quality().reason()).isEqualTo("motion");
        NumericReading missing = (NumericReading) out.get(1);
        assertThat(missing.value()).isNull();
        assertThat(missing.isValid()).isFalse();
        assertThat(missing.quality().reason()).isEqualTo("sensor off");
    }

    @Test
    void ignoresFieldsItNeedNotUnderstandAndRefusesMustUnderstandOnes() {
        assertThat(readings(decode("[{\"bt\":" + T + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"ut\":60,\"s\":1,"
                        + "\"vendor\":{\"x\":1}}]")))
                .hasSize(1);
        DecodeFailure f = failure(decode("[{\"bt\":" + T + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"crit_\":1}]"));
        assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.UNSUPPORTED_VERSION);
        assertThat(f.detail()).contains("crit_");
    }

    @Test
    void readsItsOwnEgressPacksBack() {
        Instant device = NOW.minusMillis(400);
        var spo2 = new NumericReading(
                DEVICE,
                Metrics.SPO2,
                new BigDecimal("97"),
                UcumUnit.PERCENT,
                org.bedside.model.Quality.VALID,
                device,
                NOW.plusNanos(1000));
        var bp = new CompoundReading(
                DEVICE,
                Metrics.NIBP,
                List.of(
                        new CompoundReading.Component(
                                Metrics.NIBP_SYSTOLIC,
                                new BigDecimal("118"),
                                UcumUnit.MM_HG,
                                org.bedside.model.Quality.VALID),
                        new CompoundReading.Component(
                                Metrics.NIBP_DIASTOLIC,
                                new BigDecimal("79"),
                                UcumUnit.MM_HG,
                                org.bedside.model.Quality.VALID)),
                device,
                NOW.plusNanos(1000));
        byte[] pack = new SenmlEncoder("icu-gw-12").encode(List.of(spo2, bp));

        DecodeResult back = decoder(Map.of()).decode(ByteBuffer.wrap(pack), NOW.plusNanos(1000));

        assertThat(readings(back)).containsExactly(spo2, bp);
    }

    /** Each bad payload is a failure with a reason that names what was wrong. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json at all|MALFORMED|not JSON",
                "{\"n\":\"spo2\"}|MALFORMED|JSON array",
                "[]|MALFORMED|empty pack",
                "[1,2]|MALFORMED|not a JSON object",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":\"97\"}]|MALFORMED|'v' must be a number, got a string",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"vs\":\"97\"}]|MALFORMED|needs a number",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":NaN}]|MALFORMED|not JSON",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":1e400}]|VALUE_OUT_OF_SPEC|out of range",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":101}]|VALUE_OUT_OF_SPEC|outside 0..100",
                "[{\"bt\":T,\"n\":\"glucose\",\"u\":\"%\",\"v\":5}]|UNKNOWN_MESSAGE_TYPE|unknown name 'glucose'",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"/\",\"v\":0.97}]|VALUE_OUT_OF_SPEC|unit '/' is not accepted",
                "[{\"bt\":T,\"n\":\"spo2\",\"v\":97}]|MALFORMED|has no unit",
                "[{\"bt\":T,\"n\":\"temp\",\"u\":\"Cel\",\"ucum\":\"[degF]\",\"v\":37}]|VALUE_OUT_OF_SPEC|UCUM unit",
                "[{\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]|VALUE_OUT_OF_SPEC|relative to the receive time",
                "[{\"bt\":T,\"t\":3600,\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]|VALUE_OUT_OF_SPEC|after the receive time",
                "[{\"bt\":1000000000,\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]|VALUE_OUT_OF_SPEC|before the receive time",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":97},{\"n\":\"spo2\",\"u\":\"%\",\"v\":96}]|MALFORMED|same time",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\"}]|MALFORMED|no value",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"q\":[\"wobbly\"]}]|MALFORMED|unknown quality flag",
                "[{\"bver\":11,\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]|UNSUPPORTED_VERSION|version 11",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":97}] []|MALFORMED|after the pack",
                "[{\"bt\":T,\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"v\":98}]|MALFORMED|Duplicate field",
                "[{\"bt\":T,\"n\":\"spo2\",\"x\":[[[1]]]}]|MALFORMED|too large",
                "[{\"bt\":T,\"mdc\":150456,\"n\":\"pulse\",\"u\":\"1/min\",\"v\":60}]|VALUE_OUT_OF_SPEC|MDC code",
                "[{\"v\":97}]|MALFORMED|has no name"
            })
    void refusesBadPayloadsWithAReason(String testCase) {
        String[] parts = testCase.split("\\|");
        DecodeFailure f = failure(decode(parts[0].replace("T", Long.toString(T))));
        assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.valueOf(parts[1]));
        assertThat(f.detail()).contains(parts[2]);
    }

    @Test
    void acceptsRelativeTimesWhenTheSiteSaysSo() {
        MessageDecoder d = decoder(Map.of("relative-times", "accept"));
        NumericReading r = (NumericReading) readings(decode(d, "[{\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"t\":-2}]"))
                .get(0);
        assertThat(r.deviceTime()).isEqualTo(NOW.minusSeconds(2));
    }

    @Test
    void refusesNamesOutsideTheConfiguredBaseName() {
        MessageDecoder d = decoder(Map.of("base-name", "urn:dev:mac:0024befffe804ff1:"));
        assertThat(readings(decode(
                        d,
                        "[{\"bn\":\"urn:dev:mac:0024befffe804ff1:\",\"bt\":" + T
                                + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]")))
                .hasSize(1);
        DecodeFailure f = failure(decode(
                d,
                "[{\"bn\":\"urn:dev:mac:ffffffffffffffff:\",\"bt\":" + T + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]"));
        assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.OTHER_DEVICE);
        assertThat(f.detail()).contains("not under this device's base name");
    }

    @Test
    void refusesMoreRecordsThanAPackMayHold() {
        StringBuilder sb = new StringBuilder("[{\"bt\":" + T + ",\"bu\":\"%\"}");
        for (int i = 0; i <= SenmlDecoder.MAX_RECORDS; i++) {
            sb.append(",{\"n\":\"spo2\",\"v\":97,\"t\":").append(-i).append('}');
        }
        DecodeFailure f = failure(decode(sb.append(']').toString()));
        assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.VALUE_OUT_OF_SPEC);
        assertThat(f.detail()).contains("more than " + SenmlDecoder.MAX_RECORDS + " records");
    }

    @Test
    void dropsAMessageLongerThanTheLimitThroughTheFramer() {
        byte[] huge = new byte[SenmlMqttDriver.MAX_MESSAGE_LENGTH + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        var out = DecoderHarness.run(
                DRIVER.newFrameDecoder(DriverOptions.defaults(DRIVER.info())), decoder(Map.of()), List.of(huge));
        assertThat(out.readings()).isEmpty();
        assertThat(out.failureReasons()).containsExactly(DecodeFailure.Reason.FRAME_TOO_LONG);
    }

    @Test
    void neverThrowsOnArbitraryBytesOrMutatedPacks() {
        Random random = new Random(8428);
        MessageDecoder d = decoder(Map.of());
        String good = "[{\"bn\":\"x:\",\"bt\":" + T + ",\"bu\":\"%\"},{\"n\":\"spo2\",\"v\":97},"
                + "{\"n\":\"nibp-sys\",\"u\":\"mmHg\",\"v\":120,\"q\":[\"questionable\"],\"qr\":\"cuff\"}]";
        byte[] base = good.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
            } else {
                bytes = base.clone();
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    bytes[random.nextInt(bytes.length)] = (byte) (32 + random.nextInt(95));
                }
            }
            DecodeResult r = d.decode(ByteBuffer.wrap(bytes), NOW);
            assertThat(r).isNotNull();
        }
    }
}
