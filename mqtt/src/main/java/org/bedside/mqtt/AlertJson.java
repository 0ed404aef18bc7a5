package org.bedside.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import org.bedside.model.AlertReport;
import org.jspecify.annotations.Nullable;

/**
 * One alert notification of the alarm engine as the JSON of the MQTT alerts topic (docs/mqtt.md):
 *
 * <pre>
 * {"notificationId":"bed12-spo2/150456-low/1763788800123456#0","alertId":"bed12-spo2/150456-low/1763788800123456",
 *  "updateCount":0,"device":"bed12-spo2","phase":"start","priority":"medium","kind":"physiological",
 *  "alarmState":"active","inactivationState":"enabled","escalationLevel":0,"origin":"gateway",
 *  "condition":"150456-low","text":"SpO2 low (below 90 %)","detail":"SpO2 86 % below 90 % for 15s",
 *  "mdc":150456,"refId":"MDC_PULS_OXIM_SAT_O2","value":"86","unit":"%","lowLimit":"90","highLimit":null,
 *  "onset":"2026-11-22T10:00:01.123456Z","conditionEnd":null,"time":"2026-11-22T10:00:16.2Z","late":false}
 * </pre>
 *
 * <p>{@code notificationId} is the identity a subscriber drops repeats by (a record published again after a restart or
 * by the backlog after the live lane). Values and limits are strings, to keep the device's precision. {@code time} is
 * when the engine decided this notification; {@code late} says it is published more than the late time after that
 * (the broker was away, or the alert was in a backlog), so that it is not taken as live.
 */
final class AlertJson {
    private static final JsonFactory JSON = new JsonFactory();

    private AlertJson() {}

    static byte[] encode(AlertReport a, boolean late) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("notificationId", a.notificationId());
            g.writeStringField("alertId", a.alertId());
            g.writeNumberField("updateCount", a.updateCount());
            g.writeStringField("device", a.device().value());
            g.writeStringField("phase", a.phase().acmCode());
            g.writeStringField("priority", lower(a.priority()));
            g.writeStringField("kind", lower(a.kind()));
            g.writeStringField("alarmState", a.alarmState().acmCode());
            g.writeStringField("inactivationState", a.inactivationState().acmCode());
            g.writeNumberField("escalationLevel", a.escalationLevel());
            g.writeStringField("origin", lower(a.origin()));
            g.writeStringField("condition", a.condition());
            g.writeStringField("text", a.text());
            g.writeStringField("detail", a.detail());
            if (a.source() != null) {
                g.writeNumberField("mdc", a.source().mdc());
                g.writeStringField("refId", a.source().refId());
            }
            decimal(g, "value", a.value());
            g.writeStringField("unit", a.unit() == null ? null : a.unit().code());
            decimal(g, "lowLimit", a.lowLimit());
            decimal(g, "highLimit", a.highLimit());
            time(g, "onset", a.onset());
            time(g, "conditionEnd", a.conditionEnd());
            time(g, "time", a.receivedAt());
            g.writeBooleanField("late", late);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return out.toByteArray();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static void decimal(JsonGenerator g, String name, @Nullable BigDecimal v) throws IOException {
        g.writeStringField(name, v == null ? null : v.toPlainString());
    }

    private static void time(JsonGenerator g, String name, @Nullable Instant t) throws IOException {
        g.writeStringField(name, t == null ? null : t.toString());
    }
}
