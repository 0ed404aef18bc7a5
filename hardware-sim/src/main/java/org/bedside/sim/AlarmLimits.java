package org.bedside.sim;

/**
 * The alarm limits set on a simulated oximeter. A limit is violated when the displayed value is below the low limit or
 * above the high limit; an absent value (dashes) violates nothing. An SpO2 high limit of 100 is "off", as SpO2 cannot
 * exceed it.
 */
public record AlarmLimits(int spo2Low, int spo2High, int pulseRateLow, int pulseRateHigh) {

    /** Typical adult ward settings: SpO2 below 90 %, pulse below 50 or above 140 per minute. */
    public static final AlarmLimits ADULT = new AlarmLimits(90, 100, 50, 140);

    public AlarmLimits {
        if (spo2Low > spo2High || pulseRateLow > pulseRateHigh) {
            throw new IllegalArgumentException("a low alarm limit is above its high limit: " + spo2Low + "/" + spo2High
                    + " % SpO2, " + pulseRateLow + "/" + pulseRateHigh + " per minute");
        }
    }
}
