package org.bedside.sim;

/** Which Masimo oximeter is simulated; it decides the shape of the serial line (protocols.md §4.1). */
public enum MasimoModel {
    /**
     * Radical-7 (and Rad-8, Rad-97): the full line, {@code SN SPO2 BPM PI SPCO SPMET DESAT PIDELTA PVI ALARM EXC}, with a
     * 4-digit ALARM and a 6-digit EXC field.
     */
    RADICAL_7("Radical-7"),
    /** Radical-5: the short line, {@code SPO2 BPM PI ALARM EXC}, without leading zeros in ALARM and EXC. */
    RADICAL_5("Radical-5");

    private final String displayName;

    MasimoModel(String displayName) {
        this.displayName = displayName;
    }

    /** As the device names itself: {@code Radical-7}. */
    public String displayName() {
        return displayName;
    }
}
