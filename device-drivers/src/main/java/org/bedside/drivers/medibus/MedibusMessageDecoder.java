package org.bedside.drivers.medibus;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bedside.drivers.medibus.MedibusCodes.Field;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one Medibus message (as the framer delivers it: without its CR) after checking its checksum.
 *
 * <pre>
 * 01 24 "E1 72 " "EB  97" "7D 25.5" ... "C7" │ SOH, the echoed request (measured data CP1), then 6-character records:
 *                                           │ two hex characters of code, four of value (right-justified), checksum
 * 01 27 "3" "9A" "DISCONNECT  " ...         │ alarms: priority, code, a twelve-character phrase
 * 01 29 "01" " 40.0" ...                    │ device settings: code, five characters of value
 * </pre>
 *
 * <p>Measured data become numeric readings of the code's metric and unit; settings become readings of {@code
 * X_DRAEGER_SET_*} metrics; alarms become alarm events with the device's phrase. A value that is blank or dashes is
 * "not available"; one that is not a number is invalid, with its text in the reason; a code whose unit is not known is
 * kept with its digits but invalid. Commands from the device (ESC...) and answers without data decode to no readings:
 * the session acts on them. Alarm limits, text messages, date and time are not decoded. Pure and thread-safe.
 */
final class MedibusMessageDecoder implements MessageDecoder {
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern DASHES = Pattern.compile("-+(\\.-*)?|-*\\.-+");

    private final DeviceId device;

    MedibusMessageDecoder(DeviceId device) {
        this.device = device;
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        int n = frame.remaining();
        byte[] m = new byte[n];
        frame.duplicate().get(m);
        if (n < 4) {
            return DecodeFailure.of(DecodeFailure.Reason.TRUNCATED, "message of " + n + " bytes", frame);
        }
        int high = MedibusMessages.hexValue(m[n - 2]);
        int low = MedibusMessages.hexValue(m[n - 1]);
        if (high < 0 || low < 0) {
            return DecodeFailure.of(
                    DecodeFailure.Reason.MALFORMED, "the checksum characters are not hexadecimal", frame);
        }
        int sum = 0;
        for (int i = 0; i < n - 2; i++) {
            sum += m[i] & 0xFF;
        }
        if ((sum & 0xFF) != (high << 4 | low)) {
            return DecodeFailure.of(
                    DecodeFailure.Reason.BAD_CHECKSUM,
                    String.format(
                            Locale.ROOT,
                            "checksum %02X, but the message's bytes sum to %02X",
                            high << 4 | low,
                            sum & 0xFF),
                    frame);
        }
        if (m[0] == MedibusCodes.ESC) {
            return DecodeResult.of(List.of());
        }
        int code = m[1] & 0xFF;
        String data = new String(m, 2, n - 4, StandardCharsets.ISO_8859_1);
        try {
            return DecodeResult.of(
                    switch (code) {
                        case MedibusCodes.MEASURED_CP1 ->
                            values(data, MedibusCodes.DATA_RECORD, MedibusCodes.MEASURED_CP1_FIELDS, "CP1", receivedAt);
                        case MedibusCodes.MEASURED_CP2 ->
                            values(data, MedibusCodes.DATA_RECORD, MedibusCodes.MEASURED_CP2_FIELDS, "CP2", receivedAt);
                        case MedibusCodes.SETTINGS ->
                            values(data, MedibusCodes.SETTING_RECORD, MedibusCodes.SETTING_FIELDS, "SET", receivedAt);
                        case MedibusCodes.ALARMS_CP1 -> alarms(data, "cp1", receivedAt);
                        case MedibusCodes.ALARMS_CP2 -> alarms(data, "cp2", receivedAt);
                        default -> List.of();
                    });
        } catch (DecodeException e) {
            return DecodeFailure.of(e.reason(), e.getMessage(), frame);
        }
    }

