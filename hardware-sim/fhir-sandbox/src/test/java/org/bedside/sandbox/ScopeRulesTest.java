package org.bedside.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the sandbox reads SMART scopes, and its security options. */
class ScopeRulesTest {

    @Test
    void readsSmartV2LettersAndV1Words() {
        List<String> v2 = List.of("system/Observation.c", "system/Patient.rs");
        assertThat(ScopeRules.allows(v2, "Observation", 'c')).isTrue();
        assertThat(ScopeRules.allows(v2, "Observation", 's')).isFalse();
        assertThat(ScopeRules.allows(v2, "Patient", 'r')).isTrue();
        assertThat(ScopeRules.allows(v2, "Patient", 's')).isTrue();
        assertThat(ScopeRules.allows(v2, "Device", 'c')).isFalse();

        List<String> v1 = List.of("system/Observation.write", "system/Patient.read", "system/Device.*");
        assertThat(ScopeRules.allows(v1, "Observation", 'c')).isTrue();
        assertThat(ScopeRules.allows(v1, "Observation", 'r')).isFalse();
        assertThat(ScopeRules.allows(v1, "Patient", 's')).isTrue();
        assertThat(ScopeRules.allows(v1, "Device", 'd')).isTrue();
        assertThat(ScopeRules.allows(List.of("system/*.cruds"), "Encounter", 'u'))
                .isTrue();
    }

    @Test
    void grantsABackendClientNothingThroughPatientOrUserScopesOrMisorderedLetters() {
        assertThat(ScopeRules.allows(List.of("patient/Observation.c", "user/*.cruds"), "Observation", 'c'))
                .isFalse();
        assertThat(ScopeRules.allows(List.of("system/Observation.rc"), "Observation", 'c'))
                .isFalse();
        assertThat(ScopeRules.needed("Observation", 'c')).isEqualTo("system/Observation.c");
    }

    @Test
    void parsesTheSecurityOptions() {
        SandboxOptions o = SandboxOptions.parse(
                "--https-cert",
                "c.pem",
                "--https-key",
                "k.pem",
                "--client-ca",
                "ca.pem",
                "--jwks-url",
                "http://127.0.0.1:1/certs",
                "--audience",
                "urn:x",
                "--token-endpoint",
                "http://127.0.0.1:1/token");
        assertThat(o.security().https()).isTrue();
        assertThat(o.security().checksTokens()).isTrue();
        assertThat(o.security().audience()).isEqualTo("urn:x");
        assertThat(SandboxOptions.parse().security()).isEqualTo(SandboxOptions.Security.NONE);
        assertThatThrownBy(() -> SandboxOptions.parse("--client-ca", "ca.pem"))
                .hasMessageContaining("--client-ca needs HTTPS");
        assertThatThrownBy(() -> SandboxOptions.parse("--https-cert", "c.pem")).hasMessageContaining("go together");
    }
}
