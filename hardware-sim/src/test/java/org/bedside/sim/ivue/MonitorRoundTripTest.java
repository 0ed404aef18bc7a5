package org.bedside.sim.ivue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.drivers.ivue.IntelliVueSerialDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DecodeResult;
import org.bedside.drivers.spi.DeviceSession;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.spi.FrameDecoder;
import org.bedside.drivers.spi.FrameSink;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.sim.scenario.VitalSigns;
import org.junit.jupiter.api.Test;

/**
 * The simulated monitor's encoder through the real driver, with no threads and no link: the driver's session talks to
 * {@link SimulatedMonitor} over the serial framing, on a fake clock. What the session decodes is what the monitor
 * showed.
 */
class MonitorRoundTripTest {
    private static final long SECOND = 1_000_000_000L;
    private static final LocalDateTime WALL = LocalDateTime.of(2026, 11, 22, 10, 0, 0);
    private static final org.bedside.drivers.spi.DemographicsFingerprint KEY =
            org.bedside.drivers.spi.DemographicsFingerprint.withKey(new byte[32]);

    /** The gateway side (session + serial framer) wired to the monitor. */
    private static final class Wire {
        final SimulatedMonitor monitor;
        final DeviceSession session;
        final FrameDecoder hostFramer;
        final FrameDecoder monitorFramer;
        final List<Reading> readings = new ArrayList<>();
        final List<DecodeFailure> failures = new ArrayList<>();
        long now;

        Wire(Scenario scenario, Map<String, String> options, int nibpEvery) {
            this(scenario, options, nibpEvery, Duration.ZERO);
        }

        Wire(Scenario scenario, Map<String, String> options, int nibpEvery, Duration latchResetAfter) {
            IntelliVueSerialDriver driver = new IntelliVueSerialDriver();
            DriverOptions o = DriverOptions.parse(driver.info(), options);
            session = driver.newSession(DeviceId.of("bed7"), o, KEY);
            hostFramer = driver.newFrameDecoder(o);
            monitorFramer = driver.newFrameDecoder(o); // the monitor's side reads our frames with the same framing
            monitor = new SimulatedMonitor(
                    scenario, Duration.ofSeconds(1), nibpEvery, () -> WALL.plusNanos(now), 0, 1000, latchResetAfter);
        }

        void start() throws IOException {
            session.start(this::toMonitor, now);
        }

        private void toMonitor(byte[] framed) {
            monitorFramer.feed(ByteBuffer.wrap(framed), new FrameSink() {
                @Override
                public void frame(ByteBuffer frame) {
                    byte[] userData = new byte[frame.remaining()];
                    frame.get(userData);
                    deliver(monitor.onMessage(userData, now));
                }

                @Override
                public void failure(DecodeFailure failure) {
                    throw new AssertionError("the gateway sent a bad frame: " + failure);
                }
            });
        }

        private void deliver(List<byte[]> messages) {
            for (byte[] m : messages) {
                hostFramer.feed(ByteBuffer.wrap(MonitorWire.serialFrame(m, false)), new FrameSink() {
                    @Override
                    public void frame(ByteBuffer frame) {
                        try {
                            DecodeResult r = session.onFrame(frame, Instant.EPOCH.plusNanos(now), now);
                            if (r instanceof DecodeResult.Decoded d) {
                                readings.addAll(d.readings());
                            } else {
                                failures.add((DecodeFailure) r);
                            }
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }

                    @Override
                    public void failure(DecodeFailure failure) {
                        failures.add(failure);
                    }
                });
            }
        }

        void runFor(long seconds) throws IOException {
            long end = now + seconds * SECOND;
            while (now < end) {
                now += SECOND / 10;
                deliver(monitor.onTick(now));
                session.onTick(now);
            }
        }
    }

