package org.bedside.sim.serial;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One frame a simulator sent, as a test compares it with what the gateway decoded.
 *
 * @param index the frame's number from 0, by kind of frame as the simulator counts them (records, answers...)
 * @param kind what the frame is, in the simulator's words ({@code displayed-values}, {@code answer 24}...)
 * @param deviceTime the device's clock when it made the frame
 * @param values what the frame carries, as the simulator's model holds it
 * @param bytes the frame as encoded
 * @param sent what went to the port: {@code bytes}, or {@code bytes} damaged by a fault
 * @param bytesTaken how many bytes of {@code sent} the port took; fewer when nobody read or the cable was pulled
 */
public record EmittedFrame<V>(
        long index, String kind, LocalDateTime deviceTime, V values, byte[] bytes, byte[] sent, int bytesTaken) {

    public EmittedFrame {
        bytes = bytes.clone();
        sent = sent.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public byte[] sent() {
        return sent.clone();
    }

    /** True when a fault damaged this frame (garbage inside, a wrong checksum). */
    public boolean corrupted() {
        return !Arrays.equals(bytes, sent);
    }

    /** True when the port took every byte. */
    public boolean delivered() {
        return bytesTaken == sent.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmittedFrame<?> e
                && index == e.index
                && kind.equals(e.kind)
                && bytesTaken == e.bytesTaken
                && deviceTime.equals(e.deviceTime)
                && values.equals(e.values)
                && Arrays.equals(bytes, e.bytes)
                && Arrays.equals(sent, e.sent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, kind, deviceTime, values, Arrays.hashCode(bytes), bytesTaken);
    }

    @Override
    public String toString() {
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, 16));
        return "EmittedFrame[" + kind + " " + index + ", " + bytes.length + " bytes " + hex
                + (bytes.length > 16 ? " ..." : "") + (corrupted() ? " (damaged)" : "") + ", taken " + bytesTaken + "/"
                + sent.length + "]";
    }
}
