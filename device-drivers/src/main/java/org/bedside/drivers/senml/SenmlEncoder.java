package org.bedside.drivers.senml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;

/**
 * Readings of one device as one SenML JSON pack, for the MQTT egress. Pure; thread-safe.
 *
 * <pre>
 * [{"bn":"icu-gw-12/bed12-spo2/","n":"spo2","u":"%","v":97,"t":1763788800.123456,
 *   "ucum":"%","mdc":150456,"mdc_ref":"MDC_PULS_OXIM_SAT_O2","rt":1763788800.2,
 *   "id":"bed12-spo2/150456/1763788800200000"}]
 * </pre>
 *
 * <p>Standard SenML fields: {@code bn} (gateway and device), {@code n} (the names table's name, or the MDC reference id
 * of a metric outside it), {@code u} only where SenML's unit registry has the unit ({@code u} is not UCUM), {@code v},
 * {@code vs} and {@code t} (absolute seconds: the device's time when it has a clock, else the gateway's receive time).
 * Extension fields, none ending in {@code _}, so that any SenML reader may ignore them (RFC 8428 section 4.4):
 *
 * <ul>
 *   <li>{@code ucum}: the UCUM unit code; {@code mdc}, {@code mdc_ref}: the IEEE 11073 code and reference id;
 *   <li>{@code rt}: the gateway's receive time, seconds with microseconds;
 *   <li>{@code q}, {@code qr}: the quality flags (lower case) and their reason, when the device flagged the value;
 *   <li>{@code id}: the reading's identity ({@link Reading#key()}); a redelivered message carries the same {@code id},
 *       so a subscriber drops what it has seen (for a blood pressure, the components share one {@code id} and differ by
 *       {@code n});
 *   <li>{@code compound}: on the components of a compound measurement (NIBP), the compound's MDC reference id;
 *   <li>a pump channel ({@code InfusionStatus}): a record {@code n: "infusion"} with the state in {@code vs} and {@code
 *       channel}, {@code drug} (the label as the pump shows it) and {@code serial} where known, then one record per
 *       number as for a numeric, each with {@code channel}; all share the reading's {@code id};
 *   <li>alarms ({@code n: "alarm"}, the text in {@code vs}): {@code alarm} (the device's code), {@code kind}, {@code
 *       priority}, {@code state}, {@code src_mdc_ref}; device status ({@code n: "status"}, the code in {@code vs}):
 *       {@code detail}.
 * </ul>
 *
 * Waveforms are not published (they are for the live view and alarms); {@link #encode} refuses them.
 */
public final class SenmlEncoder {
    /** No separator between root values: one thread's generator writes pack after pack, each taken out alone. */
    private static final JsonFactory JSON =
            new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    /**
     * Each thread's generator and the buffer it writes to, reused from pack to pack: creating a generator per message
     * cost more than writing most packs. Per thread, so nothing mutable is shared; bounded by the largest pack a
     * thread has written. A pack that fails half-written drops its thread's writer (the generator is left inside it).
     */
    private static final ThreadLocal<PackWriter> WRITERS = ThreadLocal.withInitial(PackWriter::new);

    private static final class PackWriter {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        final JsonGenerator g;

        PackWriter() {
            try {
                g = JSON.createGenerator(out);
            } catch (IOException e) {
                throw new UncheckedIOException("creating a JSON generator in memory failed", e);
            }
        }
    }

    private final String gatewayId;

