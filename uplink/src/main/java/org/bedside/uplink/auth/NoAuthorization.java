package org.bedside.uplink.auth;

import java.time.Duration;
import java.time.Instant;
import org.bedside.common.Backoff;

/** Requests carry no credential; a 401 or 403 then means the server wants one, which is said and waited out. */
final class NoAuthorization implements FhirAuthorization {
    private final Backoff refusedBackoff = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(15));
    private volatile AuthStatus status = new AuthStatus(
            AuthStatus.State.NONE, "none", "no authorization configured", Instant.now(), null, null, null, 0, 0);

    @Override
    public Credential credential() {
        return Credential.NONE;
    }

    @Override
    public synchronized Duration unauthorized(Credential used, Challenge challenge) {
        return refused("the FHIR server wants a token (" + challenge.describe()
                + "), and no authorization is configured for the uplink");
    }

    @Override
    public synchronized Duration forbidden(Credential used, Challenge challenge) {
        return refused("the FHIR server refuses requests without a token (" + challenge.describe()
                + "), and no authorization is configured for the uplink");
    }

    private Duration refused(String detail) {
        status = new AuthStatus(AuthStatus.State.TOKEN_REFUSED, "none", detail, Instant.now(), null, null, null, 0, 0);
        return refusedBackoff.nextDelay();
    }

    @Override
    public synchronized void accepted(Credential used) {
        refusedBackoff.reset();
        if (status.state() != AuthStatus.State.NONE) {
            status = new AuthStatus(
                    AuthStatus.State.NONE,
                    "none",
                    "no authorization configured",
                    Instant.now(),
                    null,
                    null,
                    null,
                    0,
                    0);
        }
    }

    @Override
    public AuthStatus status() {
        return status;
    }
}
