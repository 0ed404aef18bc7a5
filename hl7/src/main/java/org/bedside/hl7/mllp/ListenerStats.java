package org.bedside.hl7.mllp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.bedside.hl7.FailureReason;

/**
 * What a listener has done, for metrics and tests: messages received and accepted, acknowledgements sent per code,
 * failures per reason, and connections open now. Thread-safe; read at any time.
 */
public final class ListenerStats {
    private final LongAdder connectionsAccepted = new LongAdder();
    private final AtomicInteger connectionsOpen = new AtomicInteger();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesAccepted = new LongAdder();
    private final Map<AckCode, LongAdder> acks = new EnumMap<>(AckCode.class);
    private final Map<FailureReason, LongAdder> failures = new EnumMap<>(FailureReason.class);

    ListenerStats() {
        for (AckCode c : AckCode.values()) {
            acks.put(c, new LongAdder());
        }
        for (FailureReason r : FailureReason.values()) {
            failures.put(r, new LongAdder());
        }
    }

    void connectionOpened() {
        connectionsAccepted.increment();
        connectionsOpen.incrementAndGet();
    }

    void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    void received() {
        messagesReceived.increment();
    }

    void accepted() {
        messagesAccepted.increment();
    }

    void ackSent(AckCode code) {
        acks.get(code).increment();
    }

    void failed(FailureReason reason) {
        failures.get(reason).increment();
    }

    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    public int connectionsOpen() {
        return connectionsOpen.get();
    }

    /** Complete messages framed and handed to the parser. */
    public long messagesReceived() {
        return messagesReceived.sum();
    }

    /** Messages the handler accepted. */
    public long messagesAccepted() {
        return messagesAccepted.sum();
    }

    public long acksSent(AckCode code) {
        return acks.get(code).sum();
    }

    public long failures(FailureReason reason) {
        return failures.get(reason).sum();
    }

    /** Failures by reason label, only the reasons seen: {@code {garbage=2, message_too_long=1}}. */
    public Map<String, Long> failuresByReason() {
        Map<String, Long> out = new java.util.TreeMap<>();
        failures.forEach((r, n) -> {
            long v = n.sum();
            if (v > 0) {
                out.put(r.label(), v);
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "ListenerStats[received=" + messagesReceived() + ", accepted=" + messagesAccepted() + ", open="
                + connectionsOpen() + ", failures=" + failuresByReason() + "]";
    }
}
