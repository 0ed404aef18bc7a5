package org.bedside.uplink.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongSupplier;
import org.bedside.common.Backoff;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth 2.0 client credentials (SMART Backend Services, or a client secret): one token cached and renewed before it
 * expires, by the monotonic clock (a wall clock that jumps must not make a token look fresh or stale).
 *
 * <ul>
 *   <li>A token is renewed {@code renewBefore} ahead of its end, or at three quarters of a lifetime shorter than that.
 *   <li>A 401 from the FHIR server drops the token and allows one immediate renewal; a fresh token refused again is a
 *       state ({@link AuthStatus.State#TOKEN_REFUSED}) with back-off, never a loop.
 *   <li>A 403 is a missing scope ({@link AuthStatus.State#FORBIDDEN}): the token is dropped (the next one may carry a
 *       scope granted meanwhile) and nothing is asked or sent for the back-off.
 *   <li>A refused client (400/401 from the token endpoint) waits from {@code refusedRetryDelay}, doubling to 15
 *       minutes; an unreachable one from 1 s to {@code retryMaxDelay}. While a wait lasts, {@link #credential()}
 *       answers {@link Credential.Unavailable} without asking anyone.
 * </ul>
 */
final class ClientCredentials implements FhirAuthorization {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCredentials.class);
    private static final Duration MAX_REFUSED_DELAY = Duration.ofMinutes(15);
    /** A token with no {@code expires_in} is renewed after this long (servers normally say; RFC 6749 5.1). */
    private static final Duration UNSTATED_LIFETIME = Duration.ofMinutes(5);

    private final String method;
    private final TokenSource source;
    private final Duration renewBefore;
    private final LongSupplier nanoTime;
    private final InstantSource wallClock;
    private final Backoff refusedBackoff;
    private final Backoff unreachableBackoff;

    private @Nullable String token;
    private @Nullable String grantedScope;
    private long renewAtNanos;
    private long expiresAtNanos;
    private @Nullable Instant expiresAtWall;
    /** The held token was fetched because the FHIR server refused the one before it. */
    private boolean fetchedAfterRefusal;

    private long holdUntilNanos;
    private String holdReason = "";
    private long tokensIssued;
    private long tokenRequests;
    private AuthStatus.State state = AuthStatus.State.STARTING;
    private String detail = "no token asked for yet";
    private Instant since;

    ClientCredentials(
            String method,
            TokenSource source,
            Duration renewBefore,
            Duration retryMaxDelay,
            Duration refusedRetryDelay,
            LongSupplier nanoTime,
            InstantSource wallClock) {
        this.method = method;
        this.source = source;
        this.renewBefore = renewBefore;
        this.nanoTime = nanoTime;
        this.wallClock = wallClock;
        this.refusedBackoff = new Backoff(refusedRetryDelay, maxOf(refusedRetryDelay, MAX_REFUSED_DELAY));
        this.unreachableBackoff = new Backoff(Duration.ofSeconds(1), maxOf(Duration.ofSeconds(1), retryMaxDelay));
        this.since = wallClock.instant();
    }

    @Override
    public synchronized Credential credential() {
        long now = nanoTime.getAsLong();
        String held = token;
        if (held != null && now - renewAtNanos < 0) {
            return new Credential.Bearer(held);
        }
        if (now - holdUntilNanos < 0) {
            if (held != null && now - expiresAtNanos < 0) {
                return new Credential.Bearer(held); // due for renewal, but the server is resting: still valid
            }
            return new Credential.Unavailable(holdReason, Duration.ofNanos(holdUntilNanos - now));
        }
        tokenRequests++;
        TokenSource.Answer answer = source.fetch();
        now = nanoTime.getAsLong();
        if (answer instanceof TokenSource.Issued issued) {
            Duration lifetime =
                    issued.lifetime() != null && !issued.lifetime().isZero() ? issued.lifetime() : UNSTATED_LIFETIME;
            // Renew renewBefore ahead of the end; a lifetime shorter than four times that is renewed at 3/4 of it.
            Duration renewAfter =
                    maxOf(lifetime.minus(renewBefore), lifetime.multipliedBy(3).dividedBy(4));
            token = issued.token();
            grantedScope = issued.scope();
            renewAtNanos = now + renewAfter.toNanos();
            expiresAtNanos = now + lifetime.toNanos();
            expiresAtWall = wallClock.instant().plus(lifetime);
            tokensIssued++;
            unreachableBackoff.reset();
            refusedBackoff.reset();
            holdUntilNanos = now;
            if (state != AuthStatus.State.READY) {
                LOG.info(
                        "Uplink authorization: token received from {} ({} s{})",
                        source.endpoint(),
                        lifetime.toSeconds(),
                        issued.scope() == null ? "" : ", scope " + issued.scope());
            }
            set(
                    AuthStatus.State.READY,
                    "token from " + source.endpoint() + " valid for " + lifetime.toSeconds() + " s");
            return new Credential.Bearer(issued.token());
        }
        fetchedAfterRefusal = false;
        if (held != null && now - expiresAtNanos >= 0) {
            token = null; // expired while the server could not give a new one
        }
        Duration wait;
        if (answer instanceof TokenSource.Refused refused) {
            wait = refusedBackoff.nextDelay();
            hold(AuthStatus.State.CLIENT_REFUSED, refused.reason(), wait, now);
        } else {
            wait = unreachableBackoff.nextDelay();
            hold(AuthStatus.State.UNREACHABLE, ((TokenSource.Unreachable) answer).reason(), wait, now);
        }
        String still = token;
        return still != null ? new Credential.Bearer(still) : new Credential.Unavailable(holdReason, wait);
    }

    @Override
    public synchronized Duration unauthorized(Credential used, Challenge challenge) {
        long now = nanoTime.getAsLong();
        if (!(used instanceof Credential.Bearer b) || !b.token().equals(token)) {
            return Duration.ZERO; // another request renewed it meanwhile
        }
        token = null;
        if (!fetchedAfterRefusal) {
            fetchedAfterRefusal = true; // the next fetch is the one renewal this 401 allows
            holdUntilNanos = now;
            return Duration.ZERO;
        }
        fetchedAfterRefusal = false;
        Duration wait = refusedBackoff.nextDelay();
        hold(
                AuthStatus.State.TOKEN_REFUSED,
                "the FHIR server refuses even a fresh token from " + source.endpoint() + " (" + challenge.describe()
                        + "): check the token's audience, issuer and signing keys on both servers",
                wait,
                now);
        return wait;
    }

    @Override
    public synchronized Duration forbidden(Credential used, Challenge challenge) {
        long now = nanoTime.getAsLong();
        String granted = grantedScope;
        token = null;
        fetchedAfterRefusal = false;
        Duration wait = refusedBackoff.nextDelay();
        hold(
                AuthStatus.State.FORBIDDEN,
                "the FHIR server refuses the gateway's requests (" + challenge.describe() + "); the token "
                        + (granted == null ? "" : "grants '" + granted + "': ")
                        + "grant the gateway's client the missing scope at the authorization server",
                wait,
                now);
        return wait;
    }

    @Override
    public synchronized void accepted(Credential used) {
        fetchedAfterRefusal = false;
        refusedBackoff.reset();
        if (state != AuthStatus.State.READY) {
            LOG.info("Uplink authorization: the FHIR server accepts the gateway's token again");
            set(AuthStatus.State.READY, "the FHIR server accepts the token from " + source.endpoint());
        }
    }

    @Override
    public synchronized AuthStatus status() {
        return new AuthStatus(
                state,
                method,
                detail,
                since,
                source.endpoint(),
                token == null ? null : expiresAtWall,
                token == null ? null : grantedScope,
                tokensIssued,
                tokenRequests);
    }

    private void hold(AuthStatus.State newState, String reason, Duration wait, long now) {
        holdUntilNanos = now + wait.toNanos();
        holdReason = reason + "; readings are kept, asking again in " + Math.max(1, wait.toSeconds()) + " s";
        if (newState != state || !reason.equals(detail)) {
            LOG.warn("Uplink authorization: {}", holdReason);
        }
        set(newState, reason);
    }

    private void set(AuthStatus.State newState, String newDetail) {
        if (newState != state) {
            since = wallClock.instant();
        }
        state = newState;
        detail = newDetail;
    }

    private static Duration maxOf(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
