package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.bedside.buffer.StoredRecord;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * The physical monitor behind a configured device (issue 12): a monitor that named itself in a record is a Device of its
 * own, child of the slot's, and the Observations of that record name it; a record that names no monitor is charted to
 * the slot alone, as before, and is never lent the monitor of another record.
 */
class MonitorUnitDeviceTest {
    private final UplinkSettings settings = ChartingPolicyTest.settings(Duration.ZERO);
    private final ObservationMapper mapper = new ObservationMapper(settings);
    private final DeviceContext slot = ChartingPolicyTest.DEVICES.get(ChartingPolicyTest.DEVICE);
    private long position;

    private static DeviceIdentity masimo(String serial, Reading of) {
        return new DeviceIdentity(of.device(), serial, null, null, null, of.deviceTime(), of.receivedAt());
    }

    private StoredRecord record(Reading... readings) {
        return new StoredRecord(++position, List.of(readings), null);
    }

    @Test
    void aMonitorWithASerialNumberIsTheSlotsChildDeviceWithItAndTheSlotsManufacturer() {
        NumericReading r = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 0, "97");
        Device d = mapper.unitDevice(slot, masimo("0000056661", r), new org.hl7.fhir.r4.model.Reference("urn:uuid:s"));
        assertThat(d.getIdentifier()).singleElement().satisfies(i -> {
            assertThat(i.getSystem()).isEqualTo("urn:bedside:device");
            assertThat(i.getValue()).isEqualTo("icu-gw-1/bed12-spo2/unit/sn-0000056661");
        });
        assertThat(d.getSerialNumber()).isEqualTo("0000056661");
        assertThat(d.getManufacturer())
                .as("the line does not name it: the slot's")
                .isEqualTo("Masimo");
        assertThat(d.hasModelNumber())
                .as("the line does not carry it: not made up")
                .isFalse();
        assertThat(d.getParent().getReference()).isEqualTo("urn:uuid:s");
        assertThat(d.getDeviceNameFirstRep().getName()).isEqualTo("Bed 12 oximeter, serial 0000056661");
        assertThat(d.getDeviceNameFirstRep().getType()).isEqualTo(Device.DeviceNameType.USERFRIENDLYNAME);
        assertThat(d.getType().getText()).isEqualTo("Pulse oximeter");
        assertThat(d.getStatus()).isEqualTo(Device.FHIRDeviceStatus.ACTIVE);
    }

    @Test
    void aMonitorKnownByItsSystemIdHasItAsAnIdentifierItsModelAndNoSerialNumber() {
        DeviceIdentity mx800 = new DeviceIdentity(
                ChartingPolicyTest.DEVICE, null, "00-09-FB-9B-B0-76", "Philips", "M8000", null, ChartingPolicyTest.T0);
        Device d = mapper.unitDevice(slot, mx800, new org.hl7.fhir.r4.model.Reference("urn:uuid:s"));
        assertThat(d.getIdentifier())
                .extracting(i -> i.getSystem() + "|" + i.getValue())
                .containsExactly(
                        "urn:bedside:device|icu-gw-1/bed12-spo2/unit/sysid-00-09-FB-9B-B0-76",
                        "urn:bedside:mds-system-id|00-09-FB-9B-B0-76");
        assertThat(d.getIdentifier().get(1).getType().getText()).isEqualTo("IEEE 11073 MDS system id");
        assertThat(d.hasSerialNumber()).as("a system id is not a serial number").isFalse();
        assertThat(d.getManufacturer()).isEqualTo("Philips");
        assertThat(d.getModelNumber()).isEqualTo("M8000");
        assertThat(d.getDeviceNameFirstRep().getName()).isEqualTo("Bed 12 oximeter, system id 00-09-FB-9B-B0-76");
    }

    @Test
    void aSystemIdOfEightOctetsIsAnEui64OfTheEui64System() {
        DeviceIdentity eui64 = new DeviceIdentity(
                ChartingPolicyTest.DEVICE, null, "00-12-21-00-00-00-00-00", null, null, null, ChartingPolicyTest.T0);
        Device d = mapper.unitDevice(slot, eui64, new org.hl7.fhir.r4.model.Reference("urn:uuid:s"));
        assertThat(d.getIdentifier())
                .extracting(i -> i.getSystem() + "|" + i.getValue())
                .containsExactly(
                        "urn:bedside:device|icu-gw-1/bed12-spo2/unit/sysid-00-12-21-00-00-00-00-00",
                        "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680|00-12-21-00-00-00-00-00");
        assertThat(d.getIdentifier().get(1).getType().getText()).isEqualTo("IEEE EUI-64");
        assertThat(d.hasSerialNumber()).isFalse();
    }

    @Test
    void theChartingPolicyTakesTheMonitorOfTheReadingsOwnRecordOnly() {
        ChartingPolicy p = new ChartingPolicy(settings, ChartingPolicyTest.DEVICES::get);
        NumericReading first = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 0, "97");
        NumericReading unnamed = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 1, "96");
        NumericReading swapped = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 2, "95");
        List<Chartable> out = new ArrayList<>();
        out.addAll(p.accept(record(first, masimo("0000056661", first))));
        out.addAll(p.accept(record(unnamed)));
        out.addAll(p.accept(record(swapped, masimo("0000012345", swapped))));
        assertThat(out)
                .extracting(c -> c.unit() == null ? "none" : c.unit().serialNumber())
                .containsExactly("0000056661", "none", "0000012345");
    }

    @Test
    void anIntervalKeepsTheMonitorOfTheValueItCharts() {
        ChartingPolicy p =
                new ChartingPolicy(ChartingPolicyTest.settings(Duration.ofMinutes(1)), ChartingPolicyTest.DEVICES::get);
        NumericReading early = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 1, "97");
        NumericReading late = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 30, "95");
        NumericReading next = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 61, "94");
        p.accept(record(early, masimo("0000056661", early)));
        p.accept(record(late, masimo("0000012345", late)));
        List<Chartable> out = p.accept(record(next));
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.reading()).isEqualTo(late);
            assertThat(c.unit().serialNumber()).isEqualTo("0000012345");
        });
    }

    private Bundle bundle(List<Chartable> part) {
        FhirSink sink = new FhirSink(settings, ChartingPolicyTest.DEVICES, InstantSource.system());
        return sink.bundle(part);
    }

    private static List<Device> devices(Bundle b) {
        return b.getEntry().stream()
                .filter(e -> e.getResource() instanceof Device)
                .map(e -> (Device) e.getResource())
                .toList();
    }

    private static String fullUrlOf(Bundle b, String identifier) {
        return b.getEntry().stream()
                .filter(e -> e.getResource() instanceof Device d
                        && d.getIdentifierFirstRep().getValue().equals(identifier))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Device " + identifier))
                .getFullUrl();
    }

    @Test
    void observationsNameTheMonitorThatTookThemAndAnotherMonitorInTheSlotIsAnotherDevice() {
        ChartingPolicy p = new ChartingPolicy(settings, ChartingPolicyTest.DEVICES::get);
        NumericReading first = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 0, "97");
        NumericReading unnamed = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 1, "96");
        NumericReading swapped = ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 2, "95");
        List<Chartable> part = new ArrayList<>();
        part.addAll(p.accept(record(first, masimo("0000056661", first))));
        part.addAll(p.accept(record(unnamed)));
        part.addAll(p.accept(record(swapped, masimo("0000012345", swapped))));

        Bundle b = bundle(part);
        assertThat(devices(b))
                .extracting(d -> d.getIdentifierFirstRep().getValue())
                .containsExactly(
                        "icu-gw-1/bed12-spo2",
                        "icu-gw-1/bed12-spo2/unit/sn-0000056661",
                        "icu-gw-1/bed12-spo2/unit/sn-0000012345");
        String slotUrl = fullUrlOf(b, "icu-gw-1/bed12-spo2");
        String firstUrl = fullUrlOf(b, "icu-gw-1/bed12-spo2/unit/sn-0000056661");
        String swappedUrl = fullUrlOf(b, "icu-gw-1/bed12-spo2/unit/sn-0000012345");
        assertThat(firstUrl).isNotEqualTo(swappedUrl).startsWith("urn:uuid:");
        assertThat(devices(b).subList(1, 3))
                .allSatisfy(d -> assertThat(d.getParent().getReference()).isEqualTo(slotUrl));
        // each Device is a conditional create on its own identifier: one identifier never stands for two monitors
        assertThat(b.getEntry().subList(0, 3))
                .extracting(e -> e.getRequest().getIfNoneExist())
                .containsExactly(
                        "identifier=urn%3Abedside%3Adevice|icu-gw-1%2Fbed12-spo2",
                        "identifier=urn%3Abedside%3Adevice|icu-gw-1%2Fbed12-spo2%2Funit%2Fsn-0000056661",
                        "identifier=urn%3Abedside%3Adevice|icu-gw-1%2Fbed12-spo2%2Funit%2Fsn-0000012345");

        List<Observation> observations = b.getEntry().stream()
                .filter(e -> e.getResource() instanceof Observation)
                .map(e -> (Observation) e.getResource())
                .toList();
        assertThat(observations)
                .extracting(o -> o.getDevice().getReference())
                .containsExactly(firstUrl, slotUrl, swappedUrl);
    }

    @Test
    void withoutAnyIdentityTheBundleIsAsBeforeTheSlotAlone() {
        ChartingPolicy p = new ChartingPolicy(settings, ChartingPolicyTest.DEVICES::get);
        List<Chartable> part = p.accept(record(ChartingPolicyTest.spo2(ChartingPolicyTest.DEVICE, 0, "97")));
        Bundle b = bundle(part);
        assertThat(devices(b)).singleElement().satisfies(d -> {
            assertThat(d.getIdentifierFirstRep().getValue()).isEqualTo("icu-gw-1/bed12-spo2");
            assertThat(d.hasSerialNumber()).isFalse();
            assertThat(d.hasParent()).isFalse();
        });
    }
}
