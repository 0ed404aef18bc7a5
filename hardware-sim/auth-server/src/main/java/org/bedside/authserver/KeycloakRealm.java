package org.bedside.authserver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keycloak realm for the gateway, as the admin API's representation: backend clients (service accounts only, no
 * browser flows) authenticated by a signed JWT against their JWKS ({@code private_key_jwt}) or by a secret; one client
 * scope per SMART scope, included in the token's {@code scope} claim; and on every client an audience mapper that puts
 * the FHIR server in {@code aud}, which Keycloak does not do by itself.
 *
 * <pre>{@code
 * String realm = KeycloakRealm.named("bedside", "https://127.0.0.1:8443/fhir")
 *     .tokenLifetime(Duration.ofMinutes(5))
 *     .privateKeyJwtClient("icu-gw-12", jwksJson, "RS384", KeycloakRealm.SMART_SCOPES)
 *     .json();
 * }</pre>
 */
public final class KeycloakRealm {
    /** The SMART v2 scopes the gateway asks for by default. */
    public static final List<String> SMART_SCOPES = List.of(
            "system/Observation.c",
            "system/Device.c",
            "system/AuditEvent.c",
            "system/Patient.rs",
            "system/Encounter.rs");

    private final String name;
    private final String audience;
    private Duration tokenLifetime = Duration.ofMinutes(5);
    private final List<Map<String, Object>> clients = new ArrayList<>();
    private final List<String> scopes = new ArrayList<>(SMART_SCOPES);

    private KeycloakRealm(String name, String audience) {
        this.name = name;
        this.audience = audience;
    }

    /** @param audience what the FHIR server expects in {@code aud} (its base URL, or its configured audience) */
    public static KeycloakRealm named(String name, String audience) {
        return new KeycloakRealm(name, audience);
    }

    public String name() {
        return name;
    }

    public KeycloakRealm tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
        return this;
    }

    /**
     * A client authenticated by a JWT signed with one of the keys in {@code jwks} (public keys only). Keycloak takes
     * only keys marked {@code "use": "sig"}; others make it answer {@code invalid_client (Unable to load public key)}.
     */
    public KeycloakRealm privateKeyJwtClient(
            String clientId, String jwks, String algorithm, List<String> clientScopes) {
        Map<String, Object> c = client(clientId, clientScopes);
        c.put("clientAuthenticatorType", "client-jwt");
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = (Map<String, Object>) c.get("attributes");
        attributes.put("use.jwks.string", "true");
        attributes.put("jwks.string", jwks);
        attributes.put("use.jwks.url", "false"); // never fetch keys from anywhere
        attributes.put("token.endpoint.auth.signing.alg", algorithm);
        clients.add(c);
        return this;
    }

    /** A client authenticated by its secret (Basic or form). */
    public KeycloakRealm secretClient(String clientId, String secret, List<String> clientScopes) {
        Map<String, Object> c = client(clientId, clientScopes);
        c.put("clientAuthenticatorType", "client-secret");
        c.put("secret", secret);
        clients.add(c);
        return this;
    }

    private Map<String, Object> client(String clientId, List<String> clientScopes) {
        for (String s : clientScopes) {
            if (!scopes.contains(s)) {
                scopes.add(s);
            }
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("clientId", clientId);
        c.put("enabled", true);
        c.put("protocol", "openid-connect");
        c.put("publicClient", false);
        c.put("serviceAccountsEnabled", true);
        c.put("standardFlowEnabled", false);
        c.put("implicitFlowEnabled", false);
        c.put("directAccessGrantsEnabled", false);
        c.put("fullScopeAllowed", false);
        c.put("defaultClientScopes", List.copyOf(clientScopes));
        c.put("optionalClientScopes", List.of());
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("access.token.lifespan", Long.toString(tokenLifetime.toSeconds()));
        c.put("attributes", attributes);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("included.custom.audience", audience);
        config.put("access.token.claim", "true");
        config.put("id.token.claim", "false");
        config.put("introspection.token.claim", "true");
        Map<String, Object> mapper = new LinkedHashMap<>();
        mapper.put("name", "fhir-server-audience");
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-audience-mapper");
        mapper.put("config", config);
        c.put("protocolMappers", List.of(mapper));
        return c;
    }

    /** The realm representation for {@code POST /admin/realms}. */
    public String json() {
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("accessTokenLifespan", (int) tokenLifetime.toSeconds());
        realm.put("sslRequired", "none"); // loopback tests; the demo fronts it with HTTPS
        realm.put("eventsEnabled", false);
        List<Map<String, Object>> clientScopes = new ArrayList<>();
        for (String s : scopes) {
            Map<String, Object> scope = new LinkedHashMap<>();
            scope.put("name", s);
            scope.put("protocol", "openid-connect");
            scope.put("attributes", Map.of("include.in.token.scope", "true", "display.on.consent.screen", "false"));
            clientScopes.add(scope);
        }
        realm.put("clientScopes", clientScopes);
        realm.put("defaultDefaultClientScopes", List.of());
        realm.put("defaultOptionalClientScopes", List.of());
        realm.put("clients", clients);
        return Json.write(realm);
    }
}
