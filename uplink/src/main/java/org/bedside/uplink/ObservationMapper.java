package org.bedside.uplink;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.util.Date;
import org.bedside.model.NumericReading;
import org.bedside.model.QualityFlag;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Pure mapping from a chosen reading to a FHIR R4 Observation, and from a configured device to a FHIR Device. No I/O,
 * no clock.
 *
 * <p>The Observation: {@code meta.profile} names the vital-signs profile it conforms to; {@code identifier} is the
 * deterministic one the conditional create matches on; {@code category} vital-signs; {@code code} LOINC (the profile's
 * fixed code first) plus MDC; {@code subject} the associated patient; {@code effectiveDateTime} the charting time;
 * {@code valueQuantity} in UCUM with the device's precision; {@code device} the monitor. A value the device marked
 * invalid is not sent as a value: it becomes a {@code dataAbsentReason} and the device's reason goes in a note.
 */
final class ObservationMapper {
    static final String LOINC = "http://loinc.org";
    static final String MDC = "urn:iso:std:iso:11073:10101";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    private final UplinkSettings settings;

    ObservationMapper(UplinkSettings settings) {
        this.settings = settings;
    }

    Observation observation(Chartable c, DeviceContext device, Reference deviceReference) {
        NumericReading r = c.reading();
        Observation o = new Observation();
        o.getMeta().addProfile(c.metric().profile());
        o.addIdentifier(new Identifier().setSystem(settings.identifierSystem()).setValue(c.identifier()));
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, "vital-signs", "Vital Signs")));

        CodeableConcept code = new CodeableConcept();
        for (ChartedMetric.Loinc loinc : c.metric().profileCodes()) {
            code.addCoding(new Coding(LOINC, loinc.code(), loinc.display()));
        }
        code.addCoding(
                new Coding(MDC, Integer.toString(r.metric().mdc()), r.metric().refId()));
        code.setText(r.metric().label());
        o.setCode(code);

        o.setSubject(new Reference(device.patientReference()));
        o.setEffective(new DateTimeType(
                Date.from(c.effective()), TemporalPrecisionEnum.MILLI, java.util.TimeZone.getTimeZone("UTC")));
        o.setDevice(deviceReference);

        if (r.isValid()) {
            o.setValue(new Quantity()
                    .setValue(r.value())
                    .setUnit(r.unit().display())
                    .setSystem(UCUM)
                    .setCode(r.unit().code()));
            if (r.quality().has(QualityFlag.QUESTIONABLE)) {
                o.addNote().setText("Questionable: " + r.quality().reason());
            }
        } else {
            String reason = r.quality().has(QualityFlag.NOT_AVAILABLE) && r.value() == null ? "unknown" : "error";
            o.setDataAbsentReason(new CodeableConcept(new Coding(DATA_ABSENT_SYSTEM, reason, null)));
            String shown = r.value() == null
                    ? ""
                    : " (device showed " + r.value().toPlainString() + " "
                            + r.unit().code() + ")";
            o.addNote().setText("No valid value: " + r.quality().reason() + shown);
        }
        return o;
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
}
