package org.bedside.uplink.auth;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How the uplink's authorization stands, for the status page and health. Holds no token or secret.
 *
 * @param method how the gateway authenticates ({@code private_key_jwt}, {@code client_secret_basic}, {@code bearer
 *     file}, {@code none})
 * @param detail the state in words, naming the server and the cause
 * @param tokenEndpoint where tokens come from, once known (configured or discovered)
 * @param tokenExpiresAt when the cached token ends (wall clock, for people), or null
 * @param grantedScope the scopes of the cached token as granted, or null
 * @param tokensIssued tokens received since start
 * @param tokenRequests requests made to the token endpoint since start (a refused client must not make this grow fast)
 */
public record AuthStatus(
        State state,
        String method,
        String detail,
        Instant since,
        @Nullable String tokenEndpoint,
        @Nullable Instant tokenExpiresAt,
        @Nullable String grantedScope,
        long tokensIssued,
        long tokenRequests) {

    public enum State {
        /** No authorization configured. */
        NONE,
        /** Nothing asked yet. */
        STARTING,
        /** A token is held, or the last request with one was accepted. */
        READY,
        /** The authorization server cannot be reached or fails (5xx); asked again with back-off. */
        UNREACHABLE,
        /** The authorization server refuses this gateway (400/401: unknown client, wrong key or secret, bad scope). */
        CLIENT_REFUSED,
        /** The FHIR server refuses the token itself (401), even a fresh one: audience, issuer or signature. */
        TOKEN_REFUSED,
        /** The FHIR server refuses the request (403): the token lacks a scope the gateway needs. */
        FORBIDDEN
    }
}
