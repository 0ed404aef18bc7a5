package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceStatus;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Reading;
import org.bedside.sim.bbraun.SpaceComSimulator;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulated B. Braun SpaceCom rack → pseudo-terminal (or its TCP port) → packaged gateway (driver {@code
 * bbraun-bcc}) → sandbox HAPI FHIR JPA server. The rack plays its script 10 s per poll of the gateway: 1-1 infuses
 * and changes its rate, 1-2 starts and occludes, 1-3 arrives nearly done, 1-2 leaves its slot. Every pump Observation
 * the buffer makes chartable arrives once and is valid on the server ({@code $validate}, zero errors), with the MDC
 * code and UCUM unit of its number; each names its pump's Device with the pump's serial; the occlusion is an alarm
 * event for the alarm engine (in the buffer); the gateway sent the rack nothing but reading requests. The script
 * follows the polls, not the clock, so a slow start of the gateway or a loaded machine cannot skip any of it.
 */
class PumpEndToEndIT {
    /** The numbers of a pump channel that are charted: rate, VTBI, volume infused, remaining time. */
    private static final Set<Integer> CHARTED_MDC = Set.of(157784, 157884, 157993, 157916);

    private static final Map<String, String> UNITS =
            Map.of("157784", "mL/h", "157884", "mL", "157993", "mL", "157916", "s");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(SpaceComSimulator.Transport.class)
    void theRacksPumpsArriveAsValidTherapyObservationsOfTheirDevicesAndAnOcclusionIsAnAlarm(
            SpaceComSimulator.Transport transport) throws Exception {
        String name = "pumps-" + transport.name().toLowerCase(java.util.Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        String gatewayId = name + "-gw";
        String device = name + "-rack";
        String patient = name + "-patient";
        FhirServer fhir = Sandbox.server();
        fhir.createPatient(patient);
        Files.createDirectories(dir);

        try (SpaceComSimulator rack = SpaceComSimulator.builder(device)
                .portDirectory(dir.resolve("serial"))
                .transport(transport)
                // The script moves 10 s with each of the gateway's polls (every second), not with the clock: a slow
                // start of the gateway, or a loaded machine, cannot skip the occlusion.
                .secondsPerPoll(10)
                .build()) {
            rack.start();
            // The order is explicit: the gateway starts only once the rack's pty link exists and its thread answers
            // (an earlier attempt started the gateway before the pty existed, and its first open failed).
            Await.until(
                    "the rack's pseudo-terminal " + rack.portPath() + " and its thread",
                    Duration.ofSeconds(10),
                    () -> Files.exists(rack.portPath()) && rack.isRunning());

            try (GatewayProcess gateway =
                    GatewayProcess.start(dir, config(gatewayId, device, patient, dir.resolve("data"), rack, fhir))) {
                // Script second 45 (polls 5 to 8 here): 1-2 occludes; second 90 (poll 9): it leaves its slot.
                try {
                    Await.until(
                            "1-2 occluded and then removed from its slot",
                            Duration.ofSeconds(40),
                            // slot 13 is filled at second 20 and stays; slot 12 is empty only from second 90
                            () -> rack.pumps().stream().anyMatch(p -> p.startsWith("13 "))
                                    && rack.pumps().stream().noneMatch(p -> p.startsWith("12 ")));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; rack: " + rack.pumps() + ", answered "
                            + rack.requestsAnswered() + "\n" + gateway.tail());
                }
                // The engine's alert for the occlusion: open for device-alarm-end-after (15 s) after its last report.
                String[] alarms = new String[1];
                Await.until("the alarm engine's alert for 1-2's occlusion", Duration.ofSeconds(30), () -> {
                    alarms[0] = gateway.get("/api/alarms");
                    return alarms[0] != null && alarms[0].contains("device:1-2:occlusion");
                });
                com.fasterxml.jackson.databind.JsonNode occlusion = null;
                for (com.fasterxml.jackson.databind.JsonNode a : new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(alarms[0])
                        .path("alerts")) {
                    if (a.path("condition").asText().equals("device:1-2:occlusion")) {
                        occlusion = a;
                    }
                }
                assertThat(occlusion).as(alarms[0]).isNotNull();
                assertThat(occlusion.path("device").asText()).isEqualTo(device);
                assertThat(occlusion.path("origin").asText()).isEqualToIgnoringCase("device");
                assertThat(occlusion.path("kind").asText()).isEqualToIgnoringCase("technical");
                assertThat(occlusion.path("text").asText()).contains("1-2");
                long answered = rack.requestsAnswered();
                Await.until("another poll", Duration.ofSeconds(10), () -> rack.requestsAnswered() > answered + 1);
                rack.stop();
                awaitDrained(gateway);
                gateway.stop();
            }
            assertThat(rack.requestsRefused())
                    .as("requests that were not reading requests")
                    .isZero();
        }

        // What the buffer holds decides what the server must hold: one Observation per charted number per reading.
        Set<String> expected = new HashSet<>();
        List<AlarmEvent> alarms = new ArrayList<>();
        List<DeviceStatus> statuses = new ArrayList<>();
        try (ChronicleReadingStore store =
                ChronicleReadingStore.open(dir.resolve("data").resolve("buffer"))) {
            for (StoredRecord r : store.readAll()) {
                assertThat(r.isReadable()).as("record %d", r.position()).isTrue();
                for (Reading reading : r.readings()) {
                    if (reading instanceof InfusionStatus pump) {
                        for (CompoundReading.Component v : pump.values()) {
                            if (CHARTED_MDC.contains(v.metric().mdc())) {
                                expected.add(gatewayId + "/" + reading.key() + "/"
                                        + v.metric().mdc());
                            }
                        }
                    } else if (reading instanceof AlarmEvent a) {
                        alarms.add(a);
                    } else if (reading instanceof DeviceStatus s) {
                        statuses.add(s);
                    }
                }
            }
        }
        assertThat(alarms)
                .as("the occlusion of 1-2 as an alarm event for the alarm engine")
                .anySatisfy(a -> {
                    assertThat(a.code()).isEqualTo("1-2:occlusion");
                    assertThat(a.kind()).isEqualTo(AlarmEvent.Kind.TECHNICAL);
                    assertThat(a.priority()).as("BCC carries no priority").isEqualTo(AlarmEvent.Priority.UNKNOWN);
                });
        assertThat(statuses)
                .extracting(DeviceStatus::detail)
                .anySatisfy(d -> assertThat(d).contains("pump 1-2").contains("removed from its slot"));

        List<Observation> observations = fhir.observations(patient);
        assertThat(Scene.identifiers(observations))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(observations).hasSizeGreaterThan(20);

        Map<String, Device> devices = new HashMap<>();
        Map<String, List<BigDecimal>> ratesBySerial = new HashMap<>();
        for (Observation o : observations) {
            OperationOutcome verdict = fhir.validate(o, "http://hl7.org/fhir/StructureDefinition/Observation");
            List<String> errors = verdict.getIssue().stream()
                    .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                            || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                    .map(i -> i.getDiagnostics() + " @ " + i.getLocation())
                    .toList();
            assertThat(errors).as(o.getIdentifierFirstRep().getValue()).isEmpty();

            assertThat(o.getMeta().getProfile())
                    .as("a pump is never a vital sign")
                    .isEmpty();
            assertThat(o.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("therapy");
            String mdc = o.getCode().getCodingFirstRep().getCode();
            assertThat(o.getCode().getCodingFirstRep().getSystem()).isEqualTo("urn:iso:std:iso:11073:10101");
            assertThat(UNITS).containsKey(mdc);
            if (o.hasValueQuantity()) {
                assertThat(o.getValueQuantity().getCode()).as(mdc).isEqualTo(UNITS.get(mdc));
                assertThat(o.getValueQuantity().getSystem()).isEqualTo("http://unitsofmeasure.org");
            } else {
                assertThat(o.hasDataAbsentReason()).as("no value, and says why").isTrue();
            }
            assertThat(o.getSubject().getReference()).isEqualTo("Patient/" + patient);

            String ref = o.getDevice().getReference();
            Device pump = devices.get(ref);
            if (pump == null) {
                pump = fhir.read(Device.class, ref);
                devices.put(ref, pump);
            }
            if (mdc.equals("157784") && o.hasValueQuantity()) {
                ratesBySerial
                        .computeIfAbsent(pump.getSerialNumber(), k -> new ArrayList<>())
                        .add(o.getValueQuantity().getValue());
            }
        }
        assertThat(devices.values())
                .extracting(Device::getSerialNumber)
                .as("the three pumps of the script, each a Device with its serial")
                .containsExactlyInAnyOrder("36248", "36311", "36502");
        assertThat(devices.values())
                .allSatisfy(d -> assertThat(d.getParent().getReference()).startsWith("Device/"));
        assertThat(devices.values())
                .extracting(d -> d.getParent().getReferenceElement().getIdPart())
                .as("one rack is every pump's parent")
                .containsOnly(devices.values()
                        .iterator()
                        .next()
                        .getParent()
                        .getReferenceElement()
                        .getIdPart());
        assertThat(ratesBySerial.get("36248"))
                .as("1-1 (Noradrenalin): 5 mL/h, then 8 mL/h from script second 30; nothing else")
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v).isIn(new BigDecimal("5.00"), new BigDecimal("8.00")))
                .contains(new BigDecimal("5.00"), new BigDecimal("8.00"));
    }

    private static String config(
            String gatewayId, String device, String patient, Path dataDir, SpaceComSimulator rack, FhirServer fhir) {
        return """
                gateway:
                  id: %s
                  patient: Patient/%s
                  data-dir: %s
                  devices:
                    %s:
                      driver: bbraun-bcc
                      port: %s
                      idle-timeout: 5s
                      reconnect-max-delay: 1s
                      options:
                        interval: 1s
                        timeout: 2s
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                    timeout: 10s
                  alarms:
                    # The occlusion lasts a few seconds at this test's pace: shorter than the 10 s a device's technical
                    # alarm must last by default before it is notified.
                    care-unit: pumps
                    care-units:
                      pumps:
                        device-alarm-delay: 0s
                        technical-delay: 0s
                """.formatted(gatewayId, patient, dataDir, device, rack.endpoint(), fhir.base());
    }

    private static void awaitDrained(GatewayProcess gateway) {
        Await.until("the gateway's buffer drained", Duration.ofSeconds(60), () -> {
            String status = gateway.get("/api/status");
            return status != null
                    && status.contains("\"pendingRecords\":0,")
                    && status.contains("\"state\":\"ONLINE\"");
        });
    }
}
