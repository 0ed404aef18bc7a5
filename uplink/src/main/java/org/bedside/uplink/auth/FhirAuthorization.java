package org.bedside.uplink.auth;

import java.time.Duration;

/**
 * What the FHIR uploader asks before each request and tells after it. Implementations cache and renew tokens and keep
 * the state; none of them throws.
 *
 * <pre>{@code
 * Credential c = auth.credential();                  // Bearer, None, or Unavailable (then do not send)
 * ... POST with c ...
 * 401 -> if (auth.unauthorized(c, challenge).isZero()) retry once with auth.credential()
 * 403 -> wait auth.forbidden(c, challenge)           // a missing scope: a state, not a loop
 * 2xx -> auth.accepted(c)
 * }</pre>
 */
public interface FhirAuthorization {

    /** The credential for the next request; may ask the authorization server (blocking) when the cached token is due. */
    Credential credential();

    /**
     * The FHIR server answered 401 to a request that carried {@code used}. Returns {@link Duration#ZERO} when a fresh
     * credential is worth one immediate retry; otherwise how long to wait (the state then says why).
     */
    Duration unauthorized(Credential used, Challenge challenge);

    /** The FHIR server answered 403: the credential lacks a permission. Returns how long to wait before trying again. */
    Duration forbidden(Credential used, Challenge challenge);

    /** The FHIR server accepted a request that carried {@code used}. */
    void accepted(Credential used);

    AuthStatus status();

    /** No authorization: requests carry no {@code Authorization} header. */
    static FhirAuthorization none() {
        return new NoAuthorization();
    }
}
