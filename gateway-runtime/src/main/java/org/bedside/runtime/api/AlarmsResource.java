package org.bedside.runtime.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.bedside.runtime.wiring.Alarms;

/** {@code /api/alarms}: the open alerts with their ACM state, and the Alert Manager's delivery status. */
@Path("api/alarms")
public class AlarmsResource {
    @Inject
    Alarms alarms;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public AlarmsStatus alarms() {
        return AlarmsStatus.of(alarms, true);
    }
}