    @Test
    void whatTheMonitorShowsIsWhatTheDriverDecodes() throws IOException {
        Scenario scenario = Scenarios.parse("desaturation");
        Wire w = new Wire(scenario, Map.of("device-time-zone", "UTC"), 60);
        w.start();
        w.runFor(200);

        assertThat(w.failures).isEmpty();
        assertThat(w.monitor.associations()).isEqualTo(1);
        assertThat(w.monitor.drops()).as("the keep-alive kept the association").isZero();
        List<SimulatedMonitor.Shown> shown = w.monitor.shown();
        assertThat(shown).hasSizeGreaterThan(190);

        List<NumericReading> spo2 = numerics(w.readings, Metrics.SPO2.mdc());
        List<NumericReading> hr = numerics(w.readings, Metrics.HEART_RATE_ECG.mdc());
        List<NumericReading> pulse = numerics(w.readings, Metrics.PULSE_RATE_OXIMETRY.mdc());
        List<NumericReading> rr = numerics(w.readings, Metrics.RESPIRATION_RATE.mdc());
        List<NumericReading> temp = numerics(w.readings, Metrics.TEMPERATURE.mdc());
        assertThat(spo2).hasSameSizeAs(shown);
        for (int i = 0; i < shown.size(); i++) {
            VitalSigns v = shown.get(i).vitals();
            assertThat(spo2.get(i).value()).isEqualByComparingTo(BigDecimal.valueOf(v.spo2()));
            assertThat(hr.get(i).value()).isEqualByComparingTo(BigDecimal.valueOf(v.heartRate()));
            assertThat(pulse.get(i).value()).isEqualByComparingTo(BigDecimal.valueOf(v.pulseRate()));
            assertThat(rr.get(i).value()).isEqualByComparingTo(BigDecimal.valueOf(v.respirationRate()));
            assertThat(temp.get(i).value())
                    .isEqualTo(BigDecimal.valueOf(v.temperature()).setScale(1));
            // device time from the MDS create baseline and the result's RelativeTime: the monitor's clock then
            assertThat(spo2.get(i).deviceTime()).isEqualTo(shown.get(i).time().toInstant(ZoneOffset.UTC));
        }

        // one NIBP per measurement (seconds 0, 60, 120, 180), though every result repeats the last one
        List<CompoundReading> nibp = w.readings.stream()
                .filter(CompoundReading.class::isInstance)
                .map(CompoundReading.class::cast)
                .toList();
        assertThat(nibp).hasSize(4);
        VitalSigns atSixty = scenario.at(60);
        assertThat(nibp.get(1).metric()).isEqualTo(Metrics.NIBP);
        assertThat(nibp.get(1).component(Metrics.NIBP_SYSTOLIC).orElseThrow().value())
                .isEqualByComparingTo(BigDecimal.valueOf(atSixty.nibpSystolic()));
        assertThat(nibp.get(1).component(Metrics.NIBP_DIASTOLIC).orElseThrow().value())
                .isEqualByComparingTo(BigDecimal.valueOf(atSixty.nibpDiastolic()));
        assertThat(nibp.get(1).component(Metrics.NIBP_MEAN).orElseThrow().value())
                .isEqualByComparingTo(BigDecimal.valueOf(atSixty.nibpMean()));

        // the desaturation crosses 90 % and 85 %: SpO2 low alarms, medium then high priority
        List<AlarmEvent> alarms = w.readings.stream()
                .filter(AlarmEvent.class::isInstance)
                .map(AlarmEvent.class::cast)
                .toList();
        assertThat(alarms).extracting(AlarmEvent::text).contains("**SpO2 Low");
        assertThat(alarms)
                .filteredOn(a -> a.text().equals("**SpO2 Low"))
                .extracting(AlarmEvent::priority)
                .contains(AlarmEvent.Priority.MEDIUM, AlarmEvent.Priority.HIGH);
        assertThat(alarms).allSatisfy(a -> {
            assertThat(a.kind()).isEqualTo(AlarmEvent.Kind.PHYSIOLOGICAL);
            assertThat(a.source()).isEqualTo(Metrics.SPO2);
            assertThat(a.state()).isEqualTo(AlarmEvent.State.ACTIVE);
        });
        assertThat(w.readings).noneMatch(WaveformSegment.class::isInstance);
    }

