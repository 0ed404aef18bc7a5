package org.bedside.drivers.bbraun;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * Decodes BCC frames and the records of an answer. Pure and stateless.
 *
 * <p>A frame ({@link BccFraming}) is checked first: its length field must equal its length ({@link
 * DecodeFailure.Reason#TRUNCATED} when shorter, {@link DecodeFailure.Reason#MALFORMED} otherwise), its checksum the
 * sum of its bytes ({@link DecodeFailure.Reason#BAD_CHECKSUM}). Its text is {@code <bedId>/1/1>} and the records,
 * separated by RS:
 *
 * <pre>
 * 214,50111,INRT,5.00      relative time (s since the SpaceCom started), address, parameter, value
 *     501PS                pillar P (0-3), slot S (1-9, then A-O; BCC 3.30 also writes two digits: 501110)
 *     50100                the SpaceCom itself
 * 214,50111,INSOL,_NV      _NV: the pump has no value
 * 214,50112,GNERR,39       an error: 39 = the pump was removed from its slot
 * </pre>
 *
 * <p>Per pump the records become one {@link InfusionStatus} (rate, VTBI, volume infused, remaining time, bolus; the
 * state from the INM flags; the drug label; the serial number), an {@link AlarmEvent} per INA alarm flag set (and for
 * KVO running), and a {@link DeviceStatus} for a pump removed. The relative time is not a clock: device times are
 * null. A record without an address and a parameter fails the frame ({@link DecodeFailure.Reason#MALFORMED}); a value
 * that is not a number is invalid with its reason; a parameter the dictionary does not know is skipped and counted.
 */
final class BccMessageDecoder implements MessageDecoder {
    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,12}(\\.\\d{1,9})?");
    private static final Pattern ADDRESS = Pattern.compile("501[0-3]([0-9A-O]|[0-9]{2})");
    private static final Pattern REL_TIME = Pattern.compile("\\d{1,10}");

    private final DeviceId device;

    BccMessageDecoder(DeviceId device) {
        this.device = device;
    }

    /** One checked frame: the bed id of its header, its records' text, and whether it is the last part (ETX). */
    record Part(String bedId, byte[] text, boolean last) {}

    /** What an answer said, for the session: its readings and what else it learnt. */
    record Answer(List<Reading> readings, boolean gnack, List<Integer> rackErrors, int unknownParameters) {
        Answer {
            readings = List.copyOf(readings);
            rackErrors = List.copyOf(rackErrors);
        }
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        if (frame.remaining() == 1
                && (frame.get(frame.position()) == BccCodes.ACK || frame.get(frame.position()) == BccCodes.NAK)) {
            return DecodeResult.of(List.of());
        }
        try {
            Part part = part(frame);
            return DecodeResult.of(answer(part.text(), receivedAt).readings());
        } catch (DecodeException e) {
            return DecodeFailure.of(e.reason(), e.getMessage(), frame);
        }
    }

    /** Checks a frame's length, checksum and header. */
    static Part part(ByteBuffer frame) throws DecodeException {
        ByteBuffer view = frame.duplicate();
        byte[] f = new byte[view.remaining()];
        view.get(f);
        int n = f.length;
        if (n < BccCodes.MIN_FRAME || f[0] != BccCodes.SOH || f[n - 1] != BccCodes.EOT) {
            throw new DecodeException(
                    DecodeFailure.Reason.TRUNCATED,
                    "frame of " + n + " bytes is shorter than a" + " BCC frame (" + BccCodes.MIN_FRAME
                            + ") or lacks its SOH and EOT");
        }
        int declared = digits(f, 1, "length");
        if (declared != n) {
            throw new DecodeException(
                    declared > n ? DecodeFailure.Reason.TRUNCATED : DecodeFailure.Reason.MALFORMED,
                    "length field says " + declared + " bytes, the frame has " + n);
        }
        if (f[6] != BccCodes.STX) {
            throw new DecodeException(DecodeFailure.Reason.MALFORMED, "no STX after the length field");
        }
        int end = n - 7; // ETX or ETB, then five checksum digits and EOT
        boolean last = f[end] == BccCodes.ETX;
        if (!last && f[end] != BccCodes.ETB) {
            throw new DecodeException(DecodeFailure.Reason.MALFORMED, "no ETX or ETB before the checksum");
        }
        int declaredSum = digits(f, end + 1, "checksum");
        int sum = BccFraming.checksum(f, 0, end + 1);
        if (declaredSum != sum) {
            throw new DecodeException(
                    DecodeFailure.Reason.BAD_CHECKSUM,
                    "checksum field says " + declaredSum + ", the bytes sum to " + sum + " (mod 256)");
        }
        int header = -1;
        for (int i = 7; i < end; i++) {
            if (f[i] == '>') {
                header = i;
                break;
            }
        }
        if (header < 0) {
            throw new DecodeException(DecodeFailure.Reason.MALFORMED, "no '>' after the bed id");
        }
        String address = new String(f, 7, header - 7, StandardCharsets.ISO_8859_1);
        int slash = address.indexOf('/');
        String bedId = slash < 0 ? address : address.substring(0, slash);
        if (!BccRequest.isBedId(bedId)) {
            throw new DecodeException(DecodeFailure.Reason.MALFORMED, "bed id '" + printable(bedId) + "' is not one");
        }
        byte[] text = java.util.Arrays.copyOfRange(f, header + 1, end);
        return new Part(bedId, text, last);
    }

    private static int digits(byte[] f, int at, String field) throws DecodeException {
        int v = 0;
        for (int i = at; i < at + 5; i++) {
            byte b = f[i];
            if (b < '0' || b > '9') {
                throw new DecodeException(DecodeFailure.Reason.MALFORMED, "the " + field + " field is not 5 digits");
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }

    /** The readings of an answer's records (the text of one frame, or of every part of a multi-part answer). */
    Answer answer(byte[] text, Instant receivedAt) throws DecodeException {
        Map<String, Map<String, String>> byAddress = new LinkedHashMap<>();
        int unknown = 0;
        int start = 0;
        int index = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i < text.length && text[i] != BccCodes.RS) {
                continue;
            }
            if (i > start) {
                index++;
                String record = new String(text, start, i - start, StandardCharsets.ISO_8859_1);
                String[] fields = record.split(",", 4);
                if (fields.length < 3 || !REL_TIME.matcher(fields[0]).matches()) {
                    throw new DecodeException(
                            DecodeFailure.Reason.MALFORMED,
                            // the record's text is not shown: it may be a patient parameter (PATID...)
                            "record " + index + " is not relTime,address,PARAM[,value]");
                }
                if (!ADDRESS.matcher(fields[1]).matches()) {
                    throw new DecodeException(
                            DecodeFailure.Reason.MALFORMED, "address '" + printable(fields[1]) + "' is not 501PS");
                }
                String parameter = fields[2];
                String value = fields.length == 4 ? fields[3] : "";
                if (isRead(parameter) || parameter.equals(BccCodes.GNACK) || parameter.equals(BccCodes.GNERR)) {
                    byAddress
                            .computeIfAbsent(fields[1], a -> new LinkedHashMap<>())
                            .put(parameter, value);
                } else if (!BccCodes.KNOWN_UNREAD.contains(parameter)) {
                    unknown++;
                }
            }
            start = i + 1;
        }
        List<Reading> readings = new ArrayList<>();
        boolean gnack = false;
        List<Integer> rackErrors = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : byAddress.entrySet()) {
            String address = e.getKey();
            Map<String, String> p = e.getValue();
            if (address.equals(BccCodes.RACK_ADDRESS)) {
                gnack |= p.containsKey(BccCodes.GNACK);
                String error = p.get(BccCodes.GNERR);
                if (error != null) {
                    int code = errorCode(error);
                    rackErrors.add(code);
                    if (code != BccCodes.ERROR_NO_FURTHER_DATA) {
                        readings.add(new DeviceStatus(
                                device, DeviceStatus.Code.OTHER, "SpaceCom error " + describe(code), null, receivedAt));
                    }
                }
                continue;
            }
            pump(channel(address), p, receivedAt, readings);
        }
        return new Answer(readings, gnack, rackErrors, unknown);
    }

    private static boolean isRead(String parameter) {
        return switch (parameter) {
            case BccCodes.RATE,
                    BccCodes.VTBI,
                    BccCodes.VOLUME_INFUSED,
                    BccCodes.REMAINING_TIME,
                    BccCodes.BOLUS_RATE,
                    BccCodes.BOLUS_VOLUME,
                    BccCodes.DRUG_LONG_NAME,
                    BccCodes.DRUG_SHORT_NAME,
                    BccCodes.SERIAL,
                    BccCodes.READY,
                    BccCodes.PUMPING,
                    BccCodes.STANDBY,
                    BccCodes.KVO_ACTIVE -> true;
            default -> BccCodes.isAlarmFlag(parameter);
        };
    }

    /** {@code 50111} → {@code 1-1}; {@code 5012A} → {@code 2-10}; {@code 501110} → {@code 1-10}. */
    static String channel(String address) {
        char pillar = address.charAt(3);
        String slot = address.substring(4);
        int number;
        if (slot.length() == 2) {
            number = Integer.parseInt(slot);
        } else {
            char s = slot.charAt(0);
            number = s <= '9' ? s - '0' : 10 + (s - 'A');
        }
        return pillar + "-" + number;
    }

    private void pump(String channel, Map<String, String> p, Instant receivedAt, List<Reading> out) {
        String where = "pump " + channel + " (pillar " + channel.replace("-", ", slot ") + ")";
        String error = p.get(BccCodes.GNERR);
        if (error != null) {
            int code = errorCode(error);
            if (code == BccCodes.ERROR_PUMP_REMOVED) {
                out.add(new InfusionStatus(
                        device, channel, InfusionStatus.State.REMOVED, null, null, List.of(), null, receivedAt));
                out.add(new DeviceStatus(
                        device,
                        DeviceStatus.Code.OTHER,
                        where + " removed from its slot (GNERR 39)",
                        null,
                        receivedAt));
            } else {
                out.add(new DeviceStatus(
                        device,
                        DeviceStatus.Code.OTHER,
                        "SpaceCom error " + describe(code) + " for " + where,
                        null,
                        receivedAt));
            }
        }
        if (p.size() == (error != null ? 1 : 0)) {
            return;
        }
        List<CompoundReading.Component> values = new ArrayList<>();
        value(p, BccCodes.RATE, InfusionMetrics.RATE, InfusionMetrics.ML_PER_HOUR, values);
        value(p, BccCodes.VTBI, InfusionMetrics.VOLUME_TO_BE_INFUSED, InfusionMetrics.ML, values);
        value(p, BccCodes.VOLUME_INFUSED, InfusionMetrics.VOLUME_INFUSED, InfusionMetrics.ML, values);
        value(p, BccCodes.REMAINING_TIME, InfusionMetrics.REMAINING_TIME, InfusionMetrics.SECONDS, values);
        value(p, BccCodes.BOLUS_RATE, InfusionMetrics.BOLUS_RATE, InfusionMetrics.ML_PER_HOUR, values);
        value(p, BccCodes.BOLUS_VOLUME, InfusionMetrics.BOLUS_VOLUME, InfusionMetrics.ML, values);
        boolean stoppingAlarm = false;
        List<AlarmEvent> alarms = new ArrayList<>();
        for (BccCodes.AlarmFlag flag : BccCodes.ALARM_FLAGS) {
            if (flag(p.get(flag.parameter())) == Boolean.TRUE) {
                stoppingAlarm |= flag.stops();
                alarms.add(alarm(channel, where, flag, receivedAt));
            }
        }
        if (flag(p.get(BccCodes.KVO_ACTIVE)) == Boolean.TRUE) {
            alarms.add(alarm(channel, where, BccCodes.KVO, receivedAt));
        }
        out.add(new InfusionStatus(
                device,
                channel,
                state(p, stoppingAlarm),
                text(p.get(BccCodes.DRUG_LONG_NAME)) != null
                        ? text(p.get(BccCodes.DRUG_LONG_NAME))
                        : text(p.get(BccCodes.DRUG_SHORT_NAME)),
                text(p.get(BccCodes.SERIAL)),
                values,
                null,
                receivedAt));
        out.addAll(alarms);
    }

    /**
     * INM3 (pumping) set: infusing; otherwise an alarm that stops the pump: alarm; INM6 (standby) set: standby; INM3
     * clear: stopped. INM3 without a value (or not sent): unknown.
     */
    private static InfusionStatus.State state(Map<String, String> p, boolean stoppingAlarm) {
        Boolean pumping = flag(p.get(BccCodes.PUMPING));
        if (pumping == Boolean.TRUE) {
            return InfusionStatus.State.INFUSING;
        }
        if (stoppingAlarm) {
            return InfusionStatus.State.ALARM;
        }
        if (flag(p.get(BccCodes.STANDBY)) == Boolean.TRUE) {
            return InfusionStatus.State.STANDBY;
        }
        return pumping == Boolean.FALSE ? InfusionStatus.State.STOPPED : InfusionStatus.State.UNKNOWN;
    }

    private AlarmEvent alarm(String channel, String where, BccCodes.AlarmFlag flag, Instant receivedAt) {
        // BCC carries neither a priority nor whether the alarm was silenced on the pump: both stay unknown.
        return new AlarmEvent(
                device,
                channel + ":" + flag.code(),
                null,
                flag.kind(),
                AlarmEvent.Priority.UNKNOWN,
                AlarmEvent.State.UNKNOWN,
                where + ": " + flag.text() + " (" + flag.parameter() + ")",
                null,
                receivedAt);
    }

    /** 1 = true, 0 = false, anything else (the pump's _NV, a value out of spec, absent) = null. */
    private static @Nullable Boolean flag(@Nullable String v) {
        if ("1".equals(v)) {
            return Boolean.TRUE;
        }
        return "0".equals(v) ? Boolean.FALSE : null;
    }

    private static @Nullable String text(@Nullable String v) {
        if (v == null || v.equals(BccCodes.NO_VALUE) || v.isBlank()) {
            return null;
        }
        return v.strip();
    }

    private static void value(
            Map<String, String> p,
            String parameter,
            MetricCode metric,
            UcumUnit unit,
            List<CompoundReading.Component> out) {
        String v = p.get(parameter);
        if (v == null) {
            return;
        }
        if (v.equals(BccCodes.NO_VALUE)) {
            out.add(new CompoundReading.Component(
                    metric, null, unit, Quality.notAvailable("the pump reports no value (" + parameter + " _NV)")));
        } else if (parameter.equals(BccCodes.REMAINING_TIME) && v.equals(BccCodes.NO_REMAINING_TIME)) {
            out.add(new CompoundReading.Component(
                    metric, null, unit, Quality.notAvailable("no remaining time (INRMT 65535)")));
        } else if (NUMBER.matcher(v).matches()) {
            out.add(new CompoundReading.Component(metric, new BigDecimal(v), unit, Quality.VALID));
        } else {
            out.add(new CompoundReading.Component(
                    metric, null, unit, Quality.invalid(parameter + " value '" + printable(v) + "' is not a number")));
        }
    }

    private static int errorCode(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String describe(int code) {
        return switch (code) {
            case BccCodes.ERROR_NO_FURTHER_DATA -> "11 (no further data, or no pumps)";
            case BccCodes.ERROR_PUMP_REMOVED -> "39 (pump removed)";
            case BccCodes.ERROR_WRONG_SYNTAX -> "68 (wrong syntax)";
            case BccCodes.ERROR_WRONG_ADDRESS -> "811 (wrong pump address)";
            case -1 -> "with a code that is not a number";
            default -> Integer.toString(code);
        };
    }

    /** At most 32 characters, control characters as '?': for failure details, never patient data in full. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 32); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return s.length() > 32 ? b + "..." : b.toString();
    }
}
