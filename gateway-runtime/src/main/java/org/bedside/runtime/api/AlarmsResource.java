package org.bedside.runtime.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bedside.alarms.local.SignalEvent;
import org.bedside.alarms.local.SignalRequest;
import org.bedside.alarms.local.TechnicalCondition;
import org.bedside.runtime.signals.LocalSignalsService;
import org.bedside.runtime.wiring.Alarms;

/**
 * {@code /api/alarms}: the open alerts with their ACM state, the Alert Manager's delivery status, and the local signals
 * (which lamp or buzzer is on, for which technical alarm). {@code POST /api/alarms/local-signals/lamp-test} and {@code
 * POST /api/alarms/local-signals/audio-pause} ask the local signals for a lamp test or an audio pause, as the button on
 * the box does: a {@code clinician} or an {@code operator} with the CSRF header (org.bedside.runtime.security), audited
 * there and again by the signals with what was decided.
 *
 * <p>A refusal is a JSON {@code {"error": "..."}}: 409 when the box has no signals to test or silence (none configured,
 * GPIO not usable, no audio pause configured, nothing sounding), 503 when the signal thread did not take the request.
 */
@Path("api/alarms")
public class AlarmsResource {
    @Inject
    Alarms alarms;

    @Inject
    LocalSignalsService localSignals;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public AlarmsStatus alarms() {
        return AlarmsStatus.of(alarms, localSignals.status(), true);
    }

    @POST
    @Path("local-signals/lamp-test")
    @Produces(MediaType.APPLICATION_JSON)
    public Response lampTest(@Context SecurityContext security) {
        return answer(localSignals.ask(SignalRequest.LAMP_TEST, BedsideResource.user(security)));
    }

    @POST
    @Path("local-signals/audio-pause")
    @Produces(MediaType.APPLICATION_JSON)
    public Response audioPause(@Context SecurityContext security) {
        return answer(localSignals.ask(SignalRequest.AUDIO_PAUSE, BedsideResource.user(security)));
    }

    private static Response answer(LocalSignalsService.Answer answer) {
        if (answer instanceof LocalSignalsService.Answer.Refused r) {
            return error(r.httpStatus(), r.reason());
        }
        LocalSignalsService.Answer.Decided d = (LocalSignalsService.Answer.Decided) answer;
        Map<String, Object> out = new LinkedHashMap<>();
        if (d.event() instanceof SignalEvent.LampTestStarted started) {
            out.put("outcome", "lamp-test");
            out.put("seconds", started.length().toSeconds());
            out.put("outputs", started.outputs());
        } else if (d.event() instanceof SignalEvent.AudioPaused paused) {
            out.put("outcome", "audio-paused");
            out.put("seconds", paused.length().toSeconds());
            out.put("silenced", paused.silenced());
            out.put(
                    "conditions",
                    paused.conditions().stream()
                            .sorted()
                            .map(TechnicalCondition::key)
                            .toList());
            out.put("restarted", paused.restarted());
        } else {
            return error(
                    409,
                    "no audible output sounds now: there is nothing to pause (a pause silences only what sounds"
                            + " when it is asked for)");
        }
        out.put("localSignals", d.status());
        return Response.ok(out).build();
    }

    private static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message))
                .build();
    }
}
