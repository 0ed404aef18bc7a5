package org.bedside.drivers.bbraun;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds SpaceCom frames for tests and loads the real captures. */
final class BccTestFrames {
    private BccTestFrames() {}

    /** An answer frame of {@code bedId} holding {@code records} ("214,50111,INRT,5.00"), separated by RS. */
    static byte[] answer(String bedId, boolean last, String... records) {
        String text = bedId + "/1/1>" + String.join("\u001e", records);
        return BccFraming.frame(text.getBytes(StandardCharsets.ISO_8859_1), last);
    }

    static byte[] gnack(String bedId) {
        return answer(bedId, true, "12,50100,GNACK,0");
    }

    /** The records of one pump, infusing (or not) at {@code rate} mL/h, with the given INA flags set to 1. */
    static String[] pump(String address, boolean pumping, String rate, String... alarmsSet) {
        java.util.List<String> r = new java.util.ArrayList<>(java.util.List.of(
                "300," + address + ",INRT," + rate,
                "300," + address + ",INVTB,50.0",
                "300," + address + ",INVI,12.5",
                "300," + address + ",INRMT,5400",
                "300," + address + ",INSOL,Noradrenalin",
                "300," + address + ",INSERNUM,36248",
                "300," + address + ",INM1,1",
                "300," + address + ",INM3," + (pumping ? "1" : "0"),
                "300," + address + ",INM6,0",
                "300," + address + ",INM10,0"));
        for (BccCodes.AlarmFlag f : BccCodes.ALARM_FLAGS) {
            boolean set = java.util.Arrays.asList(alarmsSet).contains(f.parameter());
            r.add("300," + address + "," + f.parameter() + "," + (set ? "1" : "0"));
        }
        return r.toArray(String[]::new);
    }

    static byte[] capture(String name) {
        try (InputStream in = BccTestFrames.class.getResourceAsStream("/captures/bbraun-bcc/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no capture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(byte[] sent) {
        if (sent.length == 1) {
            return sent[0] == BccCodes.ACK ? "ACK" : sent[0] == BccCodes.NAK ? "NAK" : "byte " + sent[0];
        }
        String s = new String(sent, StandardCharsets.ISO_8859_1);
        return s.substring(s.indexOf('\u0002') + 1, s.indexOf('\u0003'));
    }
}
