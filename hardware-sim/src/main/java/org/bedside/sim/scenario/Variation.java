package org.bedside.sim.scenario;

import java.util.SplittableRandom;

/**
 * Seeded physiological variation as a pure function of (channel, second): slow wander plus beat-to-beat jitter. Being
 * stateless, a scenario can be asked for any second in any order and still be deterministic.
 */
final class Variation {
    private final long seed;

    Variation(long seed) {
        this.seed = seed;
    }

    /**
     * A smooth wander in [-1, 1] with roughly the given period: two sines with seeded phases, the second one slower, so
     * the pattern does not visibly repeat.
     */
    double wander(int channel, long second, double periodSeconds) {
        SplittableRandom phases = new SplittableRandom(mix(channel, -1));
        double a = phases.nextDouble(2 * Math.PI);
        double b = phases.nextDouble(2 * Math.PI);
        double t = 2 * Math.PI * second / periodSeconds;
        return 0.7 * Math.sin(t + a) + 0.3 * Math.sin(t / 2.7 + b);
    }

    /** Independent noise in [-1, 1) for each (channel, second). */
    double jitter(int channel, long second) {
        return new SplittableRandom(mix(channel, second)).nextDouble(-1, 1);
    }

    private long mix(int channel, long second) {
        return seed * 0x9E3779B97F4A7C15L + channel * 0xBF58476D1CE4E5B9L + second;
    }
}
