package org.bedside.runtime.api;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.mqtt.MqttEgress;
import org.bedside.runtime.capture.Captures;
import org.bedside.runtime.config.GatewaySettings;
import org.bedside.runtime.pcd01.Pcd01Inbound;
import org.bedside.runtime.signals.LocalSignalsService;
import org.bedside.runtime.wiring.Alarms;
import org.bedside.runtime.wiring.BedAssociations;
import org.bedside.runtime.wiring.BufferStats;
import org.bedside.runtime.wiring.Consumers;
import org.bedside.runtime.wiring.Devices;
import org.bedside.runtime.wiring.GatewayLifecycle;
import org.bedside.uplink.UplinkWorker;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jspecify.annotations.Nullable;

/**
 * The bedside page ({@code /}, rendered by Qute from {@code templates/page.html}), its live updates (server-sent events
 * at {@code /api/status/stream}, one a second) and its data as JSON: {@code /api/status} (the gateway's state),
 * {@code /api/recent} (latest values and reports) and {@code /api/trends} (the last 30 minutes of each numeric).
 */
@Path("/")
public class StatusResource {
    /** How often the page is sent to each open page: ages change every second. */
    static final Duration EVERY = Duration.ofSeconds(1);
    /** The first event comes at once (a tick must start after a positive delay). */
    static final Duration FIRST = Duration.ofMillis(10);
    /** A silence longer than this between two points of a trend is drawn as a gap. */
    static final Duration GAP = Duration.ofSeconds(10);

    @Inject
    GatewaySettings settings;

    @Inject
    Devices devices;

    @Inject
    Optional<UplinkWorker> uplink;

    @Inject
    BufferStats bufferStats;

    @Inject
    GuardedStore store;

    @Inject
    GatewayLifecycle lifecycle;

    @Inject
    BedAssociations beds;

    @Inject
    Alarms alarms;

    @Inject
    Consumers consumers;

    @Inject
    Optional<MqttEgress> mqttEgress;

    @Inject
    Optional<Pcd01Inbound> pcd01In;

    @Inject
    PageFeed feed;

    @Inject
    Captures captures;

    @Inject
    LocalSignalsService localSignals;

    @Inject
    @Location("page.html")
    Template page;

    private GatewayStatus snapshot() {
        return GatewayStatus.of(new GatewayStatus.Sources(
                settings,
                devices,
                uplink,
                bufferStats,
                store,
                lifecycle.startedAt(),
                beds,
                consumers,
                mqttEgress,
                alarms,
                pcd01In,
                captures,
                localSignals));
    }

    @GET
    @Path("api/status")
    @Produces(MediaType.APPLICATION_JSON)
    public GatewayStatus status() {
        return snapshot();
    }

    /** The latest value of each numeric and the alarms and statuses reported, within the last 30 minutes. */
    public record Recent(Instant now, List<RecentReadings.Latest> values, List<RecentReadings.Report> reports) {}

    @GET
    @Path("api/recent")
    @Produces(MediaType.APPLICATION_JSON)
    public Recent recent() {
        RecentReadings r = feed.recent();
        Instant now = Instant.now();
        return new Recent(now, r.latest(now), r.reports(now));
    }

    /** Every numeric's trend; {@code now} in epoch milliseconds, the end of the window. */
    public record Trends(long now, List<RecentReadings.Trend> trends) {}

    @GET
    @Path("api/trends")
    @Produces(MediaType.APPLICATION_JSON)
    public Trends trends() {
        RecentReadings r = feed.recent();
        Instant now = Instant.now();
        return new Trends(now.toEpochMilli(), r.trends(now, GAP));
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        return page.data("view", view(Instant.now()).view());
    }

    /**
     * One live update: the tiles as rendered by the page's {@code tiles} fragment, and the latest point of each numeric
     * for the trends ({@code t} epoch milliseconds, {@code v} null when the value was invalid).
     */
    public record PageEvent(long now, String updated, String html, List<Point> points) {}

    public record Point(String s, long t, @Nullable Double v) {}

    @GET
    @Path("api/status/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<PageEvent> stream() {
        return Multi.createFrom()
                .ticks()
                .startingAfter(FIRST)
                .every(EVERY)
                .onOverflow()
                .drop()
                .map(tick -> event(Instant.now()));
    }

    private PageEvent event(Instant now) {
        Rendered r = view(now);
        List<Point> points = new ArrayList<>(r.latest().size());
        for (RecentReadings.Latest l : r.latest()) {
            String v = l.value();
            points.add(
                    new Point(l.series(), l.at().toEpochMilli(), v == null ? null : new BigDecimal(v).doubleValue()));
        }
        String html = page.getFragment("tiles").data("view", r.view()).render();
        return new PageEvent(now.toEpochMilli(), r.view().updated(), html, points);
    }

    private record Rendered(PageView view, List<RecentReadings.Latest> latest) {}

    private Rendered view(Instant now) {
        GatewayStatus status = snapshot();
        RecentReadings r = feed.recent();
        List<RecentReadings.Latest> latest = r.latest(now);
        // The page lists the engine's open alerts; /api/status only counts them.
        AlarmsStatus engine = AlarmsStatus.of(alarms, localSignals.status(), true);
        return new Rendered(PageView.of(status, engine, latest, r.reports(now), now, ZoneId.systemDefault()), latest);
    }
}
