package org.bedside.runtime.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.bedside.runtime.signals.LocalSignalsService;
import org.bedside.runtime.wiring.Alarms;

/**
 * {@code /api/alarms}: the open alerts with their ACM state, the Alert Manager's delivery status, and the local signals
 * (which lamp or buzzer is on, for which technical alarm).
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
}
