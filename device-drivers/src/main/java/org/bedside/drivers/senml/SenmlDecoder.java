package org.bedside.drivers.senml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * One SenML JSON pack (RFC 8428 section 5) into readings. Pure and thread-safe.
 *
 * <pre>
 * [{"bn":"urn:dev:mac:0024befffe804ff1:","bt":1763788800,"bu":"%"},
 *  {"n":"spo2","v":97},
 *  {"n":"pulse","u":"beat/min","v":72,"t":-1}]
 * </pre>
 *
 * <p>Base name, base time, base unit and base value carry over to the records after them (section 4.6); a record's
 * time is {@code bt + t}, absolute when at least 2<sup>28</sup> seconds, otherwise relative to the receive time
 * (section 4.5.3). A pack that is not what SenML and the names table allow fails as a whole, with the reason: not JSON,
 * a value of the wrong type, an unknown name or unit, a time too far from the receive time, a value outside the
 * metric's plausible range, more records than {@value #MAX_RECORDS}. Jackson's read constraints bound strings, numbers
 * and nesting, so a hostile payload cannot make it hold more than the frame.
 */
final class SenmlDecoder implements MessageDecoder {
    static final int MAX_RECORDS = 256;
    /** RFC 8428 section 4.5.3: times at or above 2^28 s are absolute (seconds since 1970). */
    static final BigDecimal ABSOLUTE_TIME = BigDecimal.valueOf(1L << 28);
    /** The SenML version this decoder implements (RFC 8428 section 4.4). */
    static final int VERSION = 10;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(3)
                    .maxNumberLength(40)
                    .maxStringLength(1024)
                    .build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final DeviceId device;
    private final SenmlNames names;
    private final @Nullable String baseName;
    private final Duration maxFuture;
    private final Duration maxAge;
    private final boolean relativeTimes;

    SenmlDecoder(
            DeviceId device,
            SenmlNames names,
            @Nullable String baseName,
            Duration maxFuture,
            Duration maxAge,
            boolean relativeTimes) {
        this.device = device;
        this.names = names;
        this.baseName = baseName;
        this.maxFuture = maxFuture;
        this.maxAge = maxAge;
        this.relativeTimes = relativeTimes;
    }

    @Override
    public DecodeResult decode(ByteBuffer frame, Instant receivedAt) {
        ByteBuffer view = frame.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        try {
            return DecodeResult.of(readings(parse(bytes), receivedAt));
        } catch (DecodeException e) {
            return DecodeFailure.of(e.reason(), e.getMessage(), frame);
        } catch (StreamConstraintsException e) {
            return DecodeFailure.of(DecodeFailure.Reason.MALFORMED, "too large for a SenML pack: " + brief(e), frame);
        } catch (JsonProcessingException e) {
            return DecodeFailure.of(DecodeFailure.Reason.MALFORMED, "not JSON: " + brief(e), frame);
        } catch (IOException | RuntimeException e) {
            return DecodeFailure.of(DecodeFailure.Reason.MALFORMED, "cannot read the pack: " + e, frame);
        }
    }

    private static String brief(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        return m.length() > 160 ? m.substring(0, 160) + "..." : m;
    }

    /** One record as written, base fields included. */
    private static final class Raw {
        @Nullable
        String bn;

        @Nullable
        BigDecimal bt;

        @Nullable
        String bu;

        @Nullable
        BigDecimal bv;

        @Nullable
        BigDecimal bver;

        @Nullable
        String n;

        @Nullable
        String u;

        @Nullable
        BigDecimal v;

        @Nullable
        String otherValue;

        @Nullable
        BigDecimal t;

        @Nullable
        String ucum;

        @Nullable
        BigDecimal mdc;

        @Nullable
        String mdcRef;

        @Nullable
        List<String> q;

        @Nullable
        String qr;
    }

