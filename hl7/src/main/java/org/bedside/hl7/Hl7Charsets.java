package org.bedside.hl7;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * HL7 table 0211 (MSH-18, alternate character sets) to Java character sets. HAPI keeps its own table package-private,
 * so the common entries are repeated here.
 */
final class Hl7Charsets {
    private static final Map<String, String> TABLE_0211 = Map.ofEntries(
            Map.entry("ASCII", "US-ASCII"),
            Map.entry("ISO IR6", "US-ASCII"),
            Map.entry("8859/1", "ISO-8859-1"),
            Map.entry("8859/2", "ISO-8859-2"),
            Map.entry("8859/3", "ISO-8859-3"),
            Map.entry("8859/4", "ISO-8859-4"),
            Map.entry("8859/5", "ISO-8859-5"),
            Map.entry("8859/6", "ISO-8859-6"),
            Map.entry("8859/7", "ISO-8859-7"),
            Map.entry("8859/8", "ISO-8859-8"),
            Map.entry("8859/9", "ISO-8859-9"),
            Map.entry("8859/15", "ISO-8859-15"),
            Map.entry("UNICODE", "UTF-8"),
            Map.entry("UNICODE UTF-8", "UTF-8"));

    private Hl7Charsets() {}

    /** The Java character set for an MSH-18 value, or empty when this gateway does not know it. */
    static Optional<Charset> forMsh18(String name) {
        String javaName = TABLE_0211.get(name.strip());
        return javaName == null ? Optional.empty() : Optional.of(Charset.forName(javaName));
    }

    /** The MSH-18 value that names a character set, for the acknowledgement of a message in it. */
    static String msh18Of(Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8)) {
            return "UNICODE UTF-8";
        }
        for (Map.Entry<String, String> e : TABLE_0211.entrySet()) {
            if (Charset.forName(e.getValue()).equals(charset) && !e.getKey().equals("ISO IR6")) {
                return e.getKey();
            }
        }
        return "";
    }
}
