package org.bedside.sim.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** Makes scenarios from their names, as given on the simulator's command line. */
public final class Scenarios {
    public static final String STEADY = "steady";
    public static final String DESATURATION = "desaturation";
    public static final String SENSOR_OFF = "sensor-off";
    /** Asystole for 20 s every five minutes: a monitor's never-delayed alarm (see {@code AsystoleScenario}). */
    public static final String ASYSTOLE = "asystole";
    /** Prefix of the PhysioNet BIDMC replays: {@code bidmc:01} to {@code bidmc:30}. */
    public static final String BIDMC = "bidmc";

    /** The seed used when none is given, so that two runs of the demo show the same traces. */
    public static final long DEFAULT_SEED = 1;

    private static final int MAX_RECORDING = 99;

    private Scenarios() {}

    /** {@link #parse(String, long)} with {@link #DEFAULT_SEED}. */
    public static Scenario parse(String spec) {
        return parse(spec, DEFAULT_SEED);
    }

    /**
     * Parses {@code steady}, {@code desaturation}, {@code sensor-off}, {@code asystole} or {@code bidmc:NN} (a recording number such as
     * {@code 01} or {@code 7}).
     *
     * @param seed seeds the physiological variation; recordings replay the same whatever the seed
     * @throws IllegalArgumentException naming the known scenarios when {@code spec} is none of them
     */
    public static Scenario parse(String spec, long seed) {
        String s = spec.trim();
        switch (s) {
            case STEADY:
                return new SteadyScenario(seed);
            case DESATURATION:
                return new DesaturationScenario(seed);
            case SENSOR_OFF:
                return new SensorOffScenario(seed);
            case ASYSTOLE:
                return new AsystoleScenario(seed);
            default:
                break;
        }
        if (s.startsWith(BIDMC + ":")) {
            String number = s.substring(BIDMC.length() + 1);
            int recording;
            try {
                recording = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                throw unknown(spec);
            }
            if (recording < 1 || recording > MAX_RECORDING || !BidmcScenario.exists(recording)) {
                throw unknown(spec);
            }
            return BidmcScenario.load(recording);
        }
        throw unknown(spec);
    }

    /** The scenario names {@link #parse} understands, recordings included. */
    public static List<String> known() {
        List<String> names = new ArrayList<>(List.of(STEADY, DESATURATION, SENSOR_OFF, ASYSTOLE));
        recordings().forEach(n -> names.add(String.format(Locale.ROOT, "%s:%02d", BIDMC, n)));
        return names;
    }

    private static List<Integer> recordings() {
        return IntStream.rangeClosed(1, MAX_RECORDING)
                .filter(BidmcScenario::exists)
                .boxed()
                .toList();
    }

    private static IllegalArgumentException unknown(String spec) {
        List<Integer> recordings = recordings();
        String bidmc = recordings.isEmpty()
                ? ""
                : String.format(
                        Locale.ROOT,
                        ", %s:NN (PhysioNet BIDMC recording %02d to %02d)",
                        BIDMC,
                        recordings.get(0),
                        recordings.get(recordings.size() - 1));
        return new IllegalArgumentException("unknown scenario '" + spec + "'; known scenarios: " + STEADY + ", "
                + DESATURATION + ", " + SENSOR_OFF + ", " + ASYSTOLE + bidmc);
    }
}
