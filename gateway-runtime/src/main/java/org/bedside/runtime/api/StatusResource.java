package org.bedside.runtime.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.runtime.wiring.Alarms;
import org.bedside.runtime.wiring.BufferStats;
import org.bedside.runtime.wiring.Devices;
import org.bedside.runtime.wiring.GatewayLifecycle;
import org.bedside.uplink.UplinkWorker;
import org.jspecify.annotations.Nullable;

/** The status page and its JSON. Plain server-rendered HTML that refreshes itself: nothing to install, no script. */
@Path("/")
public class StatusResource {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Inject
    GatewaySettings settings;

    @Inject
    Devices devices;

    @Inject
    UplinkWorker uplink;

    @Inject
    BufferStats bufferStats;

    @Inject
    GuardedStore store;

    @Inject
    GatewayLifecycle lifecycle;

    @Inject
    Alarms alarms;

    private GatewayStatus snapshot() {
        return GatewayStatus.of(new GatewayStatus.Sources(
                settings, devices, uplink, bufferStats, store, lifecycle.startedAt(), alarms));
    }

    @GET
    @Path("api/status")
    @Produces(MediaType.APPLICATION_JSON)
    public GatewayStatus status() {
        return snapshot();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String page() {
        GatewayStatus s = snapshot();
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html lang=en><head><meta charset=utf-8><meta http-equiv=refresh content=5>")
                .append("<meta name=viewport content='width=device-width, initial-scale=1'>")
                .append("<title>")
                .append(esc(s.bed()))
                .append(" — Bedside Gateway</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}")
                .append("table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.35rem .7rem;")
                .append("border-bottom:1px solid #ddd;text-align:left;vertical-align:top}")
                .append(".ok{background:#d8f3dc}.warn{background:#fff3bf}.down{background:#ffd6d6}")
                .append(".state{font-weight:600;white-space:nowrap}small{color:#666}</style></head><body>")
                .append("<h1>")
                .append(esc(s.bed()))
                .append(" <small>gateway ")
                .append(esc(s.gateway()))
                .append("</small></h1>");

        h.append("<h2>Devices</h2><table><tr><th>Device</th><th>State</th><th>Port</th><th>Last charted</th>")
                .append("<th>Frames</th><th>Decode failures</th></tr>");
        for (GatewayStatus.Device d : s.devices()) {
            String css = switch (d.state()) {
                case "CONNECTED" -> "ok";
                case "NO_DATA", "CONNECTING" -> "warn";
                default -> "down";
            };
            h.append("<tr><td>")
                    .append(esc(d.name()))
                    .append("<br><small>")
                    .append(esc(d.id()))
                    .append(" · ")
                    .append(esc(d.driver()))
                    .append(d.patient() == null ? " · no patient: not charted" : "")
                    .append("</small></td><td class='state ")
                    .append(css)
                    .append("'>")
                    .append(esc(d.state()))
                    .append("<br><small>")
                    .append(esc(d.detail()))
                    .append(d.session() == null ? "" : "; session " + esc(d.session()))
                    .append(" (since ")
                    .append(time(d.since()))
                    .append(")</small></td><td><small>")
                    .append(esc(d.port()))
                    .append("</small></td><td>");
            GatewayStatus.LastCharted last = d.lastCharted();
            if (last == null) {
                h.append("—");
            } else {
                h.append(esc(last.metric()))
                        .append(' ')
                        .append(last.value() == null ? "no value" : esc(last.value()))
                        .append(' ')
                        .append(esc(last.unit()))
                        .append("<br><small>")
                        .append(time(last.effective()))
                        .append("</small>");
            }
            h.append("</td><td>").append(d.frames()).append("</td><td>").append(d.decodeFailures());
            if (!d.decodeFailuresByReason().isEmpty()) {
                h.append("<br><small>")
                        .append(esc(d.decodeFailuresByReason().toString()))
                        .append("</small>");
            }
            h.append("</td></tr>");
        }
        h.append("</table>");

        GatewayStatus.Uplink u = s.uplink();
        String css = switch (u.state()) {
            case "ONLINE" -> "ok";
            case "STARTING" -> "warn";
            default -> "down";
        };
        h.append("<h2>Charting</h2><table>")
                .append("<tr><th>FHIR server</th><td>")
                .append(esc(u.server()))
                .append("</td></tr>")
                .append("<tr><th>State</th><td class='state ")
                .append(css)
                .append("'>")
                .append(esc(u.state()))
                .append("<br><small>")
                .append(esc(u.detail()))
                .append("</small></td></tr>")
                .append("<tr><th>Waiting in the buffer</th><td>")
                .append(u.pendingRecords())
                .append(" records");
        if (u.oldestPendingAgeSeconds() != null) {
            h.append(", oldest ").append(age(u.oldestPendingAgeSeconds()));
        }
        h.append("</td></tr><tr><th>Last accepted</th><td>")
                .append(time(u.lastSuccessAt()))
                .append("</td></tr>")
                .append("<tr><th>Policy</th><td>")
                .append(esc(u.charting()))
                .append("</td></tr>")
                .append("<tr><th>Observations</th><td>")
                .append(u.observationsCreated())
                .append(" created, ")
                .append(u.observationsMatched())
                .append(" already there (replays)</td></tr>")
                .append("<tr><th>Retries / refusals</th><td>")
                .append(u.retries())
                .append(" / ")
                .append(u.rejections())
                .append("</td></tr><tr><th>Dead letters</th><td>")
                .append(u.deadLettersWaiting())
                .append(u.deadLettersWaiting() == 0 ? "" : " refused by the server: <a href=api/dead-letters>list</a>")
                .append("</td></tr><tr><th>Back-filled</th><td>")
                .append(u.backfilled())
                .append(" charted late after an outage</td></tr></table>")
                .append("<h2>Buffer</h2><table><tr><th>Disk</th><td class='state ")
                .append(s.buffer().level().equals("NORMAL") ? "ok" : "down")
                .append("'>")
                .append(esc(s.buffer().level()))
                .append(" — ")
                .append(s.buffer().freePercent())
                .append(" % free")
                .append(
                        s.buffer().reason().isEmpty()
                                ? ""
                                : "<br><small>" + esc(s.buffer().reason()) + "</small>")
                .append("</td></tr><tr><th>Not stored (thinned)</th><td>")
                .append(esc(s.buffer().thinned().toString()))
                .append("</td></tr></table>")
                .append("<p><small>Updated ")
                .append(time(s.now()))
                .append(" · <a href=api/status>JSON</a> · <a href=q/health>health</a> · <a href=q/metrics>metrics</a>")
                .append("</small></p></body></html>");
        return h.toString();
    }

    private static String time(@Nullable Instant t) {
        return t == null ? "never" : TIME.format(t);
    }

    private static String age(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        return d.toHours() > 0
                ? String.format(Locale.ROOT, "%d h %02d min", d.toHours(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("'", "&#39;")
                .replace("\"", "&quot;");
    }
}
