package org.bedside.runtime.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.spi.SerialSettings;

/** Parses the usual short form of serial line settings: {@code 9600 8N1}, {@code 19200 8E1 rtscts}. */
final class SerialLine {
    private static final Pattern FORM = Pattern.compile(
            "(\\d{3,7})\\s+([5-8])([NEO])([12])(?:\\s+(none|rtscts|xonxoff))?", Pattern.CASE_INSENSITIVE);

    private SerialLine() {}

    static SerialSettings parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not like '9600 8N1' or '19200 8E1 rtscts'");
        }
        SerialSettings.Parity parity = switch (m.group(3).toUpperCase(Locale.ROOT)) {
            case "E" -> SerialSettings.Parity.EVEN;
            case "O" -> SerialSettings.Parity.ODD;
            default -> SerialSettings.Parity.NONE;
        };
        String flow = m.group(5) == null ? "none" : m.group(5).toLowerCase(Locale.ROOT);
        SerialSettings.FlowControl flowControl = switch (flow) {
            case "rtscts" -> SerialSettings.FlowControl.RTS_CTS;
            case "xonxoff" -> SerialSettings.FlowControl.XON_XOFF;
            default -> SerialSettings.FlowControl.NONE;
        };
        return new SerialSettings(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                parity,
                m.group(4).equals("1") ? SerialSettings.StopBits.ONE : SerialSettings.StopBits.TWO,
                flowControl);
    }
}
