package org.bedside.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.bedside.runtime.security.HttpAccess.Authenticate;
import org.bedside.runtime.security.HttpAccess.Caller;
import org.bedside.runtime.security.HttpAccess.Decision;
import org.bedside.runtime.security.HttpAccess.Permit;
import org.bedside.runtime.security.HttpAccess.Refuse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The decision table of the gateway's own HTTP, by method, peer and caller (HttpAccessIT runs it over the network). */
class HttpAccessTest {
    private static final Caller VIEWER = new Caller("nurse", Set.of(HttpAccess.VIEWER));
    private static final Caller OPERATOR = new Caller("biomed", Set.of(HttpAccess.OPERATOR));

    private static Decision decide(String method, boolean loopback, @Nullable Caller caller) {
        return HttpAccess.decide(
                new HttpAccess.Request(method, loopback, caller, "bedside", null, "127.0.0.1:8080", "http"));
    }

    private static Decision change(@Nullable String csrf, @Nullable String origin) {
        return HttpAccess.decide(
                new HttpAccess.Request("POST", true, OPERATOR, csrf, origin, "192.0.2.2:8443", "https"));
    }

    @Test
    void readingIsOpenOnLoopbackAndNeedsAUserFromAnywhereElse() {
        for (String method : new String[] {"GET", "HEAD", "OPTIONS", "get"}) {
            assertThat(decide(method, true, null)).isInstanceOf(Permit.class);
            assertThat(decide(method, false, null)).isInstanceOf(Authenticate.class);
            assertThat(decide(method, false, VIEWER)).isInstanceOf(Permit.class);
            assertThat(decide(method, false, OPERATOR)).isInstanceOf(Permit.class);
        }
    }

    @Test
    void everyOtherMethodNeedsAnOperatorFromLoopbackToo() {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE", "TRACE", "ANYTHING"}) {
            for (boolean loopback : new boolean[] {true, false}) {
                assertThat(decide(method, loopback, null)).isInstanceOf(Authenticate.class);
                assertThat(decide(method, loopback, VIEWER)).isEqualTo(new Refuse("nurse has not the role operator"));
                assertThat(decide(method, loopback, OPERATOR)).isInstanceOf(Permit.class);
            }
        }
    }

    private static final Caller CLINICIAN = new Caller("nurse.kim", Set.of(HttpAccess.CLINICIAN));

    private static Decision post(String path, @Nullable Caller caller) {
        return HttpAccess.decide(
                new HttpAccess.Request("POST", false, caller, "bedside", null, "192.0.2.2:8443", "https", path));
    }

    @Test
    void aClinicianMayMakeTheBedsideChangesAndAskTheLocalSignalsAndNoOther() {
        for (String path : new String[] {
            "/api/bedside/lookup",
            "/api/bedside/confirm",
            "/api/bedside/release",
            "/api/bedside/pair",
            "/api/bedside/unpair"
        }) {
            assertThat(post(path, CLINICIAN)).isInstanceOf(Permit.class);
            assertThat(post(path, OPERATOR)).isInstanceOf(Permit.class);
            assertThat(post(path, VIEWER)).isEqualTo(new Refuse("nurse has neither the role clinician nor operator"));
            assertThat(post(path, null))
                    .isEqualTo(new Authenticate(
                            "a bedside change needs a clinician or an operator of gateway.http.users-file"));
        }
        for (String path :
                new String[] {"/api/alarms/local-signals/lamp-test", "/api/alarms/local-signals/audio-pause"}) {
            assertThat(post(path, CLINICIAN)).as(path).isInstanceOf(Permit.class);
            assertThat(post(path, OPERATOR)).as(path).isInstanceOf(Permit.class);
            assertThat(post(path, VIEWER)).isEqualTo(new Refuse("nurse has neither the role clinician nor operator"));
            assertThat(post(path, null))
                    .isEqualTo(
                            new Authenticate(
                                    "a lamp test or an audio pause needs a clinician or an operator of gateway.http.users-file"));
        }
        for (String path : new String[] {
            "/api/dead-letters/retry",
            "/api/captures",
            "/api/bedside",
            "/api/bedsidex",
            "/api/bedside/../captures",
            "/api/alarms",
            "/api/alarms/local-signals/../../captures"
        }) {
            assertThat(post(path, CLINICIAN)).as(path).isEqualTo(new Refuse("nurse.kim has not the role operator"));
        }
        assertThat(HttpAccess.decide(new HttpAccess.Request(
                        "POST", true, CLINICIAN, null, null, "127.0.0.1:8080", "http", "/api/bedside/confirm")))
                .as("the CSRF header for a clinician too")
                .isInstanceOf(Refuse.class);
        assertThat(decide("GET", false, CLINICIAN)).isInstanceOf(Permit.class);
    }

    @Test
    void aChangeNeedsTheCsrfHeaderAndTheGatewaysOwnOrigin() {
        assertThat(change(null, null))
                .isEqualTo(new Refuse("a change must carry the header X-Requested-By (cross-site request protection)"));
        assertThat(change(" ", null)).isInstanceOf(Refuse.class);
        assertThat(change("bedside", "https://192.0.2.2:8443")).isInstanceOf(Permit.class);
        assertThat(change("bedside", "https://192.0.2.2:8443/")).isInstanceOf(Permit.class);
        assertThat(change("bedside", "https://evil.example"))
                .isEqualTo(new Refuse("a change must come from the gateway's own page, not from https://evil.example"));
        assertThat(change("bedside", "http://192.0.2.2:8443")).isInstanceOf(Refuse.class);
        assertThat(change("bedside", "https://192.0.2.2:9443")).isInstanceOf(Refuse.class);
        assertThat(change("bedside", "null")).isInstanceOf(Refuse.class);
    }

    @Test
    void onlyLocalhostAndLoopbackLiteralsAreThisBox() {
        assertThat(HttpAccess.isLoopbackHost("127.0.0.1")).isTrue();
        assertThat(HttpAccess.isLoopbackHost("127.1.2.3")).isTrue();
        assertThat(HttpAccess.isLoopbackHost("localhost")).isTrue();
        assertThat(HttpAccess.isLoopbackHost("::1")).isTrue();
        assertThat(HttpAccess.isLoopbackHost("[::1]")).isTrue();
        assertThat(HttpAccess.isLoopbackHost("0.0.0.0")).isFalse();
        assertThat(HttpAccess.isLoopbackHost("::")).isFalse();
        assertThat(HttpAccess.isLoopbackHost("192.0.2.2")).isFalse();
        assertThat(HttpAccess.isLoopbackHost("gateway.ward.example")).isFalse();
        assertThat(HttpAccess.isLoopbackHost("127.0.0.1.nip.io")).isFalse();
    }
}
