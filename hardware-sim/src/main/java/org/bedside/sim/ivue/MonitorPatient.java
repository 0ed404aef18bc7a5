package org.bedside.sim.ivue;

import java.util.List;

/**
 * Who the simulated monitor is set up for, from one scenario second on: its demographics state and the identifying
 * attributes it answers a demographics poll with (made-up test patients, never real people).
 *
 * @param state {@code PatDmgState}: 0 empty, 1 pre-admitted, 2 admitted, 8 discharged
 */
public record MonitorPatient(long fromSecond, int state, String id, String familyName, String givenName) {
    public static final int EMPTY = 0;
    public static final int ADMITTED = 2;
    public static final int DISCHARGED = 8;

    /** A test patient admitted at the monitor from the start: what a simulator shows unless told otherwise. */
    public static final List<MonitorPatient> ONE_PATIENT =
            List.of(new MonitorPatient(0, ADMITTED, "SIM-0001", "Tester", "Anna"));

    public MonitorPatient {
        if (fromSecond < 0) {
            throw new IllegalArgumentException("a scenario second is not negative: " + fromSecond);
        }
    }

    /**
     * The "new patient" step: the first test patient from the start, discharged at the monitor at {@code second}, and
     * another one admitted {@code admitAfter} seconds later.
     */
    public static List<MonitorPatient> newPatientAt(long second, long admitAfter) {
        return List.of(
                ONE_PATIENT.get(0),
                new MonitorPatient(second, DISCHARGED, "SIM-0001", "Tester", "Anna"),
                new MonitorPatient(second + admitAfter, ADMITTED, "SIM-0002", "Probe", "Ben"));
    }
}
