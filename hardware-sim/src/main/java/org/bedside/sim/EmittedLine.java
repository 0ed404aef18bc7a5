package org.bedside.sim;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Objects;
import org.bedside.sim.scenario.VitalSigns;

/**
 * One line a simulator produced, as a test compares it with what the gateway decoded.
 *
 * @param index the line's number from 0; it is also the scenario second the vitals are from (silenced lines take a
 *     number too, so numbers can skip)
 * @param deviceTime the time on the line, as the device's local clock showed it
 * @param bytes the line as encoded, CR LF included
 * @param sent what went to the port for this line: {@code bytes}, or {@code bytes} with garbage inside
 * @param bytesTaken how many bytes of {@code sent} the port took; fewer when nobody read or the cable was pulled
 */
public record EmittedLine(
        long index, LocalDateTime deviceTime, VitalSigns vitals, byte[] bytes, byte[] sent, int bytesTaken) {

    public EmittedLine {
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

    /** The line as text without CR LF. */
    public String text() {
        return new String(bytes, 0, Math.max(0, bytes.length - 2), StandardCharsets.US_ASCII);
    }

    /** True when garbage was injected inside this line. */
    public boolean corrupted() {
        return !Arrays.equals(bytes, sent);
    }

    /** True when the port took every byte. */
    public boolean delivered() {
        return bytesTaken == sent.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmittedLine e
                && index == e.index
                && bytesTaken == e.bytesTaken
                && deviceTime.equals(e.deviceTime)
                && vitals.equals(e.vitals)
                && Arrays.equals(bytes, e.bytes)
                && Arrays.equals(sent, e.sent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, deviceTime, vitals, Arrays.hashCode(bytes), Arrays.hashCode(sent), bytesTaken);
    }

    @Override
    public String toString() {
        return "EmittedLine[" + index + " " + text() + (corrupted() ? " (garbage inside)" : "") + ", taken "
                + bytesTaken + "/" + sent.length + "]";
    }
}
