package org.bedside.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bedside.drivers.testing.DecoderHarness;
import org.bedside.drivers.testing.DecoderHarness.Output;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sim.scenario.SensorCondition;
import org.bedside.sim.scenario.VitalSigns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Encode with the simulator, decode with the gateway's driver: every value, its validity, the device time, the alarms
 * and the sensor conditions must come back as they went in.
 */
class MasimoRoundTripTest {
    private static final int LINES = 400;

    private record Sent(VitalSigns vitals, LocalDateTime time) {}

    @ParameterizedTest
    @EnumSource(MasimoModel.class)
    void generatedLinesDecodeToWhatWasEncoded(MasimoModel model) {
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            AlarmLimits limits = new AlarmLimits(
                    80 + random.nextInt(15), 95 + random.nextInt(6), 40 + random.nextInt(20), 100 + random.nextInt(80));
            MasimoLineEncoder encoder = new MasimoLineEncoder(model, "0000056661", limits);
            List<Sent> sent = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            LocalDateTime time = LocalDateTime.of(2000 + random.nextInt(100), 1 + random.nextInt(12), 1, 0, 0)
                    .plusSeconds(random.nextInt(28 * 86_400));
            for (int i = 0; i < LINES; i++) {
                VitalSigns v = randomVitals(random);
                sent.add(new Sent(v, time));
                stream.writeBytes(encoder.encode(v, time));
                time = time.plusSeconds(1 + random.nextInt(5));
            }
            byte[] bytes = stream.toByteArray();

            // However the serial port chunks the stream, every line decodes.
            Output out = DecoderHarness.run(
                    MasimoDecoding.framer(), MasimoDecoding.decoder(), DecoderHarness.randomChunks(bytes, random, 64));

            String context = model + " seed " + seed;
            assertThat(out.failures()).as(context).isEmpty();
            assertThat(out.frames()).as(context).isEqualTo(LINES);
            List<List<Reading>> lines = MasimoDecoding.byLine(out.readings());
            assertThat(lines).as(context).hasSize(LINES);
            for (int i = 0; i < LINES; i++) {
                MasimoDecoding.assertDecodedAs(
                        lines.get(i),
                        sent.get(i).vitals(),
                        sent.get(i).time(),
                        model,
                        limits,
                        context + " line " + i + " "
                                + encoder.line(sent.get(i).vitals(), sent.get(i).time()));
            }
        }
    }

    @Test
    void sensorOffLinesDecodeAsInvalidWithTheReason() {
        MasimoLineEncoder encoder = new MasimoLineEncoder(MasimoModel.RADICAL_7, "0000056661", AlarmLimits.ADULT);
        // Digits with the sensor-off bit: the decoder must not trust them.
        VitalSigns stale = VitalSigns.builder()
                .spo2(97)
                .pulseRate(70)
                .perfusionIndex(2.0)
                .condition(SensorCondition.SENSOR_OFF)
                .build();
        LocalDateTime time = LocalDateTime.of(2026, 11, 22, 10, 0, 0);

        Output out = DecoderHarness.run(MasimoDecoding.framer(), MasimoDecoding.decoder(), encoder.encode(stale, time));

        List<NumericReading> numerics = out.readings().stream()
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .toList();
        assertThat(numerics).hasSize(8).allSatisfy(n -> {
            assertThat(n.isValid()).isFalse();
            assertThat(n.quality().reason()).contains("sensor off");
        });
        MasimoDecoding.assertDecodedAs(
                out.readings(), stale, time, MasimoModel.RADICAL_7, AlarmLimits.ADULT, "digits with sensor off");
    }

    private static VitalSigns randomVitals(Random r) {
        VitalSigns.Builder b = VitalSigns.builder()
                .spo2(present(r) ? r.nextInt(101) : null)
                .pulseRate(present(r) ? r.nextInt(301) : null)
                .perfusionIndex(present(r) ? r.nextInt(2001) / 100.0 : null)
                .spco(present(r) ? r.nextInt(991) / 10.0 : null)
                .spmet(present(r) ? r.nextInt(1000) / 10.0 : null)
                .desatIndex(present(r) ? r.nextInt(100) : null)
                .perfusionIndexDelta(present(r) ? r.nextInt(199) - 99 : null)
                .plethVariabilityIndex(present(r) ? r.nextInt(101) : null);
        if (r.nextInt(4) == 0) {
            SensorCondition[] all = SensorCondition.values();
            int n = 1 + r.nextInt(2);
            for (int i = 0; i < n; i++) {
                b.condition(all[r.nextInt(all.length)]);
            }
        }
        return b.build();
    }

    private static boolean present(Random r) {
        return r.nextInt(10) != 0;
    }
}
