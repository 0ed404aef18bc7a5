package org.bedside.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page's template ({@code templates/page.html}) rendered by a plain Qute engine — no application, no browser —
 * with a fixed status: what each tile says, in words, and that what devices send is escaped.
 */
class PageTemplateTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:30Z");
    /** A status as {@code /api/status} serves it (read as JSON, so that fields added later default). */
    private static final String STATUS = """
            {"gateway":"icu-gw-3","bed":"ICU bed 12","now":"2026-12-02T10:00:30Z","startedAt":"2026-12-02T09:00:00Z",
             "devices":[
              {"id":"bed12-spo2","name":"Bed 12 oximeter","driver":"masimo-ascii",
               "port":"/dev/serial/by-id/usb-Masimo_Radical-7_1234567890-if00-port0-a-very-long-path-indeed",
               "state":"CONNECTED","detail":"reading <script>alert(1)</script>","since":"2026-12-02T09:00:01Z",
               "lastFrameAt":"2026-12-02T10:00:29Z","frames":7000,"readings":21000,"decodeFailures":0,
               "decodeFailuresByReason":{},"storeFailures":0,"patient":"Patient/12345",
               "lastCharted":{"metric":"SpO2","value":"97","unit":"%","effective":"2026-12-02T10:00:00Z"},
               "waiting":4212,"unit":{"serialNumber":"0000056661"}},
              {"id":"bed12-vent","name":"Bed 12 ventilator","driver":"medibus","port":"/dev/ttyUSB1",
               "state":"DISCONNECTED","detail":"serial port /dev/ttyUSB1 does not exist: is the cable plugged in?",
               "since":"2026-12-02T09:30:00Z","frames":0,"readings":0,"decodeFailures":0,
               "decodeFailuresByReason":{},"storeFailures":0,"waiting":1}],
             "uplink":{"state":"RETRYING","detail":"connection refused","server":"https://fhir.example/fhir",
               "charting":"latest valid value every 60 s","since":"2026-12-02T09:59:00Z","pendingRecords":4213,
               "oldestPendingAgeSeconds":3723,"observationsCreated":10,"observationsMatched":2,"retries":5,
               "rejections":0,"deadLettersWaiting":3,"backfilled":0,"notCharted":{}},
             "buffer":{"level":"NORMAL","reason":"","freePercent":81.5,"thinned":{}},
             "beds":[{"name":"12","location":"ICU^12^1","devices":["bed12-spo2","bed12-vent"],"source":"adt",
               "state":"UNCERTAIN","patients":[{"mrn":"MRN-4711","authority":"HOSP","since":"2026-12-02T08:00:00Z"},
               {"mrn":"MRN-4712","authority":"HOSP","since":"2026-12-02T09:00:00Z"}],"since":"2026-12-02T09:00:00Z",
               "held":"two admissions to ICU^12^1 and no discharge or transfer of either: readings held until resolved"}],
             "alarms":{"engine":true,"careUnit":"icu","settingsHash":"ab","openAlerts":2,"alerts":[
               {"alertId":"bed12-spo2/spo2.low/1","notificationId":"n1","updateCount":0,"device":"bed12-spo2",
                "condition":"spo2.low","text":"SpO2 low","detail":"SpO2 85 % below 88 %","kind":"physiological",
                "phase":"start","alarmState":"active","inactivationState":"enabled","priority":"PH",
                "origin":"engine","escalationLevel":0,"value":"85","unit":"%","onset":"2026-12-02T10:00:00Z",
                "notifiedAt":"2026-12-02T10:00:00Z"},
               {"alertId":"bed12-vent/link/2","notificationId":"n2","updateCount":1,"device":"bed12-vent",
                "condition":"link","text":"Ventilator <disconnected>","detail":"","kind":"technical",
                "phase":"update","alarmState":"latched","inactivationState":"audio-paused","priority":"PL",
                "origin":"engine","escalationLevel":0,"onset":"2026-12-02T09:59:00Z",
                "notifiedAt":"2026-12-02T09:59:30Z"}],
              "expectDeliveryWithin":"PT20S","undeliveredToAPerson":[{"alertId":"bed12-spo2/spo2.low/1",
                "reason":"no PCD-05 says a person got it within 20 s of its notification",
                "since":"2026-12-02T10:00:20Z"}],
              "localSignals":{"state":"DRIVEN","detail":"2 output(s) on","lampTest":false,"outputs":[
                {"name":"buzzer","pin":18,"pattern":"beep","active":true,
                 "why":["device-link-lost","uplink-failing"],"audioPaused":true},
                {"name":"link-led","pin":23,"pattern":"steady","active":true,"why":["device-link-lost"],
                 "audioPaused":false},
                {"name":"buffer-led","pin":24,"pattern":"steady","active":false,"why":[],"audioPaused":false}],
               "audioPause":{"pin":17,"working":true,"duration":120,"outputs":["buzzer"],"paused":true,
                "until":"2026-12-02T10:02:10Z","remainingSeconds":100,
                "conditions":["device-link-lost","uplink-failing"]}}},
             "captures":[{"id":"bed12-vent-20261202T095900Z","device":"bed12-vent","file":"/var/lib/bedside/captures/x",
               "state":"RUNNING","startedAt":"2026-12-02T09:59:00Z","until":"2026-12-02T10:09:00Z","bytes":12800,
               "maxBytes":67108864,"reads":10,"writes":10}]}
            """;

    private static Template page;
    private static PageView view;

    @BeforeAll
    static void render() throws IOException {
        Engine engine = Engine.builder()
                .addDefaults()
                .addValueResolver(new ReflectionValueResolver())
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
                .build();
        try (InputStream in = PageTemplateTest.class.getResourceAsStream("/templates/page.html")) {
            page = engine.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), Variant.forContentType(Variant.TEXT_HTML));
        }
        GatewayStatus status = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(STATUS, GatewayStatus.class);
        DeviceId spo2 = DeviceId.of("bed12-spo2");
        RecentReadings recent = new RecentReadings(RecentReadings.Settings.DEFAULT);
        recent.accept(List.of(
                new NumericReading(
                        spo2,
                        Metrics.SPO2,
                        new BigDecimal("97"),
                        UcumUnit.PERCENT,
                        Quality.VALID,
                        null,
                        NOW.minusSeconds(2)),
                new NumericReading(
                        spo2,
                        Metrics.PULSE_RATE_OXIMETRY,
                        new BigDecimal("72"),
                        UcumUnit.BEATS_PER_MINUTE,
                        Quality.VALID,
                        null,
                        NOW.minusSeconds(20)),
                new NumericReading(
                        spo2,
                        Metrics.PERFUSION_INDEX,
                        null,
                        UcumUnit.PERCENT,
                        Quality.notAvailable("no sensor"),
                        null,
                        NOW.minusSeconds(2)),
                new NumericReading(
                        spo2,
                        Metrics.PULSE_RATE_OXIMETRY,
                        null,
                        UcumUnit.BEATS_PER_MINUTE,
                        Quality.notAvailable("pulse search"),
                        null,
                        NOW.minusSeconds(2)),
                new AlarmEvent(
                        spo2,
                        "spo2-low",
                        Metrics.SPO2,
                        AlarmEvent.Kind.PHYSIOLOGICAL,
                        AlarmEvent.Priority.HIGH,
                        AlarmEvent.State.ACTIVE,
                        "SpO2 low",
                        null,
                        NOW.minusSeconds(1)),
                new DeviceStatus(spo2, DeviceStatus.Code.LOW_PERFUSION, "low perfusion", null, NOW.minusSeconds(100))));
        view = PageView.of(status, recent.latest(NOW), recent.reports(NOW), NOW, ZoneOffset.UTC);
    }

    private static String html() {
        return page.data("view", view).render();
    }

    @Test
    void eachDeviceTileSaysItsLinkStateInAWordAndASymbolInAColourThatIsNoAlarmColour() {
        String html = html();
        assertThat(html)
                .contains("<h2 class=\"tile-title\">Bed 12 oximeter</h2>")
                .contains("<p class=\"state link-connected\"><span class=\"symbol\" aria-hidden=\"true\">●</span>"
                        + " <span class=\"word\">Connected</span></p>")
                .contains("<p class=\"state link-down\"><span class=\"symbol\" aria-hidden=\"true\">✕</span>"
                        + " <span class=\"word\">Disconnected</span></p>")
                .contains("is the cable plugged in?");
    }

    @Test
    void eachDeviceTileNamesTheMonitorInTheSlotAsItNamedItselfOrSaysItDidNot() {
        assertThat(html())
                .contains("<dd class=\"unit\">serial 0000056661</dd>")
                .contains("<dd class=\"unit\">not named by the device</dd>");
        assertThat(PageView.unit(new GatewayStatus.Unit(null, "00-09-FB-9B-B0-76", "Philips M8000")))
                .isEqualTo("Philips M8000, system id 00-09-FB-9B-B0-76");
    }

    @Test
    void eachDeviceTileSaysWhatItLastChartedAndHowManyOfItsRecordsWait() {
        assertThat(view.devices())
                .extracting(PageView.DeviceTile::lastCharted, PageView.DeviceTile::waiting)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "SpO2 97 % (2026-12-02 10:00:00)", "4212 records waiting for charting"),
                        org.assertj.core.groups.Tuple.tuple("nothing charted yet", "1 record waiting for charting"));
        assertThat(html())
                .contains("<dd class=\"last-charted\">SpO2 97 % (2026-12-02 10:00:00)</dd>")
                .contains("<dd class=\"waiting\">4212 records waiting for charting</dd>")
                .contains("<dd class=\"waiting\">1 record waiting for charting</dd>");
    }

    @Test
    void valuesCarryTheirUcumUnitTheirAgeAndForAnInvalidOneTheReasonNeverANumber() {
        String html = html();
        assertThat(html)
                .contains("<span class=\"label\">SpO2</span>")
                .contains("<span class=\"number\">97</span>")
                .contains("<span class=\"unit\" title=\"UCUM %\">%</span>")
                .contains("2 s ago")
                .contains("<li class=\"value invalid\">")
                .contains("<span class=\"number\">—</span>")
                .contains("<span class=\"quality\">pulse search</span>")
                .contains("data-series=\"bed12-spo2/150456\"");
    }

    @Test
    void numericsWithNoValidValueInTheWindowAreANameInAListNotATile() {
        assertThat(html())
                .contains("<p class=\"unmeasured\" title=\"no sensor\"><span class=\"label\">No valid value in the"
                        + " last 30 minutes:</span> Perfusion index</p>")
                .doesNotContain("data-label=\"Perfusion index\"");
    }

    @Test
    void theAlertsTileShowsWhatTheDevicesReportedWithPriorityAndState() {
        String html = html();
        assertThat(html)
                .contains("1 reported now, 1 earlier (last 30 minutes).")
                .contains("<li class=\"alarm alarm-high\">")
                .contains("<span aria-hidden=\"true\">!!!</span> high priority")
                .contains("<span class=\"alarm-text\">SpO2 low</span>")
                .contains("Bed 12 oximeter · device alarm · active · reported 1 s ago")
                .contains("<li class=\"alarm alarm-unknown gone\">")
                .contains("priority not reported")
                .contains("no longer reported: last 09:58:50 (1 min 40 s ago)");
    }

    @Test
    void theEngineAlertsSayTheirPriorityByWordAndMarkInItsColourAndTheirStateInWords() {
        String html = html();
        assertThat(html)
                .contains("<li class=\"alarm engine-alert alarm-high\" data-alert=\"bed12-spo2/spo2.low/1\">")
                .contains("<span aria-hidden=\"true\">!!!</span> high priority</span>")
                .contains("SpO2 low <span class=\"alarm-value\">85 %</span>")
                .contains("Bed 12 oximeter · <span class=\"alarm-state\">active")
                .contains("</span> · since 10:00:00 (30 s ago)")
                .contains("<li class=\"alarm engine-alert alarm-low\" data-alert=\"bed12-vent/link/2\">")
                .contains(
                        "<span class=\"alarm-state\">latched: the condition ended, held at the device until reset there,"
                                + " audio paused</span>")
                .contains("Ventilator &lt;disconnected&gt;")
                .contains("2 alerts open.");
    }

    @Test
    void anAlertNoPersonGotIsSaidFirstAndOnTheAlertItself() {
        String html = html();
        assertThat(html)
                .contains("1 alert has not reached a person (the Alert Manager&#39;s PCD-05): see that someone at the"
                        + " bedside knows. 2 alerts open.")
                .contains("<span class=\"alarm-state\">active · not delivered to a person: no PCD-05 says a person got"
                        + " it within 20 s of its notification</span>");
        assertThat(html.substring(html.indexOf("data-alert=\"bed12-vent/link/2\"")))
                .as("the other alert was not supervised late")
                .doesNotContain("not delivered to a person");
    }

    @Test
    void theLocalSignalsSayWhichOutputIsOnForWhichTechnicalAlarmAndTheAudioPauseByWordAndSymbol() {
        String tiles = page.getFragment("tiles").data("view", view).render();
        assertThat(tiles)
                .contains("<h2 class=\"tile-title\">Local signals</h2>")
                .contains("<p class=\"state link-down\"><span class=\"symbol\" aria-hidden=\"true\">◉</span> <span"
                        + " class=\"word\">Technical alarm: 2 outputs on</span></p>")
                .contains("<p class=\"detail audio-pause\">Audio paused until 10:02:10 (1 min 40 s left): buzzer"
                        + " silent, the lamps still show the technical alarms; a new technical alarm sounds again.</p>")
                .contains("<dt>buzzer</dt><dd class=\"signal link-nodata\" data-signal=\"buzzer\"><span"
                        + " class=\"symbol\" aria-hidden=\"true\">⊘</span> <span class=\"word\">Audio paused</span>:"
                        + " device link lost, uplink failing <span class=\"since\">(GPIO18, beep)</span></dd>")
                .contains("<span class=\"word\">On</span>: device link lost <span class=\"since\">(GPIO23,"
                        + " steady)</span>")
                .contains("<span class=\"symbol\" aria-hidden=\"true\">○</span> <span class=\"word\">Off</span>"
                        + " <span class=\"since\">(GPIO24, steady)</span>");
    }

    @Test
    void theLampTestAndOutputsNotDrivenAreSaidAndWithoutLocalSignalsThereIsNoTile() throws IOException {
        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        ObjectNode status = (ObjectNode) json.readTree(STATUS);
        ObjectNode signals = (ObjectNode) status.get("alarms").get("localSignals");
        signals.put("lampTest", true);
        ((ObjectNode) signals.get("audioPause")).put("paused", false);
        assertThat(render(json, status))
                .contains("<span class=\"word\">Lamp test: every output on</span>")
                .contains("<span class=\"word\">On: lamp test</span>")
                .contains("Audio pause: the button on GPIO17 silences buzzer for 2 min.");

        signals.put("state", "NOT_DRIVEN").put("lampTest", false);
        ((ObjectNode) signals.get("audioPause")).put("working", false);
        assertThat(render(json, status))
                .contains("<span class=\"word\">Not driven: GPIO cannot be used on this box</span>")
                .contains("<span class=\"word\">Off: not driven</span>")
                .contains("The audio pause button on GPIO17 cannot be used (the log says why): no audio pause.");

        signals.put("state", "NOT_CONFIGURED");
        assertThat(render(json, status)).doesNotContain("Local signals");
        ((ObjectNode) status.get("alarms")).remove("localSignals");
        assertThat(render(json, status)).doesNotContain("Local signals");
    }

    @Test
    void aCaptureBeingRecordedIsSaidOnThePage() {
        assertThat(page.getFragment("tiles").data("view", view).render())
                .contains("Recording a capture of Bed 12 ventilator for the developers until 10:09:00 (12.5 KiB of at"
                        + " most 64 MiB): the file holds patient data.");
    }

    @Test
    void theUplinkAndBufferTilesShowBacklogAgeDeadLettersAndDisk() {
        String html = html();
        assertThat(html)
                .contains("<span class=\"word\">Retrying: server unreachable</span>")
                .contains("<span class=\"backlog\">4213</span> records, oldest 1 h 02 min ago")
                .contains("3 refused by the server: <a href=\"api/dead-letters\">list</a>")
                .contains("Bed 12 oximeter: SpO2 97 %")
                .contains("81.5 % of the disk free")
                .contains("4213 waiting for charting");
    }

    @Test
    void whatDevicesAndConfigurationSayIsEscapedAndTheNoteIsAlwaysThere() {
        String html = html();
        assertThat(html)
                .doesNotContain("<script>alert(1)</script>")
                .contains("reading &lt;script&gt;alert(1)&lt;/script&gt;")
                .contains(
                        "title=\"/dev/serial/by-id/usb-Masimo_Radical-7_1234567890-if00-port0-a-very-long-path-indeed\"")
                .contains("Not a primary alarm display.")
                .contains("Live updates: connecting…")
                .contains("<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>");
        assertThat(html).doesNotContain("http://").doesNotContain("https://cdn");
    }

    @Test
    void aBedTileSaysWhetherReadingsAreChartedAndWhyTheyAreHeldButNotWhoThePatientIs() {
        assertThat(html())
                .contains("<h2 class=\"tile-title\">Bed 12</h2>")
                .contains("<span class=\"word\">Uncertain: readings held</span>")
                .contains("two admissions to ICU^12^1 and no discharge or transfer of either")
                .contains("<dd>Bed 12 oximeter, Bed 12 ventilator</dd>")
                .contains("ADT <span class=\"since\">(changed 2026-12-02 09:00:00)</span>")
                .doesNotContain("MRN-4711")
                .doesNotContain("MRN-4712");
    }

    @Test
    void aBedAssociatedByTheEncounterSearchSaysSoAndSaysWhenTheSearchHasGoneStale() throws IOException {
        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        ObjectNode status = (ObjectNode) json.readTree(STATUS);
        ObjectNode bed = (ObjectNode) status.withArray("beds").get(0);
        bed.put("state", "ASSOCIATED").remove("held");
        ((ObjectNode) bed.withArray("patients").get(0)).put("source", "fhir-encounter");
        ObjectNode encounters = status.putObject("adt").putObject("encounters");
        encounters.put("pollEvery", "15s").put("lastSuccess", "2026-12-02T09:57:45Z");
        String current = render(json, status);
        assertThat(current)
                .contains("FHIR Encounter <span class=\"since\">")
                .doesNotContain("has failed since")
                .doesNotContain("MRN-4711");

        encounters
                .put("staleSince", "2026-12-02T09:58:00Z")
                .put("staleReason", "HTTP 503 from https://fhir.example/fhir for the Encounter search");
        assertThat(render(json, status))
                .contains("<p class=\"detail stale\">The FHIR Encounter search has failed since 2026-12-02 09:58:00"
                        + " (HTTP 503 from https://fhir.example/fhir for the Encounter search): the association shown"
                        + " is the last one it found.</p>");

        // No patient yet, the Encounter search the only source configured: the tile still names it.
        bed.putArray("patients");
        assertThat(render(json, status)).contains("<dt>Source</dt><dd>FHIR Encounter");
    }

    private static String render(ObjectMapper json, ObjectNode status) throws IOException {
        GatewayStatus s = json.treeToValue(status, GatewayStatus.class);
        return page.data("view", PageView.of(s, List.of(), List.of(), NOW, ZoneOffset.UTC))
                .render();
    }

    @Test
    void theLiveUpdateFragmentIsTheTilesAlone() {
        String tiles = page.getFragment("tiles").data("view", view).render();
        assertThat(tiles)
                .contains("Bed 12 oximeter")
                .contains("Alarms and device statuses")
                .doesNotContain("<html")
                .doesNotContain("Not a primary alarm display");
    }
}
