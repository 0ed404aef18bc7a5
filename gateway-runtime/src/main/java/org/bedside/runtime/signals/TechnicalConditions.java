package org.bedside.runtime.signals;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.alarms.local.TechnicalCondition;
import org.bedside.buffer.guard.GuardStatus;
import org.bedside.drivers.pipeline.LinkState;
import org.bedside.drivers.pipeline.PipelineStatus;
import org.bedside.uplink.UplinkStatus;
import org.jspecify.annotations.Nullable;

/** Which of the gateway's technical alarms are active, from the statuses its parts keep (no network asked). */
public final class TechnicalConditions {
    private TechnicalConditions() {}

    /**
     * @param devices every device pipeline's status
     * @param uplink the FHIR uplink's state; null without a FHIR uplink
     * @param buffer the disk guard's level
     * @param alertManager the PCD-04 destination's status, when one is configured
     * @param undeliveredToAPerson alerts the Alert Manager did not report delivered to a person in time, or reported
     *     undeliverable (PCD-05 supervision, {@code gateway.alarms.pcd05-in.expect-within})
     */
    public static Set<TechnicalCondition> of(
            List<PipelineStatus> devices,
            UplinkStatus.@Nullable State uplink,
            GuardStatus.Level buffer,
            Optional<Pcd04Sink.Status> alertManager,
            int undeliveredToAPerson) {
        EnumSet<TechnicalCondition> active = EnumSet.noneOf(TechnicalCondition.class);
        for (PipelineStatus d : devices) {
            if (d.state() == LinkState.DISCONNECTED || d.state() == LinkState.NO_DATA) {
                active.add(TechnicalCondition.DEVICE_LINK_LOST);
            }
        }
        if (uplink != null) {
            switch (uplink) {
                case RETRYING, REJECTED, MISCONFIGURED, FAILED -> active.add(TechnicalCondition.UPLINK_FAILING);
                case STARTING, ONLINE, STOPPED -> {}
            }
        }
        if (buffer == GuardStatus.Level.CRITICAL) {
            active.add(TechnicalCondition.BUFFER_CRITICAL);
        }
        if (alertManager.map(Pcd04Sink.Status::alarm).orElse(false) || undeliveredToAPerson > 0) {
            active.add(TechnicalCondition.ALERT_DELIVERY_FAILING);
        }
        return active;
    }
}
