package org.bedside.hl7;

import java.util.function.Function;

/**
 * What a parser or mapper of untrusted HL7 returns: the value, or an {@link Hl7Failure} naming what was wrong. Bad
 * input is a value, never an exception.
 */
public sealed interface Hl7Result<T> {

    record Ok<T>(T value) implements Hl7Result<T> {}

    record Failed<T>(Hl7Failure failure) implements Hl7Result<T> {}

    static <T> Hl7Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Hl7Result<T> failed(Hl7Failure failure) {
        return new Failed<>(failure);
    }

    static <T> Hl7Result<T> failed(FailureReason reason, Hl7Location location, String detail) {
        return new Failed<>(Hl7Failure.at(reason, location, detail));
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value; for tests and callers that checked {@link #isOk()}. */
    default T value() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalStateException("no value: " + ((Failed<T>) this).failure());
    }

    /** The failure; for tests and callers that checked {@link #isOk()}. */
    default Hl7Failure failure() {
        if (this instanceof Failed<T> failed) {
            return failed.failure();
        }
        throw new IllegalStateException("no failure: the result is a value");
    }

    default <U> Hl7Result<U> map(Function<T, U> f) {
        if (this instanceof Ok<T> ok) {
            return new Ok<>(f.apply(ok.value()));
        }
        return new Failed<>(failure());
    }
}
