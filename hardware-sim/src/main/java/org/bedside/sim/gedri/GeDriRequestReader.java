package org.bedside.sim.gedri;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the simulated monitor makes of the gateway's bytes: it unstuffs {@code 7E}-delimited frames, drops those with a
 * wrong checksum or length (a monitor does not answer them), and parses transmission requests (protocols.md 2.3).
 */
final class GeDriRequestReader {
    private static final int MAX_RECORD = 1490;

    /** A request the monitor understood. */
    sealed interface Request permits DisplayedValues, Waveforms {
        int level();
    }

    /** {@code interval} in seconds: 0 stops, -1 asks for one record; {@code classes} is {@code phdb_class_bf}. */
    record DisplayedValues(int level, int recordType, int interval, int classes) implements Request {}

    /** {@code start} or stop, for the wave ids listed. */
    record Waveforms(int level, boolean start, List<Integer> waves) implements Request {}

    private final byte[] frame = new byte[MAX_RECORD + 1];
    private int length;
    private boolean inside;
    private boolean escaped;
    private long rejected;

    /** Requests the bytes complete, in order. */
    List<Request> feed(byte[] bytes, int n) {
        List<Request> requests = new ArrayList<>(1);
        for (int i = 0; i < n; i++) {
            byte b = bytes[i];
            if (b == 0x7E) {
                if (inside && length > 0) {
                    Request r = parse();
                    if (r != null) {
                        requests.add(r);
                    } else {
                        rejected++;
                    }
                }
                inside = true;
                length = 0;
                escaped = false;
            } else if (!inside) {
                continue; // bytes before the first flag: nothing to answer
            } else if (b == 0x7D) {
                escaped = true;
            } else if (length < frame.length) {
                frame[length++] = (byte) (escaped ? b ^ 0x20 : b);
                escaped = false;
            } else {
                inside = false; // too long: not a request; wait for the next flag
                rejected++;
            }
        }
        return requests;
    }

    /** Frames that were not requests the monitor understood (bad checksum, bad length, unknown type). */
    long rejected() {
        return rejected;
    }

    private @Nullable Request parse() {
        int recordLength = length - 1;
        if (recordLength < 40) {
            return null;
        }
        int sum = 0;
        for (int i = 0; i < recordLength; i++) {
            sum += frame[i];
        }
        if ((sum & 0xFF) != (frame[recordLength] & 0xFF) || u16(0) != recordLength) {
            return null;
        }
        int level = frame[3] & 0xFF;
        int mainType = u16(14);
        int subrecordType = frame[18] & 0xFF;
        if (mainType == GeDriRecordEncoder.MAINTYPE_PHDB && subrecordType == 0 && recordLength >= 49) {
            return new DisplayedValues(level, frame[40] & 0xFF, (short) u16(41), u16(43) | u16(45) << 16);
        }
        if (mainType == GeDriRecordEncoder.MAINTYPE_WAVE && subrecordType == 0 && recordLength >= 72) {
            List<Integer> waves = new ArrayList<>();
            for (int i = 0; i < 8 && (frame[44 + i] & 0xFF) != GeDriRecordEncoder.END_OF_LIST; i++) {
                waves.add(frame[44 + i] & 0xFF);
            }
            return new Waveforms(level, u16(40) == 0, waves);
        }
        return null;
    }

    private int u16(int at) {
        return (frame[at] & 0xFF) | (frame[at + 1] & 0xFF) << 8;
    }
}
