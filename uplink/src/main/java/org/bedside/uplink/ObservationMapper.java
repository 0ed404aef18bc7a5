package org.bedside.uplink;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.util.Date;
import java.util.TimeZone;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.UcumUnit;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;

/**
 * Pure mapping from a chosen reading to a FHIR R4 Observation, and from a configured device to a FHIR Device. No I/O,
 * no clock.
 *
 * <p>The Observation: {@code meta.profile} names the vital-signs profile it conforms to; {@code identifier} is the
 * deterministic one the conditional create matches on; {@code category} vital-signs; {@code code} LOINC (the profile's
 * fixed code first) plus MDC; {@code subject} the associated patient; {@code effectiveDateTime} the charting time;
 * {@code valueQuantity} in UCUM with the device's precision; {@code device} the monitor. A value the device marked
 * invalid is not sent as a value: it becomes a {@code dataAbsentReason} and the device's reason goes in a note.
 *
 * <p>A pump's number ({@link InfusionStatus}) is never a vital sign: no profile, category {@code therapy}, the MDC code
 * alone (no LOINC code is known), and two components that say what the number is about — the channel's state ({@code
 * MDC_PUMP_INFUSING_STATUS}) and the drug label as the pump shows it ({@code MDC_DRUG_NAME_LABEL}, a string: a device
 * observation, never a medication record). Its {@code device} is the pump ({@link #pumpDevice}), whose parent is the
 * rack.
 *
 * <p>A monitor that named itself on the wire ({@link DeviceIdentity}: Masimo {@code SN=}, IntelliVue SYS_ID) is a
 * Device of its own too ({@link #unitDevice}), whose parent is the configured device (the bedside slot): the
 * Observation's {@code device} is the unit that took the reading, so that a wrong value is traced to it and another
 * monitor put in the slot is another Device.
 */
final class ObservationMapper {
    static final String LOINC = "http://loinc.org";
    static final String MDC = "urn:iso:std:iso:11073:10101";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    /**
     * The gateway's own code system for a pump channel's state ({@code infusing}, {@code stopped}, ...): the IHE PCD TF
     * examples show only {@code pump-status-infusing} as text, so no standard code for the other states is claimed.
     */
    static final String INFUSION_STATE_SYSTEM = "urn:bedside:infusion-state";

    /**
     * The gateway's own system for a monitor's IEEE 11073 system id as it sends it (IntelliVue: 6 octets derived from
     * its MAC address). Not the PoCD EUI-64 system ({@link #EUI64_SYSTEM}): a 6-octet id is not an EUI-64, and none is
     * made up from it; an eight-octet system id is an EUI-64 and goes there.
     */
    static final String SYSTEM_ID_SYSTEM = "urn:bedside:mds-system-id";

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private final UplinkSettings settings;

    ObservationMapper(UplinkSettings settings) {
        this.settings = settings;
    }

    /** The tag of an Observation charted late, from the buffer, after an outage (docs/architecture.md). */
    static final String UPLOAD_TAG_SYSTEM = "urn:bedside:upload";

    static final String BACKFILLED = "backfilled";

    Observation observation(Chartable c, DeviceContext device, Reference deviceReference) {
        return observation(c, device, deviceReference, false);
    }

