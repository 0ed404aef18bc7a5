package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bedside.drivers.testing.Await;
import org.bedside.model.Metrics;
import org.bedside.sim.SimulatedDevice;
import org.bedside.sim.gedri.GeDriSimulator;
import org.bedside.sim.medibus.MedibusSimulator;
import org.bedside.sim.nonin.NoninSimulator;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.serial.SerialDeviceSimulator;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each of the other simulated devices → pseudo-terminal → packaged gateway → sandbox HAPI FHIR JPA server: every
 * Observation is valid against its FHIR vital-signs profile, each charted metric arrives, and the values charted are
 * values the simulator sent.
 */
class MoreDriversEndToEndIT {
    @TempDir
    Path dir;

    /**
     * A device under test: its bed, how many Observations to wait for, the MDC codes that must all be charted, and what
     * the simulator sent as {@code <mdc>=<value>} strings (the values any valid Observation of those codes must have).
     */
    record Case(
            String name,
            Scene.Bedside bedside,
            int observations,
            Set<String> mustChart,
            Function<SimulatedDevice, Set<String>> sent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> devices() {
        return Stream.of(
                Arguments.of(new Case(
                        "ge-dri",
                        new Scene.Bedside(
                                "ge-dri",
                                "monitor",
                                Map.of("interval", "1s"),
                                Set.of(
                                        Metrics.HEART_RATE_ECG.mdc(),
                                        Metrics.RESPIRATION_RATE.mdc(),
                                        Metrics.NIBP.mdc(),
                                        Metrics.TEMPERATURE.mdc(),
                                        Metrics.SPO2.mdc(),
                                        Metrics.PULSE_RATE_OXIMETRY.mdc(),
                                        Metrics.END_TIDAL_CO2.mdc()),
                                (device, ports) -> GeDriSimulator.builder(device, Scenarios.parse("desaturation"))
                                        .period(Duration.ofMillis(250))
                                        .portDirectory(ports)
                                        .build()),
                        70,
                        Set.of("147842", "151562", "150020", "150344", "150456", "149530", "151728"),
                        MoreDriversEndToEndIT::sentByMonitor)),
                Arguments.of(new Case(
                        "nonin-df13",
                        new Scene.Bedside(
                                "nonin-df13",
                                "spo2",
                                Map.of(),
                                Set.of(Metrics.SPO2.mdc(), Metrics.PULSE_RATE_OXIMETRY.mdc()),
                                (device, ports) -> NoninSimulator.builder(device, Scenarios.parse("desaturation"))
                                        .period(Duration.ofMillis(100))
                                        .portDirectory(ports)
                                        .build()),
                        60,
                        Set.of("150456", "149530"),
                        MoreDriversEndToEndIT::sentByOximeter)),
                Arguments.of(new Case(
                        "medibus",
                        new Scene.Bedside(
                                "medibus",
                                "vent",
                                Map.of("interval", "1s"),
                                Set.of(
                                        Metrics.SPO2.mdc(),
                                        Metrics.PULSE_RATE_OXIMETRY.mdc(),
                                        Metrics.END_TIDAL_CO2.mdc()),
                                (device, ports) -> MedibusSimulator.builder(device, Scenarios.parse("desaturation"))
                                        .portDirectory(ports)
                                        .build()),
                        30,
                        Set.of("150456", "149530", "151728"),
                        MoreDriversEndToEndIT::sentByVentilator)));
    }

    private static Set<String> sentByVentilator(SimulatedDevice device) {
        Set<String> sent = new HashSet<>();
        ((MedibusSimulator) device).emittedFrames().forEach(f -> {
            sent.add("150456=" + f.values().vitals().spo2());
            sent.add("149530=" + f.values().vitals().pulseRate());
            sent.add("151728=" + f.values().etco2MmHg());
        });
        return sent;
    }

    private static Set<String> sentByMonitor(SimulatedDevice device) {
        Set<String> sent = new HashSet<>();
        ((GeDriSimulator) device).emittedFrames().forEach(f -> {
            sent.add("147842=" + f.values().heartRate());
            sent.add("150456=" + f.values().spo2());
            sent.add("149530=" + f.values().pulseRate());
        });
        return sent;
    }

    private static Set<String> sentByOximeter(SimulatedDevice device) {
        Set<String> sent = new HashSet<>();
        ((NoninSimulator) device).emittedFrames().forEach(f -> {
            sent.add("150456=" + f.values().spo2());
            sent.add("149530=" + f.values().pulseRate());
        });
        return sent;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void theDevicesReadingsArriveAsObservationsValidAgainstTheVitalSignsProfiles(Case c) throws Exception {
        try (Scene scene = new Scene("e2e-" + c.name(), dir, c.bedside())) {
            scene.device.start();
            scene.startGateway("every-reading");
            Await.until(
                    c.observations() + " observations on the server",
                    Duration.ofSeconds(90),
                    () -> count(scene) >= c.observations());
            scene.device.stop();
            scene.awaitDrained(Duration.ofSeconds(120));
            scene.gateway.stop();

            List<Observation> observations = scene.fhir.observations(scene.patient());
            assertThat(Scene.identifiers(observations))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(scene.expectedIdentifiers());

            Set<String> charted = new HashSet<>();
            for (Observation o : observations) {
                String profile = o.getMeta().getProfile().get(0).getValue();
                OperationOutcome verdict = scene.fhir.validate(o, profile);
                List<String> errors = verdict.getIssue().stream()
                        .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                                || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                        .map(i -> i.getDiagnostics() + " @ " + i.getLocation())
                        .toList();
                assertThat(errors)
                        .as("%s against %s", o.getIdentifierFirstRep().getValue(), profile)
                        .isEmpty();
                o.getCode().getCoding().stream()
                        .filter(x -> x.getSystem().equals("urn:iso:std:iso:11073:10101"))
                        .forEach(x -> charted.add(x.getCode()));
                assertThat(o.getSubject().getReference()).isEqualTo("Patient/" + scene.patient());
            }
            assertThat(charted).containsAll(c.mustChart());
            assertChartedOnlyWhatWasSent(c.sent().apply(scene.device), observations);
            if (scene.device instanceof GeDriSimulator ge) {
                assertChartedWhatTheMonitorSent(ge, observations);
            }
        }
    }

    /** Nothing invented: each valid heart rate and NIBP charted is what the monitor sent at that time. */
    private static void assertChartedWhatTheMonitorSent(
            SerialDeviceSimulator<MonitorVitals> sim, List<Observation> observations) {
        Set<String> sent = new HashSet<>();
        sim.emittedFrames().forEach(f -> {
            Instant t = f.deviceTime().atZone(ZoneId.systemDefault()).toInstant();
            sent.add(t + " hr=" + f.values().heartRate());
            sent.add(t + " nibp=" + f.values().nibpSystolic() + "/" + f.values().nibpDiastolic());
        });
        int checked = 0;
        for (Observation o : observations) {
            Instant t = o.getEffectiveDateTimeType().getValue().toInstant();
            String mdc = o.getCode().getCoding().stream()
                    .filter(x -> x.getSystem().equals("urn:iso:std:iso:11073:10101"))
                    .findFirst()
                    .orElseThrow()
                    .getCode();
            if (mdc.equals("147842") && o.hasValueQuantity()) {
                assertThat(sent)
                        .contains(t + " hr=" + o.getValueQuantity().getValue().intValueExact());
                checked++;
            } else if (mdc.equals("150020") && o.getComponent().get(0).hasValueQuantity()) {
                BigDecimal sys = o.getComponent().get(0).getValueQuantity().getValue();
                BigDecimal dia = o.getComponent().get(1).getValueQuantity().getValue();
                assertThat(sent).contains(t + " nibp=" + sys.intValueExact() + "/" + dia.intValueExact());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    /** Every valid value charted for a code the simulator's log covers is one it sent. */
    private static void assertChartedOnlyWhatWasSent(Set<String> sent, List<Observation> observations) {
        Set<String> codes = new HashSet<>();
        sent.forEach(s -> codes.add(s.substring(0, s.indexOf('='))));
        int checked = 0;
        for (Observation o : observations) {
            String mdc = mdc(o);
            if (codes.contains(mdc) && o.hasValueQuantity()) {
                assertThat(sent)
                        .contains(mdc + "=" + o.getValueQuantity().getValue().toBigInteger());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    private static String mdc(Observation o) {
        return o.getCode().getCoding().stream()
                .filter(x -> x.getSystem().equals("urn:iso:std:iso:11073:10101"))
                .findFirst()
                .orElseThrow()
                .getCode();
    }

    private static int count(Scene scene) {
        try {
            return scene.fhir.countObservations(scene.patient());
        } catch (Exception e) {
            return -1;
        }
    }
}