    /** @param gatewayId the gateway's name, the first part of every base name */
    public SenmlEncoder(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    /** The base name of a device's packs: {@code <gateway>/<device>/}. */
    public String baseName(DeviceId device) {
        return gatewayId + "/" + device.value() + "/";
    }

    /**
     * @param readings one or more readings, all of one device; no waveforms
     * @throws IllegalArgumentException for an empty list, several devices or a waveform
     */
    public byte[] encode(List<? extends Reading> readings) {
        return encode(readings, null);
    }

    /**
     * With the unit the readings' record names ({@link DeviceIdentity#of}) on every record of the pack: {@code dev_sn},
     * {@code dev_sysid}, {@code dev_mfr}, {@code dev_model}, each only when the unit sent it (docs/mqtt.md).
     *
     * @param unit the physical unit behind the device, or null when the record names none
     */
    public byte[] encode(List<? extends Reading> readings, @Nullable DeviceIdentity unit) {
        if (readings.isEmpty()) {
            throw new IllegalArgumentException("a pack needs at least one reading");
        }
        DeviceId device = readings.get(0).device();
        for (Reading r : readings) {
            if (!r.device().equals(device)) {
                throw new IllegalArgumentException(
                        "a pack holds one device's readings: " + device + " and " + r.device());
            }
            if (r instanceof WaveformSegment) {
                throw new IllegalArgumentException("waveforms are not published over MQTT: " + r);
            }
        }
        PackWriter w = WRITERS.get();
        boolean written = false;
        try {
            JsonGenerator g = w.g;
            w.out.reset();
            g.writeStartArray();
            boolean first = true;
            for (Reading r : readings) {
                first = write(g, r, first ? baseName(device) : null, unit);
            }
            g.writeEndArray();
            g.flush();
            written = true;
            return w.out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        } finally {
            if (!written) {
                WRITERS.remove();
            }
        }
    }

    /** Writes one reading's record(s); returns false (the base name was written). */
    private boolean write(JsonGenerator g, Reading r, @Nullable String bn, @Nullable DeviceIdentity unit)
            throws IOException {
        if (r instanceof NumericReading n) {
            g.writeStartObject();
            common(g, bn, name(n.metric()), n.deviceTime(), n.receivedAt(), n.key(), unit);
            measurement(g, n.metric(), n.unit(), n.value(), n.quality());
            g.writeEndObject();
        } else if (r instanceof CompoundReading c) {
            String written = bn;
            for (CompoundReading.Component part : c.components()) {
                g.writeStartObject();
                common(g, written, name(part.metric()), c.deviceTime(), c.receivedAt(), c.key(), unit);
                written = null;
                measurement(g, part.metric(), part.unit(), part.value(), part.quality());
                g.writeStringField("compound", c.metric().refId());
                g.writeEndObject();
            }
        } else if (r instanceof InfusionStatus pump) {
            g.writeStartObject();
            common(g, bn, "infusion", pump.deviceTime(), pump.receivedAt(), pump.key(), unit);
            g.writeStringField("vs", pump.state().label());
            g.writeStringField("channel", pump.channel());
            if (pump.drugLabel() != null) {
                g.writeStringField("drug", pump.drugLabel());
            }
            if (pump.pumpSerial() != null) {
                g.writeStringField("serial", pump.pumpSerial());
            }
            g.writeEndObject();
            for (CompoundReading.Component v : pump.values()) {
                g.writeStartObject();
                common(g, null, name(v.metric()), pump.deviceTime(), pump.receivedAt(), pump.key(), unit);
                measurement(g, v.metric(), v.unit(), v.value(), v.quality());
                g.writeStringField("channel", pump.channel());
                g.writeEndObject();
            }
        } else if (r instanceof AlarmEvent a) {
            g.writeStartObject();
            common(g, bn, "alarm", a.deviceTime(), a.receivedAt(), a.key(), unit);
            g.writeStringField("vs", a.text());
            g.writeStringField("alarm", a.code());
            g.writeStringField("kind", lower(a.kind()));
            g.writeStringField("priority", lower(a.priority()));
            g.writeStringField("state", lower(a.state()));
            MetricCode source = a.source();
            if (source != null) {
                g.writeStringField("src_mdc_ref", source.refId());
            }
            g.writeEndObject();
        } else if (r instanceof DeviceStatus s) {
            g.writeStartObject();
            common(g, bn, "status", s.deviceTime(), s.receivedAt(), s.key(), unit);
            g.writeStringField("vs", lower(s.code()));
            g.writeStringField("detail", s.detail());
            g.writeEndObject();
        } else if (r instanceof WaveformSegment) {
            throw new IllegalArgumentException("waveforms are not published over MQTT: " + r);
        }
        return false;
    }

    private static void common(
            JsonGenerator g,
            @Nullable String bn,
            String name,
            @Nullable Instant deviceTime,
            Instant receivedAt,
            String key,
            @Nullable DeviceIdentity unit)
            throws IOException {
        if (bn != null) {
            g.writeStringField("bn", bn);
        }
        g.writeStringField("n", name);
        g.writeFieldName("t");
        g.writeNumber(seconds(deviceTime != null ? deviceTime : receivedAt));
        g.writeFieldName("rt");
        g.writeNumber(seconds(receivedAt));
        g.writeStringField("id", key);
        if (unit != null) {
            optional(g, "dev_sn", unit.serialNumber());
            optional(g, "dev_sysid", unit.systemId());
            optional(g, "dev_mfr", unit.manufacturer());
            optional(g, "dev_model", unit.model());
        }
    }

    private static void optional(JsonGenerator g, String field, @Nullable String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void measurement(
            JsonGenerator g, MetricCode metric, UcumUnit unit, @Nullable BigDecimal value, Quality quality)
            throws IOException {
        String senmlUnit = SENML_UNIT.get(unit.code());
        if (senmlUnit != null) {
            g.writeStringField("u", senmlUnit);
        }
        if (value != null) {
            g.writeFieldName("v");
            g.writeNumber(value.toPlainString());
        }
        g.writeStringField("ucum", unit.code());
        if (metric.isStandard()) {
            g.writeNumberField("mdc", metric.mdc());
        }
        g.writeStringField("mdc_ref", metric.refId());
        if (!quality.flags().isEmpty()) {
            g.writeArrayFieldStart("q");
            for (QualityFlag f : quality.flags()) {
                g.writeString(lower(f));
            }
            g.writeEndArray();
            g.writeStringField("qr", quality.reason());
        }
    }

    /** SenML's registered units for the UCUM codes the gateway's readings use (RFC 8428 section 12.1). */
    private static final java.util.Map<String, String> SENML_UNIT = java.util.Map.of(
            "%", "%",
            "/min", "1/min",
            "Cel", "Cel",
            "1", "/",
            "s", "s");

    private static String name(MetricCode metric) {
        return SenmlNames.forMetric(metric).map(SenmlNames.Entry::name).orElse(metric.refId());
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Seconds since 1970 with microseconds, as SenML times are written: {@code 1763788800.123456}. */
    static String seconds(Instant t) {
        long micros = Reading.epochMicros(t);
        if (micros < 0) {
            // Before 1970: no device's clock, but written exactly all the same.
            return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
        }
        // The same digits as BigDecimal's stripTrailingZeros().toPlainString(), without its objects per time.
        long whole = micros / 1_000_000;
        int fraction = (int) (micros % 1_000_000);
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String six = Integer.toString(1_000_000 + fraction).substring(1);
        int end = six.length();
        while (six.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + six.substring(0, end);
    }
}
