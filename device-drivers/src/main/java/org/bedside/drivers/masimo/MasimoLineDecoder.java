package org.bedside.drivers.masimo;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
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
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
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
 */
final class MasimoLineDecoder implements MessageDecoder {
    /** "MM/dd/yy HH:mm:ss" */
    private static final int TIMESTAMP_LENGTH = 17;

    private final DeviceId device;
    private final ZoneRules zone;

    MasimoLineDecoder(DeviceId device, ZoneId zone) {
        this.device = device;
        this.zone = zone.getRules();
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        int length = frame.remaining();
        byte[] bytes = new byte[length];
        frame.duplicate().get(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0x20 || bytes[i] > 0x7E) {
                return fail(
                        DecodeFailure.Reason.MALFORMED,
                        String.format(Locale.ROOT, "byte 0x%02X at column %d is not text", bytes[i] & 0xFF, i + 1),
                        bytes);
            }
        }
        String line = new String(bytes, StandardCharsets.ISO_8859_1);
        try {
            return decode(line, receivedAt);
        } catch (BadLine e) {
            return fail(e.reason, e.getMessage(), bytes);
        }
    }

    private DecodeResult decode(String line, Instant receivedAt) throws BadLine {
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

        int i = TIMESTAMP_LENGTH;
        int n = line.length();
        while (i < n) {
            if (line.charAt(i) == ' ') {
                i++;
                continue;
            }
            int end = line.indexOf(' ', i);
            if (end < 0) {
                end = n;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq >= end || eq == i || eq == end - 1) {
                throw new BadLine(
                        DecodeFailure.Reason.MALFORMED, "token '" + line.substring(i, end) + "' is not KEY=value");
            }
            checkKey(line, i, eq);
            if (is(line, i, eq, "ALARM")) {
                if (sawAlarm) {
                    throw duplicate("ALARM");
                }
                alarm = hex(line, "ALARM", eq + 1, end, 4);
                sawAlarm = true;
            } else if (is(line, i, eq, "EXC")) {
                if (sawExceptions) {
                    throw duplicate("EXC");
                }
                exceptions = hex(line, "EXC", eq + 1, end, 6);
                sawExceptions = true;
            } else {
                int index = indexOf(line, i, eq);
                if (index >= 0) {
                    if (valueStart[index] >= 0) {
                        throw duplicate(MasimoCodes.FIELDS.get(index).key());
                    }
                    valueStart[index] = eq + 1;
                    valueEnd[index] = end;
                    fieldsSeen++;
                }
                // SN and keys of newer firmware are not measurements: skipped.
            }
            i = end;
        }
        if (fieldsSeen == 0) {
            throw new BadLine(DecodeFailure.Reason.MALFORMED, "line has a time but no Masimo measurement field");
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
        return DecodeResult.of(readings);
    }

    private static boolean is(String line, int from, int to, String key) {
        return to - from == key.length() && line.startsWith(key, from);
    }

    private Instant deviceTime(String line) throws BadLine {
        if (line.length() < TIMESTAMP_LENGTH
                || line.charAt(2) != '/'
                || line.charAt(5) != '/'
                || line.charAt(8) != ' '
                || line.charAt(11) != ':'
                || line.charAt(14) != ':'
                || (line.length() > TIMESTAMP_LENGTH && line.charAt(TIMESTAMP_LENGTH) != ' ')) {
            throw new BadLine(DecodeFailure.Reason.MALFORMED, "line does not start with a MM/dd/yy HH:mm:ss time");
        }
        int month = twoDigits(line, 0);
        int day = twoDigits(line, 3);
        int year = 2000 + twoDigits(line, 6);
        int hour = twoDigits(line, 9);
        int minute = twoDigits(line, 12);
        int second = twoDigits(line, 15);
        try {
            LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second);
            // In a DST overlap the earlier offset is taken; the device does not say which.
            return local.toInstant(zone.getOffset(local));
        } catch (DateTimeException e) {
            throw new BadLine(
                    DecodeFailure.Reason.MALFORMED,
                    "device time '" + line.substring(0, TIMESTAMP_LENGTH) + "' is not a valid date and time");
        }
    }

    private static int twoDigits(String line, int at) throws BadLine {
        char a = line.charAt(at);
        char b = line.charAt(at + 1);
        if (a < '0' || a > '9' || b < '0' || b > '9') {
            throw new BadLine(
                    DecodeFailure.Reason.MALFORMED,
                    "device time '" + line.substring(0, TIMESTAMP_LENGTH) + "' is not a valid date and time");
        }
        return (a - '0') * 10 + (b - '0');
    }

    private static void checkKey(String line, int from, int to) throws BadLine {
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                throw new BadLine(
                        DecodeFailure.Reason.MALFORMED,
                        "'" + line.substring(from, to) + "' is not a Masimo field name");
            }
        }
    }

    private static int indexOf(String line, int from, int to) {
        for (int f = 0; f < MasimoCodes.FIELDS.size(); f++) {
            if (is(line, from, to, MasimoCodes.FIELDS.get(f).key())) {
                return f;
            }
        }
        return -1;
    }

    private static BadLine duplicate(String key) {
        return new BadLine(DecodeFailure.Reason.MALFORMED, key + " appears twice in one line");
    }

    private static int hex(String line, String key, int from, int to, int maxDigits) throws BadLine {
        if (to - from > maxDigits) {
            throw new BadLine(
                    DecodeFailure.Reason.MALFORMED,
                    key + " '" + line.substring(from, to) + "' has more than " + maxDigits + " digits");
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(line.charAt(i), 16);
            if (d < 0) {
                throw new BadLine(
                        DecodeFailure.Reason.MALFORMED, key + " '" + line.substring(from, to) + "' is not hexadecimal");
            }
            v = v * 16 + d;
        }
        return v;
    }

    /**
     * Reads one value such as {@code 098%}, {@code 03.60%}, {@code -02} or {@code --.-%}. The common case (digits, in
     * range, no condition on the line) allocates nothing but the reading.
     */
    private NumericReading numeric(
            Field field,
            String line,
            int from,
            int to,
            LineConditions conditions,
            Instant deviceTime,
            Instant receivedAt)
            throws BadLine {
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
            reason = new StringBuilder("no value ('").append(line, from, to).append("')");
        } else if (!digits || dots > 1 || dotAt == start || dotAt == end - 1 || end - start > 18) {
            throw notANumber(field, line.substring(from, to));
        } else {
            int scale = dotAt < 0 ? 0 : end - dotAt - 1;
            value = BigDecimal.valueOf(negative ? -unscaled : unscaled, scale);
            double d = value.doubleValue();
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

    private static BadLine notANumber(Field field, String raw) {
        return new BadLine(DecodeFailure.Reason.MALFORMED, field.key() + " value '" + raw + "' is not a number");
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

    private static DecodeResult fail(DecodeFailure.Reason reason, String detail, byte[] bytes) {
        return DecodeFailure.of(reason, detail, bytes, bytes.length);
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

    /** Early exit from the parser; stackless, converted to a {@link DecodeFailure} at the boundary. */
    private static final class BadLine extends Exception {
        final DecodeFailure.Reason reason;

        BadLine(DecodeFailure.Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
