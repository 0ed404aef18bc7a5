package org.bedside.drivers.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bedside.drivers.Drivers;
import org.bedside.drivers.capture.CaptureFile;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.drivers.spi.InvalidOptionException;
import org.bedside.drivers.spi.MessageDecoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.PatientDemographics;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;

/**
 * Decodes a capture with a driver and prints one JSON object per reading, and one with {@code "kind":"failure"} per
 * frame or stretch of bytes that failed, in stream order. A summary goes to stderr.
 *
 * <p>The file is either raw device-to-host bytes, or a capture of {@code bedside capture} ({@link CaptureFile}): then
 * the driver and its options default to the header's, each read is decoded with its own time as the receive time, the
 * framer starts afresh where a link opened (as the gateway's did), and the bytes the gateway wrote and the link's
 * openings and closings are printed in their place: {@code {"kind":"written","at":"...","length":5,"hex":"1b5235"}},
 * {@code {"kind":"link","event":"opened","at":"...","detail":"serial:..."}}.
 *
 * <pre>
 * usage: replay [--driver CODE] [--option KEY=VALUE]... FILE
 * {"kind":"numeric","mdc":150456,"refId":"MDC_PULS_OXIM_SAT_O2","label":"SpO2","loinc":"59408-5","value":"97",
 *  "unit":"%","deviceTime":"2026-11-22T09:59:58Z","status":"valid"}
 * {"kind":"failure","reason":"malformed","detail":"SPO2 value '9x8%' is not a number","length":102}
 * </pre>
 *
 * <p>Values are printed as strings to keep the device's precision ({@code "3.60"}).
 */
public final class Replay {
    private static final DeviceId DEVICE = DeviceId.of("replay");
    /** The capture has no receive times; every frame gets this one, so output depends on the bytes only. */
    private static final Instant RECEIVED_AT = Instant.EPOCH;

