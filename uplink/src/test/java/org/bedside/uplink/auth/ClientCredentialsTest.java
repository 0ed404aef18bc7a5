package org.bedside.uplink.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The token cache and the answers to 401 and 403, with a scripted token source and a hand-driven monotonic clock
 * (the timing rules are the point, so no real clock). Against real servers: SecureSandboxIT and the Keycloak suites.
 */
class ClientCredentialsTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Deque<TokenSource.Answer> script = new ArrayDeque<>();
    private int fetches;

    private final TokenSource source = new TokenSource() {
        @Override
        public Answer fetch() {
            fetches++;
            Answer a = script.poll();
            return a != null ? a : new Unreachable("script exhausted");
        }

        @Override
        public @Nullable String endpoint() {
            return "https://auth.example/token";
        }
    };

    private final ClientCredentials auth = new ClientCredentials(
            "private_key_jwt",
            source,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            nanos::get,
            () -> Instant.parse("2026-12-01T10:00:00Z"));

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private static TokenSource.Issued token(String value, int seconds) {
        return new TokenSource.Issued(value, Duration.ofSeconds(seconds), "system/Observation.c");
    }

    private String bearer() {
        Credential c = auth.credential();
        assertThat(c).isInstanceOf(Credential.Bearer.class);
        return ((Credential.Bearer) c).token();
    }

    @Test
    void cachesTheTokenAndRenewsItBeforeItExpires() {
        script.add(token("t1", 300));
        script.add(token("t2", 300));
        assertThat(bearer()).isEqualTo("t1");
        advance(Duration.ofSeconds(239));
        assertThat(bearer()).isEqualTo("t1");
        assertThat(fetches).isEqualTo(1);
        advance(Duration.ofSeconds(1)); // 60 s before the end
        assertThat(bearer()).isEqualTo("t2");
        assertThat(fetches).isEqualTo(2);
        assertThat(auth.status().tokensIssued()).isEqualTo(2);
        assertThat(auth.status().toString()).doesNotContain("t1").doesNotContain("t2");
    }

    @Test
    void aShortLivedTokenIsRenewedAtThreeQuartersOfItsLife() {
        script.add(token("short", 20));
        script.add(token("next", 20));
        assertThat(bearer()).isEqualTo("short");
        advance(Duration.ofSeconds(14));
        assertThat(bearer()).isEqualTo("short");
        advance(Duration.ofSeconds(1));
        assertThat(bearer()).isEqualTo("next");
    }

    @Test
    void a401RenewsOnceAndAFreshTokenRefusedAgainIsAStateWithBackOff() {
        script.add(token("old", 300));
        script.add(token("fresh", 300));
        Credential old = auth.credential();
        Challenge invalid = new Challenge(401, "invalid_token", "Expired JWT", null);
        assertThat(auth.unauthorized(old, invalid)).isZero();
        Credential fresh = auth.credential();
        assertThat(((Credential.Bearer) fresh).token()).isEqualTo("fresh");

        Duration wait = auth.unauthorized(fresh, invalid);
        assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(auth.status().state()).isEqualTo(AuthStatus.State.TOKEN_REFUSED);
        assertThat(auth.status().detail()).contains("even a fresh token").contains("invalid_token");
        // While the wait lasts nothing is asked of anyone.
        Credential during = auth.credential();
        assertThat(during).isInstanceOf(Credential.Unavailable.class);
        assertThat(fetches).isEqualTo(2);
    }

    @Test
    void aRefusedClientIsAStateAndTheTokenEndpointIsNotHammered() {
        for (int i = 0; i < 100; i++) {
            script.add(new TokenSource.Refused("invalid_client (Invalid client credentials)"));
        }
        Credential first = auth.credential();
        assertThat(first).isInstanceOf(Credential.Unavailable.class);
        assertThat(((Credential.Unavailable) first).reason())
                .contains("invalid_client")
                .contains("readings are kept");
        assertThat(auth.status().state()).isEqualTo(AuthStatus.State.CLIENT_REFUSED);
        // An uploader retrying every second for ten minutes asks the token endpoint only a few times.
        for (int s = 0; s < 600; s++) {
            advance(Duration.ofSeconds(1));
            auth.credential();
        }
        assertThat(fetches).isBetween(2, 6);
        assertThat(auth.status().tokenRequests()).isEqualTo(fetches);
    }

    @Test
    void anUnreachableServerIsAskedAgainWithGrowingWaitsAndATokenIsTakenWhenItAnswers() {
        for (int i = 0; i < 5; i++) {
            script.add(new TokenSource.Unreachable("Connection refused"));
        }
        script.add(token("back", 300));
        assertThat(auth.credential()).isInstanceOf(Credential.Unavailable.class);
        assertThat(auth.status().state()).isEqualTo(AuthStatus.State.UNREACHABLE);
        int before = fetches;
        for (int s = 0; s < 120 && !(auth.credential() instanceof Credential.Bearer); s++) {
            advance(Duration.ofSeconds(1));
        }
        assertThat(auth.status().state()).isEqualTo(AuthStatus.State.READY);
        assertThat(fetches - before).isEqualTo(5);
    }

    @Test
    void a403DropsTheTokenWaitsAndNamesTheMissingScope() {
        script.add(new TokenSource.Issued("narrow", Duration.ofSeconds(300), "system/Patient.rs"));
        script.add(token("wide", 300));
        Credential narrow = auth.credential();
        Duration wait = auth.forbidden(narrow, new Challenge(403, "insufficient_scope", null, "system/Observation.c"));
        assertThat(auth.status().state()).isEqualTo(AuthStatus.State.FORBIDDEN);
        assertThat(auth.status().detail()).contains("system/Observation.c").contains("grants 'system/Patient.rs'");
        assertThat(auth.credential()).isInstanceOf(Credential.Unavailable.class);
        advance(wait);
        assertThat(bearer()).isEqualTo("wide"); // a new token, which may carry a scope granted meanwhile
        auth.accepted(new Credential.Bearer("wide"));
        assertThat(auth.status().state()).isEqualTo(AuthStatus.State.READY);
    }
}
