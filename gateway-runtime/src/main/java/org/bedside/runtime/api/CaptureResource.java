package org.bedside.runtime.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bedside.runtime.capture.Captures;
import org.bedside.runtime.config.CaptureSettings;
import org.jspecify.annotations.Nullable;

/**
 * Captures for the field: {@code POST /api/captures} with {@code {"device": "bed12-vent", "minutes": 10}} (or {@code
 * "seconds"}) starts one and answers 201 with its id and file; {@code GET /api/captures/{id}} follows it, {@code POST
 * /api/captures/{id}/stop} ends it early. {@code bedside capture} is a thin client of these. A refusal is a JSON
 * {@code {"error": "..."}} that names what was wrong: 404 for a device the gateway does not have, 409 while one of the
 * device runs, 400 for a duration out of range, 500 when the file cannot be written.
 */
@Path("api/captures")
@Produces(MediaType.APPLICATION_JSON)
public class CaptureResource {
    @Inject
    Captures captures;

    /** A start request; one of minutes and seconds. */
    public record Request(
            @Nullable String device,
            @Nullable Long minutes,
            @Nullable Long seconds) {}

    /** The captures, running first, with the limits in force. */
    public record Listing(
            String directory, String maxSize, long maxBytes, long maxSeconds, List<Captures.CaptureStatus> captures) {}

    @GET
    public Listing list() {
        CaptureSettings s = captures.settings();
        return new Listing(
                s.directory().toAbsolutePath().toString(),
                CaptureSettings.describe(s.maxBytes()),
                s.maxBytes(),
                s.maxDuration().toSeconds(),
                captures.all());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@Nullable Request request) {
        if (request == null) {
            return error(
                    Response.Status.BAD_REQUEST, "the request needs a JSON body: {\"device\": ..., \"minutes\": ...}");
        }
        if (request.minutes() != null && request.seconds() != null) {
            return error(Response.Status.BAD_REQUEST, "give minutes or seconds, not both");
        }
        Duration duration = request.seconds() != null
                ? Duration.ofSeconds(request.seconds())
                : request.minutes() != null ? Duration.ofMinutes(request.minutes()) : null;
        Captures.Outcome outcome = captures.start(request.device(), duration);
        if (outcome instanceof Captures.Started started) {
            return Response.created(
                            URI.create("api/captures/" + started.capture().id()))
                    .entity(started.capture())
                    .build();
        }
        Captures.Refused refused = (Captures.Refused) outcome;
        Response.Status status = switch (refused.reason()) {
            case UNKNOWN_DEVICE -> Response.Status.NOT_FOUND;
            case ALREADY_RUNNING -> Response.Status.CONFLICT;
            case BAD_REQUEST -> Response.Status.BAD_REQUEST;
            case CANNOT_WRITE -> Response.Status.INTERNAL_SERVER_ERROR;
        };
        return error(status, refused.message());
    }

    @GET
    @Path("{id}")
    public Response show(@PathParam("id") String id) {
        return captures.find(id)
                .map(c -> Response.ok(c).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "no capture " + id));
    }

    @POST
    @Path("{id}/stop")
    public Response stop(@PathParam("id") String id) {
        return captures.stop(id)
                .map(c -> Response.ok(c).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "no capture " + id));
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message))
                .build();
    }
}
