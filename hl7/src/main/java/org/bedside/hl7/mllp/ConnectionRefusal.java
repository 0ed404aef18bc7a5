package org.bedside.hl7.mllp;

import java.io.IOException;
import java.net.InetAddress;
import org.bedside.hl7.FailureReason;
import org.jspecify.annotations.Nullable;

/**
 * A connection an {@link MllpListener} refused before reading any message: a source outside the allow-list
 * ({@link FailureReason#SOURCE_REFUSED}), a TLS client without an acceptable certificate ({@link
 * FailureReason#CLIENT_CERTIFICATE_REFUSED}) or a failed TLS handshake ({@link FailureReason#TLS_HANDSHAKE_FAILED}). No
 * message was read, so it carries no patient data.
 *
 * @param listener the listener's name ({@code adt-in})
 * @param source the peer's address
 * @param detail why, in one sentence (which certificate, which issuer, which allow-list)
 * @param subject the subject of the client certificate presented, or null
 * @param alsoRefused how many more refusals of this source for the same cause were not reported since the last report
 *     (reports are limited to one a minute per source and cause, so that a flood of connections cannot flood the
 *     audit log)
 */
public record ConnectionRefusal(
        String listener,
        InetAddress source,
        FailureReason reason,
        String detail,
        @Nullable String subject,
        long alsoRefused) {

    /** Told of each reported refusal, on the listener's accepting or connection thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @throws IOException if it could not be recorded (the connection is refused anyway; the listener logs it)
         */
        void refused(ConnectionRefusal refusal) throws IOException;
    }
}