    Observation observation(Chartable c, DeviceContext device, Reference deviceReference, boolean backfilled) {
        Observation o = new Observation();
        String profile = c.metric().profile();
        if (profile != null) {
            o.getMeta().addProfile(profile);
        }
        if (backfilled) {
            o.getMeta()
                    .addTag(
                            UPLOAD_TAG_SYSTEM,
                            BACKFILLED,
                            "Charted late from the gateway's buffer, after the FHIR server could not be reached");
        }
        o.addIdentifier(new Identifier().setSystem(settings.identifierSystem()).setValue(c.identifier()));
        if (c.preliminary() == null) {
            o.setStatus(Observation.ObservationStatus.FINAL);
        } else {
            // Not validated: the value is the device's, its status says a person has yet to confirm it.
            o.setStatus(Observation.ObservationStatus.PRELIMINARY);
            o.addNote().setText("Preliminary: " + c.preliminary());
        }
        if (c.metric().kind() == ChartedMetric.Kind.INFUSION) {
            // What the pump delivers is medication therapy, not a measurement of the patient (the category's
            // definition:
            // "observations generated by non-interventional treatment protocols (e.g. ... medication therapy)").
            o.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, "therapy", "Therapy")));
        } else {
            o.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, "vital-signs", "Vital Signs")));
        }

        CodeableConcept code = new CodeableConcept();
        for (ChartedMetric.Loinc loinc : c.metric().profileCodes()) {
            code.addCoding(new Coding(LOINC, loinc.code(), loinc.display()));
        }
        MetricCode metric = c.metricCode();
        code.addCoding(new Coding(MDC, Integer.toString(metric.mdc()), metric.refId()));
        code.setText(metric.label());
        o.setCode(code);

        o.setSubject(new Reference(c.subject() != null ? c.subject() : device.patientReference()));
        o.setEffective(new DateTimeType(Date.from(c.effective()), TemporalPrecisionEnum.MILLI, UTC));
        o.setDevice(deviceReference);

        if (c.reading() instanceof NumericReading r) {
            setValue(o, r.value(), r.unit(), r.quality());
        } else if (c.reading() instanceof InfusionStatus pump) {
            CompoundReading.Component v = c.pumpValue();
            code.setText(v.metric().label() + ", pump channel " + pump.channel());
            setValue(o, v.value(), v.unit(), v.quality());
            addPumpContext(o, pump);
        } else {
            CompoundReading compound = (CompoundReading) c.reading();
            for (CompoundReading.Component part : compound.components()) {
                Observation.ObservationComponentComponent component = o.addComponent();
                CodeableConcept partCode = new CodeableConcept();
                c.metric()
                        .part(part.metric())
                        .ifPresent(p -> partCode.addCoding(
                                new Coding(LOINC, p.loinc().code(), p.loinc().display())));
                partCode.addCoding(new Coding(
                        MDC,
                        Integer.toString(part.metric().mdc()),
                        part.metric().refId()));
                partCode.setText(part.metric().label());
                component.setCode(partCode);
                if (part.isValid()) {
                    component.setValue(quantity(part.value(), part.unit()));
                } else {
                    component.setDataAbsentReason(absent(part.value(), part.quality()));
                }
            }
            StringBuilder notes = new StringBuilder();
            for (CompoundReading.Component part : compound.components()) {
                if (!part.quality().reason().isEmpty()) {
                    notes.append(notes.length() == 0 ? "" : "; ")
                            .append(part.metric().label())
                            .append(": ")
                            .append(part.quality().reason());
                }
            }
            if (notes.length() > 0) {
                o.addNote().setText(notes.toString());
            }
        }
        return o;
    }

    /** The state of the channel and its drug label, as the pump reported them with the number. */
    private static void addPumpContext(Observation o, InfusionStatus pump) {
        Observation.ObservationComponentComponent state = o.addComponent();
        state.setCode(new CodeableConcept(new Coding(
                        MDC, Integer.toString(InfusionMetrics.PUMP_INFUSING_STATUS), "MDC_PUMP_INFUSING_STATUS"))
                .setText("Pump state"));
        String label = pump.state().label();
        state.setValue(new CodeableConcept(new Coding(INFUSION_STATE_SYSTEM, label, label)).setText(label));
        String drug = pump.drugLabel();
        if (drug != null) {
            Observation.ObservationComponentComponent name = o.addComponent();
            name.setCode(new CodeableConcept(
                            new Coding(MDC, Integer.toString(InfusionMetrics.DRUG_NAME_LABEL), "MDC_DRUG_NAME_LABEL"))
                    .setText("Drug label on the pump"));
            name.setValue(new org.hl7.fhir.r4.model.StringType(drug));
            o.addNote()
                    .setText("Drug label as the pump shows it (" + drug
                            + "): what was entered on the pump, not a medication record");
        }
    }

    private static void setValue(Observation o, @Nullable BigDecimal value, UcumUnit unit, Quality quality) {
        if (value != null && quality.isValid()) {
            o.setValue(quantity(value, unit));
            if (quality.has(QualityFlag.QUESTIONABLE)) {
                o.addNote().setText("Questionable: " + quality.reason());
            }
        } else {
            o.setDataAbsentReason(absent(value, quality));
            String shown = value == null ? "" : " (device showed " + value.toPlainString() + " " + unit.code() + ")";
            o.addNote().setText("No valid value: " + quality.reason() + shown);
        }
    }

    private static Quantity quantity(@Nullable BigDecimal value, UcumUnit unit) {
        return new Quantity()
                .setValue(value)
                .setUnit(unit.display())
                .setSystem(UCUM)
                .setCode(unit.code());
    }

    private static CodeableConcept absent(@Nullable BigDecimal value, Quality quality) {
        String reason = quality.has(QualityFlag.NOT_AVAILABLE) && value == null ? "unknown" : "error";
        return new CodeableConcept(new Coding(DATA_ABSENT_SYSTEM, reason, null));
    }

    Device device(DeviceContext d) {
        Device device = new Device();
        device.addIdentifier(new Identifier()
                .setSystem(UplinkSettings.DEVICE_IDENTIFIER_SYSTEM)
                .setValue(deviceIdentifier(d)));
        device.setManufacturer(d.manufacturer());
        device.addDeviceName().setName(d.displayName()).setType(Device.DeviceNameType.USERFRIENDLYNAME);
        device.setType(new CodeableConcept().setText(d.deviceType()));
        device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        return device;
    }

    String deviceIdentifier(DeviceContext d) {
        return settings.gatewayId() + "/" + d.device().value();
    }

    /**
     * The IEEE EUI-64 system of the HL7 device IGs (PoCD, PHD: the MDS System-Id), for a device that names itself by
     * one; the value is its eight octets in upper-case hexadecimal joined by {@code -}, as the PHD IG writes it.
     */
    static final String EUI64_SYSTEM = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";

    /**
     * The pump in one channel of a rack: {@code <gateway>/<rack>/infusion:<channel>} and, when the pump reported its
     * serial number, {@code /<serial>}, or else, when its record names its EUI-64 (PCD-10), {@code /<16 hex digits>};
     * so that another pump put in the same slot is another Device (a conditional create keeps the first Device with
     * an identifier: one identifier must never stand for two pumps).
     */
    String pumpDeviceIdentifier(DeviceContext rack, InfusionStatus pump, @Nullable DeviceIdentity unit) {
        String serial = pump.pumpSerial();
        String eui64 = eui64(unit);
        String which = serial != null ? "/" + serial : eui64 != null ? "/" + eui64.replace("-", "") : "";
        return deviceIdentifier(rack) + "/" + pump.subjectPart() + which;
    }

    /** The unit's system id when it is an EUI-64, else null. */
    private static @Nullable String eui64(@Nullable DeviceIdentity unit) {
        return unit != null && unit.hasEui64() ? unit.systemId() : null;
    }

    /**
     * The FHIR Device of a pump: its serial number when reported ({@code serialNumber}), its EUI-64 when its record
     * names one ({@code identifier}, {@link #EUI64_SYSTEM}: an EUI-64 is not a serial number), its channel, and the
     * rack as its parent.
     */
    Device pumpDevice(DeviceContext rack, InfusionStatus pump, @Nullable DeviceIdentity unit, Reference rackReference) {
        Device device = new Device();
        device.addIdentifier(new Identifier()
                .setSystem(UplinkSettings.DEVICE_IDENTIFIER_SYSTEM)
                .setValue(pumpDeviceIdentifier(rack, pump, unit)));
        String eui64 = eui64(unit);
        if (eui64 != null) {
            device.addIdentifier(new Identifier()
                    .setSystem(EUI64_SYSTEM)
                    .setValue(eui64)
                    .setType(new CodeableConcept().setText("IEEE EUI-64")));
        }
        String serial = pump.pumpSerial();
        if (serial != null) {
            device.setSerialNumber(serial);
        }
        device.setManufacturer(rack.manufacturer());
        device.addDeviceName()
                .setName(rack.displayName() + ", pump channel " + pump.channel())
                .setType(Device.DeviceNameType.USERFRIENDLYNAME);
        device.setType(new CodeableConcept().setText("Infusion pump"));
        device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        device.setParent(rackReference);
        return device;
    }

    /**
     * The physical unit in a slot: {@code <gateway>/<device>/unit/sn-<serial>}, or {@code .../unit/sysid-<system id>}
     * when the unit sent no serial number. Scoped to the slot, like a pump's, so that the Device's parent and location
     * (the slot's) are true: the same monitor moved to another slot is another Device with the same serial number.
     */
    String unitDeviceIdentifier(DeviceContext slot, DeviceIdentity unit) {
        return deviceIdentifier(slot) + "/unit/" + unit.unitKey();
    }

    /**
     * The FHIR Device of the unit that took a reading: its serial number, system id, manufacturer and model as it sent
     * them (the slot's configured manufacturer when it sent none), and the slot as its parent. Nothing it did not send
     * is filled in.
     */
    Device unitDevice(DeviceContext slot, DeviceIdentity unit, Reference slotReference) {
        Device device = new Device();
        device.addIdentifier(new Identifier()
                .setSystem(UplinkSettings.DEVICE_IDENTIFIER_SYSTEM)
                .setValue(unitDeviceIdentifier(slot, unit)));
        String systemId = unit.systemId();
        if (systemId != null) {
            boolean eui64 = unit.hasEui64();
            device.addIdentifier(new Identifier()
                    .setSystem(eui64 ? EUI64_SYSTEM : SYSTEM_ID_SYSTEM)
                    .setValue(systemId)
                    .setType(new CodeableConcept().setText(eui64 ? "IEEE EUI-64" : "IEEE 11073 MDS system id")));
        }
        String serial = unit.serialNumber();
        if (serial != null) {
            device.setSerialNumber(serial);
        }
        String manufacturer = unit.manufacturer();
        device.setManufacturer(manufacturer != null ? manufacturer : slot.manufacturer());
        String model = unit.model();
        if (model != null) {
            device.setModelNumber(model);
        }
        device.addDeviceName()
                .setName(slot.displayName() + ", " + (serial != null ? "serial " + serial : "system id " + systemId))
                .setType(Device.DeviceNameType.USERFRIENDLYNAME);
        device.setType(new CodeableConcept().setText(slot.deviceType()));
        device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        device.setParent(slotReference);
        return device;
    }
}
