package org.bedside.runtime.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.runtime.wiring.Consumers;
import org.bedside.uplink.UplinkWorker;

/**
 * The dead letters of a consumer ({@code ?consumer=NAME}, the FHIR uplink's by default): for the uplink, Observations the
 * FHIR server refused one by one; for {@code pcd01}, messages the interface engine refused; for every consumer, records
 * that kept failing. A retry goes through the consumer's own sink ({@link BufferConsumer#retryDeadLetter}), the same
 * for every destination. {@code bedside dead-letters} is a thin client of these endpoints. Listening on 127.0.0.1 by
 * default, like the rest of the gateway's HTTP.
 */
@Path("api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {
    @Inject
    Consumers consumers;

    /** One dead letter without its Bundle, for the list. */
    public record Summary(String id, String identifier, String device, int status, String reason, Instant rejectedAt) {}

    @GET
    public List<Summary> list(@QueryParam("consumer") @DefaultValue(UplinkWorker.CURSOR) String consumer)
            throws IOException {
        List<Summary> out = new ArrayList<>();
        for (DeadLetterStore.DeadLetter d : consumer(consumer).deadLetters().list()) {
            out.add(new Summary(d.id(), d.identifier(), d.device(), d.status(), d.reason(), d.rejectedAt()));
        }
        return out;
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public String show(
            @PathParam("id") String id, @QueryParam("consumer") @DefaultValue(UplinkWorker.CURSOR) String consumer)
            throws IOException {
        DeadLetterStore.DeadLetter d = consumer(consumer)
                .deadLetters()
                .get(id)
                .orElseThrow(() -> new NotFoundException("no dead letter " + id + " of " + consumer));
        // The uplink's payload is a Bundle, and has always been shown as "bundle"; another consumer's as "payload".
        String payloadKey = consumer.equals(UplinkWorker.CURSOR) ? "bundle" : "payload";
        return "{\"id\":\"" + d.id() + "\",\"consumer\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(consumer) + ",\"status\":" + d.status()
                + ",\"reason\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(d.reason()) + ",\""
                + payloadKey + "\":" + d.payload() + "}";
    }

    @POST
    @Path("{id}/retry")
    public Map<String, String> retry(
            @PathParam("id") String id, @QueryParam("consumer") @DefaultValue(UplinkWorker.CURSOR) String consumer)
            throws IOException {
        BufferConsumer<?> c = consumer(consumer);
        if (c.deadLetters().get(id).isEmpty()) {
            throw new NotFoundException("no dead letter " + id + " of " + consumer);
        }
        return Map.of("id", id, "result", c.retryDeadLetter(id));
    }

    @POST
    @Path("retry")
    public List<Map<String, String>> retryAll(
            @QueryParam("consumer") @DefaultValue(UplinkWorker.CURSOR) String consumer) throws IOException {
        BufferConsumer<?> c = consumer(consumer);
        List<Map<String, String>> out = new ArrayList<>();
        for (DeadLetterStore.DeadLetter d : c.deadLetters().list()) {
            out.add(Map.of("id", d.id(), "result", c.retryDeadLetter(d.id())));
        }
        return out;
    }

    private BufferConsumer<?> consumer(String name) {
        return consumers
                .named(name)
                .orElseThrow(() -> new NotFoundException("no consumer '" + name + "'"
                        + (name.equals(UplinkWorker.CURSOR) ? " (the FHIR uplink is not configured)" : "")
                        + "; consumers: "
                        + consumers.all().stream().map(BufferConsumer::name).toList()));
    }
}
