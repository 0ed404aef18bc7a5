package org.bedside.sim.bbraun;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The SpaceCom's side of BCC, for one rack: its pumps by slot, and one {@link Conversation} per connected client (the
 * serial line, a TCP client). Not thread-safe: the simulator's one thread drives it.
 *
 * <p>The pump script plays in simulated seconds from the start: 1-1 infuses Noradrenalin at 5 mL/h from the start and
 * changes to 8 mL/h at 30 s; 1-2 (Propofol) is inserted stopped and starts at 10 s, and occludes at 45 s; 1-3
 * (Heparin, nearly done) is inserted at 20 s, nears its end, finishes and keeps the vein open; 1-2 is removed from its
 * slot at 90 s.
 */
final class SpaceComRack {
    static final byte SOH = 0x01;
    static final byte STX = 0x02;
    static final byte ETX = 0x03;
    static final byte EOT = 0x04;
    static final byte ACK = 0x06;
    static final byte NAK = 0x15;
    static final byte ETB = 0x17;
    static final char RS = 0x1E;

    private final String bedId;
    private final int maxPart;
    private final Map<String, SimulatedPump> slots = new LinkedHashMap<>();
    private final List<String> removed = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong naks = new AtomicLong();
    private final int secondsPerPoll;
    private long polls;
    private long second = -1;

    /** @param secondsPerPoll 0: the script follows {@link #advanceTo}; otherwise each MEM:GET moves it this far on */
    SpaceComRack(String bedId, int maxPart, int secondsPerPoll) {
        this.bedId = bedId;
        this.maxPart = maxPart;
        this.secondsPerPoll = secondsPerPoll;
    }

    /** Whether the script moves with the polls rather than the clock. */
    boolean playsPerPoll() {
        return secondsPerPoll > 0;
    }

    /** Valid requests answered. */
    long requests() {
        return requests.get();
    }

    /** Requests that were not reading requests (answered GNERR 68): a read-only gateway never sends one. */
    long refused() {
        return refused.get();
    }

    /** Damaged requests answered with NAK. */
    long naksSent() {
        return naks.get();
    }

    /** The pumps in their slots now, for status lines and tests: {@code 1-1 infusing 5.00 mL/h Noradrenalin}. */
    List<String> pumps() {
        List<String> out = new ArrayList<>();
        slots.forEach((slot, p) -> out.add(slot + " " + (p.pumping ? "infusing" : "stopped") + " "
                + String.format(Locale.ROOT, "%.2f", p.rate) + " mL/h " + p.drug + " alarms=" + p.alarms));
        return out;
    }

    /** Plays the script up to simulated second {@code now} and runs the pumps. */
    void advanceTo(long now) {
        while (second < now) {
            second++;
            script(second);
            for (SimulatedPump p : slots.values()) {
                p.advance(1);
            }
        }
    }

    private void script(long t) {
        if (t == 0) {
            SimulatedPump a = new SimulatedPump("36248", "Noradrenalin 5mg/50ml", 5.0, 50, 0);
            a.start();
            slots.put("11", a);
            slots.put("12", new SimulatedPump("36311", "Propofol 1%", 12.0, 100, 0));
        } else if (t == 10) {
            slots.get("12").start();
        } else if (t == 20) {
            SimulatedPump c = new SimulatedPump("36502", "Heparin 25000IE/50ml", 2.0, 5.0, 4.95);
            c.start();
            slots.put("13", c);
        } else if (t == 30) {
            slots.get("11").rate = 8.0;
        } else if (t == 45) {
            slots.get("12").occlude();
        } else if (t == 90) {
            slots.remove("12");
            removed.add("12");
        }
    }

    /** A new client: its own framer and pending parts. */
    Conversation conversation(Consumer<byte[]> out) {
        return new Conversation(out);
    }

    /** One client's side: the bytes it sent so far and the parts of an answer still to send. */
    final class Conversation {
        private final Consumer<byte[]> out;
        private final ByteArrayOutputStream request = new ByteArrayOutputStream();
        private final ArrayDeque<byte[]> parts = new ArrayDeque<>();
        private boolean inRequest;

        private Conversation(Consumer<byte[]> out) {
            this.out = out;
        }

