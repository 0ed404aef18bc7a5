package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.UcumUnit;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ObservationMapperTest {
    private final UplinkSettings settings = ChartingPolicyTest.settings(Duration.ZERO);
    private final ObservationMapper mapper = new ObservationMapper(settings);
    private final DeviceContext device = ChartingPolicyTest.DEVICES.get(ChartingPolicyTest.DEVICE);

    private Observation map(NumericReading r) {
        ChartedMetric metric = ChartedMetric.of(r.metric()).orElseThrow();
        return mapper.observation(
                new Chartable(r, metric, r.deviceTime(), "icu-gw-1/" + r.key(), 1),
                device,
                new Reference("urn:uuid:d"));
    }

    @Test
    void anUnvalidatedValueIsChartedAsPreliminaryWithItsReasonAndItsValueUnchanged() {
        NumericReading r = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 0, "12");
        Observation o = mapper.observation(
                new Chartable(
                        r,
                        ChartedMetric.of(r.metric()).orElseThrow(),
                        r.deviceTime(),
                        "id",
                        1,
                        "Patient?identifier=urn:mrn|1001",
                        "outside the plausible range 50..100 configured for SpO2"),
                device,
                new Reference("urn:uuid:d"));
        assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.PRELIMINARY);
        assertThat(o.getNoteFirstRep().getText()).contains("50..100");
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("12");
        assertThat(o.getSubject().getReference()).isEqualTo("Patient?identifier=urn:mrn|1001");
    }

    @Test
    void anOxygenSaturationConformsToTheOxygenSaturationProfileShape() {
        Observation o = map(ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 0, "97"));
        assertThat(o.getMeta().getProfile())
                .extracting(p -> p.getValue())
                .containsExactly("http://hl7.org/fhir/StructureDefinition/oxygensat");
        assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
        assertThat(o.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
        assertThat(o.getCode().getCoding())
                .extracting(Coding::getSystem, Coding::getCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("http://loinc.org", "2708-6"),
                        org.assertj.core.groups.Tuple.tuple("http://loinc.org", "59408-5"),
                        org.assertj.core.groups.Tuple.tuple("urn:iso:std:iso:11073:10101", "150456"));
        assertThat(o.getSubject().getReference()).isEqualTo("Patient/demo-bed-12");
        assertThat(o.getDevice().getReference()).isEqualTo("urn:uuid:d");
        assertThat(o.getEffectiveDateTimeType().getValue().toInstant())
                .isEqualTo(Instant.parse("2026-11-22T09:59:59.700Z"));
        Quantity q = o.getValueQuantity();
        assertThat(q.getValue()).isEqualByComparingTo("97");
        assertThat(q.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(q.getCode()).isEqualTo("%");
        assertThat(o.getIdentifierFirstRep().getSystem()).isEqualTo("urn:bedside:observation");
        assertThat(o.getIdentifierFirstRep().getValue()).startsWith("icu-gw-1/bed12-spo2/150456/");
        assertThat(o.hasDataAbsentReason()).isFalse();
    }

    @Test
    void aPulseRateCarriesTheHeartRateCodeTheProfileFixesAndItsOwnCodes() {
        NumericReading pr = new NumericReading(
                ChartingPolicyTest.DEVICE,
                Metrics.PULSE_RATE_OXIMETRY,
                new BigDecimal("72"),
                UcumUnit.PER_MINUTE,
                Quality.VALID,
                ChartingPolicyTest.T0,
                ChartingPolicyTest.T0);
        Observation o = map(pr);
        assertThat(o.getMeta().getProfile().get(0).getValue())
                .isEqualTo("http://hl7.org/fhir/StructureDefinition/heartrate");
        assertThat(o.getCode().getCoding()).extracting(Coding::getCode).containsExactly("8867-4", "8889-8", "149530");
        assertThat(o.getValueQuantity().getCode()).isEqualTo("/min");
    }

    @Test
    void anInvalidValueIsNeverSentAsAValue() {
        NumericReading off = new NumericReading(
                ChartingPolicyTest.DEVICE,
                Metrics.SPO2,
                new BigDecimal("98"),
                UcumUnit.PERCENT,
                Quality.of(QualityFlag.INVALID, "sensor off (EXC 0x000020)"),
                ChartingPolicyTest.T0,
                ChartingPolicyTest.T0);
        Observation o = map(off);
        assertThat(o.hasValue()).isFalse();
        assertThat(o.getDataAbsentReason().getCodingFirstRep().getCode()).isEqualTo("error");
        assertThat(o.getNoteFirstRep().getText())
                .isEqualTo("No valid value: sensor off (EXC 0x000020) (device showed 98 %)");

        Observation missing = map(ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 0, null));
        assertThat(missing.getDataAbsentReason().getCodingFirstRep().getCode()).isEqualTo("unknown");
    }

    @Test
    void theDeviceIsIdentifiedByGatewayAndConfiguredName() {
        Device d = mapper.device(device);
        assertThat(d.getIdentifierFirstRep().getSystem()).isEqualTo("urn:bedside:device");
        assertThat(d.getIdentifierFirstRep().getValue()).isEqualTo("icu-gw-1/bed12-spo2");
        assertThat(d.getManufacturer()).isEqualTo("Masimo");
        assertThat(d.getDeviceNameFirstRep().getName()).isEqualTo("Bed 12 oximeter");
    }

    @Test
    void conditionalCreateQueriesAreUrlEncoded() {
        assertThat(FhirUploader.identifierQuery("urn:bedside:observation", "gw/a b|c"))
                .isEqualTo("identifier=urn%3Abedside%3Aobservation|gw%2Fa+b%7Cc");
        assertThat(FhirUploader.parseRetryAfter("120")).contains(Duration.ofSeconds(120));
        assertThat(FhirUploader.parseRetryAfter("soon")).isEmpty();
    }

    @Test
    void aBloodPressureIsOneObservationWithComponentsAsTheProfileAsks() {
        org.bedside.model.CompoundReading bp = new org.bedside.model.CompoundReading(
                ChartingPolicyTest.DEVICE,
                Metrics.NIBP,
                java.util.List.of(
                        new org.bedside.model.CompoundReading.Component(
                                Metrics.NIBP_SYSTOLIC, new BigDecimal("120"), UcumUnit.MM_HG, Quality.VALID),
                        new org.bedside.model.CompoundReading.Component(
                                Metrics.NIBP_DIASTOLIC, new BigDecimal("80"), UcumUnit.MM_HG, Quality.VALID),
                        new org.bedside.model.CompoundReading.Component(
                                Metrics.NIBP_MEAN, null, UcumUnit.MM_HG, Quality.notAvailable("not measured"))),
                ChartingPolicyTest.T0,
                ChartingPolicyTest.T0);
        ChartedMetric metric = ChartedMetric.of(Metrics.NIBP).orElseThrow();
        assertThat(ChartingPolicy.isValid(bp, metric)).isTrue();
        Observation o = mapper.observation(
                new Chartable(bp, metric, ChartingPolicyTest.T0, "id", 1), device, new Reference("urn:uuid:d"));
        assertThat(o.getMeta().getProfile().get(0).getValue()).isEqualTo("http://hl7.org/fhir/StructureDefinition/bp");
        assertThat(o.getCode().getCoding()).extracting(Coding::getCode).containsExactly("85354-9", "150020");
        assertThat(o.hasValue()).isFalse();
        assertThat(o.getComponent()).hasSize(3);
        assertThat(o.getComponent().get(0).getCode().getCoding())
                .extracting(Coding::getCode)
                .containsExactly("8480-6", "150021");
        assertThat(o.getComponent().get(0).getValueQuantity().getCode()).isEqualTo("mm[Hg]");
        assertThat(o.getComponent()
                        .get(2)
                        .getDataAbsentReason()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("unknown");
        assertThat(new Chartable(bp, metric, ChartingPolicyTest.T0, "id", 1).displayValue())
                .isEqualTo("120/80 (-)");

        org.bedside.model.CompoundReading noDiastolic = new org.bedside.model.CompoundReading(
                ChartingPolicyTest.DEVICE,
                Metrics.NIBP,
                java.util.List.of(
                        new org.bedside.model.CompoundReading.Component(
                                Metrics.NIBP_SYSTOLIC, new BigDecimal("120"), UcumUnit.MM_HG, Quality.VALID),
                        new org.bedside.model.CompoundReading.Component(
                                Metrics.NIBP_DIASTOLIC, null, UcumUnit.MM_HG, Quality.notAvailable("---"))),
                ChartingPolicyTest.T0,
                ChartingPolicyTest.T0);
        assertThat(ChartingPolicy.isValid(noDiastolic, metric)).isFalse();
    }

    private Observation mapPump(org.bedside.model.InfusionStatus pump, org.bedside.model.MetricCode metric) {
        ChartedMetric charted = ChartedMetric.ofInfusion(metric).orElseThrow();
        return mapper.observation(
                new Chartable(pump, charted, pump.receivedAt(), "icu-gw-1/" + pump.key() + "/" + metric.mdc(), 1),
                device,
                new Reference("urn:uuid:pump"));
    }

    @Test
    void aPumpsRateIsATherapyObservationWithItsMdcCodeUcumUnitStateAndDrugLabelNeverAVitalSign() {
        org.bedside.model.InfusionStatus pump = ChartingPolicyTest.pump("1-2", 0, "15.4", "58440");
        Observation o = mapPump(pump, org.bedside.model.InfusionMetrics.RATE);
        assertThat(o.getMeta().getProfile()).as("no vital-signs profile").isEmpty();
        assertThat(o.getCategory())
                .flatExtracting(c -> c.getCoding())
                .extracting(Coding::getSystem, Coding::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "http://terminology.hl7.org/CodeSystem/observation-category", "therapy"));
        assertThat(o.getCode().getCoding())
                .extracting(Coding::getSystem, Coding::getCode, Coding::getDisplay)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "urn:iso:std:iso:11073:10101", "157784", "MDC_FLOW_FLUID_PUMP"));
        assertThat(o.getCode().getText()).isEqualTo("Infusion rate, pump channel 1-2");
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("15.4");
        assertThat(o.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(o.getValueQuantity().getCode()).isEqualTo("mL/h");
        assertThat(o.getDevice().getReference()).isEqualTo("urn:uuid:pump");
        assertThat(o.getSubject().getReference()).isEqualTo("Patient/demo-bed-12");
        assertThat(o.getComponent()).hasSize(2);
        assertThat(o.getComponent().get(0).getCode().getCodingFirstRep().getCode())
                .isEqualTo("184519");
        assertThat(o.getComponent()
                        .get(0)
                        .getValueCodeableConcept()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("infusing");
        assertThat(o.getComponent().get(1).getCode().getCodingFirstRep().getCode())
                .isEqualTo("184514");
        assertThat(o.getComponent().get(1).getValueStringType().getValue()).isEqualTo("Dopamine");
        assertThat(o.getNoteFirstRep().getText()).contains("Dopamine").contains("not a medication record");

        Observation remaining = mapPump(pump, org.bedside.model.InfusionMetrics.REMAINING_TIME);
        assertThat(remaining.getValueQuantity().getValue())
                .as("the pump's seconds, not converted")
                .isEqualByComparingTo("58440");
        assertThat(remaining.getValueQuantity().getCode()).isEqualTo("s");
    }

    @Test
    void aPumpsNumberWithoutAValueIsSentWithoutOne() {
        Observation o = mapPump(
                ChartingPolicyTest.pump("1-1", 0, "5.00", null), org.bedside.model.InfusionMetrics.REMAINING_TIME);
        assertThat(o.hasValue()).isFalse();
        assertThat(o.getDataAbsentReason().getCodingFirstRep().getCode()).isEqualTo("unknown");
        assertThat(o.getNote()).extracting(n -> n.getText()).anyMatch(t -> t.contains("INRMT 65535"));
    }

    @Test
    void thePumpIsADeviceOfItsOwnWithItsSerialNumberAndTheRackAsParent() {
        org.bedside.model.InfusionStatus pump = ChartingPolicyTest.pump("1-2", 0, "15.4", null);
        Device d = mapper.pumpDevice(device, pump, null, new Reference("urn:uuid:rack"));
        assertThat(d.getIdentifierFirstRep().getSystem()).isEqualTo("urn:bedside:device");
        assertThat(d.getIdentifierFirstRep().getValue()).isEqualTo("icu-gw-1/bed12-spo2/infusion:1-2/36248");
        assertThat(d.getSerialNumber()).isEqualTo("36248");
        assertThat(d.getIdentifier())
                .as("a serial number is no identifier of the EUI-64 system")
                .hasSize(1);
        assertThat(d.getParent().getReference()).isEqualTo("urn:uuid:rack");
        assertThat(d.getDeviceNameFirstRep().getName()).isEqualTo("Bed 12 oximeter, pump channel 1-2");

        org.bedside.model.InfusionStatus noSerial = new org.bedside.model.InfusionStatus(
                pump.device(), "1-2", pump.state(), null, null, pump.values(), null, pump.receivedAt());
        assertThat(mapper.pumpDeviceIdentifier(device, noSerial, null)).isEqualTo("icu-gw-1/bed12-spo2/infusion:1-2");
        assertThat(mapper.pumpDevice(device, noSerial, null, new Reference("urn:uuid:rack"))
                        .hasSerialNumber())
                .isFalse();
    }

    /**
     * An {@code InfusionStatus} as PCD-10 in makes it from the IHE example M.1.2.2 (hl7 {@code Pcd10DecoderTest}):
     * channel {@code 1.1.2}, the remaining time in minutes, no serial number, the pump's EUI-64 as the record's unit, and
     * pump terms the uplink has no entry for. It is charted as B. Braun's is: therapy, never a vital sign; the other
     * terms are not charted; the EUI-64 is a Device identifier of the EUI-64 system, never a serial number.
     */
    @Test
    void aPcd10PumpIsChartedAsAPumpAndItsOtherTermsAreNot() {
        org.bedside.model.MetricCode doseRate =
                org.bedside.model.MetricCode.mdc(157924, "MDC_RATE_DOSE", null, "Dose rate");
        org.bedside.model.MetricCode weight =
                org.bedside.model.MetricCode.mdc(68063, "MDC_ATTR_PT_WEIGHT", null, "Patient weight");
        org.bedside.model.InfusionStatus pump = new org.bedside.model.InfusionStatus(
                ChartingPolicyTest.DEVICE,
                "1.1.2",
                org.bedside.model.InfusionStatus.State.INFUSING,
                "Dopamine",
                null,
                java.util.List.of(
                        new org.bedside.model.CompoundReading.Component(
                                org.bedside.model.InfusionMetrics.RATE,
                                new BigDecimal("15.4"),
                                new UcumUnit("mL/h", "mL/h"),
                                Quality.VALID),
                        new org.bedside.model.CompoundReading.Component(
                                doseRate,
                                new BigDecimal("5.00"),
                                new UcumUnit("ug/kg/min", "µg/kg/min"),
                                Quality.VALID),
                        new org.bedside.model.CompoundReading.Component(
                                org.bedside.model.InfusionMetrics.REMAINING_TIME,
                                new BigDecimal("974"),
                                new UcumUnit("min", "min"),
                                Quality.VALID),
                        new org.bedside.model.CompoundReading.Component(
                                weight, new BigDecimal("82.0"), new UcumUnit("kg", "kg"), Quality.VALID)),
                Instant.parse("2015-10-15T18:21:06Z"),
                ChartingPolicyTest.T0);

        assertThat(ChartedMetric.ofInfusion(doseRate))
                .as("no uplink entry: not charted")
                .isEmpty();
        assertThat(ChartedMetric.ofInfusion(weight))
                .as("a weight typed on a pump is no vital sign")
                .isEmpty();
        Observation rate = mapPump(pump, org.bedside.model.InfusionMetrics.RATE);
        assertThat(rate.getMeta().getProfile()).isEmpty();
        assertThat(rate.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("therapy");
        assertThat(rate.getCode().getText()).isEqualTo("Infusion rate, pump channel 1.1.2");
        Observation remaining = mapPump(pump, org.bedside.model.InfusionMetrics.REMAINING_TIME);
        assertThat(remaining.getValueQuantity().getValue()).isEqualByComparingTo("974");
        assertThat(remaining.getValueQuantity().getCode())
                .as("as the pump sent it")
                .isEqualTo("min");
        org.bedside.model.DeviceIdentity eui64 = new org.bedside.model.DeviceIdentity(
                ChartingPolicyTest.DEVICE, null, "00-12-21-00-00-00-00-00", null, null, null, ChartingPolicyTest.T0);
        assertThat(mapper.pumpDeviceIdentifier(device, pump, eui64))
                .isEqualTo("icu-gw-1/bed12-spo2/infusion:1.1.2/0012210000000000");
        Device d = mapper.pumpDevice(device, pump, eui64, new Reference("urn:uuid:rack"));
        assertThat(d.hasSerialNumber()).as("an EUI-64 is not a serial number").isFalse();
        assertThat(d.getIdentifier())
                .filteredOn(i -> i.getSystem().equals("urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680"))
                .singleElement()
                .satisfies(i -> assertThat(i.getValue()).isEqualTo("00-12-21-00-00-00-00-00"));
        org.bedside.model.DeviceIdentity sixOctets = new org.bedside.model.DeviceIdentity(
                ChartingPolicyTest.DEVICE, null, "00-09-FB-9B-B0-76", null, null, null, ChartingPolicyTest.T0);
        assertThat(mapper.pumpDevice(device, pump, sixOctets, new Reference("urn:uuid:rack"))
                        .getIdentifier())
                .as("six octets are no EUI-64: nothing of the EUI-64 system is made up from them")
                .hasSize(1);
    }
}