    private static List<Raw> parse(byte[] bytes) throws IOException, DecodeException {
        List<Raw> records = new ArrayList<>();
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new DecodeException(DecodeFailure.Reason.MALFORMED, "a SenML pack is a JSON array of records");
            }
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_OBJECT) {
                    throw new DecodeException(
                            DecodeFailure.Reason.MALFORMED, "record " + (records.size() + 1) + " is not a JSON object");
                }
                if (records.size() == MAX_RECORDS) {
                    throw new DecodeException(
                            DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                            "more than " + MAX_RECORDS + " records in one pack");
                }
                records.add(record(p, records.size() + 1));
            }
            if (p.nextToken() != null) {
                throw new DecodeException(DecodeFailure.Reason.MALFORMED, "more JSON after the pack's closing ]");
            }
        }
        if (records.isEmpty()) {
            throw new DecodeException(DecodeFailure.Reason.MALFORMED, "an empty pack");
        }
        return records;
    }

    private static Raw record(JsonParser p, int index) throws IOException, DecodeException {
        Raw r = new Raw();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "bn" -> r.bn = text(p, value, field, index);
                case "bt" -> r.bt = number(p, value, field, index);
                case "bu" -> r.bu = text(p, value, field, index);
                case "bv" -> r.bv = number(p, value, field, index);
                case "bver" -> r.bver = number(p, value, field, index);
                case "n" -> r.n = text(p, value, field, index);
                case "u" -> r.u = text(p, value, field, index);
                case "v" -> r.v = number(p, value, field, index);
                case "vs", "vb", "vd" -> {
                    r.otherValue = field;
                    skipScalar(p, value, field, index);
                }
                case "t" -> r.t = number(p, value, field, index);
                case "ucum" -> r.ucum = text(p, value, field, index);
                case "mdc" -> r.mdc = number(p, value, field, index);
                case "mdc_ref" -> r.mdcRef = text(p, value, field, index);
                case "q" -> r.q = strings(p, value, field, index);
                case "qr" -> r.qr = text(p, value, field, index);
                default -> {
                    if (field.endsWith("_")) {
                        // Section 4.4: a label ending in '_' must be understood, or the pack rejected.
                        throw new DecodeException(
                                DecodeFailure.Reason.UNSUPPORTED_VERSION,
                                "record " + index + ": must-understand field '" + field + "' is not supported");
                    }
                    // Other fields (s, ut, bs, the egress extensions rt and id...) carry nothing the gateway keeps.
                    if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
                        p.skipChildren();
                    }
                }
            }
        }
        return r;
    }

    private static String text(JsonParser p, JsonToken token, String field, int index)
            throws IOException, DecodeException {
        if (token != JsonToken.VALUE_STRING) {
            throw wrongType(field, index, "a string", token);
        }
        return p.getText();
    }

    private static BigDecimal number(JsonParser p, JsonToken token, String field, int index)
            throws IOException, DecodeException {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw wrongType(field, index, "a number", token);
        }
        BigDecimal d = p.getDecimalValue();
        // No device means 1e-300 or 1e300: such numbers are an attack on the code that would use them.
        if (d.scale() > 12 || d.scale() < -12) {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC, "record " + index + ": '" + field + "' out of range");
        }
        return d;
    }

    private static void skipScalar(JsonParser p, JsonToken token, String field, int index)
            throws IOException, DecodeException {
        if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
            throw wrongType(field, index, "a scalar", token);
        }
    }

    private static List<String> strings(JsonParser p, JsonToken token, String field, int index)
            throws IOException, DecodeException {
        if (token != JsonToken.START_ARRAY) {
            throw wrongType(field, index, "an array of strings", token);
        }
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING || out.size() == QualityFlag.values().length) {
                throw wrongType(field, index, "an array of quality flag names", t);
            }
            out.add(p.getText());
        }
        return out;
    }

    private static DecodeException wrongType(String field, int index, String expected, @Nullable JsonToken got) {
        return new DecodeException(
                DecodeFailure.Reason.MALFORMED,
                "record " + index + ": '" + field + "' must be " + expected + ", got " + describe(got));
    }

    private static String describe(@Nullable JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> t.toString();
        };
    }

    /** A record with its base fields applied. */
    private record Resolved(
            int index,
            SenmlNames.Entry entry,
            Instant time,
            @Nullable BigDecimal value,
            Quality quality) {}

    private List<Reading> readings(List<Raw> raws, Instant receivedAt) throws DecodeException {
        String bn = "";
        BigDecimal bt = BigDecimal.ZERO;
        String bu = null;
        BigDecimal bv = null;
        List<Resolved> resolved = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (Raw r : raws) {
            index++;
            if (r.bver != null && r.bver.compareTo(BigDecimal.valueOf(VERSION)) > 0) {
                throw new DecodeException(
                        DecodeFailure.Reason.UNSUPPORTED_VERSION,
                        "SenML version " + r.bver.toPlainString() + " is newer than " + VERSION);
            }
            if (r.bn != null) {
                bn = r.bn;
            }
            if (r.bt != null) {
                bt = r.bt;
            }
            if (r.bu != null) {
                bu = r.bu;
            }
            if (r.bv != null) {
                bv = r.bv;
            }
            if (r.n == null && r.v == null && r.otherValue == null && r.q == null) {
                continue; // a record of base fields only
            }
            String name = bn + (r.n == null ? "" : r.n);
            if (name.isEmpty()) {
                throw new DecodeException(DecodeFailure.Reason.MALFORMED, "record " + index + " has no name");
            }
            SenmlNames.Entry entry = entry(name, index);
            if (r.otherValue != null) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        "record " + index + ": '" + entry.name() + "' needs a number (v), got '" + r.otherValue + "'");
            }
            checkUnit(entry, r.u != null ? r.u : bu, r.ucum, index);
            checkCode(entry, r, index);
            Instant time = time(bt.add(r.t == null ? BigDecimal.ZERO : r.t), receivedAt, index);
            BigDecimal value = r.v == null ? null : (bv == null ? r.v : bv.add(r.v));
            Quality quality = quality(r.q, r.qr, index);
            if (value == null && quality.isValid()) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        "record " + index + ": '" + entry.name() + "' has no value and no flag that says why");
            }
            if (value != null && (value.compareTo(entry.lowest()) < 0 || value.compareTo(entry.highest()) > 0)) {
                throw new DecodeException(
                        DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                        "record " + index + ": " + entry.metric().label() + " " + value.toPlainString() + " is outside "
                                + entry.lowest() + ".." + entry.highest() + " "
                                + entry.unit().code());
            }
            if (!seen.add(entry.metric().refId() + "@" + time)) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        "record " + index + ": a second " + entry.metric().label() + " at the same time " + time);
            }
            resolved.add(new Resolved(index, entry, time, value, quality));
        }
        return group(resolved, receivedAt);
    }

    private SenmlNames.Entry entry(String name, int index) throws DecodeException {
        String key;
        String expected = baseName;
        if (expected != null) {
            if (!name.startsWith(expected)) {
                throw new DecodeException(
                        DecodeFailure.Reason.OTHER_DEVICE,
                        "record " + index + ": name '" + name + "' is not under this device's base name '" + expected
                                + "'");
            }
            key = name.substring(expected.length());
        } else {
            int cut = Math.max(name.lastIndexOf(':'), name.lastIndexOf('/'));
            key = name.substring(cut + 1);
        }
        return names.lookup(key)
                .orElseThrow(() -> new DecodeException(
                        DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE,
                        "record " + index + ": unknown name '" + key + "'; known: " + names.knownNames()));
    }

    private static void checkUnit(SenmlNames.Entry entry, @Nullable String senml, @Nullable String ucum, int index)
            throws DecodeException {
        if (ucum != null && !ucum.equals(entry.unit().code())) {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                    "record " + index + ": UCUM unit '" + ucum + "' is not " + entry.name() + "'s '"
                            + entry.unit().code() + "'");
        }
        if (senml == null) {
            if (ucum == null) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED,
                        "record " + index + ": '" + entry.name() + "' has no unit (u, bu or ucum); accepted: "
                                + String.join(", ", entry.senmlUnits()));
            }
            return;
        }
        if (!entry.senmlUnits().contains(senml)) {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                    "record " + index + ": unit '" + senml + "' is not accepted for " + entry.name() + " (accepted: "
                            + String.join(", ", new java.util.TreeSet<>(entry.senmlUnits())) + ")");
        }
    }

    private static void checkCode(SenmlNames.Entry entry, Raw r, int index) throws DecodeException {
        MetricCode m = entry.metric();
        if (r.mdc != null && r.mdc.compareTo(BigDecimal.valueOf(m.mdc())) != 0) {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                    "record " + index + ": MDC code " + r.mdc.toPlainString() + " is not " + entry.name() + "'s "
                            + m.mdc());
        }
        if (r.mdcRef != null && !r.mdcRef.equals(m.refId())) {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                    "record " + index + ": MDC reference id " + r.mdcRef + " is not " + entry.name() + "'s "
                            + m.refId());
        }
    }

    private Instant time(BigDecimal seconds, Instant receivedAt, int index) throws DecodeException {
        Instant t;
        if (seconds.compareTo(ABSOLUTE_TIME) >= 0) {
            t = instant(seconds);
        } else if (relativeTimes) {
            t = receivedAt.plus(duration(seconds));
        } else {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                    "record " + index + ": time " + seconds.toPlainString() + " is relative to the receive time: a"
                            + " redelivered message could not be recognised (send an absolute base time bt, or set"
                            + " the option relative-times=accept)");
        }
        if (Duration.between(receivedAt, t).compareTo(maxFuture) > 0) {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                    "record " + index + ": time " + t + " is more than " + maxFuture + " after the receive time "
                            + receivedAt + " (is the sensor's clock set?)");
        }
        if (Duration.between(t, receivedAt).compareTo(maxAge) > 0) {
            throw new DecodeException(
                    DecodeFailure.Reason.VALUE_OUT_OF_SPEC,
                    "record " + index + ": time " + t + " is more than " + maxAge + " before the receive time "
                            + receivedAt + " (is the sensor's clock set?)");
        }
        return t;
    }

    /** Seconds since 1970 to an instant, truncated to the microsecond (the buffer's resolution). */
    static Instant instant(BigDecimal seconds) {
        BigDecimal micros = seconds.movePointRight(6).setScale(0, RoundingMode.FLOOR);
        long m = micros.longValueExact();
        return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
    }

    private static Duration duration(BigDecimal seconds) {
        long micros = seconds.movePointRight(6).setScale(0, RoundingMode.FLOOR).longValueExact();
        return Duration.ofNanos(Math.multiplyExact(micros, 1000L));
    }

    private static Quality quality(@Nullable List<String> flags, @Nullable String reason, int index)
            throws DecodeException {
        if (flags == null || flags.isEmpty()) {
            return Quality.VALID;
        }
        EnumSet<QualityFlag> set = EnumSet.noneOf(QualityFlag.class);
        for (String f : flags) {
            try {
                set.add(QualityFlag.valueOf(f.toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new DecodeException(
                        DecodeFailure.Reason.MALFORMED, "record " + index + ": unknown quality flag '" + f + "'");
            }
        }
        String why = reason == null || reason.isBlank() ? "flagged by the sensor, no reason given" : reason.strip();
        return new Quality(set, why);
    }

    private List<Reading> group(List<Resolved> records, Instant receivedAt) {
        List<Reading> out = new ArrayList<>();
        Map<String, List<Resolved>> compounds = new LinkedHashMap<>();
        Map<String, Integer> slot = new LinkedHashMap<>();
        for (Resolved r : records) {
            MetricCode compound = r.entry().compound();
            if (compound == null) {
                out.add(new NumericReading(
                        device, r.entry().metric(), r.value(), r.entry().unit(), r.quality(), r.time(), receivedAt));
            } else {
                String key = compound.refId() + "@" + r.time();
                if (!compounds.containsKey(key)) {
                    slot.put(key, out.size());
                    out.add(null);
                }
                compounds.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<Resolved>> e : compounds.entrySet()) {
            List<Resolved> parts = e.getValue();
            List<CompoundReading.Component> components = new ArrayList<>();
            for (Resolved r : parts) {
                components.add(new CompoundReading.Component(
                        r.entry().metric(), r.value(), r.entry().unit(), r.quality()));
            }
            MetricCode compound =
                    java.util.Objects.requireNonNull(parts.get(0).entry().compound());
            out.set(
                    slot.get(e.getKey()),
                    new CompoundReading(
                            device, compound, components, parts.get(0).time(), receivedAt));
        }
        return out;
    }
}