        void onBytes(byte[] bytes, int n) {
            for (int i = 0; i < n; i++) {
                byte b = bytes[i];
                if (b == SOH) {
                    request.reset();
                    request.write(b);
                    inRequest = true;
                } else if (inRequest) {
                    request.write(b);
                    if (b == EOT) {
                        inRequest = false;
                        handle(request.toByteArray());
                    } else if (request.size() > 4096) {
                        inRequest = false;
                    }
                } else if (b == ACK) {
                    parts.poll();
                    byte[] next = parts.peek();
                    if (next != null) {
                        out.accept(next);
                    }
                } else if (b == NAK) {
                    byte[] again = parts.peek();
                    if (again != null) {
                        out.accept(again);
                    }
                }
            }
        }

        private void handle(byte[] f) {
            String s = new String(f, StandardCharsets.ISO_8859_1);
            int n = f.length;
            boolean valid = n >= 16
                    && f[6] == STX
                    && f[n - 7] == ETX
                    && s.substring(1, 6).equals(String.format("%05d", n))
                    && s.substring(n - 6, n - 1).equals(String.format("%05d", sum(f, n - 6)));
            if (!valid) {
                naks.incrementAndGet();
                out.accept(new byte[] {NAK});
                return;
            }
            String text = s.substring(7, n - 7);
            String command = text.substring(text.indexOf('>') + 1);
            parts.clear();
            if (secondsPerPoll > 0 && command.equals("MEM:GET")) {
                advanceTo(polls++ * secondsPerPoll);
            }
            long t = Math.max(second, 0);
            List<String> records = new ArrayList<>();
            if (command.equals("ADMIN:ALIVE")) {
                records.add(t + ",50100,GNACK,0");
            } else if (command.equals("ADMIN:VERSION")) {
                records.add(t + ",50100,VERSION,3.30");
            } else if (command.equals("MEM:GET")) {
                for (String slot : removed) {
                    records.add(t + ",501" + slot + ",GNERR,39");
                }
                removed.clear();
                slots.forEach((slot, p) -> records.addAll(p.records(t, "501" + slot)));
                if (records.isEmpty()) {
                    records.add(t + ",50100,GNERR,11");
                }
            } else if (command.matches("MEM:GETSLOT#[1-3][1-9A-O]")) {
                String slot = command.substring(12);
                SimulatedPump p = slots.get(slot);
                if (p == null) {
                    records.add(t + ",501" + slot + ",GNERR,811");
                } else {
                    records.addAll(p.records(t, "501" + slot));
                }
            } else {
                refused.incrementAndGet();
                records.add(t + ",50100,GNERR,68");
            }
            requests.incrementAndGet();
            answer(records);
        }

        /** Splits the records into parts of at most {@code maxPart} bytes of text; sends the first. */
        private void answer(List<String> records) {
            StringBuilder part = new StringBuilder();
            List<String> texts = new ArrayList<>();
            for (String r : records) {
                if (part.length() > 0 && part.length() + 1 + r.length() > maxPart) {
                    texts.add(part.toString());
                    part.setLength(0);
                }
                if (part.length() > 0) {
                    part.append(RS);
                }
                part.append(r);
            }
            texts.add(part.toString());
            for (int i = 0; i < texts.size(); i++) {
                parts.add(frame(bedId + "/1/1>" + texts.get(i), i == texts.size() - 1));
            }
            out.accept(parts.peek());
        }
    }

    /** {@code SOH LLLLL STX text ETX|ETB CCCCC EOT}: length from SOH to EOT, checksum of SOH..ETX modulo 256. */
    static byte[] frame(String text, boolean last) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        int n = 1 + 5 + 1 + t.length + 1 + 5 + 1;
        byte[] f = new byte[n];
        f[0] = SOH;
        System.arraycopy(String.format("%05d", n).getBytes(StandardCharsets.US_ASCII), 0, f, 1, 5);
        f[6] = STX;
        System.arraycopy(t, 0, f, 7, t.length);
        f[n - 7] = last ? ETX : ETB;
        System.arraycopy(String.format("%05d", sum(f, n - 6)).getBytes(StandardCharsets.US_ASCII), 0, f, n - 6, 5);
        f[n - 1] = EOT;
        return f;
    }

    private static int sum(byte[] f, int to) {
        int s = 0;
        for (int i = 0; i < to; i++) {
            s += f[i] & 0xFF;
        }
        return s & 0xFF;
    }
}