    private Replay() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns its exit code (0, 2 for an unreadable file, 64 for a usage error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String driverCode = null;
        Path file = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--driver") && i + 1 < args.length) {
                driverCode = args[++i];
            } else if (a.equals("--option") && i + 1 < args.length && args[i + 1].contains("=")) {
                String kv = args[++i];
                options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else if (!a.startsWith("--") && file == null) {
                file = Path.of(a);
            } else {
                return usage(err, "unexpected argument '" + a + "'");
            }
        }
        if (file == null) {
            return usage(err, "a file is needed");
        }
        CaptureFile.Header header = null;
        try {
            if (CaptureFile.isCapture(file)) {
                header = CaptureFile.header(file);
            }
        } catch (IOException e) {
            err.println("replay: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        if (header != null) {
            if (driverCode == null) {
                driverCode = header.get("driver");
            }
            Map<String, String> merged = new LinkedHashMap<>(header.options());
            merged.putAll(options);
            options.clear();
            options.putAll(merged);
        }
        if (driverCode == null) {
            return usage(err, "a driver is needed for a raw capture (--driver CODE)");
        }
        DeviceDriver driver = Drivers.byCode(driverCode).orElse(null);
        if (driver == null) {
            return usage(err, "unknown driver '" + driverCode + "'; known: " + Drivers.codes());
        }
        DriverOptions driverOptions;
        MessageDecoder decoder;
        try {
            driverOptions = DriverOptions.parse(driver.info(), options);
            decoder = driver.newMessageDecoder(DEVICE, driverOptions);
        } catch (InvalidOptionException e) {
            return usage(err, "option " + e.getMessage());
        }
        FrameDecoder framer = driver.newFrameDecoder(driverOptions);
        Counts counts = new Counts();
        Instant[] receivedAt = {RECEIVED_AT};
        FrameSink sink = new FrameSink() {
            @Override
            public void frame(ByteBuffer frame) {
                counts.frames++;
                DecodeResult result = decoder.decode(frame, receivedAt[0]);
                if (result instanceof DecodeResult.Decoded d) {
                    for (Reading r : d.readings()) {
                        out.println(json(r));
                        counts.readings++;
                    }
                } else if (result instanceof DecodeFailure f) {
                    failure(f);
                }
            }

            @Override
            public void failure(DecodeFailure f) {
                counts.failures.merge(f.reason(), 1L, Long::sum);
                out.println(failureJson(f.reason().label(), f.detail(), f.length()));
            }
        };
        try {
            if (header != null) {
                CaptureFile.Ending end = CaptureFile.read(file, h -> {}, r -> {
                    switch (r.kind()) {
                        case READ -> {
                            receivedAt[0] = r.at();
                            framer.feed(ByteBuffer.wrap(r.payload()), sink);
                        }
                        case WRITTEN -> {
                            counts.written++;
                            out.println(Json.object(ordered(
                                    "kind",
                                    "written",
                                    "at",
                                    r.at().toString(),
                                    "length",
                                    r.payload().length,
                                    "hex",
                                    HexFormat.of().formatHex(r.payload()))));
                        }
                        case OPENED, CLOSED -> {
                            if (r.kind() == CaptureFile.Kind.OPENED) {
                                framer.reset();
                            }
                            out.println(Json.object(ordered(
                                    "kind",
                                    "link",
                                    "event",
                                    r.kind() == CaptureFile.Kind.OPENED ? "opened" : "closed",
                                    "at",
                                    r.at().toString(),
                                    "detail",
                                    r.text())));
                        }
                    }
                });
                if (end.damage() != null) {
                    err.println("replay: " + file + ": " + end.damage() + "; decoded up to there");
                }
            } else {
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] chunk = new byte[8192];
                    for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                        framer.feed(ByteBuffer.wrap(chunk, 0, n), sink);
                    }
                }
            }
        } catch (IOException e) {
            err.println("replay: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        out.flush();
        err.println("replay: " + counts.frames + " frames, " + counts.readings + " readings, "
                + (header == null ? "" : counts.written + " writes, ")
                + counts.failures.values().stream().mapToLong(Long::longValue).sum() + " failures "
                + counts.failures.toString().toLowerCase(Locale.ROOT));
        return 0;
    }

    private static final class Counts {
        long frames;
        long readings;
        long written;
        final Map<DecodeFailure.Reason, Long> failures = new EnumMap<>(DecodeFailure.Reason.class);
    }

    private static int usage(PrintStream err, String problem) {
        err.println("replay: " + problem);
        err.println("usage: bedside replay [--driver CODE] [--option KEY=VALUE]... FILE");
        err.println("  (--driver is needed for a raw capture; a capture of bedside capture names its own)");
        err.println("drivers: " + Drivers.codes() + ", and pcd-01 (HL7 v2 ORU^R01 messages, MLLP-framed or not)");
        return 64;
    }

    /**
     * A frame or stretch of bytes that failed, as {@code bedside replay} prints it: {@code
     * {"kind":"failure","reason":"malformed","detail":"...","length":102}}. Also the form of the replays outside this
     * module (PCD-01, where the reason is the HL7 failure's).
     */
    public static String failureJson(String reason, String detail, long length) {
        return Json.object(ordered("kind", "failure", "reason", reason, "detail", detail, "length", length));
    }

    /**
     * One reading as one JSON object, as {@code bedside replay} prints it: also how a consumer's dead letter keeps a
     * record that it could not handle.
     */
    public static String json(Reading r) {
        String deviceTime = r.deviceTime() == null ? null : r.deviceTime().toString();
        if (r instanceof NumericReading n) {
            return Json.object(ordered(
                    "kind", "numeric",
                    "mdc", n.metric().mdc(),
                    "refId", n.metric().refId(),
                    "label", n.metric().label(),
                    "loinc", n.metric().loinc(),
                    "value", n.value() == null ? null : n.value().toPlainString(),
                    "unit", n.unit().code(),
                    "deviceTime", deviceTime,
                    "status", status(n),
                    "flags", n.quality().flags().stream().map(QualityFlag::name).toList(),
                    "reason",
                            n.quality().reason().isEmpty() ? null : n.quality().reason()));
        }
        if (r instanceof CompoundReading c) {
            List<Map<String, Object>> parts = new java.util.ArrayList<>();
            for (CompoundReading.Component part : c.components()) {
                parts.add(ordered(
                        "mdc", part.metric().mdc(),
                        "refId", part.metric().refId(),
                        "label", part.metric().label(),
                        "loinc", part.metric().loinc(),
                        "value", part.value() == null ? null : part.value().toPlainString(),
                        "unit", part.unit().code(),
                        "status", status(part.value() == null, part.quality()),
                        "reason",
                                part.quality().reason().isEmpty()
                                        ? null
                                        : part.quality().reason()));
            }
            return Json.object(ordered(
                    "kind", "compound",
                    "mdc", c.metric().mdc(),
                    "refId", c.metric().refId(),
                    "label", c.metric().label(),
                    "loinc", c.metric().loinc(),
                    "deviceTime", deviceTime,
                    "components", parts));
        }
        if (r instanceof WaveformSegment w) {
            return Json.object(ordered(
                    "kind", "waveform",
                    "mdc", w.metric().mdc(),
                    "refId", w.metric().refId(),
                    "label", w.metric().label(),
                    "unit", w.unit().code(),
                    "samples", w.sampleCount(),
                    "samplePeriod", w.samplePeriod().toString(),
                    "deviceTime", deviceTime,
                    "status", w.quality().isValid() ? "valid" : "invalid"));
        }
        if (r instanceof AlarmEvent a) {
            return Json.object(ordered(
                    "kind", "alarm",
                    "code", a.code(),
                    "mdc", a.source() == null ? null : a.source().mdc(),
                    "alarmKind", a.kind().name().toLowerCase(Locale.ROOT),
                    "priority", a.priority().name().toLowerCase(Locale.ROOT),
                    "status", a.state().name().toLowerCase(Locale.ROOT),
                    "text", a.text(),
                    "deviceTime", deviceTime));
        }
        if (r instanceof AlertReport a) {
            return Json.object(ordered(
                    "kind", "alert",
                    "alertId", a.alertId(),
                    "update", a.updateCount(),
                    "phase", a.phase().acmCode(),
                    "alertKind", a.kind().name().toLowerCase(Locale.ROOT),
                    "priority", a.priority().acmCode(),
                    "state", a.alarmState().acmCode(),
                    "mdc", a.source() == null ? null : a.source().mdc(),
                    "value", a.value() == null ? null : a.value().toPlainString(),
                    "text", a.text(),
                    "onset", a.onset().toString()));
        }
        if (r instanceof InfusionStatus i) {
            List<Map<String, Object>> values = new java.util.ArrayList<>();
            for (CompoundReading.Component part : i.values()) {
                values.add(ordered(
                        "mdc", part.metric().mdc(),
                        "refId", part.metric().refId(),
                        "label", part.metric().label(),
                        "value", part.value() == null ? null : part.value().toPlainString(),
                        "unit", part.unit().code(),
                        "status", status(part.value() == null, part.quality()),
                        "reason",
                                part.quality().reason().isEmpty()
                                        ? null
                                        : part.quality().reason()));
            }
            return Json.object(ordered(
                    "kind", "infusion",
                    "channel", i.channel(),
                    "state", i.state().label(),
                    "drugLabel", i.drugLabel(),
                    "pumpSerial", i.pumpSerial(),
                    "deviceTime", deviceTime,
                    "values", values));
        }
        if (r instanceof DeviceIdentity id) {
            return Json.object(ordered(
                    "kind", "identity",
                    "serialNumber", id.serialNumber(),
                    "systemId", id.systemId(),
                    "manufacturer", id.manufacturer(),
                    "model", id.model(),
                    "deviceTime", deviceTime));
        }
        if (r instanceof InfusionEvent e) {
            return Json.object(ordered(
                    "kind",
                    "infusion-event",
                    "channel",
                    e.channel(),
                    "code",
                    e.code(),
                    "refId",
                    e.refId().isEmpty() ? null : e.refId(),
                    "event",
                    e.kind().name().toLowerCase(Locale.ROOT),
                    "reason",
                    e.reason().isEmpty() ? null : e.reason(),
                    "deviceTime",
                    deviceTime));
        }
        if (r instanceof PatientDemographics d) {
            // The state and the fingerprint only: the monitor's demographics themselves never reach a reading.
            return Json.object(ordered(
                    "kind",
                    "demographics",
                    "state",
                    d.state().name(),
                    "fingerprint",
                    d.fingerprint(),
                    "deviceTime",
                    deviceTime));
        }
        if (!(r instanceof DeviceStatus s)) {
            throw new IllegalArgumentException(
                    "no JSON form for " + r.getClass().getSimpleName());
        }
        return Json.object(ordered(
                "kind", "status",
                "code", s.code().name().toLowerCase(Locale.ROOT),
                "detail", s.detail(),
                "deviceTime", deviceTime,
                "status", s.code().name().toLowerCase(Locale.ROOT)));
    }

    private static String status(NumericReading n) {
        return status(n.value() == null, n.quality());
    }

    private static String status(boolean noValue, Quality quality) {
        if (noValue) {
            return quality.has(QualityFlag.NOT_AVAILABLE) ? "unavailable" : "invalid";
        }
        if (!quality.isValid()) {
            return "invalid";
        }
        return quality.has(QualityFlag.QUESTIONABLE) ? "questionable" : "valid";
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
