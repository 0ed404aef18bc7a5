package org.bedside.drivers.masimo;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bedside.drivers.masimo.MasimoCodes.AlarmBit;
import org.bedside.drivers.masimo.MasimoCodes.ExceptionBit;
import org.bedside.drivers.masimo.MasimoCodes.Field;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one "ASCII 1" line:
 *
 * <pre>
 * 12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0% SPMET=00.5% DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820
 * └ MM/dd/yy HH:mm:ss (device local time, no zone)  └ KEY=value tokens separated by spaces, in any order
 * </pre>
 *
 * <p>Lines are parsed by token, not by column: the Radical-5 omits SN, SPCO, SPMET, DESAT, PIDELTA and PVI and sends
 * shorter ALARM and EXC fields. A value made only of dashes ({@code ---}, {@code --.-}, {@code +--}) is "no value". The
 * format has no checksum, so a line that breaks the grammar anywhere is rejected as a whole rather than charted in
 * part: a corrupted digit could otherwise pass as a value.
 *
 * <p>EXC bits that mean the sensor cannot measure (no sensor, sensor off, defective or unrecognised sensor or cable)
 * make every value of the line invalid even if digits are present; the digits are kept, with the reason.
 *
 * <p>{@code SN=} is the monitor's serial number (10 digits): a line that carries one ends with a {@link DeviceIdentity}
 * naming it, so that each line's readings say which monitor took them (a monitor swapped at the bed changes the
 * serial from its first line on). The line format names neither the manufacturer's model nor, in words, the
 * manufacturer: the identity has the serial alone. A serial that is not made of digits, or only of zeros or dashes, is
 * no identity and is left out rather than guessed at; the line's values still decode. The format has no checksum, so
 * a digit damaged on the wire can change a serial as it can a value: the digits-only rule catches what is not a digit.
 */
final class MasimoLineDecoder implements MessageDecoder {
    private static final String[] FIELD_KEYS =
            MasimoCodes.FIELDS.stream().map(Field::key).toArray(String[]::new);

    private static final double[] POWERS_OF_TEN = {
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19
    };

    /** "MM/dd/yy HH:mm:ss" */
    private static final int TIMESTAMP_LENGTH = 17;

    /** The longest serial number taken: the format sends 10 digits; a little room for other firmware. */
    private static final int MAX_SERIAL_DIGITS = 20;

    private final DeviceId device;
    private final ZoneRules zone;
    private volatile @Nullable OffsetWindow window;

    MasimoLineDecoder(DeviceId device, ZoneId zone) {
        this.device = device;
        this.zone = zone.getRules();
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        int length = frame.remaining();
        byte[] bytes;
        int offset;
        if (frame.hasArray()) {
            bytes = frame.array();
            offset = frame.arrayOffset() + frame.position();
        } else {
            bytes = new byte[length];
            frame.duplicate().get(bytes);
            offset = 0;
        }
        // The time's bytes are checked here; the rest while the tokens are split, in the same pass.
        for (int i = 0; i < Math.min(length, TIMESTAMP_LENGTH); i++) {
            if (!isText(bytes[offset + i])) {
                return fail(DecodeFailure.Reason.MALFORMED, notText(bytes[offset + i], i), frame);
            }
        }
        AsciiLine line = new AsciiLine(bytes, offset, length);
        try {
            return decode(line, receivedAt);
        } catch (DecodeException e) {
            return fail(e.reason(), e.getMessage(), frame);
        }
    }