    private List<Reading> values(String data, int size, Map<Integer, Field> table, String page, Instant receivedAt)
            throws DecodeException {
        if (data.length() % size != 0) {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED,
                    MedibusCodes.commandName(commandOf(page)) + ": " + data.length()
                            + " characters of data are not whole " + size + "-character records");
        }
        List<Reading> out = new ArrayList<>(data.length() / size);
        Set<Integer> seen = new HashSet<>();
        for (int at = 0; at < data.length(); at += size) {
            int code = hexByte(data, at);
            if (!seen.add(code)) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        page + " code " + MedibusMessages.hex(code) + " appears twice in one answer");
            }
            Field field = table.get(code);
            MetricCode metric = field != null ? field.metric() : MedibusCodes.unknown(page, code);
            @Nullable UcumUnit unit = field != null ? field.unit() : null;
            out.add(numeric(metric, unit, data.substring(at + 2, at + size), page, code, receivedAt));
        }
        return out;
    }

    private static int commandOf(String page) {
        return switch (page) {
            case "CP1" -> MedibusCodes.MEASURED_CP1;
            case "CP2" -> MedibusCodes.MEASURED_CP2;
            default -> MedibusCodes.SETTINGS;
        };
    }

    private NumericReading numeric(
            MetricCode metric, @Nullable UcumUnit unit, String raw, String page, int code, Instant receivedAt) {
        String text = raw.strip();
        UcumUnit shown = unit != null ? unit : new UcumUnit("1", "unit unknown");
        if (text.isEmpty() || DASHES.matcher(text).matches()) {
            return new NumericReading(
                    device, metric, null, shown, Quality.notAvailable("no value ('" + raw + "')"), null, receivedAt);
        }
        if (!NUMBER.matcher(text).matches()) {
            return new NumericReading(
                    device, metric, null, shown, Quality.invalid("'" + raw + "' is not a number"), null, receivedAt);
        }
        BigDecimal value = new BigDecimal(text);
        Quality quality = unit != null
                ? Quality.VALID
                : Quality.invalid("unit not known for Medibus " + page + " code " + MedibusMessages.hex(code));
        return new NumericReading(device, metric, value, shown, quality, null, receivedAt);
    }

    private List<Reading> alarms(String data, String page, Instant receivedAt) throws DecodeException {
        if (data.length() % MedibusCodes.ALARM_RECORD != 0) {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED,
                    "alarms: " + data.length() + " characters of data are not whole " + MedibusCodes.ALARM_RECORD
                            + "-character records");
        }
        List<Reading> out = new ArrayList<>(data.length() / MedibusCodes.ALARM_RECORD);
        Set<Integer> seen = new HashSet<>();
        for (int at = 0; at < data.length(); at += MedibusCodes.ALARM_RECORD) {
            int code = hexByte(data, at + 1);
            if (!seen.add(code)) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        "alarm " + MedibusMessages.hex(code) + " appears twice in one answer");
            }
            String phrase =
                    data.substring(at + 3, at + MedibusCodes.ALARM_RECORD).strip();
            out.add(new AlarmEvent(
                    device,
                    page + "-" + String.format(Locale.ROOT, "%02x", code),
                    null,
                    AlarmEvent.Kind.UNKNOWN,
                    AlarmEvent.Priority.UNKNOWN,
                    AlarmEvent.State.UNKNOWN,
                    phrase.isEmpty() ? "Medibus alarm " + MedibusMessages.hex(code) : phrase,
                    null,
                    receivedAt));
        }
        return out;
    }

    private static int hexByte(String data, int at) throws DecodeException {
        int high = MedibusMessages.hexValue((byte) data.charAt(at));
        int low = MedibusMessages.hexValue((byte) data.charAt(at + 1));
        if (high < 0 || low < 0 || data.charAt(at) > 0x7F || data.charAt(at + 1) > 0x7F) {
            throw new DecodeException(
                    DecodeFailure.Reason.MALFORMED, "code '" + data.substring(at, at + 2) + "' is not hexadecimal");
        }
        return high << 4 | low;
    }
}
