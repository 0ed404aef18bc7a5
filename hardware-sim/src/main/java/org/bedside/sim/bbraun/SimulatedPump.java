package org.bedside.sim.bbraun;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** One Space pump in its slot: what it infuses, how fast, how much is done, and its alarm flags (INA1 to INA16). */
final class SimulatedPump {
    /** INA3: pressure alarm (an occlusion); the pump stops. */
    static final int OCCLUSION = 3;
    /** INA7: end of volume; the pump stops, or goes on in KVO. */
    static final int END_OF_INFUSION = 7;
    /** INA12: syringe nearly empty (pre-alarm); the pump goes on. */
    static final int NEAR_END = 12;

    final String serial;
    String drug;
    double rate;
    final double vtbi;
    double infused;
    boolean pumping;
    boolean kvo;
    final Set<Integer> alarms = new TreeSet<>();
    boolean reported;

    SimulatedPump(String serial, String drug, double rate, double vtbi, double infused) {
        this.serial = serial;
        this.drug = drug;
        this.rate = rate;
        this.vtbi = vtbi;
        this.infused = infused;
    }

    void start() {
        pumping = true;
        alarms.remove(OCCLUSION);
    }

    void occlude() {
        pumping = false;
        alarms.add(OCCLUSION);
    }

    /** Runs the pump for {@code seconds}: the volume grows, the end nears and comes. */
    void advance(double seconds) {
        if (!pumping) {
            return;
        }
        infused = Math.min(vtbi, infused + rate * seconds / 3600);
        if (vtbi - infused <= vtbi * 0.1) {
            alarms.add(NEAR_END);
        }
        if (infused >= vtbi && !kvo) {
            alarms.add(END_OF_INFUSION);
            kvo = true; // the pump keeps the vein open at a minimal rate
            rate = 0.1;
        }
    }

    /** The pump's records, {@code rel,address,PARAM,value}, as a SpaceCom reports them. */
    List<String> records(long relTime, String address) {
        List<String> r = new ArrayList<>();
        String p = relTime + "," + address + ",";
        if (!reported) {
            r.add(p + "GNNEW,688F03" + serial);
            reported = true;
        }
        r.add(p + "INRT," + String.format(Locale.ROOT, "%.2f", rate));
        r.add(p + "INVTB," + String.format(Locale.ROOT, "%.1f", vtbi));
        r.add(p + "INVI," + String.format(Locale.ROOT, "%.2f", infused));
        r.add(p + "INRMT," + remainingSeconds());
        r.add(p + "INSOL," + drug);
        r.add(p + "INSOLSN,_NV");
        r.add(p + "INSERNUM," + serial);
        r.add(p + "INBORT,800.00");
        r.add(p + "INBOVAL,0.0");
        r.add(p + "INM1,1");
        r.add(p + "INM3," + (pumping ? 1 : 0));
        r.add(p + "INM6,0");
        r.add(p + "INM10," + (kvo ? 1 : 0));
        for (int i = 1; i <= 16; i++) {
            r.add(p + "INA" + i + "," + (i == 10 ? "_NV" : alarms.contains(i) ? "1" : "0"));
        }
        return r;
    }

    private String remainingSeconds() {
        if (!pumping || kvo || rate <= 0) {
            return "65535";
        }
        return Long.toString(Math.round((vtbi - infused) / rate * 3600));
    }
}
