package org.bedside.uplink;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.util.Date;
import java.util.TimeZone;
import org.bedside.model.CompoundReading;
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
 */
final class ObservationMapper {
    static final String LOINC = "http://loinc.org";
    static final String MDC = "urn:iso:std:iso:11073:10101";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
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
        o.getMeta().addProfile(c.metric().profile());
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
        o.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, "vital-signs", "Vital Signs")));

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
}
