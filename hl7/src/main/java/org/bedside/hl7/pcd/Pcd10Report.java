package org.bedside.hl7.pcd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Equipment;
import org.bedside.hl7.MessageHeader;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionEvent;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * What one IHE PCD-10 {@code ORU^R42^ORU_R01} (Communicate Infusion Event Data) says, read by {@link Pcd10Decoder}: the
 * header (MSH-10 for de-duplication), the patient's identifiers (PID-3) and bed (PV1-3) exactly as PCD-01 gives them,
 * the pump (OBX-18 of its MDS row), the one event the message reports, and each infusate source's state and numbers.
 * {@link #readings} turns them into the gateway's readings once the caller knows which device the pump is.
 *
 * @param pumpSetId OBX-1 of the MDS row, for an error that names the pump's OBX-18
 * @param pump OBX-18 of the MDS row, or null when the message names no equipment
 * @param pumpType OBX-3 of the MDS row as sent ({@code 70049 MDC_DEV_PUMP_INFUS_LVP_MDS})
 * @param skipped OBX rows that are in no reading, each with the reason
 */
public record Pcd10Report(
        MessageHeader header,
        List<PatientIdentifier> patientIdentifiers,
        @Nullable CareLocation location,
        int pumpSetId,
        @Nullable Equipment pump,
        String pumpType,
        PumpEvent event,
        List<Source> sources,
        List<Pcd01Report.Skipped> skipped) {

    public Pcd10Report {
        patientIdentifiers = List.copyOf(patientIdentifiers);
        sources = List.copyOf(sources);
        skipped = List.copyOf(skipped);
    }

    /**
     * The pump's EUI-64 as OBX-18 of its MDS row sends it ({@code 0012210000000000}: OBX-18.3 when OBX-18.4 is {@code
     * EUI-64}, or OBX-18.1 when OBX-18.2 is), or null when the row names none.
     */
    public @Nullable String pumpEui64() {
        if (pump == null) {
            return null;
        }
        if (pump.universalIdType().equalsIgnoreCase("EUI-64")
                && !pump.universalId().isEmpty()) {
            return pump.universalId();
        }
        if (pump.namespaceId().equalsIgnoreCase("EUI-64") && !pump.entityId().isEmpty()) {
            return pump.entityId();
        }
        return null;
    }

    /**
     * The record of the message, once the caller knows which device the pump is: one {@link InfusionStatus} per
     * infusate source (device time the event's: the state, the drug label as the pump shows it, the numbers with their
     * MDC codes and UCUM units as sent; no serial number, which PCD-10 does not carry), the {@link InfusionEvent}, and
     * the pump's EUI-64 as the {@link DeviceIdentity} system id of the unit behind the device, when OBX-18 names one
     * that is 16 hexadecimal digits (the IEEE 11073 System-Id is an EUI-64; it is never taken for a serial number).
     */
    public List<Reading> readings(DeviceId device, Instant receivedAt) {
        List<Reading> out = new ArrayList<>();
        for (Source s : sources) {
            out.add(new InfusionStatus(
                    device, s.channel(), s.state(), s.drugLabel(), null, s.values(), event.time(), receivedAt));
        }
        out.add(event.reading(device, receivedAt));
        String eui64 = pumpEui64();
        String systemId = eui64 == null ? null : DeviceIdentity.systemIdOfEui64(eui64);
        if (systemId != null) {
            out.add(new DeviceIdentity(device, null, systemId, null, null, event.time(), receivedAt));
        }
        return out;
    }

    /** A device row's containment path without the trailing {@code .0}: {@code 1.1.2.0} is channel {@code 1.1.2}. */
    static String channelOf(String path) {
        return path.endsWith(".0") ? path.substring(0, path.length() - 2) : path;
    }

    /**
     * The event of the message: {@code 68487^MDC_ATTR_EVT_COND} and its source {@code 68488^MDC_ATTR_EVT_SOURCE}.
     *
     * @param setId OBX-1 of the event row
     * @param code OBX-5.1, the MDC event code ({@code 197288})
     * @param refId OBX-5.2 as sent ({@code MDC_EVT_PUMP_DELIV_START}), empty when not sent
     * @param kind what the gateway knows the event as; {@link InfusionEvent.Kind#UNKNOWN} with the reason otherwise
     * @param reason why the kind is unknown, empty when it is known
     * @param sourcePath OBX-5 of the source row (the OBX-4 of the source the event is about, {@code 1.1.2.0}), or null
     *     when the message names none (the event is the pump's)
     * @param time OBX-14 of the event row, else OBR-7; null when it has no zone offset and none is assumed
     */
    public record PumpEvent(
            int setId,
            int code,
            String refId,
            InfusionEvent.Kind kind,
            String reason,
            @Nullable String sourcePath,
            @Nullable Instant time,
            String timeText) {

        /** The event as the gateway's reading: its source's channel ({@code 1.1.2}), or none when it is the pump's. */
        public InfusionEvent reading(DeviceId device, Instant receivedAt) {
            String channel = sourcePath == null ? null : channelOf(sourcePath);
            return new InfusionEvent(device, channel, code, refId, kind, reason, time, receivedAt);
        }
    }

    /**
     * One infusate source (a channel row other than the delivery information, {@code 70071
     * MDC_DEV_PUMP_INFUSATE_SOURCE_PRIMARY} at {@code 1.1.2.0}) and what the pump says of it.
     *
     * @param path OBX-4 of its channel row ({@code 1.1.2.0})
     * @param code OBX-3.1 of its channel row ({@code 70071})
     * @param state from {@code 184519 MDC_PUMP_INFUSING_STATUS} of its VMD (or its own row)
     * @param stateReason why the state is unknown (no status row, a value not mapped here), empty when known
     * @param drugLabel {@code 184514 MDC_DRUG_NAME_LABEL} as the pump shows it, or null
     * @param values its numbers, MDC code and UCUM unit as sent, in message order
     */
    public record Source(
            String path,
            int code,
            InfusionStatus.State state,
            String stateReason,
            @Nullable String drugLabel,
            List<CompoundReading.Component> values) {

        public Source {
            values = List.copyOf(values);
        }

        /** The reading's channel: {@link #channelOf} its path. */
        public String channel() {
            return channelOf(path);
        }
    }
}