    private DecodeResult decode(AsciiLine line, Instant receivedAt) throws DecodeException {
        Instant deviceTime = deviceTime(line);

        // Where each field's value starts and ends in the line; -1 when absent.
        int[] valueStart = new int[MasimoCodes.FIELDS.size()];
        int[] valueEnd = new int[MasimoCodes.FIELDS.size()];
        java.util.Arrays.fill(valueStart, -1);
        int alarm = 0;
        int exceptions = 0;
        boolean sawAlarm = false;
        boolean sawExceptions = false;
        int fieldsSeen = 0;
        int serialStart = -1;
        int serialEnd = -1;

        int i = TIMESTAMP_LENGTH;
        int n = line.length();
        while (i < n) {
            if (line.charAt(i) == ' ') {
                i++;
                continue;
            }
            int start = i;
            int eq = -1;
            for (; i < n; i++) {
                char c = line.charAt(i);
                if (c == ' ') {
                    break;
                }
                if (!isText((byte) c)) {
                    throw new DecodeException(DecodeFailure.Reason.MALFORMED, notText((byte) c, i));
                }
                if (c == '=' && eq < 0) {
                    eq = i;
                }
            }
            int end = i;
            i = start;
            if (eq < 0 || eq == i || eq == end - 1) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED, "token '" + line.substring(i, end) + "' is not KEY=value");
            }
            int keyLength = eq - i;
            if (keyLength == 5 && line.startsWith("ALARM", i)) {
                if (sawAlarm) {
                    throw duplicate("ALARM");
                }
                alarm = hex(line, "ALARM", eq + 1, end, 4);
                sawAlarm = true;
            } else if (keyLength == 3 && line.startsWith("EXC", i)) {
                if (sawExceptions) {
                    throw duplicate("EXC");
                }
                exceptions = hex(line, "EXC", eq + 1, end, 6);
                sawExceptions = true;
            } else if (keyLength == 2 && line.startsWith("SN", i)) {
                if (serialStart >= 0) {
                    throw duplicate("SN");
                }
                serialStart = eq + 1;
                serialEnd = end;
            } else {
                int index = indexOf(line, i, eq);
                if (index >= 0) {
                    if (valueStart[index] >= 0) {
                        throw duplicate(MasimoCodes.FIELDS.get(index).key());
                    }
                    valueStart[index] = eq + 1;
                    valueEnd[index] = end;
                    fieldsSeen++;
                } else {
                    // Keys of newer firmware are not measurements: skipped, if they look like keys.
                    checkKey(line, i, eq);
                }
            }
            i = end;
        }
        if (fieldsSeen == 0) {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED, "line has a time but no Masimo measurement field");
        }

        LineConditions conditions = (exceptions & ~ExceptionBit.MASIMO_SET.mask) == 0 && alarm == 0
                ? LineConditions.NONE
                : new LineConditions(exceptions, alarm);
        List<Reading> readings = new ArrayList<>(fieldsSeen + 2);
        for (int f = 0; f < valueStart.length; f++) {
            if (valueStart[f] >= 0) {
                readings.add(numeric(
                        MasimoCodes.FIELDS.get(f),
                        line,
                        valueStart[f],
                        valueEnd[f],
                        conditions,
                        deviceTime,
                        receivedAt));
            }
        }
        if (alarm != 0) {
            addAlarms(alarm, readings, deviceTime, receivedAt);
        }
        if ((exceptions & ~ExceptionBit.MASIMO_SET.mask) != 0) {
            addStatuses(exceptions, readings, deviceTime, receivedAt);
        }
        String serial = serialStart < 0 ? null : serialNumber(line, serialStart, serialEnd);
        if (serial != null) {
            readings.add(new DeviceIdentity(device, serial, null, null, null, deviceTime, receivedAt));
        }
        return DecodeResult.of(readings);
    }

    /** The serial number of {@code SN=}, or null when it is not one: not only digits, too long, all zeros. */
    private static @Nullable String serialNumber(AsciiLine line, int from, int to) {
        if (to - from > MAX_SERIAL_DIGITS) {
            return null;
        }
        boolean allZeros = true;
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return null; // dashes ("no value"), or not a serial number
            }
            allZeros &= c == '0';
        }
        return allZeros ? null : line.substring(from, to);
    }

    private Instant deviceTime(AsciiLine line) throws DecodeException {
        if (line.length() < TIMESTAMP_LENGTH
                || line.charAt(2) != '/'
                || line.charAt(5) != '/'
                || line.charAt(8) != ' '
                || line.charAt(11) != ':'
                || line.charAt(14) != ':'
                || (line.length() > TIMESTAMP_LENGTH && line.charAt(TIMESTAMP_LENGTH) != ' ')) {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED, "line does not start with a MM/dd/yy HH:mm:ss time");
        }
        int month = twoDigits(line, 0);
        int day = twoDigits(line, 3);
        int year = 2000 + twoDigits(line, 6);
        int hour = twoDigits(line, 9);
        int minute = twoDigits(line, 12);
        int second = twoDigits(line, 15);
        if (month < 1
                || month > 12
                || day < 1
                || day > daysInMonth(year, month)
                || hour > 23
                || minute > 59
                || second > 59) {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED,
                    "device time '" + line.substring(0, TIMESTAMP_LENGTH) + "' is not a valid date and time");
        }
        long local = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
        return Instant.ofEpochSecond(local - offsetAt(local));
    }

    /**
     * The zone's offset at a local time, in seconds. The window around the last lookup in which the offset cannot
     * change is cached (an immutable record behind a volatile field, so the decoder stays thread-safe); near a
     * transition, and in a DST overlap, it asks the zone rules every time, which take the earlier offset as {@link
     * ZoneRules#getOffset(LocalDateTime)} does: the device does not say which.
     */
    private int offsetAt(long local) {
        OffsetWindow w = window;
        if (w != null && local >= w.fromLocal && local < w.toLocal) {
            return w.offsetSeconds;
        }
        LocalDateTime ldt = LocalDateTime.ofEpochSecond(local, 0, ZoneOffset.UTC);
        ZoneOffset offset = zone.getOffset(ldt);
        Instant at = ldt.toInstant(offset);
        ZoneOffsetTransition previous = zone.previousTransition(at);
        ZoneOffsetTransition next = zone.nextTransition(at);
        long from = previous == null ? Long.MIN_VALUE : localSeconds(latest(previous));
        long to = next == null ? Long.MAX_VALUE : localSeconds(earliest(next));
        if (local >= from && local < to) {
            window = new OffsetWindow(from, to, offset.getTotalSeconds());
        }
        return offset.getTotalSeconds();
    }

    private record OffsetWindow(long fromLocal, long toLocal, int offsetSeconds) {}

    private static LocalDateTime latest(ZoneOffsetTransition t) {
        return t.getDateTimeBefore().isAfter(t.getDateTimeAfter()) ? t.getDateTimeBefore() : t.getDateTimeAfter();
    }

    private static LocalDateTime earliest(ZoneOffsetTransition t) {
        return t.getDateTimeBefore().isBefore(t.getDateTimeAfter()) ? t.getDateTimeBefore() : t.getDateTimeAfter();
    }

    private static long localSeconds(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC);
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    private static int twoDigits(AsciiLine line, int at) throws DecodeException {
        char a = line.charAt(at);
        char b = line.charAt(at + 1);
        if (a < '0' || a > '9' || b < '0' || b > '9') {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED,
                    "device time '" + line.substring(0, TIMESTAMP_LENGTH) + "' is not a valid date and time");
        }
        return (a - '0') * 10 + (b - '0');
    }

    private static void checkKey(AsciiLine line, int from, int to) throws DecodeException {
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        "'" + line.substring(from, to) + "' is not a Masimo field name");
            }
        }
    }

    private static int indexOf(AsciiLine line, int from, int to) {
        char first = line.charAt(from);
        for (int f = 0; f < FIELD_KEYS.length; f++) {
            String key = FIELD_KEYS[f];
            if (key.length() == to - from && key.charAt(0) == first && line.startsWith(key, from)) {
                return f;
            }
        }
        return -1;
    }

    private static DecodeException duplicate(String key) {
        return new DecodeException(DecodeFailure.Reason.MALFORMED, key + " appears twice in one line");
    }

    private static int hex(AsciiLine line, String key, int from, int to, int maxDigits) throws DecodeException {
        if (to - from > maxDigits) {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED,
                    key + " '" + line.substring(from, to) + "' has more than " + maxDigits + " digits");
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = hexDigit(line.charAt(i));
            if (d < 0) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED, key + " '" + line.substring(from, to) + "' is not hexadecimal");
            }
            v = v * 16 + d;
        }
        return v;
    }

    private static boolean isText(byte b) {
        return b >= 0x20 && b <= 0x7E;
    }

    private static String notText(byte b, int index) {
        return String.format(Locale.ROOT, "byte 0x%02X at column %d is not text", b & 0xFF, index + 1);
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    /**
     * Reads one value such as {@code 098%}, {@code 03.60%}, {@code -02} or {@code --.-%}. The common case (digits, in
     * range, no condition on the line) allocates nothing but the reading.
     */
    private NumericReading numeric(
            Field field,
            AsciiLine line,
            int from,
            int to,
            LineConditions conditions,
            Instant deviceTime,
            Instant receivedAt)
            throws DecodeException {
        int end = line.charAt(to - 1) == '%' ? to - 1 : to;
        int start = from;
        boolean negative = false;
        if (start < end && (line.charAt(start) == '+' || line.charAt(start) == '-')) {
            negative = line.charAt(start) == '-';
            start++;
        }
        if (start >= end) {
            throw notANumber(field, line.substring(from, to));
        }
        boolean dashes = true;
        boolean digits = true;
        int dots = 0;
        int dotAt = -1;
        long unscaled = 0;
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if (c == '.') {
                dots++;
                dotAt = i;
            } else if (c == '-') {
                digits = false;
            } else if (c >= '0' && c <= '9') {
                dashes = false;
                if (unscaled < Long.MAX_VALUE / 10 - 10) {
                    unscaled = unscaled * 10 + (c - '0');
                }
            } else {
                throw notANumber(field, line.substring(from, to));
            }
        }
        BigDecimal value = null;
        EnumSet<QualityFlag> flags = null;
        StringBuilder reason = null;
        if (dashes) {
            flags = EnumSet.of(QualityFlag.NOT_AVAILABLE);
            reason = new StringBuilder("no value ('")
                    .append(line.substring(from, to))
                    .append("')");
        } else if (!digits || dots > 1 || dotAt == start || dotAt == end - 1 || end - start > 18) {
            throw notANumber(field, line.substring(from, to));
        } else {
            int scale = dotAt < 0 ? 0 : end - dotAt - 1;
            value = BigDecimal.valueOf(negative ? -unscaled : unscaled, scale);
            double d = (negative ? -unscaled : unscaled) / POWERS_OF_TEN[scale];
            if (d < field.min() || d > field.max()) {
                flags = EnumSet.of(QualityFlag.INVALID);
                reason = new StringBuilder(line.substring(from, to))
                        .append(" is outside the range the device reports (")
                        .append(plain(field.min()))
                        .append(" to ")
                        .append(plain(field.max()))
                        .append(')');
            }
        }
        if (conditions != LineConditions.NONE) {
            if (flags == null) {
                flags = EnumSet.noneOf(QualityFlag.class);
                reason = new StringBuilder();
            }
            conditions.apply(field, flags, reason);
        }
        Quality quality = flags == null || flags.isEmpty() ? Quality.VALID : new Quality(flags, reason.toString());
        return new NumericReading(device, field.metric(), value, field.unit(), quality, deviceTime, receivedAt);
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static DecodeException notANumber(Field field, String raw) {
        return new DecodeException(
                DecodeFailure.Reason.MALFORMED, field.key() + " value '" + raw + "' is not a number");
    }

    private static void append(StringBuilder reason, String text) {
        if (reason.length() > 0) {
            reason.append("; ");
        }
        reason.append(text);
    }

    private void addAlarms(int alarm, List<Reading> out, Instant deviceTime, Instant receivedAt) {
        AlarmEvent.State state = (alarm & MasimoCodes.ALARM_SILENCED) != 0
                ? AlarmEvent.State.SILENCED
                : (alarm & MasimoCodes.ALARM_ACTIVE) != 0 ? AlarmEvent.State.ACTIVE : AlarmEvent.State.UNKNOWN;
        boolean condition = false;
        for (AlarmBit bit : AlarmBit.values()) {
            if ((alarm & bit.mask) != 0) {
                condition = true;
                out.add(new AlarmEvent(
                        device,
                        bit.code,
                        bit.source,
                        bit.kind,
                        AlarmEvent.Priority.UNKNOWN,
                        state,
                        bit.text,
                        deviceTime,
                        receivedAt));
            }
        }
        int unknown = alarm & ~MasimoCodes.KNOWN_ALARM_BITS;
        for (int mask = 1; unknown != 0 && mask <= 0x8000; mask <<= 1) {
            if ((unknown & mask) != 0) {
                condition = true;
                String hex = String.format(Locale.ROOT, "0x%04X", mask);
                out.add(new AlarmEvent(
                        device,
                        "alarm-bit-" + hex,
                        null,
                        AlarmEvent.Kind.UNKNOWN,
                        AlarmEvent.Priority.UNKNOWN,
                        state,
                        "Alarm bit " + hex + " (not documented)",
                        deviceTime,
                        receivedAt));
            }
        }
        if (!condition && (alarm & MasimoCodes.ALARM_ACTIVE) != 0) {
            // The device is alarming but the line does not say why: never drop it.
            out.add(new AlarmEvent(
                    device,
                    "unspecified",
                    null,
                    AlarmEvent.Kind.UNKNOWN,
                    AlarmEvent.Priority.UNKNOWN,
                    state,
                    "Device alarm active (condition not reported on the serial line)",
                    deviceTime,
                    receivedAt));
        }
    }

    private void addStatuses(int exceptions, List<Reading> out, Instant deviceTime, Instant receivedAt) {
        Map<DeviceStatus.Code, StringBuilder> details = new EnumMap<>(DeviceStatus.Code.class);
        for (ExceptionBit bit : ExceptionBit.values()) {
            if ((exceptions & bit.mask) != 0 && bit.status != null) {
                append(
                        details.computeIfAbsent(bit.status, c -> new StringBuilder()),
                        String.format(Locale.ROOT, "%s (EXC 0x%06X)", bit.text, bit.mask));
            }
        }
        int unknown = exceptions & ~MasimoCodes.KNOWN_EXCEPTION_BITS;
        for (int mask = 1; unknown != 0 && mask <= 0x800000; mask <<= 1) {
            if ((unknown & mask) != 0) {
                append(
                        details.computeIfAbsent(DeviceStatus.Code.OTHER, c -> new StringBuilder()),
                        String.format(Locale.ROOT, "exception bit 0x%06X (not documented)", mask));
            }
        }
        details.forEach(
                (code, detail) -> out.add(new DeviceStatus(device, code, detail.toString(), deviceTime, receivedAt)));
    }

    private static DecodeResult fail(DecodeFailure.Reason reason, String detail, ByteBuffer frame) {
        return DecodeFailure.of(reason, detail, frame);
    }

    /** What the line's EXC and ALARM fields say about each of its values. */
    private static final class LineConditions {
        /** A line whose EXC and ALARM fields say nothing about its values (the usual case). */
        static final LineConditions NONE = new LineConditions(0, 0);

        private final @Nullable String invalid;
        private final @Nullable String questionable;
        private final @Nullable String calibrating;
        private final @Nullable String spcoQuestionable;
        private final @Nullable String spmetQuestionable;
        private final int alarm;

        LineConditions(int exceptions, int alarm) {
            this.alarm = alarm;
            StringBuilder invalid = new StringBuilder();
            StringBuilder questionable = new StringBuilder();
            StringBuilder calibrating = new StringBuilder();
            StringBuilder spco = new StringBuilder();
            StringBuilder spmet = new StringBuilder();
            if (exceptions != 0) {
                for (ExceptionBit bit : ExceptionBit.values()) {
                    if ((exceptions & bit.mask) == 0) {
                        continue;
                    }
                    String text = String.format(Locale.ROOT, "%s (EXC 0x%06X)", bit.text, bit.mask);
                    switch (bit.effect) {
                        case INVALIDATES -> append(invalid, text);
                        case QUESTIONABLE -> append(questionable, text);
                        case CALIBRATING -> append(calibrating, text);
                        case QUESTIONABLE_SPCO -> append(spco, text);
                        case QUESTIONABLE_SPMET -> append(spmet, text);
                        case NONE -> {}
                    }
                }
            }
            this.invalid = emptyToNull(invalid);
            this.questionable = emptyToNull(questionable);
            this.calibrating = emptyToNull(calibrating);
            this.spcoQuestionable = emptyToNull(spco);
            this.spmetQuestionable = emptyToNull(spmet);
        }

        void apply(Field field, EnumSet<QualityFlag> flags, StringBuilder reason) {
            if (invalid != null) {
                flags.add(QualityFlag.INVALID);
                append(reason, invalid);
            }
            if (calibrating != null) {
                flags.add(QualityFlag.CALIBRATING);
                append(reason, calibrating);
            }
            if (questionable != null) {
                flags.add(QualityFlag.QUESTIONABLE);
                append(reason, questionable);
            }
            if (spcoQuestionable != null && field == MasimoCodes.SPCO_FIELD) {
                flags.add(QualityFlag.QUESTIONABLE);
                append(reason, spcoQuestionable);
            }
            if (spmetQuestionable != null && field == MasimoCodes.SPMET_FIELD) {
                flags.add(QualityFlag.QUESTIONABLE);
                append(reason, spmetQuestionable);
            }
            if (alarm != 0) {
                for (AlarmBit bit : AlarmBit.values()) {
                    if ((alarm & bit.mask) != 0 && field.metric().equals(bit.source)) {
                        flags.add(QualityFlag.IN_ALARM);
                        append(reason, bit.text + " alarm");
                    }
                }
            }
        }

        private static @Nullable String emptyToNull(StringBuilder b) {
            return b.length() == 0 ? null : b.toString();
        }
    }

    /**
     * The frame's bytes read as ASCII in place: the few String operations the parser needs, without copying the line
     * into a String (all bytes were checked to be printable ASCII).
     */
    private static final class AsciiLine {
        private final byte[] bytes;
        private final int offset;
        private final int length;

        AsciiLine(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
        }

        int length() {
            return length;
        }

        char charAt(int i) {
            return (char) bytes[offset + i];
        }

        boolean startsWith(String prefix, int at) {
            if (at + prefix.length() > length) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (bytes[offset + at + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        String substring(int from, int to) {
            return new String(bytes, offset + from, to - from, StandardCharsets.ISO_8859_1);
        }
    }
}
