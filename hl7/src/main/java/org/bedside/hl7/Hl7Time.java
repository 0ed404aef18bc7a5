package org.bedside.hl7;

import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.primitive.CommonTS;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * HL7 v2 date/times (DTM: {@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}), read with HAPI's {@link CommonTS}
 * but without HAPI's habit of filling a missing zone offset from the JVM's default time zone: a time without an offset
 * is not a point in time, and the IHE PCD TF (B.8.7, C.4) requires the offset.
 */
public final class Hl7Time {
    private static final DateTimeFormatter DTM_UTC =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSxx").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DTM_SECONDS_UTC =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx").withZone(ZoneOffset.UTC);

    /** A date/time as read: the instant when it had an offset, or only the local date/time when it had none. */
    public record Dtm(String text, @Nullable Instant instant, LocalDateTime local) {
        public boolean hasOffset() {
            return instant != null;
        }

        /** The instant, taking {@code assumedZone} for a time sent without an offset; null when neither is known. */
        public @Nullable Instant instant(@Nullable ZoneId assumedZone) {
            if (instant != null) {
                return instant;
            }
            return assumedZone == null ? null : local.atZone(assumedZone).toInstant();
        }
    }

    private Hl7Time() {}

    /**
     * Reads a DTM value; an empty value is an empty result, a malformed one a failure.
     *
     * @throws DataTypeException when the value is not a DTM
     */
    public static @Nullable Dtm parse(@Nullable String value) throws DataTypeException {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        CommonTS dtm = new CommonTS(v);
        int year = dtm.getYear();
        int month = Math.max(1, dtm.getMonth());
        int day = Math.max(1, dtm.getDay());
        float fractional = dtm.getFractSecond();
        int nanos = Math.round(fractional * 10_000f) * 100_000;
        LocalDateTime local = LocalDateTime.of(year, month, day, dtm.getHour(), dtm.getMinute(), dtm.getSecond())
                .plusNanos(nanos);
        int offset = dtm.getGMTOffset();
        // CommonTS reports -99 for "no offset sent"; when one was sent, it is +/-HHMM as an integer.
        boolean offsetSent = v.indexOf('+') > 0 || v.indexOf('-') > 0;
        if (!offsetSent || offset == -99) {
            return new Dtm(v, null, local);
        }
        int hours = offset / 100;
        int minutes = offset % 100;
        ZoneOffset zone = ZoneOffset.ofHoursMinutes(hours, minutes);
        return new Dtm(v, OffsetDateTime.of(local, zone).toInstant(), local);
    }

    /** An instant as a DTM in UTC with milliseconds: {@code 20261122100000.1230+0000}. */
    public static String format(Instant t) {
        return DTM_UTC.format(t);
    }

    /** An instant as a DTM in UTC to the second: {@code 20261122100000+0000}. */
    public static String formatSeconds(Instant t) {
        return DTM_SECONDS_UTC.format(t);
    }
}
