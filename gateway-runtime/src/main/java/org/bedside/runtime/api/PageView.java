package org.bedside.runtime.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bedside.runtime.signals.LocalSignalsStatus;
import org.bedside.runtime.wiring.BedAssociations;
import org.jspecify.annotations.Nullable;

/**
 * What the bedside page shows, in words ready for the template ({@code templates/page.html}): every choice of word,
 * symbol and style is made here, where it can be tested, and the template only lays it out.
 *
 * <p>Link, uplink and buffer states are told by a word and a symbol, in blues and greys: red and yellow are the colours
 * of alarm signals (IEC 60601-1-8: high priority red, medium yellow, low cyan or yellow), so nothing but an alarm the
 * device reported is drawn in them, and no state uses cyan either.
 */
public record PageView(
        String bed,
        String gateway,
        String updated,
        List<DeviceTile> devices,
        AlertsTile alerts,
        UplinkTile uplink,
        BufferTile buffer,
        List<BedTile> beds,
        List<String> captures,
        EngineTile engine,
        SignalsTile localSignals) {

    /**
     * The box's own buzzer and lamps (local signals): whether they are driven, which is on and for which of the
     * gateway's technical alarms, the lamp test and the audio pause.
     *
     * @param shown local signals are configured: otherwise there is no tile
     * @param audioPause the audio pause button and the pause in force, in words; empty without a button
     */
    public record SignalsTile(boolean shown, Look state, List<SignalOutput> outputs, String audioPause) {}

    /** One output: its state by word and symbol, and why it is on (the technical alarms it shows). */
    public record SignalOutput(String name, String pin, Look state, String why) {}

    /** The gateway's own alarm engine's open alerts (as at {@code /api/alarms}), each with its ACM state. */
    public record EngineTile(String summary, List<EngineAlert> items) {}

    /**
     * One open alert of the engine: its priority in a word, IEC 60601-1-8's mark and the colour class of the priority;
     * its state in words (active, latched, audio paused...).
     */
    public record EngineAlert(
            String id,
            String device,
            String text,
            String priority,
            String symbol,
            String css,
            String state,
            String value,
            String since) {}

    /** A state in words, with a symbol that tells it apart without colour, and the style class that colours it. */
    public record Look(String word, String symbol, String css) {}

    /** The monitor in the slot in words: "serial 0000056661", "Philips M8000, system id 00-09-FB-9B-B0-76". */
    static String unit(GatewayStatus.@Nullable Unit u) {
        if (u == null) {
            return "not named by the device";
        }
        String id = u.serialNumber() != null ? "serial " + u.serialNumber() : "system id " + u.systemId();
        return u.model() == null ? id : u.model() + ", " + id;
    }

    public record DeviceTile(
            String id,
            String name,
            String driver,
            String port,
            Look link,
            String detail,
            String since,
            String lastFrame,
            String charting,
            List<Value> values,
            String unmeasured,
            String unmeasuredReason,
            String lastCharted,
            String waiting,
            String unit) {}

    /**
     * A latest value. {@code value} is the device's number as it sent it, or a dash when it sent none usable ({@code
     * note} then says why).
     *
     * @param old the value is older than a few seconds: shown greyed, with the word
     */
    public record Value(
            String series,
            String label,
            String value,
            String unit,
            String ucum,
            boolean valid,
            String note,
            String age,
            boolean old,
            String at) {}

    public record AlertsTile(String summary, List<Alert> items) {}

    /**
     * An alarm, status or alert as the readings carried it.
     *
     * @param priority the priority in words ("high priority", "priority not reported")
     * @param symbol IEC 60601-1-8's priority marks: {@code !!!} high, {@code !!} medium, {@code !} low; {@code ?} unknown
     * @param current reported within the last few seconds; otherwise {@code seen} says when last
     */
    public record Alert(
            String device,
            String kind,
            String text,
            String priority,
            String symbol,
            String css,
            String state,
            String seen,
            boolean current) {}

    public record UplinkTile(
            Look state,
            String detail,
            String server,
            String charting,
            String lastSuccess,
            long backlog,
            String backlogAge,
            long deadLetters,
            List<Charted> lastCharted,
            String counts,
            boolean configured) {}

    public record Charted(String device, String value, String at) {}

    public record BufferTile(Look level, String free, String reason, long waiting, String thinned) {}

    /**
     * A bed's patient association, without the patient: whether readings are charted, from which source, and why
     * they are held.
     */
    public record BedTile(
            String name,
            String location,
            String devices,
            Look state,
            String source,
            String since,
            String held,
            String stale) {}

    /**
     * Where the bed's association comes from, in words: its current patient's source, else the sources configured
     * (ADT, the FHIR Encounter search, or both).
     */
    static String associationSource(BedAssociations.BedStatus bed, GatewayStatus.@Nullable Adt adt) {
        if (!bed.source().equals("adt")) {
            return "the configuration";
        }
        if (bed.patients().stream().anyMatch(p -> "bedside".equals(p.source()))) {
            return "confirmed at the bedside";
        }
        if (bed.patients().stream().anyMatch(p -> "fhir-encounter".equals(p.source()))) {
            return "FHIR Encounter";
        }
        boolean listener = adt == null || adt.listen() != null;
        boolean encounters = adt != null && adt.encounters() != null;
        return listener && encounters ? "ADT and FHIR Encounter" : encounters ? "FHIR Encounter" : "ADT";
    }

    /** A report repeated within this is shown as current; values older than this are shown as old. */
    static final Duration CURRENT = Duration.ofSeconds(10);

    /** The page, with the engine's alerts as far as {@code s.alarms()} lists them. */
    static PageView of(
            GatewayStatus s,
            List<RecentReadings.Latest> latest,
            List<RecentReadings.Report> reports,
            Instant now,
            ZoneId zone) {
        return of(s, s.alarms(), latest, reports, now, zone);
    }

    /**
     * @param engine the alarm path with its open alerts ({@code /api/status} carries it without them); null when
     *     there is no alarm path
     */
    static PageView of(
            GatewayStatus s,
            @Nullable AlarmsStatus engine,
            List<RecentReadings.Latest> latest,
            List<RecentReadings.Report> reports,
            Instant now,
            ZoneId zone) {
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone);
        DateTimeFormatter dated =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone);
        Map<String, String> names = new HashMap<>();
        s.devices().forEach(d -> names.put(d.id(), d.name()));

        List<DeviceTile> devices = new ArrayList<>();
        for (GatewayStatus.Device d : s.devices()) {
            List<Value> values = new ArrayList<>();
            List<String> unmeasured = new ArrayList<>();
            String unmeasuredReason = "";
            for (RecentReadings.Latest l : latest) {
                if (l.device().equals(d.id()) && l.value() == null && l.lastValidAt() == null) {
                    // Never a valid value in the window (a monitor lists every channel it has, measured or not): a
                    // name in a list, not a tile with a dash and an empty trend.
                    unmeasured.add(l.label());
                    unmeasuredReason = unmeasuredReason.isEmpty() ? l.quality() : unmeasuredReason;
                } else if (l.device().equals(d.id())) {
                    Duration age = Duration.between(l.at(), now);
                    values.add(new Value(
                            l.series(),
                            l.label(),
                            l.value() == null ? "—" : l.value(),
                            // A count or a ratio (UCUM "1"): a "1" after the number would read as part of it.
                            l.ucum().equals("1") ? "" : l.unit(),
                            l.ucum().equals("1") ? "1 (dimensionless)" : l.ucum(),
                            l.value() != null,
                            l.quality(),
                            ago(age),
                            age.compareTo(CURRENT) > 0,
                            clock.format(l.at())));
                }
            }
            GatewayStatus.LastCharted last = d.lastCharted();
            Long waiting = d.waiting();
            devices.add(new DeviceTile(
                    d.id(),
                    d.name(),
                    d.driver(),
                    d.port(),
                    link(d.state()),
                    d.detail() + (d.session() == null ? "" : "; session " + d.session()),
                    dated.format(d.since()),
                    d.lastFrameAt() == null
                            ? "no frame yet"
                            : "last frame " + ago(Duration.between(d.lastFrameAt(), now)),
                    // Which patient is /api/status's business: the page shows only whether there is one.
                    d.patient() == null
                            ? "no patient: not charted"
                            : s.uplink().state().equals("NOT_CONFIGURED")
                                    // A configured patient has no MRN for PID-3 (docs/configuration.md).
                                    ? "configured patient: not sent as PCD-01 (no MRN)"
                                    : "charted to the FHIR server",
                    values,
                    String.join(", ", unmeasured),
                    unmeasuredReason,
                    last == null
                            ? "nothing charted yet"
                            : last.metric() + " " + (last.value() == null ? "no value" : last.value()) + " "
                                    + last.unit() + " (" + dated.format(last.effective()) + ")",
                    waiting == null
                            ? "not known"
                            : waiting + (waiting == 1 ? " record" : " records") + " waiting for charting",
                    unit(d.unit())));
        }

        List<Alert> alerts = new ArrayList<>();
        int current = 0;
        for (RecentReadings.Report r : reports) {
            Duration since = Duration.between(r.lastSeen(), now);
            boolean isCurrent = since.compareTo(CURRENT) <= 0;
            current += isCurrent ? 1 : 0;
            Look p = priority(r.priority());
            alerts.add(new Alert(
                    names.getOrDefault(r.device(), r.device()),
                    switch (r.kind()) {
                        case "alarm" -> "device alarm";
                        case "status" -> "device status";
                        default -> "gateway alert";
                    },
                    r.text(),
                    p.word(),
                    p.symbol(),
                    p.css() + (isCurrent ? "" : " gone"),
                    state(r.state()),
                    isCurrent
                            ? "reported " + ago(since) + ", since " + clock.format(r.firstSeen())
                            : "no longer reported: last " + clock.format(r.lastSeen()) + " (" + ago(since) + ")",
                    isCurrent));
        }
        String summary = reports.isEmpty()
                ? "No alarm or device status reported in the last 30 minutes."
                : current + " reported now, " + (reports.size() - current) + " earlier (last 30 minutes).";

        GatewayStatus.Uplink u = s.uplink();
        List<Charted> charted = new ArrayList<>();
        for (GatewayStatus.Device d : s.devices()) {
            GatewayStatus.LastCharted last = d.lastCharted();
            charted.add(
                    last == null
                            ? new Charted(d.name(), "nothing charted yet", "")
                            : new Charted(
                                    d.name(),
                                    last.metric() + " " + (last.value() == null ? "no value" : last.value()) + " "
                                            + last.unit(),
                                    dated.format(last.effective())));
        }
        UplinkTile uplink = new UplinkTile(
                uplink(u.state()),
                u.detail(),
                u.server(),
                u.charting(),
                u.lastSuccessAt() == null
                        ? "never"
                        : dated.format(u.lastSuccessAt()) + " (" + ago(Duration.between(u.lastSuccessAt(), now)) + ")",
                u.pendingRecords(),
                u.oldestPendingAgeSeconds() == null
                        ? "nothing waiting"
                        : "oldest " + ago(Duration.ofSeconds(u.oldestPendingAgeSeconds())),
                u.deadLettersWaiting(),
                charted,
                u.observationsCreated() + " created, " + u.observationsMatched() + " already there, " + u.retries()
                        + " retries, " + u.rejections() + " refusals, " + u.backfilled() + " back-filled",
                !u.state().equals("NOT_CONFIGURED"));

        GatewayStatus.Buffer b = s.buffer();
        BufferTile buffer = new BufferTile(
                buffer(b.level()),
                String.format(Locale.ROOT, "%.1f %% of the disk free", b.freePercent()),
                b.reason(),
                u.pendingRecords(),
                b.thinned().isEmpty() || b.thinned().values().stream().allMatch(n -> n == 0)
                        ? "nothing thinned"
                        : "thinned (not stored): " + b.thinned());

        List<BedTile> beds = new ArrayList<>();
        List<BedAssociations.BedStatus> bedStatus = s.beds();
        GatewayStatus.Encounters encounters = s.adt() == null ? null : s.adt().encounters();
        for (BedAssociations.BedStatus bed : bedStatus == null ? List.<BedAssociations.BedStatus>of() : bedStatus) {
            Instant since = bed.since();
            String held = bed.held();
            if (held == null && bed.releasable() != null) {
                held = bed.releasable().why() + ": a clinician can release them on the bedside page";
            }
            // A stale Encounter source keeps each bed's last association: the tile must not look current.
            String stale = encounters == null
                            || encounters.staleSince() == null
                            || bed.source().equals("configured")
                    ? ""
                    : "The FHIR Encounter search has failed since " + dated.format(encounters.staleSince()) + " ("
                            + encounters.staleReason() + "): the association shown is the last one it found.";
            beds.add(new BedTile(
                    bed.name(),
                    bed.location(),
                    String.join(
                            ", ",
                            bed.devices().stream()
                                    .map(id -> names.getOrDefault(id, id))
                                    .toList()),
                    association(bed.state()),
                    associationSource(bed, s.adt()),
                    since == null ? "" : dated.format(since),
                    held == null ? "" : held,
                    stale));
        }

        List<String> captures = new ArrayList<>();
        if (s.captures() != null) {
            for (var c : s.captures()) {
                captures.add("Recording a capture of " + names.getOrDefault(c.device(), c.device())
                        + " for the developers until " + clock.format(c.until()) + " ("
                        + org.bedside.runtime.config.CaptureSettings.describe(c.bytes()) + " of at most "
                        + org.bedside.runtime.config.CaptureSettings.describe(c.maxBytes())
                        + "): the file holds patient data.");
            }
        }
        List<EngineAlert> engineAlerts = new ArrayList<>();
        Map<String, String> undelivered = new java.util.HashMap<>();
        if (engine != null && engine.undeliveredToAPerson() != null) {
            engine.undeliveredToAPerson().forEach(late -> undelivered.put(late.alertId(), late.reason()));
        }
        if (engine != null && engine.alerts() != null) {
            for (AlarmsStatus.Alert a : engine.alerts()) {
                Look p = priority(
                        switch (a.priority()) {
                            case "PH" -> "HIGH";
                            case "PM" -> "MEDIUM";
                            case "PL" -> "LOW";
                            case "PN" -> "NONE";
                            default -> a.priority();
                        });
                engineAlerts.add(new EngineAlert(
                        a.alertId(),
                        names.getOrDefault(a.device(), a.device()),
                        a.text(),
                        p.word(),
                        p.symbol(),
                        p.css(),
                        engineState(a.alarmState(), a.inactivationState())
                                + (undelivered.containsKey(a.alertId())
                                        ? " · not delivered to a person: " + undelivered.get(a.alertId())
                                        : ""),
                        a.value() == null ? "" : a.value() + (a.unit() == null ? "" : " " + a.unit()),
                        "since " + clock.format(a.onset()) + " (" + ago(Duration.between(a.onset(), now)) + ")"));
            }
        }
        String engineSummary = engine == null || !engine.engine()
                ? "The gateway's alarm engine is off (gateway.alarms.enabled)."
                : engineAlerts.isEmpty()
                        ? "No alert open."
                        : engineAlerts.size() + (engineAlerts.size() == 1 ? " alert open." : " alerts open.");
        if (!undelivered.isEmpty()) {
            // The secondary path has failed for these: say so first, where the tile is read.
            engineSummary = undelivered.size()
                    + (undelivered.size() == 1 ? " alert has" : " alerts have")
                    + " not reached a person (the Alert Manager's PCD-05): see that someone at the bedside knows. "
                    + engineSummary;
        }
        return new PageView(
                s.bed(),
                s.gateway(),
                dated.format(now),
                devices,
                new AlertsTile(summary, alerts),
                uplink,
                buffer,
                beds,
                captures,
                new EngineTile(engineSummary, engineAlerts),
                signals(engine == null ? null : engine.localSignals(), clock));
    }

    /** The local signals' tile; not shown when none are configured (or the status does not carry them). */
    static SignalsTile signals(@Nullable LocalSignalsStatus s, DateTimeFormatter clock) {
        if (s == null || s.state().equals("NOT_CONFIGURED")) {
            return new SignalsTile(false, new Look("Not configured", "○", "link-nodata"), List.of(), "");
        }
        boolean driven = s.state().equals("DRIVEN");
        List<SignalOutput> outputs = new ArrayList<>();
        long on = 0;
        for (LocalSignalsStatus.Output o : s.outputs()) {
            String why =
                    String.join(", ", o.why().stream().map(PageView::condition).toList());
            Look look;
            if (!driven) {
                look = new Look("Off: not driven", "○", "link-nodata");
            } else if (s.lampTest()) {
                look = new Look("On: lamp test", "◎", "link-connecting");
            } else if (o.audioPaused()) {
                look = new Look("Audio paused", "⊘", "link-nodata");
            } else if (o.active()) {
                look = new Look("On", "◉", "link-down");
            } else {
                look = new Look("Off", "○", "link-connected");
            }
            on += o.active() ? 1 : 0;
            outputs.add(new SignalOutput(o.name(), "GPIO" + o.pin() + ", " + o.pattern(), look, why));
        }
        Look state = !driven
                ? new Look("Not driven: GPIO cannot be used on this box", "✕", "link-down")
                : s.lampTest()
                        ? new Look("Lamp test: every output on", "◎", "link-connecting")
                        : on > 0
                                ? new Look(
                                        "Technical alarm: " + on + (on == 1 ? " output on" : " outputs on"),
                                        "◉",
                                        "link-down")
                                : new Look("Off: no technical alarm", "○", "link-connected");
        LocalSignalsStatus.AudioPause b = s.audioPause();
        String pause = "";
        if (b != null) {
            String silenced = String.join(", ", b.outputs());
            if (!b.working()) {
                pause = "The audio pause button on GPIO" + b.pin() + " cannot be used (the log says why): no audio"
                        + " pause.";
            } else if (b.paused() && b.until() != null && b.remainingSeconds() != null) {
                pause = "Audio paused until " + clock.format(b.until()) + " ("
                        + seconds(b.remainingSeconds()) + " left): " + silenced + " silent, the lamps still show"
                        + " the technical alarms; a new technical alarm sounds again.";
            } else {
                pause = "Audio pause: the button on GPIO" + b.pin() + " silences " + silenced + " for "
                        + seconds(b.duration()) + ".";
            }
        }
        return new SignalsTile(true, state, outputs, pause);
    }

    /** A technical alarm's key in words. */
    static String condition(String key) {
        return switch (key) {
            case "device-link-lost" -> "device link lost";
            case "uplink-failing" -> "uplink failing";
            case "buffer-critical" -> "buffer critical";
            case "alert-delivery-failing" -> "alert delivery failing";
            default -> key;
        };
    }

    /** "45 s", "2 min", "1 min 40 s". */
    private static String seconds(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds / 60 + " min " + seconds % 60 + " s";
    }

    static Look link(String state) {
        return switch (state) {
            case "CONNECTED" -> new Look("Connected", "●", "link-connected");
            case "CONNECTING" -> new Look("Connecting", "◐", "link-connecting");
            case "NO_DATA" -> new Look("No data", "◌", "link-nodata");
            case "DISCONNECTED" -> new Look("Disconnected", "✕", "link-down");
            case "STOPPED" -> new Look("Stopped", "■", "link-down");
            default -> new Look(state, "?", "link-down");
        };
    }

    static Look uplink(String state) {
        return switch (state) {
            case "ONLINE" -> new Look("Online", "●", "link-connected");
            case "STARTING" -> new Look("Starting", "◐", "link-connecting");
            case "RETRYING" -> new Look("Retrying: server unreachable", "↻", "link-down");
            case "REJECTED" -> new Look("Refused by the server", "✕", "link-down");
            case "MISCONFIGURED" -> new Look("Misconfigured", "✕", "link-down");
            case "FAILED" -> new Look("Failed: restarting", "✕", "link-down");
            case "STOPPED" -> new Look("Stopped", "■", "link-down");
            // No FHIR server: not a fault (PCD-01 out charts), and not shown as one.
            case "NOT_CONFIGURED" -> new Look("FHIR uplink: not configured", "○", "link-nodata");
            default -> new Look(state, "?", "link-down");
        };
    }

    static Look buffer(String level) {
        return switch (level) {
            case "NORMAL" -> new Look("Normal", "●", "link-connected");
            case "THINNING" -> new Look("Thinning: disk nearly full", "◒", "link-down");
            case "CRITICAL" -> new Look("Critical: disk full", "✕", "link-down");
            default -> new Look(level, "?", "link-down");
        };
    }

    static Look association(String state) {
        return switch (state) {
            case "ASSOCIATED" -> new Look("Patient associated: charted", "●", "link-connected");
            case "UNCERTAIN" -> new Look("Uncertain: readings held", "◐", "link-nodata");
            case "NOT_ASSOCIATED" -> new Look("No patient: not charted", "○", "link-down");
            case "NO_SOURCE" -> new Look("No patient source: not charted", "○", "link-down");
            default -> new Look(state, "?", "link-down");
        };
    }

    static Look priority(String priority) {
        return switch (priority) {
            case "HIGH" -> new Look("high priority", "!!!", "alarm-high");
            case "MEDIUM" -> new Look("medium priority", "!!", "alarm-medium");
            case "LOW" -> new Look("low priority", "!", "alarm-low");
            case "NONE" -> new Look("no priority", "i", "alarm-none");
            default -> new Look("priority not reported", "?", "alarm-unknown");
        };
    }

    /** An engine alert's ACM alarm state and inactivation state, in words. */
    static String engineState(String alarmState, String inactivation) {
        String state = switch (alarmState) {
            case "active" -> "active";
            case "latched" -> "latched: the condition ended, held at the device until reset there";
            case "inactive" -> "inactive";
            default -> alarmState;
        };
        return switch (inactivation) {
            case "enabled" -> state;
            case "audio-paused" -> state + ", audio paused";
            case "audio-off" -> state + ", audio off";
            case "alarm-paused" -> state + ", alarm paused";
            case "alarm-off" -> state + ", alarm off";
            case "alert-acknowledged" -> state + ", acknowledged";
            default -> state + ", " + inactivation;
        };
    }

    private static String state(String state) {
        return switch (state) {
            case "ACTIVE" -> "active";
            case "SILENCED" -> "silenced at the device";
            case "UNKNOWN" -> "state not reported";
            case "REPORTED" -> "reported";
            default -> state.toLowerCase(Locale.ROOT);
        };
    }

    /** "4 s ago", "3 min 05 s ago", "2 h 10 min ago"; "just now" below a second. */
    static String ago(@Nullable Duration d) {
        if (d == null) {
            return "";
        }
        if (d.isNegative() || d.toMillis() < 1000) {
            return "just now";
        }
        if (d.toHours() > 0) {
            return String.format(Locale.ROOT, "%d h %02d min ago", d.toHours(), d.toMinutesPart());
        }
        if (d.toMinutes() > 0) {
            return String.format(Locale.ROOT, "%d min %02d s ago", d.toMinutes(), d.toSecondsPart());
        }
        return d.toSeconds() + " s ago";
    }
}
