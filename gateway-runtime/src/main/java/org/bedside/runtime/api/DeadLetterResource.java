package org.bedside.runtime.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.uplink.UplinkWorker;

/**
 * The dead letters: Observations the FHIR server refused one by one. {@code bedside dead-letters} is a thin client of
 * these endpoints. Listening on 127.0.0.1 by default, like the rest of the gateway's HTTP.
 */
@Path("api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {
    @Inject
    UplinkWorker uplink;

    /** One dead letter without its Bundle, for the list. */
    public record Summary(String id, String identifier, String device, int status, String reason, Instant rejectedAt) {}

    @GET
    public List<Summary> list() throws IOException {
        List<Summary> out = new ArrayList<>();
        for (DeadLetterStore.DeadLetter d : uplink.deadLetters().list()) {
            out.add(new Summary(d.id(), d.identifier(), d.device(), d.status(), d.reason(), d.rejectedAt()));
        }
        return out;
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public String show(@PathParam("id") String id) throws IOException {
        DeadLetterStore.DeadLetter d =
                uplink.deadLetters().get(id).orElseThrow(() -> new NotFoundException("no dead letter " + id));
        return "{\"id\":\"" + d.id() + "\",\"status\":" + d.status() + ",\"reason\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(d.reason()) + ",\"bundle\":" + d.payload() + "}";
    }

    @POST
    @Path("{id}/retry")
    public Map<String, String> retry(@PathParam("id") String id) throws IOException {
        if (uplink.deadLetters().get(id).isEmpty()) {
            throw new NotFoundException("no dead letter " + id);
        }
        return Map.of("id", id, "result", uplink.retryDeadLetter(id));
    }

    @POST
    @Path("retry")
    public List<Map<String, String>> retryAll() throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        for (DeadLetterStore.DeadLetter d : uplink.deadLetters().list()) {
            out.add(Map.of("id", d.id(), "result", uplink.retryDeadLetter(d.id())));
        }
        return out;
    }
}
