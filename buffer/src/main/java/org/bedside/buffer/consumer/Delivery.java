package org.bedside.buffer.consumer;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What became of a batch: the only three things a sink says (Kafka Connect's answers).
 *
 * <ul>
 *   <li>{@link Delivered}: the destination acknowledged every item; the consumer may commit past them.
 *   <li>{@link Retry}: nothing can be said yet (the destination is away, overloaded, or answers in a way that needs a
 *       person); the same batch is tried again after a back-off, never sooner than {@link Retry#retryAfter}.
 *   <li>{@link Refused}: the destination acknowledged some items and refused others one by one; the refused go to the
 *       consumer's dead letters with the destination's reason, and the line keeps moving. When everything is refused and
 *       nothing was accepted lately, the consumer takes the cause to be the destination or the configuration, and
 *       retries slowly instead of dead-lettering everything.
 * </ul>
 */
public sealed interface Delivery<T> permits Delivery.Delivered, Delivery.Retry, Delivery.Refused {

    record Delivered<T>() implements Delivery<T> {}

    /**
     * @param reason in words, naming the destination ("HTTP 503 from https://fhir.example/fhir")
     * @param retryAfter the destination's own pause ({@code Retry-After}), or null
     */
    record Retry<T>(String reason, @Nullable Duration retryAfter, Kind kind) implements Delivery<T> {
        public enum Kind {
            /** Unreachable, timed out, overloaded: it will pass. */
            UNAVAILABLE,
            /**
             * The destination answers, but in a way only a person can fix: a redirect (the configured address is
             * wrong), credentials refused, a permission missing. Retried slowly; the state says so.
             */
            MISCONFIGURED
        }
    }

    /** @param accepted how many of the batch's items the destination acknowledged */
    record Refused<T>(int accepted, List<Refusal<T>> refused) implements Delivery<T> {
        public Refused {
            refused = List.copyOf(refused);
            if (refused.isEmpty()) {
                throw new IllegalArgumentException("a refusal names at least one refused item");
            }
        }
    }

    /**
     * One item the destination refused.
     *
     * @param status the destination's code (an HTTP status, an MQTT reason code), 0 if it has none
     */
    record Refusal<T>(Item<T> item, int status, String reason) {}

    static <T> Delivery<T> delivered() {
        return new Delivered<>();
    }

    static <T> Delivery<T> retry(String reason, @Nullable Duration retryAfter) {
        return new Retry<>(reason, retryAfter, Retry.Kind.UNAVAILABLE);
    }

    static <T> Delivery<T> misconfigured(String reason) {
        return new Retry<>(reason, null, Retry.Kind.MISCONFIGURED);
    }

    static <T> Delivery<T> misconfigured(String reason, @Nullable Duration retryAfter) {
        return new Retry<>(reason, retryAfter, Retry.Kind.MISCONFIGURED);
    }
}
