package org.bedside.hl7.mllp;

import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Failure;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link MllpHandler} decided about a message, once it has durably stored its content (or decided not to).
 * The listener turns it into the acknowledgement code of the mode the message asked for:
 *
 * <table>
 *   <caption>decision → acknowledgement</caption>
 *   <tr><th>decision</th><th>original mode (MSH-15 empty)</th><th>enhanced mode (MSH-15 AL, ER, SU)</th></tr>
 *   <tr><td>{@link Accept}: stored</td><td>AA</td><td>CA</td></tr>
 *   <tr><td>{@link Error}: the content is wrong; nothing stored</td><td>AE</td><td>CE</td></tr>
 *   <tr><td>{@link Reject}: a kind of message not taken here</td><td>AR</td><td>CR</td></tr>
 *   <tr><td>{@link RetryLater}: not stored now (the store failed); send it again</td><td>AR</td><td>CE</td></tr>
 * </table>
 *
 * <p>Error, reject and retry-later acknowledgements carry an ERR segment naming what was wrong.
 */
public sealed interface Decision {

    /** The content is stored: acknowledge AA or CA. */
    record Accept() implements Decision {}

    /** The content is in error and nothing was stored (a value that is not a number, a segment missing). */
    record Error(Hl7Failure failure) implements Decision {}

    /** The message is of a kind this handler does not take (type, event, version, processing id). */
    record Reject(Hl7Failure failure) implements Decision {}

    /** The message may be fine but could not be stored now; the sender should send it again. */
    record RetryLater(String reason) implements Decision {
        public RetryLater {
            if (reason.isBlank()) {
                throw new IllegalArgumentException("say why the message was not stored");
            }
        }
    }

    static Decision accept() {
        return new Accept();
    }

    static Decision error(Hl7Failure failure) {
        return new Error(failure);
    }

    static Decision reject(Hl7Failure failure) {
        return new Reject(failure);
    }

    static Decision retryLater(String reason) {
        return new RetryLater(reason);
    }

    /** The failure to name in ERR, or null for an accept. */
    default @Nullable Hl7Failure failureOrNull() {
        if (this instanceof Error e) {
            return e.failure();
        }
        if (this instanceof Reject r) {
            return r.failure();
        }
        if (this instanceof RetryLater l) {
            return Hl7Failure.of(FailureReason.HANDLER_RETRY, l.reason());
        }
        return null;
    }
}
