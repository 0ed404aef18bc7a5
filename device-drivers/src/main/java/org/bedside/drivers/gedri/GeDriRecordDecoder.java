package org.bedside.drivers.gedri;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bedside.drivers.gedri.GeDriCodes.Field;
import org.bedside.drivers.gedri.GeDriCodes.Special;
import org.bedside.drivers.gedri.GeDriCodes.Wave;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one DRI record as the framer delivers it (unstuffed, without flags): the record followed by its checksum.
 *
 * <pre>
 * record (r_len bytes)                                                                         checksum
 * ├ header (40): r_len u16 │ r_nbr │ r_dri_level │ plug_id │ r_time u32 │ reserved │ r_maintype u16 │ sr_desc[8] ┤
 * └ sub-records at 40 + sr_offset: 278-byte displayed values (basic, ext1, ext2, ext3) or waveform samples
 * checksum = sum of the record's bytes mod 256; every field little-endian
 * </pre>
 *
 * <p>A frame whose checksum or length does not match is a failure, never partly decoded. A value that is one of the
 * special codes (invalid, not updated, calibrating, under or over range...) becomes a reading without a value whose
 * quality says which; a value in a group whose status says the measurement does not exist is "not available", never
 * the zero the monitor leaves there. EtCO2 is converted from a volume fraction to a partial pressure with the ambient
 * pressure the same record carries. NIBP systolic, diastolic and mean make one compound reading.
 *
 * <p>Pure and thread-safe.
 */
final class GeDriRecordDecoder implements MessageDecoder {
    /** EtCO2 partial pressure is given to 0.1 mmHg: the resolution of 0.01 % at sea-level pressure is 0.08 mmHg. */
    private static final int ETCO2_SCALE = 1;

    private final DeviceId device;
    private final ZoneId zone;

    GeDriRecordDecoder(DeviceId device, ZoneId zone) {
        this.device = device;
        this.zone = zone;
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        int n = frame.remaining();
        byte[] bytes;
        int base;
        if (frame.hasArray()) {
            bytes = frame.array();
            base = frame.arrayOffset() + frame.position();
        } else {
            bytes = new byte[n];
            frame.duplicate().get(bytes);
            base = 0;
        }
        if (n < 2) {
            return fail(DecodeFailure.Reason.TRUNCATED, "frame of " + n + " byte has no record", frame);
        }
        Record r = new Record(bytes, base, n - 1);
        int checksum = bytes[base + n - 1] & 0xFF;
        int sum = 0;
        for (int i = 0; i < n - 1; i++) {
            sum += bytes[base + i];
        }
        sum &= 0xFF;
        if (sum != checksum) {
            return fail(
                    DecodeFailure.Reason.BAD_CHECKSUM,
                    String.format(Locale.ROOT, "checksum 0x%02X, but the record's bytes sum to 0x%02X", checksum, sum),
                    frame);
        }
        if (r.length < GeDriCodes.HEADER_LENGTH) {
            return fail(
                    DecodeFailure.Reason.TRUNCATED,
                    "record of " + r.length + " bytes is shorter than its " + GeDriCodes.HEADER_LENGTH + "-byte header",
                    frame);
        }
        int declared = r.u16(GeDriCodes.OFFSET_R_LEN);
        if (declared != r.length) {
            return fail(
                    declared > r.length ? DecodeFailure.Reason.TRUNCATED : DecodeFailure.Reason.MALFORMED,
                    "the header says " + declared + " bytes but the record has " + r.length,
                    frame);
        }
        int level = r.u8(GeDriCodes.OFFSET_DRI_LEVEL);
        if (level < GeDriCodes.LEVEL_2009) {
            return fail(
                    DecodeFailure.Reason.UNSUPPORTED_VERSION,
                    "DRI level " + level + " (" + GeDriCodes.levelName(level)
                            + "): only 2009 (10) and later records are decoded",
                    frame);
        }
        int mainType = r.u16(GeDriCodes.OFFSET_MAINTYPE);
        try {
            return switch (mainType) {
                case GeDriCodes.MAINTYPE_PHDB -> DecodeResult.of(physiological(r, receivedAt));
                case GeDriCodes.MAINTYPE_WAVE -> DecodeResult.of(waveforms(r, receivedAt));
                case GeDriCodes.MAINTYPE_ALARM ->
                    fail(
                            DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE,
                            "alarm records (main type 4) are not supported",
                            frame);
                default ->
                    fail(
                            DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE,
                            "record main type " + mainType + " is unknown",
                            frame);
            };
        } catch (DecodeException e) {
            return fail(e.reason(), e.getMessage(), frame);
        }
    }