    @Test
    void asystoleIsTheMonitorsHighPriorityAlarmAndTheGatewayRaisesItWithoutDelay() throws IOException {
        Wire w = new Wire(Scenarios.parse("asystole"), Map.of(), 300);
        w.start();
        w.runFor(90);
        assertThat(w.failures).isEmpty();

        List<AlarmEvent> asystole = w.readings.stream()
                .filter(AlarmEvent.class::isInstance)
                .map(AlarmEvent.class::cast)
                .filter(a -> a.text().equals("***Asystole"))
                .toList();
        assertThat(asystole).hasSizeBetween(15, 21); // one per push during the 20 s of the arrest
        AlarmEvent first = asystole.get(0);
        assertThat(first.priority()).isEqualTo(AlarmEvent.Priority.HIGH);
        assertThat(first.kind()).isEqualTo(AlarmEvent.Kind.PHYSIOLOGICAL);
        assertThat(first.code()).isEqualTo("p-4182-0c04"); // NOM_EVT_ECG_ASYSTOLE from the ECG heart rate
        assertThat(numerics(w.readings, Metrics.HEART_RATE_ECG.mdc()))
                .anySatisfy(hr -> assertThat(hr.value()).isEqualByComparingTo("0"));

        // The gateway's engine, on the readings as the driver decoded them, with the shipped default policy (15 s
        // delays): the monitor's asystole is notified on its first report, never delayed, and so is the heart rate 0.
        org.bedside.alarms.AlarmEngine engine =
                new org.bedside.alarms.AlarmEngine(org.bedside.alarms.AlarmPolicy.defaults());
        List<org.bedside.model.AlertReport> out = new ArrayList<>();
        for (Reading r : w.readings) {
            out.addAll(engine.accept(r));
        }
        List<org.bedside.model.AlertReport> starts = out.stream()
                .filter(a -> a.phase() == org.bedside.model.AlertReport.Phase.START)
                .toList();
        assertThat(starts)
                .filteredOn(a -> a.condition().equals("device:p-4182-0c04"))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.receivedAt()).isEqualTo(first.receivedAt());
                    assertThat(a.priority()).isEqualTo(org.bedside.model.AlertReport.Priority.HIGH);
                    assertThat(a.detail()).contains("not delayed");
                    assertThat(a.text()).contains("Asystole");
                });
        NumericReading firstZero = numerics(w.readings, Metrics.HEART_RATE_ECG.mdc()).stream()
                .filter(hr -> hr.value() != null && hr.value().signum() == 0)
                .findFirst()
                .orElseThrow();
        assertThat(starts)
                .filteredOn(a -> a.condition().equals("147842-low"))
                .singleElement()
                .satisfies(a -> assertThat(a.receivedAt()).isEqualTo(firstZero.receivedAt()));
    }

    @Test
    void aLatchedAsystoleReachesTheEngineLatchedAndIsResetWhenTheMonitorNoLongerListsIt() throws IOException {
        // the monitor latches red alarms; a clinician resets the asystole at the monitor 30 s after the heart restarts
        Wire w = new Wire(Scenarios.parse("asystole"), Map.of(), 300, Duration.ofSeconds(30));
        w.start();
        w.runFor(150);
        assertThat(w.failures).isEmpty();

        List<AlarmEvent> asystole = w.readings.stream()
                .filter(AlarmEvent.class::isInstance)
                .map(AlarmEvent.class::cast)
                .filter(a -> a.code().equals("p-4182-0c04"))
                .toList();
        List<AlarmEvent.State> states =
                asystole.stream().map(AlarmEvent::state).distinct().toList();
        assertThat(states).containsExactly(AlarmEvent.State.ACTIVE, AlarmEvent.State.LATCHED);
        AlarmEvent lastLatched = asystole.get(asystole.size() - 1);
        assertThat(lastLatched.state()).isEqualTo(AlarmEvent.State.LATCHED);

        org.bedside.alarms.AlarmEngine engine =
                new org.bedside.alarms.AlarmEngine(org.bedside.alarms.AlarmPolicy.defaults());
        List<org.bedside.model.AlertReport> out = new ArrayList<>();
        for (Reading r : w.readings) {
            out.addAll(engine.accept(r));
        }
        List<org.bedside.model.AlertReport> alert = out.stream()
                .filter(a -> a.condition().equals("device:p-4182-0c04"))
                .toList();
        assertThat(alert)
                .extracting(a -> a.phase().acmCode() + " " + a.alarmState().acmCode())
                .containsExactly("start active", "update latched", "reset inactive");
        org.bedside.model.AlertReport reset = alert.get(2);
        assertThat(reset.alertId()).isEqualTo(alert.get(0).alertId());
        assertThat(Duration.between(lastLatched.receivedAt(), reset.receivedAt()))
                .as("the monitor talked for more than 15 s without listing it")
                .isGreaterThan(Duration.ofSeconds(15))
                .isLessThan(Duration.ofSeconds(18));
        assertThat(engine.openAlerts()).noneMatch(a -> a.condition().equals("device:p-4182-0c04"));
    }

    @Test
    void sensorOffShowsAsInvalidSpo2WithATechnicalAlarm() throws IOException {
        Wire w = new Wire(Scenarios.parse("sensor-off"), Map.of(), 300);
        w.start();
        w.runFor(40);
        List<NumericReading> spo2 = numerics(w.readings, Metrics.SPO2.mdc());
        assertThat(spo2.subList(0, 29)).allMatch(NumericReading::isValid);
        assertThat(spo2.get(35).value()).isNull();
        assertThat(spo2.get(35).isValid()).isFalse();
        assertThat(w.readings)
                .filteredOn(AlarmEvent.class::isInstance)
                .extracting(r -> ((AlarmEvent) r).text())
                .contains("SpO2 Sensor Off");
    }

    @Test
    void aNewPatientAtTheMonitorIsADischargeThenOtherDemographics() throws IOException {
        Wire w = new Wire(Scenarios.parse("steady"), Map.of(), 300);
        w.monitor.patients(MonitorPatient.newPatientAt(25, 20)); // discharged from 25 s, another one from 45 s
        w.start();
        w.runFor(60);
        List<org.bedside.model.PatientDemographics> shown = w.readings.stream()
                .filter(org.bedside.model.PatientDemographics.class::isInstance)
                .map(org.bedside.model.PatientDemographics.class::cast)
                .toList();
        // Asked every 10 s, in place of a keep-alive: at about 12, 24, 36 and 48 s.
        assertThat(shown).hasSizeGreaterThanOrEqualTo(4);
        assertThat(shown)
                .extracting(org.bedside.model.PatientDemographics::state)
                .containsSubsequence(
                        org.bedside.model.PatientDemographics.State.ADMITTED,
                        org.bedside.model.PatientDemographics.State.DISCHARGED,
                        org.bedside.model.PatientDemographics.State.ADMITTED);
        org.bedside.model.PatientDemographics first = shown.get(0);
        org.bedside.model.PatientDemographics last = shown.get(shown.size() - 1);
        assertThat(first.fingerprint()).isNotNull();
        assertThat(last.fingerprint()).as("another patient").isNotNull().isNotEqualTo(first.fingerprint());
        assertThat(w.readings.toString()).doesNotContain("Tester").doesNotContain("SIM-000");
        assertThat(w.failures).isEmpty();
    }

    @Test
    void wavesWhenAskedFor() throws IOException {
        Wire w = new Wire(Scenarios.parse("steady"), Map.of("waves", "on"), 300);
        w.start();
        w.runFor(5);
        List<WaveformSegment> waves = w.readings.stream()
                .filter(WaveformSegment.class::isInstance)
                .map(WaveformSegment.class::cast)
                .toList();
        assertThat(waves)
                .extracting(x -> x.metric().refId())
                .contains("MDC_ECG_ELEC_POTL_II", "MDC_PULS_OXIM_PLETH", "MDC_RESP");
        WaveformSegment ecg = waves.stream()
                .filter(x -> x.metric().refId().equals("MDC_ECG_ELEC_POTL_II"))
                .findFirst()
                .orElseThrow();
        assertThat(ecg.samplePeriod()).isEqualTo(Duration.ofMillis(2));
        assertThat(ecg.sampleCount()).isEqualTo(125);
        assertThat(ecg.unit().code()).isEqualTo("mV");
        for (double s : ecg.samples()) {
            assertThat(s).isBetween(-1.0, 1.0); // 8192 ± 100 counts of 5 µV
        }
    }

    @Test
    void aClientThatFallsSilentIsDropped() throws IOException {
        Wire w = new Wire(Scenarios.parse("steady"), Map.of(), 300);
        w.start();
        w.runFor(5);
        // the gateway stops talking (its ticks stop): after 10 s the monitor aborts
        long end = w.now + 12 * SECOND;
        List<byte[]> out = new ArrayList<>();
        while (w.now < end) {
            w.now += SECOND / 10;
            out.addAll(w.monitor.onTick(w.now));
        }
        assertThat(w.monitor.drops()).isEqualTo(1);
        assertThat(w.monitor.associated()).isFalse();
        assertThat(out.get(out.size() - 1)[0]).isEqualTo((byte) 0x19);
    }

    private static List<NumericReading> numerics(List<Reading> readings, int mdc) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .filter(n -> n.metric().mdc() == mdc)
                .toList();
    }
}