    private static DecodeFailure fail(DecodeFailure.Reason reason, String detail, ByteBuffer frame) {
        return DecodeFailure.of(reason, detail, frame);
    }

    // ---- physiological records ----

    private List<Reading> physiological(Record r, Instant receivedAt) throws DecodeException {
        List<Reading> out = new ArrayList<>(64);
        for (int[] sr : r.subrecords()) {
            int type = sr[1];
            int start = GeDriCodes.HEADER_LENGTH + sr[0];
            if (type == GeDriCodes.PH_TREND_10S || type == GeDriCodes.PH_TREND_60S) {
                throw new DecodeException(
                        DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE,
                        "trend sub-records (type " + type + ") are not supported");
            }
            if (type != GeDriCodes.PH_DISPLAYED) {
                throw new DecodeException(
                        DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE,
                        "physiological sub-record type " + type + " is unknown");
            }
            if (start < GeDriCodes.HEADER_LENGTH || start + GeDriCodes.SUBRECORD_LENGTH > r.length) {
                throw new DecodeException(
                        DecodeFailure.Reason.TRUNCATED,
                        "displayed-values sub-record at offset " + sr[0] + " does not fit in the record");
            }
            int word = r.u16(start + GeDriCodes.OFFSET_CLASS_LEVEL_SUBTYPE);
            int subtype = word & 0xF;
            int level = (word >> 4) & 0xF;
            int cls = (word >> 8) & 0xF;
            if (subtype != GeDriCodes.PH_DISPLAYED) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        "sub-record of type 1 (displayed values) says subtype " + subtype);
            }
            if (level < GeDriCodes.LEVEL_2009) {
                throw new DecodeException(
                        DecodeFailure.Reason.UNSUPPORTED_VERSION,
                        "sub-record at DRI level " + level + " (" + GeDriCodes.levelName(level) + ")");
            }
            Instant deviceTime = deviceTime(r.u32(start + GeDriCodes.OFFSET_SUBRECORD_TIME));
            switch (cls) {
                case GeDriCodes.CLASS_BASIC -> basic(r, start, deviceTime, receivedAt, out);
                case GeDriCodes.CLASS_EXT1 -> fields(r, start, GeDriCodes.EXT1, deviceTime, receivedAt, out);
                case GeDriCodes.CLASS_EXT2 -> fields(r, start, GeDriCodes.EXT2, deviceTime, receivedAt, out);
                case GeDriCodes.CLASS_EXT3 -> {
                    // Nothing of ext3 is decoded (docs/drivers/ge-dri.md); the sub-record is valid and skipped.
                }
                default ->
                    throw new DecodeException(
                            DecodeFailure.Reason.MALFORMED, "physiological class " + cls + " is unknown");
            }
        }
        return out;
    }

    private void basic(Record r, int start, @Nullable Instant deviceTime, Instant receivedAt, List<Reading> out) {
        for (Field field : GeDriCodes.BASIC) {
            // In record order: the NIBP compound before NIBP's pulse rate, EtCO2 before FiCO2.
            if (field.metric().equals(GeDriCodes.NIBP_PULSE_RATE)) {
                out.add(nibp(r, start, deviceTime, receivedAt));
            } else if (field.offset() == GeDriCodes.CO2_FI) {
                out.add(etco2(r, start, deviceTime, receivedAt));
            }
            out.add(numeric(r, start, field, deviceTime, receivedAt));
        }
    }

    private void fields(
            Record r,
            int start,
            List<Field> fields,
            @Nullable Instant deviceTime,
            Instant receivedAt,
            List<Reading> out) {
        for (Field field : fields) {
            out.add(numeric(r, start, field, deviceTime, receivedAt));
        }
    }

    private NumericReading numeric(Record r, int start, Field field, @Nullable Instant deviceTime, Instant receivedAt) {
        Value v = value(r, start, field.groupOffset(), field.group(), field.offset(), field.scale());
        return new NumericReading(device, field.metric(), v.value, field.unit(), v.quality, deviceTime, receivedAt);
    }

    private CompoundReading nibp(Record r, int start, @Nullable Instant deviceTime, Instant receivedAt) {
        List<CompoundReading.Component> parts = new ArrayList<>(3);
        int[] offsets = {GeDriCodes.NIBP_SYS, GeDriCodes.NIBP_DIA, GeDriCodes.NIBP_MEAN};
        org.bedside.model.MetricCode[] metrics = {Metrics.NIBP_SYSTOLIC, Metrics.NIBP_DIASTOLIC, Metrics.NIBP_MEAN};
        for (int i = 0; i < 3; i++) {
            Value v = value(r, start, GeDriCodes.NIBP_GROUP, "NIBP", offsets[i], 2);
            parts.add(new CompoundReading.Component(metrics[i], v.value, UcumUnit.MM_HG, v.quality));
        }
        return new CompoundReading(device, Metrics.NIBP, parts, deviceTime, receivedAt);
    }

    /**
     * EtCO2 comes as a volume fraction (0.01 %) and the ambient pressure as 0.1 mmHg: the partial pressure is their
     * product, {@code et × ambient × 10^-5} mmHg, given to 0.1 mmHg.
     */
    private NumericReading etco2(Record r, int start, @Nullable Instant deviceTime, Instant receivedAt) {
        Value et = value(r, start, GeDriCodes.CO2_GROUP, "CO2", GeDriCodes.CO2_ET, 2);
        Value ambient = value(r, start, GeDriCodes.CO2_GROUP, "CO2", GeDriCodes.CO2_AMBIENT_PRESSURE, 1);
        BigDecimal value = null;
        Quality quality;
        if (et.value == null) {
            quality = et.quality;
        } else if (ambient.value == null || !ambient.quality.isValid()) {
            quality = Quality.invalid("EtCO2 " + et.value.toPlainString()
                    + " % cannot be converted to a partial pressure: ambient pressure "
                    + (ambient.quality.reason().isEmpty() ? "missing" : ambient.quality.reason()));
        } else {
            value = et.value.multiply(ambient.value).movePointLeft(2).setScale(ETCO2_SCALE, RoundingMode.HALF_UP);
            quality = et.quality;
        }
        return new NumericReading(
                device, Metrics.END_TIDAL_CO2, value, UcumUnit.MM_HG, quality, deviceTime, receivedAt);
    }

    /** A raw field with what the special codes and the group status say about it. */
    private record Value(@Nullable BigDecimal value, Quality quality) {}

    private static Value value(Record r, int start, int groupOffset, String group, int offset, int scale) {
        int raw = r.s16(start + offset);
        if (raw <= GeDriCodes.INVALID_LIMIT) {
            Special s = Special.of(raw);
            if (s == null) {
                return new Value(null, Quality.invalid("special value " + raw + " (undocumented)"));
            }
            return new Value(null, Quality.of(s.flag, s.text + " (DRI " + raw + ")"));
        }
        long status = r.u32(start + groupOffset);
        if ((status & GeDriCodes.GROUP_EXISTS) == 0) {
            return new Value(
                    null,
                    Quality.notAvailable(
                            String.format(Locale.ROOT, "no %s measurement (group status 0x%08X)", group, status)));
        }
        BigDecimal value = BigDecimal.valueOf(raw, scale);
        if ((status & GeDriCodes.GROUP_ACTIVE) == 0) {
            return new Value(
                    value,
                    Quality.invalid(String.format(
                            Locale.ROOT, "%s measurement not active (group status 0x%08X)", group, status)));
        }
        return new Value(value, Quality.VALID);
    }

    /** The monitor's clock counts Unix seconds of its local time: read as a local date-time in its zone. */
    private @Nullable Instant deviceTime(long seconds) {
        if (seconds == 0) {
            return null;
        }
        return LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC)
                .atZone(zone)
                .toInstant();
    }

    // ---- waveform records ----

    private List<Reading> waveforms(Record r, Instant receivedAt) throws DecodeException {
        List<Reading> out = new ArrayList<>(2);
        Instant deviceTime = deviceTime(r.u32(GeDriCodes.OFFSET_R_TIME));
        for (int[] sr : r.subrecords()) {
            int id = sr[1];
            Wave wave = Wave.of(id);
            if (wave == null) {
                throw new DecodeException(
                        DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE,
                        "waveform " + id + " is not supported (its sample rate is not verified)");
            }
            int start = GeDriCodes.HEADER_LENGTH + sr[0];
            if (start < GeDriCodes.HEADER_LENGTH || start + GeDriCodes.WAVE_HEADER_LENGTH > r.length) {
                throw new DecodeException(
                        DecodeFailure.Reason.TRUNCATED,
                        "waveform sub-record at offset " + sr[0] + " is outside the record");
            }
            int count = r.s16(start);
            if (count < 0 || start + GeDriCodes.WAVE_HEADER_LENGTH + 2 * count > r.length) {
                throw new DecodeException(
                        DecodeFailure.Reason.TRUNCATED,
                        "waveform " + wave.option + " says " + count + " samples, more than the record holds");
            }
            double[] samples = new double[count];
            int invalid = 0;
            for (int i = 0; i < count; i++) {
                int s = r.s16(start + GeDriCodes.WAVE_HEADER_LENGTH + 2 * i);
                if (s <= GeDriCodes.INVALID_LIMIT) {
                    samples[i] = Double.NaN;
                    invalid++;
                } else {
                    samples[i] = s;
                }
            }
            if (count == 0) {
                continue;
            }
            Quality quality = invalid == 0
                    ? Quality.VALID
                    : invalid == count
                            ? Quality.invalid("every sample is a special value")
                            : Quality.of(
                                    QualityFlag.QUESTIONABLE,
                                    invalid + " of " + count + " samples are special values (NaN here)");
            out.add(new WaveformSegment(
                    device,
                    wave.metric,
                    GeDriCodes.RAW,
                    Duration.ofSeconds(1).dividedBy(wave.samplesPerSecond),
                    samples,
                    quality,
                    deviceTime,
                    receivedAt));
        }
        return out;
    }

    // ---- reading the record ----

    /** The record's bytes in place, little-endian, with bounds checked against the record's length. */
    private static final class Record {
        final byte[] bytes;
        final int base;
        final int length;

        Record(byte[] bytes, int base, int length) {
            this.bytes = bytes;
            this.base = base;
            this.length = length;
        }

        int u8(int at) {
            return bytes[base + at] & 0xFF;
        }

        int u16(int at) {
            return (bytes[base + at] & 0xFF) | (bytes[base + at + 1] & 0xFF) << 8;
        }

        int s16(int at) {
            return (short) u16(at);
        }

        long u32(int at) {
            return (u16(at) | (long) u16(at + 2) << 16) & 0xFFFF_FFFFL;
        }

        /** The sub-record descriptors up to the end-of-list marker: {offset, type} pairs. */
        List<int[]> subrecords() {
            List<int[]> list = new ArrayList<>(GeDriCodes.MAX_SUBRECORDS);
            for (int i = 0; i < GeDriCodes.MAX_SUBRECORDS; i++) {
                int at = GeDriCodes.OFFSET_SR_DESC + i * GeDriCodes.SR_DESC_SIZE;
                int type = u8(at + 2);
                if (type == GeDriCodes.SR_END_OF_LIST) {
                    break;
                }
                list.add(new int[] {s16(at), type});
            }
            return list;
        }
    }
}
